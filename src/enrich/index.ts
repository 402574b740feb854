import type { JsonObject } from "../model/json.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { enrichIam, type EnrichResult } from "./iam.js";
import { enrichRegional } from "./regional.js";

/** A pure enricher: derives facts from raw data (of any resources, for joins) and the collection clock. */
export type Enricher = (resources: Resource[], now: Date) => EnrichResult;

/** Every enricher, in order; later ones may read facts earlier ones derived. New enrichers add one entry. */
export const ENRICHERS: Enricher[] = [enrichIam, enrichRegional];

/**
 * Runs every enricher with the collection clock and returns resources with their `derived` facts, plus
 * problems found while deriving (e.g. malformed policy documents).
 */
export function enrich(resources: Resource[], now: Date): { resources: Resource[]; errors: CollectionError[] } {
  let current = resources.map((r) => ({ ...r, derived: {} as JsonObject }));
  const errors: CollectionError[] = [];
  for (const enricher of ENRICHERS) {
    const out = enricher(current, now);
    errors.push(...out.errors);
    current = current.map((r) => {
      const d = out.derived.get(r);
      return d ? { ...r, derived: { ...r.derived, ...d } } : r;
    });
  }
  return { resources: current, errors };
}
