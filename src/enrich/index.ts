import type { IamAnalysisData } from "../analysis/iam/index.js";
import { DERIVED_RESOURCE_TYPES, resourceWith, type CollectionError, type Resource } from "../model/inventory.js";
import { enrichAccess } from "./access.js";
import type { SecretPatterns } from "../secrets/patterns.js";
import { enrichApiSecurity } from "./api-security.js";
import { enrichAppSync } from "./appsync.js";
import { enrichCognito } from "./cognito.js";
import type { LambdaRuntimes } from "../data/lambda-runtimes.js";
import { enrichIam, type EnrichResult } from "./iam.js";
import { enrichIntegrations } from "./integrations.js";
import { enrichLambda } from "./lambda.js";
import { exposurePaths } from "./paths.js";
import { enrichRegional } from "./regional.js";

/**
 * What enrichers may use besides the resources: the collection clock and data loaded once by the shell
 * (scan/evaluate). Passed explicitly so enrichers stay pure and no module holds a singleton.
 */
export interface EnrichContext {
  /** The collection clock: ages are computed against it, never against the wall clock. */
  now: Date;
  /** IAM analysis data; when absent, access facts are not derived and the rules needing them report error. */
  iamAnalysis?: IamAnalysisData | undefined;
  /**
   * Collection errors so far: facts that join a listing (custom domains → API, routes → API) are null
   * unless the listing is known complete, so without this they are null.
   */
  errors?: readonly CollectionError[] | undefined;
  /** What looks like a secret: rules/data/secret-patterns.json, loaded by the setup (src/secrets/load.ts). */
  secretPatterns: SecretPatterns;
  /**
   * The services collected, when a scan was restricted (`--services`): a fact joining a service that was left
   * out is skipped with that reason, not guessed from the half that was collected.
   */
  services?: readonly string[] | undefined;
  /** Lambda runtime lifecycle dates (rules/data/lambda-runtimes.json); when absent, runtime facts are null. */
  lambdaRuntimes?: LambdaRuntimes | undefined;
  /**
   * The (account, region) units the scan covered: an integration naming a Lambda function elsewhere is not judged.
   * When absent, only an integration's own account and region count as scanned.
   */
  units?: readonly { account: string; region: string }[] | undefined;
}

/** A pure enricher: derives facts from raw data (of any resources, for joins) and the context. */
export type Enricher = (resources: Resource[], ctx: EnrichContext) => EnrichResult;

/** Every enricher, in order; later ones may read facts earlier ones derived. New enrichers add one entry. */
export const ENRICHERS: Enricher[] = [
  (resources, ctx) => enrichIam(resources, ctx.now),
  (resources) => enrichRegional(resources),
  (resources, ctx) =>
    enrichApiSecurity(resources, {
      errors: ctx.errors,
      secretPatterns: ctx.secretPatterns,
      services: ctx.services,
    }),
  enrichAccess,
  // After enrichAccess: identity pools join the IAM analysis of their roles.
  (resources, ctx) => enrichCognito(resources, { errors: ctx.errors, services: ctx.services }),
  (resources, ctx) => enrichAppSync(resources, { now: ctx.now, services: ctx.services }),
  (resources, ctx) =>
    enrichLambda(resources, {
      now: ctx.now,
      runtimes: ctx.lambdaRuntimes,
      secretPatterns: ctx.secretPatterns,
    }),
  (resources, ctx) => enrichIntegrations(resources, { errors: ctx.errors, services: ctx.services, units: ctx.units }),
];

/**
 * Runs every enricher with the context and returns resources with their `derived` facts, plus problems
 * found while deriving (e.g. malformed policy documents).
 */
export function enrich(resources: Resource[], ctx: EnrichContext): { resources: Resource[]; errors: CollectionError[] } {
  // Derived resources (exposure paths) are recomputed from the others, never kept from a saved inventory.
  let current = resources.filter((r) => !DERIVED_RESOURCE_TYPES.has(r.type)).map((r) => resourceWith(r, { derived: {} }));
  const errors: CollectionError[] = [];
  for (const enricher of ENRICHERS) {
    const out = enricher(current, ctx);
    errors.push(...out.errors);
    current = current.map((r) => {
      const d = out.derived.get(r);
      const skip = out.skipped?.get(r);
      if (!d && !skip) return r;
      // Entries, not spreads: the merged facts get a hidden class shared with their kind, not one of their own.
      return resourceWith(r, {
        derived: d ? Object.fromEntries([...Object.entries(r.derived), ...Object.entries(d)]) : r.derived,
        skipped: skip ? { ...r.skipped, ...skip } : r.skipped,
      });
    });
  }
  // Last: exposure paths read every fact the enrichers above derived (IAM access, stage web ACLs).
  const all = [...errors, ...(ctx.errors ?? [])];
  return { resources: [...current, ...exposurePaths(current, all, ctx.services)], errors };
}
