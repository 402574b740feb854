/** Permission facts of principals and managed policies, from their effective allowed sets. */
import { andInto, countBits, emptyBits, isSubset, orInto, type BitSet } from "./bitset.js";
import type { ActionCatalog } from "./catalog.js";
import type { Boundary, Collected } from "./documents.js";
import { applyBoundary, isAllowedOn, type PolicyVariables } from "./effective.js";
import { combineGrants, emptyAllowedSets, type AllowedSets, type PolicyGrants } from "./grants.js";
import { dataActionsOnAllResources } from "./data-access.js";
import { matchPrivesc, type ResolvedPrivescMethod } from "./privesc.js";
import type { PermissionFacts, PrincipalAnalysis, PrincipalFacts } from "./result.js";

/** What every fact computation of one run shares. */
export interface FactContext {
  catalog: ActionCatalog;
  methods: readonly ResolvedPrivescMethod[];
  listLimit: number;
  /** Working sets reused by every computation of the run (see scratchSets). */
  scratch: ScratchSets;
  /**
   * What each combination of policies gives (see effectiveFacts), computed once per run for every principal
   * holding it: large accounts attach the same few policies and groups to thousands of principals.
   */
  shared: SharedFacts;
}

/** The run's memo of effective facts by combination of policies (see effectiveFacts). */
export interface SharedFacts {
  /** A number per distinct policy grant (one per compiled document, one per group's merged grants). */
  ids: Map<PolicyGrants, number>;
  byPolicies: Map<string, EffectiveFacts>;
}

/** An empty memo for one run. */
export const sharedFacts = (): SharedFacts => ({ ids: new Map(), byPolicies: new Map() });

/**
 * What a principal's identity policies and boundary give it, whoever it is: the same for every principal holding
 * the same policies (their order and repetitions do not matter: the sets are unions, the lists sorted sets).
 */
export interface EffectiveFacts {
  /** Why the effective sets alone make the principal admin-equivalent (every action, or iam:*, on `*`). */
  setReasons: readonly string[];
  /** No boundary narrows what the principal could grant itself. */
  boundaryOpen: boolean;
  /** Permission facts of the effective sets. */
  permissions: PermissionFacts;
}

/**
 * Working sets of the catalogue's size, overwritten by each principal's fact computation: its combined identity
 * policies, the per-level lists and the union of its allowed classes are read once and dropped, and allocating them per principal (off the JavaScript
 * heap, freed only when a collection happens to run) made up most of the analysis's transient memory.
 */
export interface ScratchSets {
  /** A principal's identity policies combined (read by its facts, then overwritten by the next principal's). */
  identity: AllowedSets;
  deny: BitSet;
  level: BitSet;
  any: BitSet;
}

/** Working sets for a catalogue of `size` actions. */
export function scratchSets(size: number): ScratchSets {
  return { identity: emptyAllowedSets(size), deny: emptyBits(size), level: emptyBits(size), any: emptyBits(size) };
}

/** An action that would let a principal grant itself more, on the target it would act on. */
export interface SelfGrant {
  action: string;
  target: string;
}

function listed(ctx: FactContext, set: BitSet, level: "Read" | "Write" | "Permissions management") {
  const { catalog, listLimit: limit } = ctx;
  const b = ctx.scratch.level;
  b.set(set);
  andInto(b, catalog.levelBits(level));
  const count = countBits(b);
  return { names: catalog.names(b, limit), count, truncated: count > limit };
}

/** Permission facts of effective allowed sets and the grants behind them. */
export function permissionFacts(ctx: FactContext, sets: AllowedSets, grants: readonly PolicyGrants[]): PermissionFacts {
  const { catalog } = ctx;
  const read = listed(ctx, sets.unconstrained, "Read");
  const write = listed(ctx, sets.unconstrained, "Write");
  const pm = listed(ctx, sets.unconstrained, "Permissions management");
  const any = ctx.scratch.any;
  any.set(sets.unconstrained);
  orInto(any, sets.resourceScoped);
  orInto(any, sets.conditional);
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
    readActionsOnAllResources: read.names,
    readActionsOnAllResourcesCount: read.count,
    writeActionsOnAllResources: write.names,
    writeActionsOnAllResourcesCount: write.count,
    permissionsManagementActionsOnAllResources: pm.names,
    permissionsManagementActionsOnAllResourcesCount: pm.count,
    listsTruncated: read.truncated || write.truncated || pm.truncated,
    dataAccessOnAllResources: dataActionsOnAllResources(catalog, sets.unconstrained),
    serviceWildcards: [...wildcards].sort(),
    unknownActionPatterns: [...unknown].sort(),
    hasPartialDeny,
    privilegeEscalation: matchPrivesc(ctx.methods, sets, catalog),
  };
}

/** One principal: who it is, what it draws from its policies, and how it could grant itself more. */
export interface PrincipalInput {
  head: Pick<PrincipalFacts, "arn" | "name" | "principalType">;
  own: Collected;
  boundary: Boundary;
  selfGrants: readonly SelfGrant[];
  vars: PolicyVariables;
}

/** The memo key of a combination of policies: their grants' numbers, sorted, and the boundary's. */
function policiesKey(shared: SharedFacts, grants: readonly PolicyGrants[], boundary: Boundary): string {
  const idOf = (g: PolicyGrants): number => {
    let id = shared.ids.get(g);
    if (id === undefined) shared.ids.set(g, (id = shared.ids.size));
    return id;
  };
  const ids = [...new Set(grants.map(idOf))].sort((a, b) => a - b);
  const b = !boundary.present ? "-" : boundary.grants ? String(idOf(boundary.grants)) : "?";
  return `${ids.join(",")}|${b}`;
}

/** Effective sets (identity policies, Denies and the boundary) and what they give; memoised per run. */
function effectiveFacts(ctx: FactContext, grants: readonly PolicyGrants[], boundary: Boundary): EffectiveFacts {
  const key = policiesKey(ctx.shared, grants, boundary);
  const known = ctx.shared.byPolicies.get(key);
  if (known) return known;
  const { catalog } = ctx;
  const identity = combineGrants(grants, catalog.size, ctx.scratch.identity, ctx.scratch.deny);
  const boundarySets = boundary.grants ? combineGrants([boundary.grants], catalog.size) : undefined;
  const effective = boundarySets ? applyBoundary(identity, boundarySets, catalog.size) : identity;
  const setReasons: string[] = [];
  const uCount = countBits(effective.unconstrained);
  const iamBits = catalog.serviceBits("iam");
  if (catalog.size > 0 && uCount === catalog.size) setReasons.push("Allows every action on every resource (*:*)");
  else if (iamBits && isSubset(iamBits, effective.unconstrained)) setReasons.push("Allows iam:* on every resource");
  // Granting oneself a policy only yields what the boundary allows, so a self-grant makes a
  // principal admin-equivalent only when no boundary narrows it (privesc still reports it).
  const boundaryOpen =
    !boundary.present || (boundarySets !== undefined && countBits(boundarySets.unconstrained) === catalog.size);
  const facts: EffectiveFacts = { setReasons, boundaryOpen, permissions: permissionFacts(ctx, effective, grants) };
  ctx.shared.byPolicies.set(key, facts);
  return facts;
}

/**
 * Effective permissions of a principal (identity policies, Denies and the boundary) and whether it is admin. The
 * permission facts (their lists) are one object shared by every principal with the same policies.
 */
export function principalFacts(ctx: FactContext, p: PrincipalInput): PrincipalAnalysis {
  const { catalog } = ctx;
  const { head, own, boundary, selfGrants, vars } = p;
  const { setReasons, boundaryOpen, permissions } = effectiveFacts(ctx, own.grants, boundary);
  const reasons = [...setReasons];
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
      if (i !== undefined && isAllowedOn({ identity: own.grants, boundary: boundary.grants }, i, target, vars)) {
        reasons.push(`Can grant itself any permission: ${action} on ${target}`);
      }
    }
  }
  const errs = [...new Set(own.errors)];
  // Written out rather than spread: spreading a fact object into a literal gave each principal's facts a hidden
  // class of its own (a new map and descriptor array per property added, ~11 KB a principal on large accounts).
  const facts: PrincipalFacts = {
    arn: head.arn,
    name: head.name,
    principalType: head.principalType,
    incomplete: errs.length > 0 || (boundary.present && !boundary.grants),
    errors: errs,
    hasPermissionsBoundary: boundary.present,
    adminEquivalent: reasons.length > 0,
    adminReasons: reasons,
    actionsOnAllResourcesCount: permissions.actionsOnAllResourcesCount,
    resourceScopedActionsCount: permissions.resourceScopedActionsCount,
    conditionalActionsCount: permissions.conditionalActionsCount,
    readActionsOnAllResources: permissions.readActionsOnAllResources,
    readActionsOnAllResourcesCount: permissions.readActionsOnAllResourcesCount,
    writeActionsOnAllResources: permissions.writeActionsOnAllResources,
    writeActionsOnAllResourcesCount: permissions.writeActionsOnAllResourcesCount,
    permissionsManagementActionsOnAllResources: permissions.permissionsManagementActionsOnAllResources,
    permissionsManagementActionsOnAllResourcesCount: permissions.permissionsManagementActionsOnAllResourcesCount,
    listsTruncated: permissions.listsTruncated,
    dataAccessOnAllResources: permissions.dataAccessOnAllResources,
    serviceWildcards: permissions.serviceWildcards,
    unknownActionPatterns: permissions.unknownActionPatterns,
    hasPartialDeny: permissions.hasPartialDeny,
    privilegeEscalation: permissions.privilegeEscalation,
  };
  return { facts, permissions };
}
