/**
 * The analysis entry point: a pure, synchronous function from authorization details (plus the
 * loaded data) to per-principal and per-policy facts. Policies are parsed and compiled once per
 * unique document text, because large accounts attach the same few documents thousands of times.
 */
import { nameFromArn } from "../../aws/arns.js";
import { andInto, countBits, isSubset, type BitSet } from "./bitset.js";
import type { ActionCatalog } from "./catalog.js";
import type { IamAnalysisData } from "./data.js";
import { anyAllowed, applyBoundary, isAllowedOn, type PolicyVariables } from "./effective.js";
import { combineGrants, compileGrants, mergeGrants, type AllowedSets, type PolicyGrants } from "./grants.js";
import type { AuthorizationDetails, IamAnalysisInput, ManagedPolicyInput } from "./input.js";
import { parsePolicyDocument, type NormalizedPolicy, type ParseResult, type PolicyKind } from "./policy.js";
import { matchPrivesc, resolvePrivescMethods, type PrivescMatch, type ResolvedPrivescMethod } from "./privesc.js";
import { analyzeTrustPolicy, type TrustFinding } from "./trust.js";

/** Why a policy could not be used; a principal depending on it is `incomplete`. */
export type PolicyErrorName = "MalformedPolicyDocument" | "PolicyDocumentMissing" | "PolicyNotFound" | "GroupNotFound";

/** A per-policy problem, reported as data (never thrown, never ignored). */
export interface PolicyError {
  /** Managed policy ARN, when the problem is a managed policy. */
  policyArn?: string;
  /** Principal (user, group or role) ARN, for inline and trust policies and missing references. */
  principalArn?: string;
  /** Inline policy name, `AssumeRolePolicyDocument`, or the missing group name. */
  policyName?: string;
  /** Error class. */
  errorName: PolicyErrorName;
  /** Human-readable detail. */
  message: string;
}

/** Permission facts shared by principals and single managed policies. */
export interface PermissionFacts {
  /** Number of catalogue actions allowed on every resource without condition. */
  actionsOnAllResourcesCount: number;
  /** Number of actions allowed only on specific resources. */
  resourceScopedActionsCount: number;
  /** Number of actions allowed only under a condition. */
  conditionalActionsCount: number;
  /** Write-level actions allowed on `*`, sorted (truncated to `listLimit`). */
  writeActionsOnAllResources: string[];
  /** Total Write-level actions allowed on `*`. */
  writeActionsOnAllResourcesCount: number;
  /** Permissions-management actions allowed on `*`, sorted (truncated to `listLimit`). */
  permissionsManagementActionsOnAllResources: string[];
  /** Total Permissions-management actions allowed on `*`. */
  permissionsManagementActionsOnAllResourcesCount: number;
  /** True when one of the lists above was truncated. */
  listsTruncated: boolean;
  /** Services granted through a literal `svc:*` that survives Denies and the boundary, sorted. */
  serviceWildcards: string[];
  /** Allowed action patterns unknown to the catalogue (kept verbatim, never dropped). */
  unknownActionPatterns: string[];
  /** Some Deny is conditional or resource-scoped: it was not subtracted from the sets. */
  hasPartialDeny: boolean;
  /** Privilege-escalation methods all of whose actions are allowed. */
  privilegeEscalation: PrivescMatch[];
}

/** Trust analysis of one role. */
export interface RoleTrustFacts {
  /** Findings in statement order. */
  findings: TrustFinding[];
  /** True when the trust policy could not be parsed. */
  incomplete: boolean;
}

/** Derived facts for one user or role; JSON-serialisable. */
export interface PrincipalFacts extends PermissionFacts {
  /** Principal ARN. */
  arn: string;
  /** User or role name. */
  name: string;
  /** `user` or `role`. */
  principalType: "user" | "role";
  /** True when some policy of the principal could not be read: facts are a lower bound. */
  incomplete: boolean;
  /** The problems behind `incomplete`. */
  errors: PolicyError[];
  /** Whether a permission boundary is attached. */
  hasPermissionsBoundary: boolean;
  /** Effectively `*:*`, or able to grant itself anything. */
  adminEquivalent: boolean;
  /** Why `adminEquivalent` is true. */
  adminReasons: string[];
  /** Group names (users only). */
  groups?: string[];
  /** Trust-policy analysis (roles only). */
  trust?: RoleTrustFacts;
}

/** Facts plus the raw effective sets (not serialisable; use `catalog.names()`). */
export interface PrincipalAnalysis {
  /** JSON facts. */
  facts: PrincipalFacts;
  /** Effective allowed sets after Denies and the boundary. */
  effective: AllowedSets;
}

/** Facts for one customer managed policy taken alone. */
export interface ManagedPolicyFacts extends PermissionFacts {
  /** Policy ARN. */
  arn: string;
  /** Policy name. */
  name: string;
  /** Number of principals it is attached to, as IAM reports. */
  attachmentCount: number;
  /** Number of principals using it as a permissions boundary. */
  permissionsBoundaryUsageCount: number;
  /** Allows every action on every resource without condition (`*:*`). */
  allowsAllActionsOnAllResources: boolean;
  /** True when the default version could not be read. */
  incomplete: boolean;
  /** The reason, when incomplete. */
  error?: PolicyError;
}

/** Analysis output. */
export interface IamAnalysisResult {
  /** Users then roles, in input order. */
  principals: PrincipalAnalysis[];
  /** Customer managed policies, in input order. */
  policies: ManagedPolicyFacts[];
  /** Every policy error (also attached to the affected principals/policies). */
  errors: PolicyError[];
  /** Data problems that do not concern one policy (e.g. privesc methods with unknown actions). */
  warnings: string[];
  /** Version of the action data used. */
  dataVersion: string;
}

/** Tuning knobs. */
export interface IamAnalysisOptions {
  /** Maximum names per action list in the facts (counts stay exact). Default 200. */
  listLimit?: number;
}

type Compiled = { ok: true; policy: NormalizedPolicy; grants: PolicyGrants } | { ok: false; message: string };

/** Parse-and-compile memo scoped to one analysis run (no module-level state). */
class DocumentCache {
  private readonly parsed = new Map<string, ParseResult>();
  private readonly compiled = new Map<string, Compiled>();
  constructor(private readonly catalog: ActionCatalog) {}

  private key(doc: unknown, kind: PolicyKind): string | undefined {
    if (typeof doc === "string") return `${kind}\u0000${doc}`;
    return typeof doc === "object" && doc !== null ? `${kind}\u0001${JSON.stringify(doc)}` : undefined;
  }

  parse(doc: unknown, kind: PolicyKind): ParseResult {
    const k = this.key(doc, kind);
    if (k === undefined) return parsePolicyDocument(doc, kind);
    let r = this.parsed.get(k);
    if (!r) {
      r = parsePolicyDocument(doc, kind);
      this.parsed.set(k, r);
    }
    return r;
  }

  identity(doc: unknown): Compiled {
    const k = this.key(doc, "identity") ?? "";
    let c = this.compiled.get(k);
    if (!c) {
      const r = this.parse(doc, "identity");
      c = r.ok ? { ok: true, policy: r.policy, grants: compileGrants(r.policy, this.catalog) } : r;
      if (k !== "") this.compiled.set(k, c);
    }
    return c;
  }
}

/** The default version's document, or undefined when the version list lacks it. */
function defaultDocument(p: ManagedPolicyInput): string | undefined {
  const versions = p.PolicyVersionList ?? [];
  const v = versions.find((x) => x.IsDefaultVersion === true) ?? versions.find((x) => x.VersionId === p.DefaultVersionId);
  return v?.Document;
}

interface ManagedEntry {
  arn: string;
  compiled: Compiled;
  error?: PolicyError;
}

interface Collected {
  grants: PolicyGrants[];
  errors: PolicyError[];
  customerPolicyArns: string[];
}

/** Runs the analysis; never throws on account data, only on programming errors. */
export function analyzeIam(input: IamAnalysisInput, data: IamAnalysisData, options: IamAnalysisOptions = {}): IamAnalysisResult {
  const { catalog } = data;
  const listLimit = options.listLimit ?? 200;
  const cache = new DocumentCache(catalog);
  const details: AuthorizationDetails = input.authorizationDetails;
  const errors: PolicyError[] = [];
  const warnings: string[] = [];
  const { resolved: methods, unresolved } = resolvePrivescMethods(data.privesc, catalog);
  for (const u of unresolved) {
    warnings.push(`privesc method ${u.id} names actions unknown to the catalogue: ${u.missingActions.join(", ")}`);
  }
  const customerPolicyPrefix = new RegExp(`^arn:${escape(input.partition)}:iam::\\d{12}:policy/`);

  const managed = new Map<string, ManagedEntry>();
  for (const p of details.Policies ?? []) {
    if (!p.Arn) continue;
    const doc = defaultDocument(p);
    if (doc === undefined) {
      const error: PolicyError = {
        policyArn: p.Arn,
        errorName: "PolicyDocumentMissing",
        message: "No default version document in PolicyVersionList",
      };
      managed.set(p.Arn, { arn: p.Arn, compiled: { ok: false, message: error.message }, error });
      continue;
    }
    const compiled = cache.identity(doc);
    const entry: ManagedEntry = { arn: p.Arn, compiled };
    if (!compiled.ok) {
      entry.error = { policyArn: p.Arn, errorName: "MalformedPolicyDocument", message: compiled.message };
    }
    managed.set(p.Arn, entry);
  }
  for (const m of managed.values()) if (m.error) errors.push(m.error);

  // Attached managed policies; a reference missing from the snapshot is an error, not "no permissions".
  const attach = (
    out: Collected,
    principalArn: string,
    attached: readonly { PolicyArn?: string | undefined }[] | undefined,
  ): void => {
    for (const a of attached ?? []) {
      if (!a.PolicyArn) continue;
      const m = managed.get(a.PolicyArn);
      if (!m) {
        out.errors.push({
          principalArn,
          policyArn: a.PolicyArn,
          errorName: "PolicyNotFound",
          message: "Attached managed policy is not in the authorization details",
        });
        continue;
      }
      if (customerPolicyPrefix.test(m.arn)) out.customerPolicyArns.push(m.arn);
      if (m.compiled.ok) out.grants.push(m.compiled.grants);
      else if (m.error) out.errors.push(m.error);
    }
  };
  const inline = (
    out: Collected,
    principalArn: string,
    list: readonly { PolicyName?: string | undefined; PolicyDocument?: string | undefined }[] | undefined,
  ): void => {
    for (const ip of list ?? []) {
      const c = cache.identity(ip.PolicyDocument);
      if (c.ok) out.grants.push(c.grants);
      else {
        const e: PolicyError = {
          principalArn,
          errorName: "MalformedPolicyDocument",
          message: c.message,
        };
        if (ip.PolicyName !== undefined) e.policyName = ip.PolicyName;
        out.errors.push(e);
        errors.push(e);
      }
    }
  };

  const groups = new Map<string, { arn: string; collected: Collected }>();
  for (const g of details.GroupDetailList ?? []) {
    // Some answers omit the name: the ARN carries it, and users' GroupList refers to groups by name.
    const groupName = g.GroupName || (g.Arn ? nameFromArn(g.Arn) : undefined);
    if (!groupName) continue;
    const arn = g.Arn ?? groupName;
    const collected: Collected = { grants: [], errors: [], customerPolicyArns: [] };
    inline(collected, arn, g.GroupPolicyList);
    attach(collected, arn, g.AttachedManagedPolicies);
    // Denies stay unsubtracted inside the merged grant, so merging is exact for the algebra.
    if (collected.grants.length > 1) collected.grants = [mergeGrants(collected.grants, catalog.size)];
    groups.set(groupName, { arn, collected });
  }

  const boundaryOf = (
    principalArn: string,
    b: { PermissionsBoundaryArn?: string | undefined } | undefined,
    errs: PolicyError[],
  ): { present: boolean; grants?: PolicyGrants } => {
    const arn = b?.PermissionsBoundaryArn;
    if (!arn) return { present: false };
    const m = managed.get(arn);
    if (!m) {
      errs.push({
        principalArn,
        policyArn: arn,
        errorName: "PolicyNotFound",
        message: "Permissions boundary policy is not in the authorization details",
      });
      return { present: true };
    }
    if (!m.compiled.ok) {
      if (m.error) errs.push(m.error);
      return { present: true };
    }
    return { present: true, grants: m.compiled.grants };
  };

  const ctx: FactContext = { catalog, methods, listLimit };
  const principals: PrincipalAnalysis[] = [];

  for (const u of details.UserDetailList ?? []) {
    const arn = u.Arn ?? "";
    const name = u.UserName || nameFromArn(arn);
    const own: Collected = { grants: [], errors: [], customerPolicyArns: [] };
    inline(own, arn, u.UserPolicyList);
    attach(own, arn, u.AttachedManagedPolicies);
    const groupArns: string[] = [];
    for (const gName of u.GroupList ?? []) {
      const g = groups.get(gName);
      if (!g) {
        const e: PolicyError = {
          principalArn: arn,
          policyName: gName,
          errorName: "GroupNotFound",
          message: `Group ${gName} is not in the authorization details`,
        };
        own.errors.push(e);
        errors.push(e);
        continue;
      }
      groupArns.push(g.arn);
      own.grants.push(...g.collected.grants);
      own.errors.push(...g.collected.errors);
      own.customerPolicyArns.push(...g.collected.customerPolicyArns);
    }
    const boundary = boundaryOf(arn, u.PermissionsBoundary, own.errors);
    const vars: PolicyVariables = { account: input.accountId };
    if (u.UserName !== undefined) vars.username = u.UserName;
    if (u.UserId !== undefined) vars.userid = u.UserId;
    const selfGrants: SelfGrant[] = [
      { action: "iam:PutUserPolicy", target: arn },
      { action: "iam:AttachUserPolicy", target: arn },
      ...groupArns.flatMap((g) => [
        { action: "iam:PutGroupPolicy", target: g },
        { action: "iam:AttachGroupPolicy", target: g },
      ]),
    ];
    const analysis = principalFacts(ctx, { arn, name, principalType: "user" }, own, boundary, selfGrants, vars);
    analysis.facts.groups = [...(u.GroupList ?? [])];
    principals.push(analysis);
  }

  const trustCtx = {
    accountId: input.accountId,
    sourceConditionServices: data.sourceConditionServices,
    oidcProviderArns: input.oidcProviderArns,
  };
  for (const r of details.RoleDetailList ?? []) {
    const arn = r.Arn ?? "";
    const own: Collected = { grants: [], errors: [], customerPolicyArns: [] };
    inline(own, arn, r.RolePolicyList);
    attach(own, arn, r.AttachedManagedPolicies);
    const boundary = boundaryOf(arn, r.PermissionsBoundary, own.errors);
    const selfGrants: SelfGrant[] = [
      { action: "iam:PutRolePolicy", target: arn },
      { action: "iam:AttachRolePolicy", target: arn },
    ];
    const head = { arn, name: r.RoleName || nameFromArn(arn), principalType: "role" as const };
    const analysis = principalFacts(ctx, head, own, boundary, selfGrants, { account: input.accountId });
    const trustParsed = cache.parse(r.AssumeRolePolicyDocument, "trust");
    let trust: RoleTrustFacts;
    if (trustParsed.ok) trust = { findings: analyzeTrustPolicy(trustParsed.policy, trustCtx), incomplete: false };
    else {
      const e: PolicyError = {
        principalArn: arn,
        policyName: "AssumeRolePolicyDocument",
        errorName: "MalformedPolicyDocument",
        message: trustParsed.message,
      };
      errors.push(e);
      analysis.facts.errors.push(e);
      analysis.facts.incomplete = true;
      trust = { findings: [], incomplete: true };
    }
    analysis.facts.trust = trust;
    principals.push(analysis);
  }

  // Missing references are collected per principal; report each once globally.
  const seen = new Set(errors);
  for (const p of principals) {
    for (const e of p.facts.errors) {
      if (!seen.has(e)) {
        seen.add(e);
        errors.push(e);
      }
    }
  }

  const policies: ManagedPolicyFacts[] = [];
  for (const p of details.Policies ?? []) {
    if (!p.Arn || !customerPolicyPrefix.test(p.Arn)) continue;
    const m = managed.get(p.Arn);
    const grants = m?.compiled.ok ? [m.compiled.grants] : [];
    const sets = combineGrants(grants, catalog.size);
    const facts: ManagedPolicyFacts = {
      arn: p.Arn,
      name: p.PolicyName || nameFromArn(p.Arn),
      attachmentCount: p.AttachmentCount ?? 0,
      permissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount ?? 0,
      allowsAllActionsOnAllResources: catalog.size > 0 && countBits(sets.unconstrained) === catalog.size,
      incomplete: !m?.compiled.ok,
      ...permissionFacts(ctx, sets, grants),
    };
    if (m?.error) facts.error = m.error;
    policies.push(facts);
  }

  return { principals, policies, errors, warnings, dataVersion: catalog.dataVersion };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface FactContext {
  catalog: ActionCatalog;
  methods: readonly ResolvedPrivescMethod[];
  listLimit: number;
}

interface SelfGrant {
  action: string;
  target: string;
}

function listed(catalog: ActionCatalog, set: BitSet, level: "Write" | "Permissions management", limit: number) {
  const b = set.slice();
  andInto(b, catalog.levelBits(level));
  const count = countBits(b);
  return { names: catalog.names(b, limit), count, truncated: count > limit };
}

function permissionFacts(ctx: FactContext, sets: AllowedSets, grants: readonly PolicyGrants[]): PermissionFacts {
  const { catalog } = ctx;
  const write = listed(catalog, sets.unconstrained, "Write", ctx.listLimit);
  const pm = listed(catalog, sets.unconstrained, "Permissions management", ctx.listLimit);
  const any = anyAllowed(sets, catalog.size);
  const wildcards = new Set<string>();
  const unknown = new Set<string>();
  let hasPartialDeny = false;
  for (const g of grants) {
    for (const svc of g.serviceWildcards) {
      const bits = catalog.serviceBits(svc);
      // Unknown services are kept: we cannot prove the wildcard harmless.
      if (!bits || isSubset(bits, any)) wildcards.add(svc);
    }
    for (const p of g.unknownAllowPatterns) unknown.add(p);
    hasPartialDeny ||= g.hasPartialDeny;
  }
  return {
    actionsOnAllResourcesCount: countBits(sets.unconstrained),
    resourceScopedActionsCount: countBits(sets.resourceScoped),
    conditionalActionsCount: countBits(sets.conditional),
    writeActionsOnAllResources: write.names,
    writeActionsOnAllResourcesCount: write.count,
    permissionsManagementActionsOnAllResources: pm.names,
    permissionsManagementActionsOnAllResourcesCount: pm.count,
    listsTruncated: write.truncated || pm.truncated,
    serviceWildcards: [...wildcards].sort(),
    unknownActionPatterns: [...unknown].sort(),
    hasPartialDeny,
    privilegeEscalation: matchPrivesc(ctx.methods, sets, catalog),
  };
}

function principalFacts(
  ctx: FactContext,
  head: Pick<PrincipalFacts, "arn" | "name" | "principalType">,
  own: Collected,
  boundary: { present: boolean; grants?: PolicyGrants },
  selfGrants: readonly SelfGrant[],
  vars: PolicyVariables,
): PrincipalAnalysis {
  const { catalog } = ctx;
  const identity = combineGrants(own.grants, catalog.size);
  const boundarySets = boundary.grants ? combineGrants([boundary.grants], catalog.size) : undefined;
  const effective = boundarySets ? applyBoundary(identity, boundarySets, catalog.size) : identity;
  const reasons: string[] = [];
  const uCount = countBits(effective.unconstrained);
  const iamBits = catalog.serviceBits("iam");
  if (catalog.size > 0 && uCount === catalog.size) reasons.push("Allows every action on every resource (*:*)");
  else if (iamBits && isSubset(iamBits, effective.unconstrained)) reasons.push("Allows iam:* on every resource");
  // Granting oneself a policy only yields what the boundary allows, so a self-grant makes a
  // principal admin-equivalent only when no boundary narrows it (privesc still reports it).
  const boundaryOpen =
    !boundary.present || (boundarySets !== undefined && countBits(boundarySets.unconstrained) === catalog.size);
  if (reasons.length === 0 && boundaryOpen) {
    const checks: SelfGrant[] = [
      ...selfGrants,
      ...[...new Set(own.customerPolicyArns)].map((target) => ({
        action: "iam:CreatePolicyVersion",
        target,
      })),
    ];
    for (const { action, target } of checks) {
      const i = catalog.indexOf(action);
      if (i !== undefined && isAllowedOn(own.grants, boundary.grants, i, target, vars)) {
        reasons.push(`Can grant itself any permission: ${action} on ${target}`);
      }
    }
  }
  const errs = [...new Set(own.errors)];
  const facts: PrincipalFacts = {
    ...head,
    incomplete: errs.length > 0 || (boundary.present && !boundary.grants),
    errors: errs,
    hasPermissionsBoundary: boundary.present,
    adminEquivalent: reasons.length > 0,
    adminReasons: reasons,
    ...permissionFacts(ctx, effective, own.grants),
  };
  return { facts, effective };
}
