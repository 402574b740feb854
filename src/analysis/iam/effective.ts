/**
 * Effective permissions of one principal: identity policies combined, permission boundary
 * applied, and targeted "is this action allowed on this exact ARN" checks.
 */
import { andInto, andNotInto, emptyBits, hasBit, orInto, type BitSet } from "./bitset.js";
import type { AllowedSets, CompiledStatement, PolicyGrants } from "./grants.js";
import { arnGlobMatches } from "./wildcard.js";

/**
 * Applies a permission boundary: only what both allow is effective. An action allowed on `*`
 * by one side but only conditionally or on specific resources by the other becomes limited.
 */
export function applyBoundary(identity: AllowedSets, boundary: AllowedSets, size: number): AllowedSets {
  const unconstrained = identity.unconstrained.slice();
  andInto(unconstrained, boundary.unconstrained);
  const anyIdentity = anyAllowed(identity, size);
  const limited = anyAllowed(boundary, size);
  andInto(limited, anyIdentity);
  andNotInto(limited, unconstrained);
  const scopedEither = identity.resourceScoped.slice();
  orInto(scopedEither, boundary.resourceScoped);
  const resourceScoped = limited.slice();
  andInto(resourceScoped, scopedEither);
  const conditional = limited;
  andNotInto(conditional, resourceScoped);
  return { unconstrained, resourceScoped, conditional };
}

/** Union of the three allowed classes. */
export function anyAllowed(sets: AllowedSets, size: number): BitSet {
  const b = emptyBits(size);
  orInto(b, sets.unconstrained);
  orInto(b, sets.resourceScoped);
  orInto(b, sets.conditional);
  return b;
}

/** Values for IAM policy variables when matching a principal's own ARN. */
export interface PolicyVariables {
  /** `${aws:username}` (users only). */
  username?: string;
  /** `${aws:userid}`. */
  userid?: string;
  /** `${aws:PrincipalAccount}`. */
  account?: string;
}

// An unresolvable variable must not match anything, so it becomes a character ARNs never hold.
const NEVER = "\u0000";

function substitute(pattern: string, vars: PolicyVariables): string {
  if (!pattern.includes("${")) return pattern;
  return pattern.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    const n = name.toLowerCase();
    if (name === "*" || name === "?" || name === "$") return name;
    if (n === "aws:username") return vars.username ?? NEVER;
    if (n === "aws:userid") return vars.userid ?? NEVER;
    if (n === "aws:principalaccount") return vars.account ?? NEVER;
    return NEVER;
  });
}

function appliesTo(s: CompiledStatement, arn: string, vars: PolicyVariables): boolean {
  const { resource, notResource } = s.statement;
  if (resource) return resource.some((p) => arnGlobMatches(substitute(p, vars), arn));
  if (notResource) return !notResource.some((p) => arnGlobMatches(substitute(p, vars), arn));
  return false;
}

function allowedBy(grants: readonly PolicyGrants[], action: number, arn: string, vars: PolicyVariables): boolean {
  let allowed = false;
  for (const g of grants) {
    for (const s of g.statements) {
      if (s.conditional || !hasBit(s.actions, action) || !appliesTo(s, arn, vars)) continue;
      if (s.statement.effect === "Deny") return false;
      allowed = true;
    }
  }
  return allowed;
}

/**
 * Whether `action` (catalogue index) is allowed without condition on the exact ARN `arn`,
 * considering resource patterns, unconditional Denies that cover the ARN, and the boundary.
 */
export function isAllowedOn(
  policies: { identity: readonly PolicyGrants[]; boundary: PolicyGrants | undefined },
  action: number,
  arn: string,
  vars: PolicyVariables,
): boolean {
  const { identity, boundary } = policies;
  if (!allowedBy(identity, action, arn, vars)) return false;
  return boundary === undefined || allowedBy([boundary], action, arn, vars);
}
