/**
 * Exposure paths as resources: the pure analysis (src/analysis/paths) run over the enriched inventory, one
 * `aws.path.exposure` resource per entry point, for the rules in rules/aws/path to judge.
 */
import { analyzePaths, type EntryAnalysis } from "../analysis/paths/index.js";
import { DERIVED_RESOURCE_TYPES, type CollectionError, type Resource } from "../model/inventory.js";
import type { JsonObject } from "../model/json.js";
import { toJson } from "../util/json.js";

/**
 * Each reported path with its entry's exposure and the controls that moved its severity: a finding carries only
 * its path (the evidence at `/derived/reaches/<class>`), and a report must show why the path is as severe as it is
 * (a probe that showed the entry open, a WAF or private endpoint that lowered it).
 */
function withWhy(a: EntryAnalysis): EntryAnalysis["reaches"] {
  if (!a.reaches) return a.reaches;
  const why = { exposure: a.exposure, exposureDetail: a.exposureDetail, controls: a.controls };
  return Object.fromEntries(Object.entries(a.reaches).map(([k, p]) => [k, p && { ...p, ...why }])) as EntryAnalysis["reaches"];
}

function pathResource(a: EntryAnalysis, source: Resource | undefined): Resource {
  const { entry, skipped, ...facts } = a;
  // What an error finding quotes: the hops that could not be followed and the call or resource missing for each.
  const notFollowed = facts.gaps.length ? `could not follow the path: ${facts.gaps.map((g) => g.message).join("; ")}` : null;
  const derived = toJson({ entry, entryKind: entry.kind, ...facts, reaches: withWhy(a), notFollowed }) as JsonObject;
  return {
    type: "aws.path.exposure",
    arn: entry.arn,
    account: entry.account,
    region: entry.region,
    name: entry.name,
    raw: { entryType: source?.type ?? "", entryArn: source?.arn ?? entry.arn },
    derived,
    ...(skipped ? { skipped: { "/derived/reaches": skipped } } : {}),
  };
}

/**
 * The exposure-path resources of an inventory whose other resources are enriched (IAM access facts, stage web
 * ACLs) and with its probe results when there are any. Pure.
 */
export function exposurePaths(
  resources: readonly Resource[],
  errors: readonly CollectionError[],
  services?: readonly string[],
): Resource[] {
  const input = resources.filter((r) => !DERIVED_RESOURCE_TYPES.has(r.type));
  const bySource = new Map<string, Resource>();
  for (const r of input) bySource.set(`${r.account}|${r.arn}`, r);
  return analyzePaths({ resources: input, errors, services }).map((a) => {
    const src =
      bySource.get(`${a.entry.account}|${a.entry.arn}`) ??
      bySource.get(`${a.entry.account}|${a.entry.arn.replace(/\/(url(\/.*)?|invoke|unauthenticated|authenticated)$/, "")}`);
    return pathResource(a, src);
  });
}

/**
 * An inventory's resources with its exposure paths recomputed: after probing, so that a probe that showed an
 * entry open raises its paths' severity.
 */
export function refreshExposurePaths(
  resources: readonly Resource[],
  errors: readonly CollectionError[],
  services?: readonly string[],
): Resource[] {
  const rest = resources.filter((r) => !DERIVED_RESOURCE_TYPES.has(r.type));
  return [...rest, ...exposurePaths(rest, errors, services)];
}
