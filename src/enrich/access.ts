/**
 * Least-privilege facts: rebuilds the `GetAccountAuthorizationDetails` input from the inventory's raw IAM
 * resources, runs the (pure) analysis once per account and stores JSON facts under `derived.access`.
 */
import {
  analyzeIamEach,
  type AuthorizationDetails,
  type GroupDetailInput,
  type IamAnalysisData,
  type ManagedPolicyFacts,
  type ManagedPolicyInput,
  type PermissionFacts,
  type PolicyError,
  type PrincipalAnalysis,
  type RoleDetailInput,
  type RoleTrustFacts,
  type UserDetailInput,
} from "../analysis/iam/index.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import { toJson } from "../util/json.js";
import type { EnrichResult } from "./iam.js";

/** The trust-policy error the analysis reports for a role whose trust policy it could not parse. */
function isTrustError(e: PolicyError): boolean {
  return e.policyName === "AssumeRolePolicyDocument" && e.policyArn === undefined;
}

function describeError(e: PolicyError): string {
  const what =
    e.policyArn ?? (e.policyName !== undefined ? `${e.policyName} of ${e.principalArn ?? "?"}` : (e.principalArn ?? "?"));
  return `${e.errorName}: ${what}: ${e.message}`;
}

/**
 * JSON facts of one account's principals, made as the analysis hands each principal over. What principals with the
 * same policies (or the same trust policy) have in common is converted once and shared between their facts: read
 * only, like every fact (rules, evidence and reports read them, nothing writes them).
 */
class PrincipalJson {
  private readonly permissions = new Map<PermissionFacts, JsonObject>();
  private readonly trusts = new Map<RoleTrustFacts["findings"], { findings: JsonValue; codes: string[] }>();
  // null when the providers were not collected: "provider unknown" cannot then be judged.
  private readonly oidc: string[] | null;

  constructor(oidcProviderArns: readonly string[] | undefined) {
    this.oidc = oidcProviderArns ? [...oidcProviderArns] : null;
  }

  /**
   * `toJson` of the principal's facts less who it is, its errors, trust and groups (sorted keys), or null when some
   * policy it depends on could not be read: a lower bound is not a verdict (an unreadable policy may hold the Deny
   * that matters, or the grant).
   */
  permissionsOf(p: PrincipalAnalysis): JsonObject | null {
    const f = p.facts;
    if (f.errors.some((e) => !isTrustError(e))) return null;
    const own = {
      adminEquivalent: f.adminEquivalent,
      adminReasons: f.adminReasons,
      hasPermissionsBoundary: f.hasPermissionsBoundary,
    };
    let template = this.permissions.get(p.permissions);
    if (!template) {
      // toJson's objects have fast properties (see sortKeys), so copying the template with a spread (below) keeps its
      // hidden class for every principal; its lists hold the catalogue's own action names.
      template = toJson({ ...p.permissions, ...own }) as JsonObject;
      this.permissions.set(p.permissions, template);
    }
    // The template's keys (sorted) and its lists, with the principal's own three members in their places.
    return {
      ...template,
      adminEquivalent: own.adminEquivalent,
      adminReasons: own.adminReasons,
      hasPermissionsBoundary: own.hasPermissionsBoundary,
    };
  }

  trustOf(f: PrincipalAnalysis["facts"]): JsonObject | null {
    if (!f.trust || f.trust.incomplete) return null;
    let shared = this.trusts.get(f.trust.findings);
    if (!shared) {
      const findings = f.trust.findings;
      shared = { findings: toJson(findings), codes: [...new Set(findings.map((x) => x.code))].sort() };
      this.trusts.set(findings, shared);
    }
    return { findings: shared.findings, codes: shared.codes, oidcProviderArns: this.oidc };
  }
}

function policyFacts(p: ManagedPolicyFacts): JsonObject | null {
  if (p.incomplete) return null;
  const { arn: _arn, name: _name, incomplete: _i, error: _e, ...rest } = p;
  return { customerManaged: true, attached: p.attachmentCount > 0, ...(toJson(rest) as JsonObject) };
}

/**
 * Whether `enrichIam` already recorded this problem (it parses the same documents first); the analysis
 * records only what it found beyond that, so one malformed document yields one inventory error.
 */
function alreadyRecorded(e: PolicyError, byArn: Map<string, Resource>): boolean {
  if (e.errorName !== "MalformedPolicyDocument" && e.errorName !== "PolicyDocumentMissing") return false;
  if (e.principalArn === undefined && e.policyArn !== undefined) {
    return byArn.get(e.policyArn)?.derived["document"] === null;
  }
  const principal = e.principalArn !== undefined ? byArn.get(e.principalArn) : undefined;
  if (!principal) return false;
  if (isTrustError(e)) return principal.derived["trustPolicy"] === null;
  const inline = principal.derived["inlinePolicies"];
  return (
    Array.isArray(inline) &&
    inline.some((p) => {
      const o = p as JsonObject;
      return o["name"] === e.policyName && o["malformed"] === true;
    })
  );
}

function detail<T>(r: Resource): T {
  return (r.raw["detail"] ?? {}) as unknown as T;
}

/** Derives `derived.access` on IAM users, roles and managed policies; pure given the loaded analysis data. */
export function enrichAccess(resources: Resource[], ctx: { iamAnalysis?: IamAnalysisData | undefined }): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const errors: CollectionError[] = [];
  // Without the data nothing is derived, so every rule reading access facts reports error, never pass.
  if (!ctx.iamAnalysis) return { derived, errors };
  const data = ctx.iamAnalysis;
  const accounts = [...new Set(resources.filter((r) => r.type.startsWith("aws.iam.")).map((r) => r.account))].sort();
  for (const accountId of accounts) {
    const mine = resources.filter((r) => r.account === accountId && r.type.startsWith("aws.iam."));
    const of = (type: Resource["type"]) => mine.filter((r) => r.type === type && r.raw["detail"] !== undefined);
    const users = of("aws.iam.user");
    const roles = of("aws.iam.role");
    const policies = of("aws.iam.policy");
    if (users.length + roles.length + policies.length === 0) continue;
    const account = mine.find((r) => r.type === "aws.iam.account");
    const partition = (account ?? users[0] ?? roles[0] ?? policies[0])!.arn.split(":")[1] ?? "aws";
    const oidcRaw = account?.raw["oidcProviders"];
    const oidcProviderArns = Array.isArray(oidcRaw)
      ? oidcRaw.map((p) => String((p as JsonObject)["Arn"] ?? "")).filter(Boolean)
      : undefined;
    const authorizationDetails: AuthorizationDetails = {
      UserDetailList: users.map((r) => detail<UserDetailInput>(r)),
      GroupDetailList: of("aws.iam.group").map((r) => detail<GroupDetailInput>(r)),
      RoleDetailList: roles.map((r) => detail<RoleDetailInput>(r)),
      Policies: policies.map((r) => detail<ManagedPolicyInput>(r)),
    };
    const byArn = new Map(mine.map((r) => [r.arn, r]));
    const json = new PrincipalJson(oidcProviderArns);
    // Each principal's facts are made JSON as the analysis hands it over, so no principal's analysis outlives it.
    const result = analyzeIamEach({ authorizationDetails, accountId, partition, oidcProviderArns }, data, (p) => {
      const r = byArn.get(p.facts.arn);
      if (!r) return;
      const access: JsonObject = {
        incomplete: p.facts.incomplete,
        errors: p.facts.errors.map(describeError),
        permissions: json.permissionsOf(p),
      };
      if (p.facts.principalType === "role") access["trust"] = json.trustOf(p.facts);
      derived.set(r, { access });
    });
    const customer = new Map(result.policies.map((p) => [p.arn, p]));
    for (const r of policies) {
      const facts = customer.get(r.arn);
      // AWS managed policies are not judged on their own; they count through the principals using them.
      const access: JsonValue = facts ? policyFacts(facts) : { customerManaged: false };
      derived.set(r, { access });
    }
    for (const e of result.errors) {
      if (alreadyRecorded(e, byArn)) continue;
      const resourceArn = e.principalArn ?? e.policyArn;
      errors.push({
        account: accountId,
        region: "global",
        service: "iam",
        operation: "GetAccountAuthorizationDetails",
        errorName: e.errorName,
        message: describeError(e),
        ...(resourceArn !== undefined ? { resourceArn } : {}),
      });
    }
  }
  return { derived, errors };
}
