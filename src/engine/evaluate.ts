import { nameFromArn } from "../aws/arns.js";
import { describeCallError } from "../aws/call-error.js";
import type { Evidence, Finding, FindingStatus } from "../model/finding.js";
import type { CollectionError, Inventory, Resource } from "../model/inventory.js";
import { atKeys, pointerKeys } from "../util/json.js";
import { evidenceFromErrors } from "./evidence.js";
import { evaluatePartial, readsAny, relation, type PathPattern, type Truth } from "./partial.js";
import { operationKey, RESOURCE_TYPE_SOURCES, type Feed, type ResourceTypeSource } from "./resource-types.js";
import type { Rule } from "./rules.js";
import { isSeverity, severityRank, type Severity } from "../model/severity.js";

/** The pseudo-ARN naming a whole (service, account, region) scope, for error findings with no resource. */
export function scopeArn(partition: string, service: string, account: string, region: string): string {
  return `arn:${partition}:${service}:${region === "global" ? "" : region}:${account}:*`;
}

function errorEvidence(errors: CollectionError[]): Evidence[] {
  return errors.map((e) => ({ path: "", actual: describeCallError(e), expected: "the data this rule needs must be collected" }));
}

const cited = (errors: CollectionError[]) => errors.map((e) => `${e.operation} failed (${e.errorName})`).join(", ");

/** A failing finding's severity: the resource's own (`severityFrom`) when the rule has one, capped at the rule's. */
function severityOf(rule: Rule, r: Pick<Resource, "arn">, status: FindingStatus): Severity {
  if (!rule.severityFrom || status !== "fail") return rule.severity;
  const v = atKeys(r, pointerKeys(rule.severityFrom));
  return isSeverity(v) && severityRank(v) <= severityRank(rule.severity) ? v : rule.severity;
}

/** What a rule concluded about one resource (or scope): the status, its message and the evidence. */
interface Verdict {
  status: FindingStatus;
  message: string;
  evidence: Evidence[];
}

function finding(rule: Rule, r: Pick<Resource, "arn" | "type" | "name" | "account" | "region">, verdict: Verdict): Finding {
  const { status, message, evidence } = verdict;
  return {
    ruleId: rule.id,
    resourceArn: r.arn,
    resourceType: r.type,
    resourceName: r.name,
    account: r.account,
    region: r.region,
    status,
    severity: severityOf(rule, r, status),
    title: rule.title,
    message,
    evidence,
  };
}

// Passing findings share one frozen empty evidence list: a million passes need no million arrays.
const NO_EVIDENCE = Object.freeze([]) as unknown as Evidence[];
const NO_FAILURES: readonly Failure[] = Object.freeze([]);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A failed call that concerns one resource, with the locations of that resource it leaves unknown. */
export interface Failure {
  error: CollectionError;
  /** `service:Operation` of the call. */
  operation: string;
  unknown: PathPattern[];
}

/** The failure of a feeding call as it concerns one resource: the locations it leaves unknown there, if any. */
function failureOf(op: string, feed: Feed, e: CollectionError, r: Resource): Failure | undefined {
  const attached = feed.attach === "scope" || feed.attach === "account" || !e.resourceArn || coversArn(e.resourceArn, r.arn);
  if (!attached) return undefined;
  const paths = feed.select ? feed.select(r, e) : feed.paths;
  return paths.length ? { error: e, operation: op, unknown: paths.map(pointerKeys) } : undefined;
}

/**
 * Judges one rule on one resource. `failures` are the failed calls feeding this resource's data: a rule reading
 * none of what they fed judges as usual; otherwise the verdict is worked out over the unknown data (partial.ts),
 * so a failure the collected data already proves is `fail`, and `error` means the missing data could change it.
 * `requires` pointers that hold no value are unknown data too.
 */
export function judge(rule: Rule, resource: Resource, failures?: readonly Failure[]): Finding | undefined {
  const keys = rule.requiresKeys;
  let missing: { pointer: string; keys: readonly string[] }[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!k.includes("*")) {
      const v = atKeys(resource, k);
      if (v === undefined || v === null) (missing ??= []).push({ pointer: rule.requires![i]!, keys: k });
    } else {
      for (const p of missingAt(resource, k, [])) (missing ??= []).push({ pointer: toPointer(p), keys: p });
    }
  }
  const relevant = failures?.length
    ? failures.filter((f) => rule.dependsOn.includes(f.operation) && readsAny(rule.reads, f.unknown))
    : NO_FAILURES;
  if (!missing && !relevant.length) {
    if (rule.matchFn && !rule.matchFn(resource)) return undefined;
    // Templates were compiled with the rule and read params separately: no `{ ...resource, params }` copy.
    if (rule.assertFn(resource))
      return finding(rule, resource, {
        status: "pass",
        message: rule.renderPassMessage(resource, rule.params),
        evidence: NO_EVIDENCE,
      });
    return finding(rule, resource, {
      status: "fail",
      message: rule.renderMessage(resource, rule.params),
      evidence: evidenceFromErrors(rule.assertFn.errors, resource),
    });
  }
  const gaps = missing ?? [];
  // Left out by design (a probe not sent): skipped with the reason, unless something else is missing too.
  const reasons = gaps.map((g) => resource.skipped?.[g.pointer]);
  if (!relevant.length && reasons.every((r) => r !== undefined)) {
    return finding(rule, resource, {
      status: "skipped",
      message: `${rule.title}: not checked for ${resource.name}: ${[...new Set(reasons)].join("; ")}.`,
      evidence: gaps.map((g, i) => ({ path: g.pointer, actual: reasons[i]!, expected: "a value (left out by design)" })),
    });
  }
  // A value that is missing leaves unknown the shallowest location that holds nothing (`/raw/method` when the
  // method was not collected at all), so its absence is not taken for an answer.
  const unknown = [...gaps.map((g) => shallowestMissing(resource, g.keys)), ...relevant.flatMap((f) => f.unknown)];
  const ctx = { unknown, compile: rule.compileSubschema };
  // Scope is judged first: a resource whose data is missing cannot be ruled out of scope either, unless the
  // collected data already rules it out.
  const inScope: Truth = rule.matchSchema === undefined ? true : evaluatePartial(rule.matchSchema, resource, ctx);
  if (inScope === false) return undefined;
  const holds = evaluatePartial(rule.assertSchema, resource, ctx);
  // A missing guard (a `requires` pointer the schemas do not read) means the verdict rests on data not collected.
  if (holds === true && !gaps.some((g) => isGuard(rule, g.keys)))
    return finding(rule, resource, {
      status: "pass",
      message: rule.renderPassMessage(resource, rule.params),
      evidence: NO_EVIDENCE,
    });
  if (holds === false && inScope === true) {
    rule.assertFn(resource);
    const all = evidenceFromErrors(rule.assertFn.errors, resource);
    // The proof is in what was collected: evidence at locations the failed calls did not feed.
    const proof = all.filter((e) => relation(unknown, pointerKeys(e.path)) === "clear");
    return finding(rule, resource, {
      status: "fail",
      message: rule.renderMessage(resource, rule.params),
      evidence: proof.length ? proof : all,
    });
  }
  const errs = relevant.map((f) => f.error);
  const pointers = gaps.map((g) => g.pointer);
  const said = rule.missingReasonFrom ? atKeys(resource, pointerKeys(rule.missingReasonFrom)) : undefined;
  const missingWhy = typeof said === "string" && said ? said : "input not collected";
  const why = [...(errs.length ? [cited(errs)] : []), ...(gaps.length ? [`${missingWhy} (${pointers.join(", ")})`] : [])];
  return finding(rule, resource, {
    status: "error",
    message: `${rule.title}: could not be judged for ${resource.name}: ${why.join("; ")}.`,
    evidence: [...errorEvidence(errs), ...pointers.map((p) => ({ path: p, expected: "a collected value" }))],
  });
}

/** The locations matching `keys` (`*`: every key or index) that hold no value, the container's when it is missing. */
function missingAt(value: unknown, keys: readonly string[], at: string[]): string[][] {
  if (value === undefined || value === null) return [at];
  if (!keys.length) return [];
  const [k, ...rest] = keys as [string, ...string[]];
  if (k !== "*") return missingAt(atKeys(value, [k]), rest, [...at, k]);
  if (typeof value !== "object") return [at];
  return Object.entries(value as Record<string, unknown>).flatMap(([i, v]) => missingAt(v, rest, [...at, i]));
}

/** Whether a missing location is one of the rule's guards (patterns, which may contain `*`). */
function isGuard(rule: Rule, keys: readonly string[]): boolean {
  return rule.guardKeys.some((g) => g.length === keys.length && g.every((k, i) => k === "*" || k === keys[i]));
}

/** The first prefix of `keys` that holds no value in `resource`. */
function shallowestMissing(resource: Resource, keys: readonly string[]): readonly string[] {
  let cur: unknown = resource;
  for (let i = 0; i < keys.length - 1; i++) {
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[keys[i]!] : undefined;
    if (cur === undefined || cur === null) return keys.slice(0, i + 1);
  }
  return keys;
}

const toPointer = (keys: readonly string[]) => keys.map((k) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

/**
 * Judges one rule on one resource, given failed calls that concern it (a fixture's `failed` operations):
 * each is mapped through the resource type's lineage like evaluate() does.
 */
export function evaluateResource(rule: Rule, resource: Resource, errors: readonly CollectionError[] = []): Finding | undefined {
  const src = RESOURCE_TYPE_SOURCES[rule.resourceType];
  const failures: Failure[] = [];
  for (const e of errors) {
    for (const [op, feed] of feedsOf(src, e)) {
      const f = failureOf(op, feed, e, resource);
      if (f) failures.push(f);
    }
  }
  return judge(rule, resource, failures);
}

/** The feeds of `src` a failure hits: its own operation's, or all of a service's when a whole unit failed. */
function feedsOf(src: ResourceTypeSource, e: CollectionError): [string, Feed][] {
  if (e.service === "*") return Object.entries(src.feeds);
  if (e.operation === "*") return Object.entries(src.feeds).filter(([op]) => op.startsWith(`${e.service}:`));
  const op = operationKey(e);
  const feed = src.feeds[op];
  return feed ? [[op, feed]] : [];
}

/** A resource type's failures, sorted out once for every rule on the type. */
interface TypeFailures {
  /** Listings that failed for a whole account and region: resources of the type may be missing there. */
  scopes: Map<string, CollectionError[]>;
  /** Listings that failed under one parent ARN. */
  parents: Map<string, CollectionError[]>;
  /** Failures of calls feeding the type's data, by account and region. */
  feeding: Map<string, CollectionError[]>;
}

/** The region key of failures that concern a resource type in every region of their account. */
const ANY_REGION = "*";

/** The failed feeding calls of a resource's account and region, and those of its account in any region. */
function feedingOf(tf: TypeFailures, r: Resource, src: ResourceTypeSource): CollectionError[] {
  const own = tf.feeding.get(`${r.account}|${src.regional ? r.region : "global"}`) ?? [];
  const any = tf.feeding.get(`${r.account}|${ANY_REGION}`);
  return any ? [...own, ...any] : own;
}

function typeFailures(src: ResourceTypeSource, errors: readonly CollectionError[]): TypeFailures {
  const out: TypeFailures = { scopes: new Map(), parents: new Map(), feeding: new Map() };
  const scopeOf = (e: CollectionError) => `${e.account}|${src.regional ? e.region : "global"}`;
  for (const e of errors) {
    const op = operationKey(e);
    const listing = src.listedBy[op];
    // A unit (or, with an ARN, one target of it) that failed as a whole: nothing of it may have been collected.
    const whole = e.service === "*" || (e.operation === "*" && e.service === src.service);
    if ((whole || listing) && !e.resourceArn) {
      push(out.scopes, scopeOf(e), e);
      // A listing of one type can feed the joins of another (exposure paths look functions up): both apply.
      if (!whole && feedsOf(src, e).length) push(out.feeding, scopeOf(e), e);
    } else if (whole) {
      push(out.parents, e.resourceArn!, e);
      push(out.feeding, scopeOf(e), e);
    } else if (listing === "parent") {
      push(out.parents, e.resourceArn!, e);
    } else if (feedsOf(src, e).length) {
      // A feed joined across the account's regions (global IAM data for a regional resource) concerns every region.
      const acrossAccount = feedsOf(src, e).some(([, f]) => f.attach === "account");
      push(out.feeding, acrossAccount ? `${e.account}|${ANY_REGION}` : scopeOf(e), e);
    }
  }
  return out;
}

/**
 * The failed calls of an inventory as they concern each resource, whatever rule reads it: what lineage tests
 * compare with the data that really went missing.
 */
export function failuresIn(inventory: Pick<Inventory, "errors">): (resource: Resource) => Failure[] {
  const byType = new Map<string, TypeFailures>();
  return (r) => {
    const src = RESOURCE_TYPE_SOURCES[r.type];
    let tf = byType.get(r.type);
    if (!tf) byType.set(r.type, (tf = typeFailures(src, inventory.errors)));
    const out: Failure[] = [];
    for (const e of feedingOf(tf, r, src)) {
      for (const [op, feed] of feedsOf(src, e)) {
        const f = failureOf(op, feed, e, r);
        if (f) out.push(f);
      }
    }
    return out;
  };
}

/**
 * Evaluates every rule over the inventory. Pure. A rule whose input could not be collected yields `error`
 * for each affected resource and for the scope as a whole (resources may be missing), never `pass`.
 */
export function evaluate(inventory: Inventory, rules: Rule[]): Finding[] {
  const findings: Finding[] = [];
  for (const _ of evaluateStepwise(inventory, rules, findings));
  return findings;
}

/**
 * evaluate() one rule at a time: rules run in id order, each appending its findings to `findings`, and the rule's
 * id is yielded once they are all in. A caller may pause between rules (to stay responsive) or stop: the findings
 * so far are then complete for exactly the rules yielded.
 */
export function* evaluateStepwise(inventory: Inventory, rules: Rule[], findings: Finding[]): Generator<string> {
  // Resources are put in report order (account, region, ARN) once and rules run in id order, so findings
  // come out sorted without sorting a million of them at the end.
  const byType = new Map<string, Resource[]>();
  // No finding ever shows an empty name: a resource that came without one is named from its ARN.
  for (const r of inventory.resources) push(byType, r.type, r.name ? r : { ...r, name: nameFromArn(r.arn) });
  for (const list of byType.values()) list.sort(compareResources);
  const failuresByType = new Map<string, TypeFailures>();
  for (const rule of [...rules].sort((a, b) => cmp(a.id, b.id))) {
    const src = RESOURCE_TYPE_SOURCES[rule.resourceType];
    let tf = failuresByType.get(rule.resourceType);
    if (!tf) failuresByType.set(rule.resourceType, (tf = typeFailures(src, inventory.errors)));
    const start = findings.length;
    // A listing that failed leaves resources of this type possibly missing: one error for the scope, never silence.
    for (const [key, errs] of tf.scopes) {
      const [account, region] = key.split("|") as [string, string];
      const arn = scopeArn(inventory.metadata.partition, src.service, account, region);
      findings.push(
        finding(
          rule,
          { arn, type: rule.resourceType, name: `${src.service} in ${account}/${region}`, account, region },
          {
            status: "error",
            message: `${rule.title}: could not be evaluated in ${account}/${region}: ${cited(errs)}.`,
            evidence: errorEvidence(errs),
          },
        ),
      );
    }
    const resources = byType.get(rule.resourceType) ?? [];
    // A listing under one parent that failed (a REST API's GetStages, one of a pool's clients): what it would have
    // listed may be missing, so the failure becomes an error finding on the parent. A resource that is itself the
    // failed target (a probe not finished) gets its own error below instead.
    let orphans = 0;
    for (const [arn, errs] of tf.parents) {
      if (resources.some((r) => r.arn === arn)) continue;
      const e = errs[0]!;
      orphans++;
      findings.push(
        finding(
          rule,
          {
            arn,
            type: rule.resourceType,
            name: nameFromArn(arn),
            account: e.account,
            region: src.regional ? e.region : "global",
          },
          {
            status: "error",
            message: `${rule.title}: could not be evaluated under ${arn}: ${cited(errs)}.`,
            evidence: errorEvidence(errs),
          },
        ),
      );
    }
    const relevantFeeding = tf.feeding.size > 0 && rule.dependsOn.length > 0;
    for (const resource of resources) {
      let failures: Failure[] | undefined;
      if (relevantFeeding) {
        for (const e of feedingOf(tf, resource, src)) {
          for (const [op, feed] of feedsOf(src, e)) {
            if (!rule.dependsOn.includes(op)) continue;
            const f = failureOf(op, feed, e, resource);
            if (f) (failures ??= []).push(f);
          }
        }
      }
      const f = judge(rule, resource, failures);
      if (f) findings.push(f);
    }
    // Scope errors were pushed first; put this rule's slice back in order (rare, and only this slice).
    if (tf.scopes.size || orphans) {
      const slice = sortFindings(findings.slice(start));
      for (let i = 0; i < slice.length; i++) findings[start + i] = slice[i]!;
    }
    yield rule.id;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareResources(a: Resource, b: Resource): number {
  return cmp(a.account, b.account) || cmp(a.region, b.region) || cmp(a.arn, b.arn);
}

/** A stable order: rule, account, region, resource. */
export function sortFindings(findings: Finding[]): Finding[] {
  // Field by field: no key strings built for each finding.
  return [...findings].sort(
    (a, b) =>
      cmp(a.ruleId, b.ruleId) || cmp(a.account, b.account) || cmp(a.region, b.region) || cmp(a.resourceArn, b.resourceArn),
  );
}

/** True when an error recorded on `errorArn` covers `resourceArn` (the same resource or one below it by path). */
function coversArn(errorArn: string, resourceArn: string): boolean {
  return resourceArn === errorArn || resourceArn.startsWith(`${errorArn}/`);
}
