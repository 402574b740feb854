import type { Evidence, Finding, FindingStatus } from "../model/finding.js";
import type { CollectionError, Inventory, Resource } from "../model/inventory.js";
import { atPointer } from "../util/json.js";
import { evidenceFromErrors } from "./evidence.js";
import { RESOURCE_TYPE_SOURCES } from "./resource-types.js";
import type { Rule } from "./rules.js";
import { renderTemplate } from "./template.js";

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

/** Evaluates one rule against one resource, ignoring collection errors (the caller handles those). */
export function evaluateResource(rule: Rule, resource: Resource): Finding | undefined {
  // Inputs are checked before `match`: a resource whose data is missing cannot be ruled out of scope either.
  const data = { ...resource, params: rule.params };
  const missing = (rule.requires ?? []).filter((p) => {
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
  if (rule.matchFn && !rule.matchFn(resource)) return undefined;
  if (rule.assertFn(resource)) {
    return finding(
      rule,
      resource,
      "pass",
      renderTemplate(rule.passMessage ?? `${rule.title}: ${resource.name} complies.`, data),
      [],
    );
  }
  return finding(rule, resource, "fail", renderTemplate(rule.message, data), evidenceFromErrors(rule.assertFn.errors, resource));
}

/**
 * Evaluates every rule over the inventory. Pure. A rule whose input could not be collected yields `error`
 * for each affected resource and for the scope as a whole (resources may be missing), never `pass`.
 */
export function evaluate(inventory: Inventory, rules: Rule[]): Finding[] {
  const byType = new Map<string, Resource[]>();
  const typesByArn = new Map<string, Set<string>>();
  for (const r of inventory.resources) {
    byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    typesByArn.set(r.arn, (typesByArn.get(r.arn) ?? new Set()).add(r.type));
  }
  const findings: Finding[] = [];
  for (const rule of rules) {
    const src = RESOURCE_TYPE_SOURCES[rule.resourceType];
    const errors = relevantErrors(rule, inventory.errors);
    const scopeErrors = new Map<string, CollectionError[]>();
    const resourceErrors = new Map<string, CollectionError[]>();
    for (const e of errors) {
      if (e.resourceArn) resourceErrors.set(e.resourceArn, [...(resourceErrors.get(e.resourceArn) ?? []), e]);
      else {
        const key = `${e.account}|${src.regional ? e.region : "global"}`;
        scopeErrors.set(key, [...(scopeErrors.get(key) ?? []), e]);
      }
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
    const resources = byType.get(rule.resourceType) ?? [];
    // A failure recorded on one resource also covers what hangs below it by ARN path (a REST API's
    // failed GetResources covers its methods). When nothing of this type was collected under it (the
    // call that would have listed them failed), the failure still becomes an error finding, never silence,
    // if the ARN is a parent of this type or nothing collected at all (not an unrelated sibling).
    for (const [arn, errs] of resourceErrors) {
      if (resources.some((r) => coversArn(arn, r.arn))) continue;
      const types = typesByArn.get(arn);
      if (types && !(src.parents ?? []).some((p) => types.has(p))) continue;
      const e = errs[0]!;
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
    for (const resource of resources) {
      const errs = [
        ...[...resourceErrors].filter(([arn]) => coversArn(arn, resource.arn)).flatMap(([, e]) => e),
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
      const f = evaluateResource(rule, resource);
      if (f) findings.push(f);
    }
  }
  return sortFindings(findings);
}

/** True when an error recorded on `errorArn` concerns `resourceArn`: the same ARN or one below it. */
function coversArn(errorArn: string, resourceArn: string): boolean {
  return resourceArn === errorArn || resourceArn.startsWith(`${errorArn}/`);
}

/** A stable order: rule, account, region, resource. */
export function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.ruleId}|${f.account}|${f.region}|${f.resourceArn}`;
  return [...findings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
