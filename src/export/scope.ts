import type { Finding } from "../model/finding.js";
import type { CollectionError, RunMetadata } from "../model/inventory.js";

/** What the scope check reads from a findings file. */
export interface ScopeInput {
  /** Run metadata: accounts, regions, completeness and (when present) the rules evaluated. */
  metadata: Pick<RunMetadata, "accounts" | "regions" | "complete" | "rulesEvaluated" | "units">;
  /** All findings of the run (pass, fail, error). */
  findings: Pick<Finding, "ruleId" | "account" | "region" | "status" | "resourceType">[];
  /** Collection errors of the run. */
  coverage: Pick<CollectionError, "account" | "region" | "service">[];
  /** Rule id → resource type, for rules known to this Tollgate (to find a rule's service). */
  ruleResourceTypes?: ReadonlyMap<string, string>;
}

/** Why a scope is not complete, for the log. */
export type ScopeVerdict = { complete: true } | { complete: false; reason: string };

/** The AWS service (SigV4 name) whose collection a rule depends on, from its resource type `aws.<service>.<kind>`. */
export function ruleService(resourceType: string): string {
  const svc = resourceType.split(".")[1] ?? "";
  // API Gateway v2 is signed as `apigateway` too; a coverage error there must block both families.
  return svc === "apigatewayv2" ? "apigateway" : svc;
}

/**
 * Decides whether this run evaluated (account, region, rule) completely, so that previously imported findings in that
 * scope which are absent now really are resolved. Conservative by construction: anything not positively known to be
 * re-checked is incomplete, because archiving a finding that was not re-checked hides a live problem (Prowler
 * #1626: a filtered run archived everything else; #2843). Region `global` is the scope of global services (IAM).
 */
export function scopeVerdict(input: ScopeInput, account: string, region: string, ruleId: string): ScopeVerdict {
  const { metadata } = input;
  if (metadata.complete !== true) return { complete: false, reason: "the scan did not complete" };
  if (!metadata.accounts.includes(account)) return { complete: false, reason: `account ${account} was not scanned` };
  if (region !== "global" && !metadata.regions.includes(region))
    return { complete: false, reason: `region ${region} was not scanned` };
  // Shards and merged shard sets cover some (account, region) pairs of accounts × regions only; when the run lists
  // its units, only those were re-checked.
  if (metadata.units && !metadata.units.some((u) => u.account === account && u.region === region))
    return { complete: false, reason: `${account}/${region} was not among the units this run scanned` };
  const evaluated = metadata.rulesEvaluated
    ? metadata.rulesEvaluated.includes(ruleId)
    : input.findings.some((f) => f.ruleId === ruleId);
  if (!evaluated) return { complete: false, reason: `rule ${ruleId} was not evaluated in this run` };
  if (input.findings.some((f) => f.ruleId === ruleId && f.status === "error" && f.account === account && f.region === region))
    return { complete: false, reason: `rule ${ruleId} reported error in ${account}/${region}` };
  const type = input.ruleResourceTypes?.get(ruleId) ?? input.findings.find((f) => f.ruleId === ruleId)?.resourceType ?? ruleId;
  const service = ruleService(type);
  if (!service) return { complete: false, reason: `the service of rule ${ruleId} is unknown` };
  const gap = input.coverage.find(
    (e) => e.account === account && e.region === region && ruleService(`aws.${e.service}.x`) === service,
  );
  if (gap) return { complete: false, reason: `collection of ${service} failed in ${account}/${region}` };
  return { complete: true };
}

/** A previously imported finding, reduced to what archiving needs. */
export interface ImportedRef {
  /** ASFF Id. */
  id: string;
  /** Tollgate scope parsed from the Id (undefined when the Id is not Tollgate's). */
  scope: { ruleId: string; account: string; region: string } | undefined;
}

/** What to archive among previously imported ACTIVE findings, and what was kept (with why). */
export interface ArchivePlan {
  /** Ids to archive: absent from this run, inside a scope this run evaluated completely. */
  archive: string[];
  /** Ids absent from this run but kept ACTIVE because their scope was not re-checked. */
  kept: { id: string; reason: string }[];
}

/**
 * Plans archiving (pure): only absent findings whose scope is complete are archived. `notRechecked` names
 * findings this run deliberately did not check (skipped), with why: they are kept whatever their scope.
 */
export function planArchive(
  input: ScopeInput,
  existing: ImportedRef[],
  currentIds: ReadonlySet<string>,
  notRechecked: ReadonlyMap<string, string> = new Map(),
): ArchivePlan {
  const plan: ArchivePlan = { archive: [], kept: [] };
  const cache = new Map<string, ScopeVerdict>();
  for (const e of existing) {
    if (currentIds.has(e.id)) continue;
    const skipped = notRechecked.get(e.id);
    if (skipped) {
      plan.kept.push({ id: e.id, reason: skipped });
      continue;
    }
    if (!e.scope) {
      plan.kept.push({ id: e.id, reason: "not a Tollgate finding Id" });
      continue;
    }
    const key = `${e.scope.account}|${e.scope.region}|${e.scope.ruleId}`;
    let verdict = cache.get(key);
    if (!verdict) {
      verdict = scopeVerdict(input, e.scope.account, e.scope.region, e.scope.ruleId);
      cache.set(key, verdict);
    }
    if (verdict.complete) plan.archive.push(e.id);
    else plan.kept.push({ id: e.id, reason: verdict.reason });
  }
  return plan;
}
