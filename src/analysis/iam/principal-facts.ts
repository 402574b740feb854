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

/** Effective permissions of a principal (identity policies, Denies and the boundary) and whether it is admin. */
export function principalFacts(ctx: FactContext, p: PrincipalInput): PrincipalAnalysis {
  const { catalog } = ctx;
  const { head, own, boundary, selfGrants, vars } = p;
  const identity = combineGrants(own.grants, catalog.size, ctx.scratch.identity, ctx.scratch.deny);
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
      if (i !== undefined && isAllowedOn({ identity: own.grants, boundary: boundary.grants }, i, target, vars)) {
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
  return { facts };
}
