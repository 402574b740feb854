/**
 * Compiles one normalised identity policy into action bit sets, once per unique document.
 *
 * Statements fall into buckets that the effective-permission algebra combines per principal:
 * unconditional Allow on every resource, Allow only under a condition, Allow only on specific
 * resources, and unconditional Deny on every resource. Conditional or scoped Denies never
 * remove anything from "allowed on *": treating them as removals could turn a real grant
 * into a pass, so they are only recorded.
 */
import { complement, emptyBits, orInto, andNotInto, type BitSet } from "./bitset.js";
import type { ActionCatalog } from "./catalog.js";
import type { NormalizedPolicy, NormalizedStatement } from "./policy.js";
import { isUnconstrainedResource } from "./wildcard.js";

/** One statement with its actions expanded against the catalogue. */
export interface CompiledStatement {
  /** The normalised statement. */
  readonly statement: NormalizedStatement;
  /** Catalogue actions the statement applies to (NotAction already complemented). */
  readonly actions: BitSet;
  /** True when the statement has a Condition block. */
  readonly conditional: boolean;
  /** True when it applies to every resource (`Resource: "*"`, or Allow with `NotResource`). */
  readonly allResources: boolean;
}

/** Bit sets contributed by one policy document. */
export interface PolicyGrants {
  /** Allow, no condition, every resource. */
  readonly allowAll: BitSet;
  /** Allow with a condition (any resource). */
  readonly allowConditional: BitSet;
  /** Allow without condition on specific resources only. */
  readonly allowScoped: BitSet;
  /** Deny without condition on every resource. */
  readonly denyAll: BitSet;
  /** True when some Deny has a condition or a resource scope (recorded, not subtracted). */
  readonly hasPartialDeny: boolean;
  /** Allowed action patterns that match nothing in the catalogue (unknown service/action). */
  readonly unknownAllowPatterns: readonly string[];
  /** Services granted by a literal `svc:*` in an Allow statement, lower-case. */
  readonly serviceWildcards: readonly string[];
  /** Compiled statements, for resource-targeted checks. */
  readonly statements: readonly CompiledStatement[];
}

function statementActions(s: NormalizedStatement, catalog: ActionCatalog, unknown: string[]): BitSet {
  const bits = emptyBits(catalog.size);
  const patterns = s.action ?? s.notAction ?? [];
  for (const p of patterns) {
    const e = catalog.expand(p);
    if (!e.known && s.action && s.effect === "Allow") unknown.push(p);
    orInto(bits, e.bits);
  }
  // NotAction: the complement within the catalogue (unknown actions are outside our universe).
  return s.notAction ? complement(bits, catalog.size) : bits;
}

/** Compiles a parsed identity (or boundary) policy. */
export function compileGrants(policy: NormalizedPolicy, catalog: ActionCatalog): PolicyGrants {
  const allowAll = emptyBits(catalog.size);
  const allowConditional = emptyBits(catalog.size);
  const allowScoped = emptyBits(catalog.size);
  const denyAll = emptyBits(catalog.size);
  let hasPartialDeny = false;
  const unknown: string[] = [];
  const wildcards = new Set<string>();
  const statements: CompiledStatement[] = [];
  for (const s of policy.statements) {
    const actions = statementActions(s, catalog, unknown);
    const conditional = s.condition !== undefined;
    // Allow + NotResource grants on nearly everything, so it counts as "every resource";
    // Deny + NotResource spares some resources, so it does not count as a full Deny.
    const allResources =
      s.effect === "Allow"
        ? s.notResource !== undefined || (s.resource ?? []).some(isUnconstrainedResource)
        : (s.resource ?? []).some(isUnconstrainedResource);
    statements.push({ statement: s, actions, conditional, allResources });
    if (s.effect === "Allow") {
      if (conditional) orInto(allowConditional, actions);
      else if (allResources) orInto(allowAll, actions);
      else orInto(allowScoped, actions);
      for (const p of s.action ?? []) {
        const m = /^([^:*?]+):\*+$/.exec(p.trim());
        if (m?.[1]) wildcards.add(m[1].toLowerCase());
      }
    } else if (!conditional && allResources) {
      orInto(denyAll, actions);
    } else {
      hasPartialDeny = true;
    }
  }
  return {
    allowAll,
    allowConditional,
    allowScoped,
    denyAll,
    hasPartialDeny,
    unknownAllowPatterns: [...new Set(unknown)],
    serviceWildcards: [...wildcards].sort(),
    statements,
  };
}

/** Bit sets after combining several policies: the three disjoint "allowed" classes. */
export interface AllowedSets {
  /** Allowed on every resource without condition. */
  readonly unconstrained: BitSet;
  /** Allowed only on specific resources (and not on `*`). */
  readonly resourceScoped: BitSet;
  /** Allowed only under a condition (and neither of the above). */
  readonly conditional: BitSet;
}

/** Empty allowed sets for a catalogue of `size` actions. */
export function emptyAllowedSets(size: number): AllowedSets {
  return { unconstrained: emptyBits(size), resourceScoped: emptyBits(size), conditional: emptyBits(size) };
}

/**
 * Combines policies: Allow statements minus unconditional Deny on `*`, split into classes. `into` and `deny`, when
 * given, are overwritten and returned (working sets reused from one principal to the next); by default new sets.
 */
export function combineGrants(
  grants: readonly PolicyGrants[],
  size: number,
  into: AllowedSets = emptyAllowedSets(size),
  deny: BitSet = emptyBits(size),
): AllowedSets {
  const { unconstrained: u, resourceScoped: r, conditional: c } = into;
  for (const b of [u, r, c, deny]) b.fill(0);
  for (const g of grants) {
    orInto(u, g.allowAll);
    orInto(r, g.allowScoped);
    orInto(c, g.allowConditional);
    orInto(deny, g.denyAll);
  }
  andNotInto(u, deny);
  andNotInto(r, deny);
  andNotInto(r, u);
  andNotInto(c, deny);
  andNotInto(c, u);
  andNotInto(c, r);
  return into;
}

/**
 * Merges several policies' grants into one (bit sets OR-ed, statements concatenated). Used for
 * groups, so that each member combines one pre-merged group grant instead of every policy again.
 */
export function mergeGrants(grants: readonly PolicyGrants[], size: number): PolicyGrants {
  const allowAll = emptyBits(size);
  const allowConditional = emptyBits(size);
  const allowScoped = emptyBits(size);
  const denyAll = emptyBits(size);
  for (const g of grants) {
    orInto(allowAll, g.allowAll);
    orInto(allowConditional, g.allowConditional);
    orInto(allowScoped, g.allowScoped);
    orInto(denyAll, g.denyAll);
  }
  return {
    allowAll,
    allowConditional,
    allowScoped,
    denyAll,
    hasPartialDeny: grants.some((g) => g.hasPartialDeny),
    unknownAllowPatterns: [...new Set(grants.flatMap((g) => g.unknownAllowPatterns))],
    serviceWildcards: [...new Set(grants.flatMap((g) => g.serviceWildcards))].sort(),
    statements: grants.flatMap((g) => g.statements),
  };
}
