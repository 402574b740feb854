import type { IamAnalysisData } from "../analysis/iam/index.js";
import type { LambdaRuntimes } from "../data/lambda-runtimes.js";
import { enrich } from "../enrich/index.js";
import { refreshExposurePaths } from "../enrich/paths.js";
import { hasRecordedFacts } from "../inventory/io.js";
import { DERIVED_RESOURCE_TYPES, type CollectionError, type Inventory } from "../model/inventory.js";
import type { SecretPatterns } from "../secrets/patterns.js";

/** Data the enrich stage uses besides the inventory, loaded once by the setup (see loadRunData). */
export interface EnrichData {
  /** IAM analysis data; absent: access facts are not derived and the rules needing them report error. */
  iamAnalysis?: IamAnalysisData | undefined;
  /** What looks like a secret: rules/data/secret-patterns.json, read by the setup (src/secrets/load.ts). */
  secretPatterns: SecretPatterns;
  /** Lambda runtime lifecycle dates (rules/data/lambda-runtimes.json); absent: the runtime rules report error. */
  lambdaRuntimes?: LambdaRuntimes | undefined;
}

/** An inventory with its derived facts, and the errors enrichment added to it (recomputed, so never saved). */
export interface Enriched {
  inventory: Inventory;
  derivationErrors: ReadonlySet<CollectionError>;
}

/**
 * The enrich stage (pure): every collected resource's derived facts, computed from its raw SDK output, the other
 * resources (joins), the collection clock (`metadata.collectedAt`), the collection errors and the loaded data,
 * through the enrichers of src/enrich. Facts an inventory carried (an old format) are replaced, never kept.
 */
export function enrichStage(inventory: Inventory, data: EnrichData): Enriched {
  // Derived resources (exposure paths) an inventory carried are dropped: enrich() makes them afresh, after the rest.
  const collected = inventory.resources.filter((r) => !hasRecordedFacts(r) && !DERIVED_RESOURCE_TYPES.has(r.type));
  const out = enrich(collected, {
    now: new Date(inventory.metadata.collectedAt),
    errors: inventory.errors,
    iamAnalysis: data.iamAnalysis,
    secretPatterns: data.secretPatterns,
    // Facts joining a service the run did not collect (--services) are skipped, not guessed from the other half.
    services: inventory.metadata.services,
    lambdaRuntimes: data.lambdaRuntimes,
    // An integration's Lambda function is judged only where the run scanned (the units of every shard merged).
    units: inventory.metadata.units,
  });
  const byIndex = new Map(collected.map((r, i) => [r, out.resources[i]!]));
  return {
    inventory: {
      ...inventory,
      // Exposure paths once more with the probe resources a probed inventory carries (their outcomes count).
      resources: inventory.resources.some(hasRecordedFacts)
        ? refreshExposurePaths(
            inventory.resources.filter((r) => !DERIVED_RESOURCE_TYPES.has(r.type)).map((r) => byIndex.get(r) ?? r),
            [...inventory.errors, ...out.errors],
            inventory.metadata.services,
          )
        : [
            ...inventory.resources.filter((r) => !DERIVED_RESOURCE_TYPES.has(r.type)).map((r) => byIndex.get(r) ?? r),
            ...out.resources.slice(collected.length),
          ],
      errors: [...inventory.errors, ...out.errors],
    },
    derivationErrors: new Set(out.errors),
  };
}

/**
 * The inventory as saved: without the errors enrichment found, which are recomputed with the facts when the
 * inventory is evaluated (saveInventory leaves out the facts themselves).
 */
export function savedForm(inventory: Inventory, derivationErrors: ReadonlySet<CollectionError>): Inventory {
  return derivationErrors.size ? { ...inventory, errors: inventory.errors.filter((e) => !derivationErrors.has(e)) } : inventory;
}
