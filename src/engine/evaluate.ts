import type { Evidence, Finding, FindingStatus } from "../model/finding.js";
import type { CollectionError, Inventory, Resource } from "../model/inventory.js";
import { atPointer } from "../util/json.js";
import { evidenceFromErrors } from "./evidence.js";
import { RESOURCE_TYPE_SOURCES } from "./resource-types.js";
import type { Rule } from "./rules.js";
import { compileTemplate } from "./template.js";

/** The pseudo-ARN naming a whole (service, account, region) scope, for error findings with no resource. */
export function scopeArn(partition: string, service: string, account: string, region: string): string {
  return `arn:${partition}:${service}:${region === "global" ? "" : region}:${account}:*`;
}

function errorEvidence(errors: CollectionError[]): Evidence[] {
  return errors.map((e) => ({
    path: "",
    actual: `${e.service}:${e.operation} failed: ${e.errorName}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ""}: ${e.message}`,
    expected: "the data this rule needs must be collected",
  }));
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Evaluates one rule against one resource, ignoring collection errors (the caller handles those). */
export function evaluateResource(rule: Rule, resource: Resource): Finding | undefined {
  // Inputs are checked before `match`: a resource whose data is missing cannot be ruled out of scope either.
  const requires = rule.requires;
  if (requires && requires.length) {
    const missing = requires.filter((p) => {
      const v = atPointer(resource, p);
      return v === undefined || v === null;
    });
    if (missing.length) {
      return finding(
        rule,
        resource,
        "error",
        `${rule.title}: could not be judged for ${resource.name}: input not collected (${missing.join(", ")}).`,
        missing.map((p) => ({ path: p, expected: "a collected value" })),
      );
    }
  }
  if (rule.matchFn && !rule.matchFn(resource)) return undefined;
  // Templates are compiled once per text and read params separately: no `{ ...resource, params }` copy.
  if (rule.assertFn(resource)) {
    const text = rule.passMessage ?? `${rule.title}: {{name}} complies.`;
    return finding(rule, resource, "pass", compileTemplate(text)(resource, rule.params), []);
  }
  return finding(
    rule,
    resource,
    "fail",
    compileTemplate(rule.message)(resource, rule.params),
    evidenceFromErrors(rule.assertFn.errors, resource),
  );
}

/**
 * Evaluates every rule over the inventory. Pure. A rule whose input could not be collected yields `error`
 * for each affected resource and for the scope as a whole (resources may be missing), never `pass`.
 */
export function evaluate(inventory: Inventory, rules: Rule[]): Finding[] {
  const byType = new Map<string, Resource[]>();
  for (const r of inventory.resources) push(byType, r.type, r);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const src = RESOURCE_TYPE_SOURCES[rule.resourceType];
    const errors = relevantErrors(rule, inventory.errors);
    // Error maps are built once per rule, so the per-resource loop only does two lookups when errors exist.
    const scopeErrors = new Map<string, CollectionError[]>();
    const resourceErrors = new Map<string, CollectionError[]>();
    for (const e of errors) {
      if (e.resourceArn) push(resourceErrors, e.resourceArn, e);
      else push(scopeErrors, `${e.account}|${src.regional ? e.region : "global"}`, e);
    }
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
    const anyErrors = errors.length > 0;
    for (const resource of byType.get(rule.resourceType) ?? []) {
      if (anyErrors) {
        const errs = [
          ...(resourceErrors.get(resource.arn) ?? []),
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
  }
  return sortFindings(findings);
}

/** A stable order: rule, account, region, resource. */
export function sortFindings(findings: Finding[]): Finding[] {
  // Keys are computed once per finding, not twice per comparison.
  const keyed = findings.map((f) => ({ k: `${f.ruleId}|${f.account}|${f.region}|${f.resourceArn}`, f }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.f);
}
