import type { CollectionError, Resource } from "../model/inventory.js";
import { enrichIam } from "./iam.js";

/**
 * Runs every enricher over the resources with the collection clock and returns resources with their
 * `derived` facts replaced, plus problems found while deriving (e.g. malformed policy documents).
 */
export function enrich(resources: Resource[], now: Date): { resources: Resource[]; errors: CollectionError[] } {
  const iam = enrichIam(resources, now);
  const out = resources.map((r) => {
    const d = iam.derived.get(r);
    return d ? { ...r, derived: d } : r;
  });
  return { resources: out, errors: iam.errors };
}
