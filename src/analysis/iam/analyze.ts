/**
 * The analysis entry point: a pure, synchronous function from authorization details (plus the
 * loaded data) to per-principal and per-policy facts. Policies are parsed and compiled once per
 * unique document text (documents.ts).
 */
import { nameFromArn } from "../../aws/arns.js";
import { countBits } from "./bitset.js";
import type { IamAnalysisData } from "./data.js";
import { collected, DocumentCache, PolicySource, type Collected } from "./documents.js";
import type { PolicyVariables } from "./effective.js";
import { combineGrants, mergeGrants } from "./grants.js";
import type { AuthorizationDetails, IamAnalysisInput, RoleDetailInput, UserDetailInput } from "./input.js";
import {
  permissionFacts,
  principalFacts,
  scratchSets,
  sharedFacts,
  type FactContext,
  type SelfGrant,
} from "./principal-facts.js";
import { resolvePrivescMethods } from "./privesc.js";
import type { NormalizedPolicy } from "./policy.js";
import type {
  IamAnalysisOptions,
  IamAnalysisResult,
  ManagedPolicyFacts,
  PolicyError,
  PrincipalAnalysis,
  RoleTrustFacts,
} from "./result.js";
import { analyzeTrustPolicy, type TrustContext, type TrustFinding } from "./trust.js";

/** A group's ARN and what its members draw from it. */
type Groups = Map<string, { arn: string; collected: Collected }>;

/** What the per-principal steps of one run share. */
interface RunContext {
  facts: FactContext;
  policies: PolicySource;
  trust: TrustContext;
  /** Trust findings per parsed trust policy: roles share a handful of trust documents (the cache parses each once). */
  trustFindings: Map<NormalizedPolicy, TrustFinding[]>;
  accountId: string;
}

function groupsOf(details: AuthorizationDetails, policies: PolicySource, catalogSize: number): Groups {
  const groups: Groups = new Map();
  for (const g of details.GroupDetailList ?? []) {
    // Some answers omit the name: the ARN carries it, and users' GroupList refers to groups by name.
    const groupName = g.GroupName || (g.Arn ? nameFromArn(g.Arn) : undefined);
    if (!groupName) continue;
    const arn = g.Arn ?? groupName;
    const c = collected();
    policies.inline(c, arn, g.GroupPolicyList);
    policies.attach(c, arn, g.AttachedManagedPolicies);
    // Denies stay unsubtracted inside the merged grant, so merging is exact for the algebra.
    if (c.grants.length > 1) c.grants = [mergeGrants(c.grants, catalogSize)];
    groups.set(groupName, { arn, collected: c });
  }
  return groups;
}

/** A user with its own policies, its groups' and its boundary; a group missing from the snapshot is an error. */
function userAnalysis(u: UserDetailInput, groups: Groups, run: RunContext): PrincipalAnalysis {
  const { policies } = run;
  const arn = u.Arn ?? "";
  const own = collected();
  policies.inline(own, arn, u.UserPolicyList);
  policies.attach(own, arn, u.AttachedManagedPolicies);
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
      policies.errors.push(e);
      continue;
    }
    groupArns.push(g.arn);
    own.grants.push(...g.collected.grants);
    own.errors.push(...g.collected.errors);
    own.customerPolicyArns.push(...g.collected.customerPolicyArns);
  }
  const boundary = policies.boundary(arn, u.PermissionsBoundary, own.errors);
  const vars: PolicyVariables = { account: run.accountId };
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
  const head = { arn, name: u.UserName || nameFromArn(arn), principalType: "user" as const };
  const analysis = principalFacts(run.facts, { head, own, boundary, selfGrants, vars });
  analysis.facts.groups = [...(u.GroupList ?? [])];
  return analysis;
}

/** A role with its policies, its boundary and the analysis of its trust policy. */
function roleAnalysis(r: RoleDetailInput, run: RunContext): PrincipalAnalysis {
  const { policies } = run;
  const arn = r.Arn ?? "";
  const own = collected();
  policies.inline(own, arn, r.RolePolicyList);
  policies.attach(own, arn, r.AttachedManagedPolicies);
  const boundary = policies.boundary(arn, r.PermissionsBoundary, own.errors);
  const selfGrants: SelfGrant[] = [
    { action: "iam:PutRolePolicy", target: arn },
    { action: "iam:AttachRolePolicy", target: arn },
  ];
  const head = { arn, name: r.RoleName || nameFromArn(arn), principalType: "role" as const };
  const analysis = principalFacts(run.facts, { head, own, boundary, selfGrants, vars: { account: run.accountId } });
  const trustParsed = policies.cache.parse(r.AssumeRolePolicyDocument, "trust");
  let trust: RoleTrustFacts;
  if (trustParsed.ok) {
    let findings = run.trustFindings.get(trustParsed.policy);
    if (!findings) run.trustFindings.set(trustParsed.policy, (findings = analyzeTrustPolicy(trustParsed.policy, run.trust)));
    trust = { findings, incomplete: false };
  } else {
    const e: PolicyError = {
      principalArn: arn,
      policyName: "AssumeRolePolicyDocument",
      errorName: "MalformedPolicyDocument",
      message: trustParsed.message,
    };
    policies.errors.push(e);
    analysis.facts.errors.push(e);
    analysis.facts.incomplete = true;
    trust = { findings: [], incomplete: true };
  }
  analysis.facts.trust = trust;
  return analysis;
}

/** Facts of each customer managed policy taken alone. */
function customerPolicyFacts(details: AuthorizationDetails, run: RunContext): ManagedPolicyFacts[] {
  const { catalog } = run.facts;
  const out: ManagedPolicyFacts[] = [];
  for (const p of details.Policies ?? []) {
    if (!p.Arn || !run.policies.isCustomerManaged(p.Arn)) continue;
    const m = run.policies.managed.get(p.Arn);
    const grants = m?.compiled.ok ? [m.compiled.grants] : [];
    const sets = combineGrants(grants, catalog.size, run.facts.scratch.identity, run.facts.scratch.deny);
    const facts: ManagedPolicyFacts = {
      arn: p.Arn,
      name: p.PolicyName || nameFromArn(p.Arn),
      attachmentCount: p.AttachmentCount ?? 0,
      permissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount ?? 0,
      allowsAllActionsOnAllResources: catalog.size > 0 && countBits(sets.unconstrained) === catalog.size,
      incomplete: !m?.compiled.ok,
      ...permissionFacts(run.facts, sets, grants),
    };
    if (m?.error) facts.error = m.error;
    out.push(facts);
  }
  return out;
}

/** Runs the analysis; never throws on account data, only on programming errors. */
export function analyzeIam(input: IamAnalysisInput, data: IamAnalysisData, options: IamAnalysisOptions = {}): IamAnalysisResult {
  const principals: PrincipalAnalysis[] = [];
  const rest = analyzeIamEach(input, data, (p) => principals.push(p), options);
  return { principals, ...rest };
}

/**
 * analyzeIam handing each principal's analysis to `onPrincipal` as soon as it is made (users, then roles, in input
 * order) instead of returning them all: a caller that turns each into its own form keeps no principal's analysis
 * (nor its working data) past that principal. Permission facts are shared between principals with the same
 * policies (PrincipalAnalysis.permissions).
 */
export function analyzeIamEach(
  input: IamAnalysisInput,
  data: IamAnalysisData,
  onPrincipal: (p: PrincipalAnalysis) => void,
  options: IamAnalysisOptions = {},
): Omit<IamAnalysisResult, "principals"> {
  const { catalog } = data;
  const details = input.authorizationDetails;
  const warnings: string[] = [];
  const { resolved: methods, unresolved } = resolvePrivescMethods(data.privesc, catalog);
  for (const u of unresolved) {
    warnings.push(`privesc method ${u.id} names actions unknown to the catalogue: ${u.missingActions.join(", ")}`);
  }
  const policies = new PolicySource(details, input.partition, new DocumentCache(catalog));
  const run: RunContext = {
    facts: {
      catalog,
      methods,
      listLimit: options.listLimit ?? 200,
      scratch: scratchSets(catalog.size),
      shared: sharedFacts(),
    },
    policies,
    trust: {
      accountId: input.accountId,
      sourceConditionServices: data.sourceConditionServices,
      oidcProviderArns: input.oidcProviderArns,
    },
    trustFindings: new Map(),
    accountId: input.accountId,
  };
  const groups = groupsOf(details, policies, catalog.size);
  // Missing references are collected per principal; each is reported once, after the run's own errors.
  // A Set keeps the order errors were first seen in.
  const principalErrors = new Set<PolicyError>();
  const take = (p: PrincipalAnalysis): void => {
    for (const e of p.facts.errors) principalErrors.add(e);
    onPrincipal(p);
  };
  for (const u of details.UserDetailList ?? []) take(userAnalysis(u, groups, run));
  for (const r of details.RoleDetailList ?? []) take(roleAnalysis(r, run));
  const errors = policies.errors;
  const own = new Set(errors);
  for (const e of principalErrors) if (!own.has(e)) errors.push(e);
  return { policies: customerPolicyFacts(details, run), errors, warnings, dataVersion: catalog.dataVersion };
}
