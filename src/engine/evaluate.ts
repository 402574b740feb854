import type { Evidence, Finding, FindingStatus } from "../model/finding.js";
import type { CollectionError, Inventory, Resource } from "../model/inventory.js";
import { describeCallError } from "../aws/call-error.js";
import { atKeys } from "../util/json.js";
import { evidenceFromErrors } from "./evidence.js";
import { RESOURCE_TYPE_SOURCES } from "./resource-types.js";
import type { Rule } from "./rules.js";

/** The pseudo-ARN naming a whole (service, account, region) scope, for error findings with no resource. */
export function scopeArn(partition: string, service: string, account: string, region: string): string {
  return `arn:${partition}:${service}:${region === "global" ? "" : region}:${account}:*`;
}

function errorEvidence(errors: CollectionError[]): Evidence[] {
  return errors.map((e) => ({ path: "", actual: describeCallError(e), expected: "the data this rule needs must be collected" }));
}

/** Errors that make a rule unable to judge: a failed source operation, or a unit that failed as a whole. */
function relevantErrors(rule: Rule, errors: CollectionError[]): CollectionError[] {
  const src = RESOURCE_TYPE_SOURCES[rule.resourceType];
  const ops = new Set(rule.dependsOn ?? src.operations);
  return errors.filter(
    (e) =>
      (e.service === src.service && ops.has(e.operation)) ||
      e.service === "*" ||
      (e.service === src.service && e.operation === "*"),
  );
}

function finding(
  rule: Rule,
  r: Pick<Resource, "arn" | "type" | "name" | "account" | "region">,
  status: FindingStatus,
  message: string,
  evidence: Evidence[],
): Finding {
  return {
    ruleId: rule.id,
    resourceArn: r.arn,
    resourceType: r.type,
    resourceName: r.name,
    account: r.account,
    region: r.region,
    status,
    severity: rule.severity,
    title: rule.title,
    message,
    evidence,
  };
}

// Passing findings share one frozen empty evidence list: a million passes need no million arrays.
const NO_EVIDENCE = Object.freeze([]) as unknown as Evidence[];

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Evaluates one rule against one resource, ignoring collection errors (the caller handles those). */
export function evaluateResource(rule: Rule, resource: Resource): Finding | undefined {
  // Inputs are checked before `match`: a resource whose data is missing cannot be ruled out of scope either.
  const keys = rule.requiresKeys;
  let missingAny = false;
  for (let i = 0; i < keys.length; i++) {
    const v = atKeys(resource, keys[i]!);
    if (v === undefined || v === null) missingAny = true;
  }
  if (missingAny) {
    // Rare path: only now build the list of missing pointers for the message and evidence.
    const missing = (rule.requires ?? []).filter((_, i) => {
      const v = atKeys(resource, keys[i]!);
      return v === undefined || v === null;
    });
    // Left out by design (a probe not sent): skipped with the reason, unless something else is missing too.
    const reasons = missing.map((p) => resource.skipped?.[p]);
    if (reasons.every((r) => r !== undefined)) {
      return finding(
        rule,
        resource,
        "skipped",
        `${rule.title}: not checked for ${resource.name}: ${[...new Set(reasons)].join("; ")}.`,
        missing.map((p, i) => ({ path: p, actual: reasons[i]!, expected: "a value (left out by design)" })),
      );
    }
    return finding(
      rule,
      resource,
      "error",
      `${rule.title}: could not be judged for ${resource.name}: input not collected (${missing.join(", ")}).`,
      missing.map((p) => ({ path: p, expected: "a collected value" })),
    );
  }
  if (rule.matchFn && !rule.matchFn(resource)) return undefined;
  // Templates were compiled with the rule and read params separately: no `{ ...resource, params }` copy.
  if (rule.assertFn(resource)) return finding(rule, resource, "pass", rule.renderPassMessage(resource, rule.params), NO_EVIDENCE);
  return finding(
    rule,
    resource,
    "fail",
    rule.renderMessage(resource, rule.params),
    evidenceFromErrors(rule.assertFn.errors, resource),
  );
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
  const typesByArn = new Map<string, Set<string>>();
  for (const r of inventory.resources) {
    push(byType, r.type, r);
    typesByArn.set(r.arn, (typesByArn.get(r.arn) ?? new Set()).add(r.type));
  }
  for (const list of byType.values()) list.sort(compareResources);
  for (const rule of [...rules].sort((a, b) => cmp(a.id, b.id))) {
    const src = RESOURCE_TYPE_SOURCES[rule.resourceType];
    const errors = relevantErrors(rule, inventory.errors);
    // Error maps are built once per rule, so the per-resource loop only does two lookups when errors exist.
    const scopeErrors = new Map<string, CollectionError[]>();
    const resourceErrors = new Map<string, CollectionError[]>();
    for (const e of errors) {
      if (e.resourceArn) push(resourceErrors, e.resourceArn, e);
      else push(scopeErrors, `${e.account}|${src.regional ? e.region : "global"}`, e);
    }
    const start = findings.length;
    for (const [key, errs] of scopeErrors) {
      const [account, region] = key.split("|") as [string, string];
      const arn = scopeArn(inventory.metadata.partition, src.service, account, region);
      findings.push(
        finding(
          rule,
          { arn, type: rule.resourceType, name: `${src.service} in ${account}/${region}`, account, region },
          "error",
          `${rule.title}: could not be evaluated in ${account}/${region}: ${errs.map((e) => `${e.operation} failed (${e.errorName})`).join(", ")}.`,
          errorEvidence(errs),
        ),
      );
    }
    const resources = byType.get(rule.resourceType) ?? [];
    // A failure recorded on one resource also covers what hangs below it by ARN path (a REST API's failed
    // GetResources covers its methods). When nothing of this type was collected under it (the call that
    // would have listed them failed), the failure still becomes an error finding, never silence, if the ARN
    // is a parent of this type or nothing collected at all (not an unrelated sibling).
    let orphans = 0;
    for (const [arn, errs] of resourceErrors) {
      if (resources.some((r) => coversArn(arn, r.arn))) continue;
      const types = typesByArn.get(arn);
      if (types && !(src.parents ?? []).some((p) => types.has(p))) continue;
      const e = errs[0]!;
      orphans++;
      findings.push(
        finding(
          rule,
          { arn, type: rule.resourceType, name: arn, account: e.account, region: src.regional ? e.region : "global" },
          "error",
          `${rule.title}: could not be evaluated under ${arn}: ${errs.map((x) => `${x.operation} failed (${x.errorName})`).join(", ")}.`,
          errorEvidence(errs),
        ),
      );
    }
    const anyErrors = errors.length > 0;
    for (const resource of resources) {
      if (anyErrors) {
        const errs = [
          ...(resourceErrors.size
            ? [...resourceErrors].filter(([arn]) => coversArn(arn, resource.arn)).flatMap(([, e]) => e)
            : []),
          ...(scopeErrors.get(`${resource.account}|${src.regional ? resource.region : "global"}`) ?? []),
        ];
        if (errs.length) {
          findings.push(
            finding(
              rule,
              resource,
              "error",
              `${rule.title}: could not be judged for ${resource.name}: ${errs.map((e) => `${e.operation} failed (${e.errorName})`).join(", ")}.`,
              errorEvidence(errs),
            ),
          );
          continue;
        }
      }
      const f = evaluateResource(rule, resource);
      if (f) findings.push(f);
    }
    // Scope errors were pushed first; put this rule's slice back in order (rare, and only this slice).
    if (scopeErrors.size || orphans) {
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
