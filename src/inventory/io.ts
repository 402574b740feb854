import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeAjvErrors } from "../util/ajv.js";
import { readDocument, type DocumentFormat } from "../util/json-document.js";
import { InputError } from "../errors.js";
import {
  INVENTORY_FORMAT_VERSION,
  READABLE_INVENTORY_VERSIONS,
  DERIVED_RESOURCE_TYPES,
  RESOURCE_TYPES,
  resourceWith,
  type CollectionError,
  type Inventory,
  type Resource,
} from "../model/inventory.js";
import { PROBE_RESOURCE_TYPE } from "../probe/types.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { scrubContext } from "../secrets/load.js";
import { scrubError, scrubResource, type ScrubContext } from "../secrets/scrub.js";
import { packageRoot } from "../util/paths.js";
import { withFastObjects } from "../util/json.js";
import { stableStringifyChunks } from "../util/stable-json.js";

// Moved next to newAjv (rule, profile and framework loaders need it without this module's readers); kept here for
// the readers' callers.
export { describeAjvErrors };

let schema: DocumentFormat["schema"] | undefined;
function inventorySchema(): DocumentFormat["schema"] {
  schema ??= JSON.parse(readFileSync(join(packageRoot(), "schemas/inventory.schema.json"), "utf8")) as DocumentFormat["schema"];
  return schema;
}

function inventoryFormat(source: string): DocumentFormat {
  return {
    schema: inventorySchema(),
    streamed: ["resources", "errors"],
    identityKeys: ["kind", "formatVersion"],
    checkIdentity(id) {
      if (id["kind"] !== "tollgate-inventory")
        throw new InputError(`${source}: not a Tollgate inventory: /kind must be "tollgate-inventory"`);
      if (!(READABLE_INVENTORY_VERSIONS as readonly unknown[]).includes(id["formatVersion"]))
        throw new InputError(
          `${source}: unsupported inventory /formatVersion ${JSON.stringify(id["formatVersion"])} (this Tollgate reads versions ${READABLE_INVENTORY_VERSIONS.join(" and ")})`,
        );
    },
    invalid: (errors) => new InputError(`${source}: invalid inventory: ${describeAjvErrors([...errors])}`),
    notJson: (e) =>
      new InputError(
        `${source}: not a Tollgate inventory: invalid JSON (${e.message}); the file ${e.truncated ? "is truncated" : "may be corrupt"}`,
      ),
    unreadable: (e) => new InputError(`${source}: cannot read inventory: ${e.message}`),
  };
}

/**
 * Whether a resource's facts are recorded rather than derived: probe resources carry the verdicts the prober drew
 * from its exchanges when it sent them. Every other resource's facts are the enrichers', recomputed from `raw`.
 */
export function hasRecordedFacts(r: Pick<Resource, "type">): boolean {
  return r.type === PROBE_RESOURCE_TYPE;
}

/** A collected resource as AWS described it: no derived facts, nor the facts enrichers left out on purpose. */
function withoutFacts(r: Resource): Omit<Resource, "derived"> {
  const { derived: _derived, skipped: _skipped, ...raw } = r;
  return raw;
}

/**
 * Errors enrichment found in format 1 inventories, which saved them with the facts: malformed or missing IAM
 * policy documents (src/enrich/iam.ts, src/enrich/access.ts). Recomputed now, so an old copy is dropped.
 */
const V1_DERIVATION_ERRORS = new Set(["MalformedPolicyDocument", "PolicyDocumentMissing", "PolicyNotFound", "GroupNotFound"]);
const isV1DerivationError = (e: CollectionError): boolean =>
  e.service === "iam" && e.operation === "GetAccountAuthorizationDetails" && V1_DERIVATION_ERRORS.has(e.errorName);

/**
 * The inventory in canonical order (resources by type, account and region, then as collected; errors by where
 * they happened), in the saved form: collected resources without facts (see hasRecordedFacts).
 */
function canonical(inv: Inventory): Omit<Inventory, "resources"> & { resources: (Resource | Omit<Resource, "derived">)[] } {
  // Grouped by type, account and region; within a group the order AWS listed them in is kept (a stable sort), as
  // enrichers list a stage's methods and an API's stages in that order: evaluating the file gives the scan's facts.
  const rkey = (r: Inventory["resources"][number]) => [r.type, r.account, r.region].join("|");
  // Derived resources (exposure paths) are recomputed from the others, never saved.
  const resources = inv.resources
    .filter((r) => !DERIVED_RESOURCE_TYPES.has(r.type))
    .sort((a, b) => {
      const ka = rkey(a);
      const kb = rkey(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  const errors = [...inv.errors].sort((a, b) => {
    const ka = [a.account, a.region, a.service, a.operation, a.resourceArn ?? "", a.errorName].join("|");
    const kb = [b.account, b.region, b.service, b.operation, b.resourceArn ?? "", b.errorName].join("|");
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return {
    ...inv,
    formatVersion: INVENTORY_FORMAT_VERSION,
    resources: resources.map((r) => (hasRecordedFacts(r) ? r : withoutFacts(r))),
    errors,
  };
}

/** The serialised inventory in pieces (sorted keys, stable order): one resource at a time, never the whole text. */
export function* inventoryChunks(inv: Inventory): Generator<string> {
  yield* stableStringifyChunks(canonical(inv));
  yield "\n";
}

/** Serialises an inventory deterministically (sorted keys, resources in a stable order). */
export function serializeInventory(inv: Inventory): string {
  return [...inventoryChunks(inv)].join("");
}

/**
 * Writes an inventory atomically (util/atomic-write), streamed a resource at a time: an interrupted or failed write
 * never leaves half a file, and the event loop stays free (a second Ctrl-C is still heard while writing).
 */
export async function saveInventory(path: string, inv: Inventory): Promise<void> {
  await writeFileAtomic(path, inventoryChunks(inv));
}

/**
 * Reads and validates an inventory from `source` (a path, or its text in pieces) by streaming, a resource at a
 * time: any size, never one string. A corrupt, truncated or foreign document is an InputError naming the problem
 * and its JSON pointer. Secret values an older Tollgate stored are redacted as each resource is read
 * (scrubResource), so they never reach memory for long, nor a report. Format 1 inventories are read too: their
 * derived facts and the errors enrichment found are dropped (the enrich stage recomputes both).
 */
async function readInventory(
  source: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  name: string,
  secrets: ScrubContext,
): Promise<Inventory> {
  const known = new Set<string>(RESOURCE_TYPES);
  const resources: Resource[] = [];
  const errors: CollectionError[] = [];
  const doc = await readDocument(source, inventoryFormat(name), (array, value, index) => {
    if (array === "errors") {
      errors.push(scrubError(value as CollectionError, secrets));
      return;
    }
    const r = value as Resource;
    if (!known.has(r.type)) throw new InputError(`${name}: /resources/${index}/type: unknown resource type ${r.type}`);
    if (DERIVED_RESOURCE_TYPES.has(r.type)) return;
    // The streaming parser builds objects a member at a time: rebuilt, large ones take a fraction of the memory
    // (only what is kept: not a dropped resource, nor the stale facts below).
    // Facts an older Tollgate derived are stale by design: the enrich stage computes them afresh from `raw`.
    // Kept as AWS described it (see withoutFacts), with room for the facts the enrich stage derives.
    const kept = hasRecordedFacts(r)
      ? (withFastObjects(r) as Resource)
      : resourceWith(r, { raw: withFastObjects(r.raw) as Resource["raw"], derived: {}, skipped: undefined });
    resources.push(scrubResource(kept, secrets));
  });
  const inventory = doc as unknown as Inventory;
  const kept = inventory.formatVersion === 1 ? errors.filter((e) => !isV1DerivationError(e)) : errors;
  return { ...inventory, formatVersion: INVENTORY_FORMAT_VERSION, resources, errors: kept };
}

/** Parses and validates inventory text (see loadInventory). */
export function parseInventory(text: string, source: string, secrets: ScrubContext = scrubContext()): Promise<Inventory> {
  return readInventory([text], source, secrets);
}

/** Reads and validates an inventory file of any size (secret values redacted, see readInventory). */
export function loadInventory(path: string, secrets: ScrubContext = scrubContext()): Promise<Inventory> {
  return readInventory(path, path, secrets);
}
