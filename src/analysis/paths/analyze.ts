/**
 * The exposure-path analysis: a pure function from the inventory (resources with their derived facts, failed
 * calls) to what each entry point reaches. Each node's onward paths are computed once (memoised), so the cost is
 * linear in resources × hop types; no graph database, no search over the whole account per entry.
 */
import type { Resource } from "../../model/inventory.js";
import { ENTRY_TYPES, type Entry } from "./entries.js";
import { PathGraph } from "./graph.js";
import { hopsFrom, HOPS, type WalkNode } from "./hops.js";
import { isExposed, pathSeverity } from "./severity.js";
import { roleReach, type RoleReach } from "./targets.js";
import {
  TARGET_CLASSES,
  type EntryAnalysis,
  type ExposurePath,
  type Gap,
  type PathInput,
  type PathNode,
  type Reach,
  type TargetClass,
} from "./types.js";

/** Paths never run longer than this many hops (entry → integration → function → role is three). */
const MAX_DEPTH = 6;

/** A node with the hop that reached it (for the fix advice). */
type Step = WalkNode & { hop?: string };
/** Where a node leads: chains from it to a role or a terminal, or why that is unknown. */
interface Onward {
  chains: Step[][];
  gaps: Gap[];
  skip?: string;
}

/** The walk of one run: onward paths memoised per node, reach memoised per role. */
class Walker {
  private readonly onward = new Map<string, Onward>();
  private readonly reaches = new Map<string, RoleReach>();
  constructor(readonly graph: PathGraph) {}

  from(node: Step, depth = 0): Onward {
    const id = `${node.kind}|${node.account}|${node.arn}`;
    const known = this.onward.get(id);
    if (known) return known;
    const out: Onward = { chains: [], gaps: [] };
    this.onward.set(id, out);
    if (node.kind === "iam-role" || node.kind === "external-backend" || depth >= MAX_DEPTH) {
      out.chains.push([]);
      return out;
    }
    for (const hop of hopsFrom(node.kind)) {
      const r = hop.next(node, this.graph);
      if ("gap" in r) out.gaps.push(r.gap);
      else if ("skip" in r) out.skip = r.skip;
      else
        for (const next of r.nodes as Step[]) {
          const step: Step = { ...next, hop: hop.id };
          const rest = this.from(step, depth + 1);
          out.gaps.push(...rest.gaps);
          if (rest.skip) out.skip = rest.skip;
          for (const c of rest.chains) out.chains.push([step, ...c]);
        }
    }
    return out;
  }

  roleReach(arn: string): RoleReach | undefined {
    const role = this.graph.roles.get(arn);
    if (!role) return undefined;
    let r = this.reaches.get(arn);
    if (!r) this.reaches.set(arn, (r = roleReach(role, this.graph)));
    return r;
  }
}

const plain = (n: Step): PathNode => ({
  kind: n.kind,
  arn: n.arn,
  name: n.name,
  account: n.account,
  region: n.region,
  via: n.via,
});
const grantKey = (role: string, reach: Reach) => {
  const g = reach.grants[0];
  return g ? `${role}=>${g.policy}#${g.statement}` : `${role}=>${reach.target}`;
};

/** One candidate path before deduplication. */
interface Candidate {
  entry: Entry;
  target: TargetClass;
  chain: Step[];
  reach: Reach;
}

/** What one entry reaches, before the fixes (which need every path of the run) are chosen. */
function analyzeEntry(entry: Entry, walker: Walker): { analysis: EntryAnalysis; candidates: Candidate[] } {
  const start: Step = entry.node;
  const onward = walker.from(start);
  const exposed = isExposed(entry.exposure);
  // Beyond an IAM-authorised or disabled entry nothing is a path, so what could not be followed there is no gap;
  // an entry whose exposure itself is unknown keeps its gaps.
  const gaps = [...entry.gaps, ...(exposed ? onward.gaps : [])];
  const candidates: Candidate[] = [];
  const reached = new Set<TargetClass>();
  const terminals: PathNode[] = [];
  const nodes = new Set<string>([start.arn]);
  for (const chain of onward.chains) {
    for (const n of chain) nodes.add(n.arn);
    const last = chain.at(-1);
    if (!last) continue;
    if (last.kind !== "iam-role") {
      terminals.push(plain(last));
      continue;
    }
    const rr = walker.roleReach(last.arn);
    if (!rr) continue;
    if ("gap" in rr) {
      (exposed ? gaps : onward.gaps).push(rr.gap);
      continue;
    }
    for (const t of TARGET_CLASSES) {
      const reach = rr.reach[t];
      if (!reach) continue;
      reached.add(t);
      candidates.push({ entry, target: t, chain: [start, ...chain], reach });
    }
  }
  const analysis: EntryAnalysis = {
    entry: plain(start),
    exposure: entry.exposure,
    exposureDetail: entry.exposureDetail,
    controls: entry.controls,
    reaches:
      gaps.length || (exposed && onward.skip)
        ? null
        : (Object.fromEntries(TARGET_CLASSES.map((t) => [t, null])) as EntryAnalysis["reaches"]),
    shielded: exposed ? [] : TARGET_CLASSES.filter((t) => reached.has(t)),
    terminals: dedupe(terminals),
    nodes: [...nodes],
    gaps: dedupeGaps(gaps),
    unfollowed: exposed ? [] : dedupeGaps(onward.gaps),
    ...(exposed && onward.skip && !gaps.length ? { skipped: onward.skip } : {}),
  };
  return { analysis, candidates: exposed && analysis.reaches ? candidates : [] };
}

function dedupe(nodes: PathNode[]): PathNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => !seen.has(n.arn) && (seen.add(n.arn), true));
}

function dedupeGaps(gaps: Gap[]): Gap[] {
  const seen = new Set<string>();
  return gaps.filter((g) => {
    const k = `${g.operation ?? ""}|${g.account}|${g.region}|${g.resourceArn ?? ""}|${g.message}`;
    return !seen.has(k) && (seen.add(k), true);
  });
}

/** The edges of a candidate: each hop, then the grant (role → statement), with the advice for removing each. */
function edges(c: Candidate): { id: string; from: string; to: string; advice: string }[] {
  const out = [];
  for (let i = 1; i < c.chain.length; i++) {
    const a = c.chain[i - 1]!;
    const b = c.chain[i]!;
    out.push({
      id: `${a.arn}->${b.arn}`,
      from: a.name,
      to: b.name,
      advice: HOPS.find((h) => h.id === b.hop)?.advice ?? "remove this hop",
    });
  }
  const role = c.chain.at(-1)!;
  const g = c.reach.grants[0];
  out.push({
    id: grantKey(role.arn, c.reach),
    from: role.name,
    to: g ? `${g.policy} statement ${g.statement}${g.sid ? ` (${g.sid})` : ""}` : c.reach.reason,
    advice: g
      ? `remove or scope statement ${g.statement} of ${g.policy} (it grants ${g.action}) for ${role.name}`
      : `remove the permissions that make ${role.name} reach this (${c.reach.reason})`,
  });
  return out;
}

/**
 * Analyses every entry of the inventory. Returns one result per entry, in entry-table then resource order;
 * `reaches` is null (with the gaps) when a hop could not be followed, never a silently shorter path list.
 */
export function analyzePaths(input: PathInput): EntryAnalysis[] {
  const graph = new PathGraph(input.resources, input.errors, input.services);
  const walker = new Walker(graph);
  const byType = new Map<string, Resource[]>();
  for (const r of input.resources) {
    const l = byType.get(r.type);
    if (l) l.push(r);
    else byType.set(r.type, [r]);
  }
  const results: { analysis: EntryAnalysis; candidates: Candidate[] }[] = [];
  for (const et of ENTRY_TYPES) {
    for (const r of byType.get(et.resourceType) ?? []) {
      for (const entry of et.entries(r, graph)) results.push(analyzeEntry(entry, walker));
    }
  }
  // The cheapest fix: the edge that the most reported paths (one per entry and class) share.
  const chosen = results.flatMap(({ candidates }) =>
    TARGET_CLASSES.flatMap((t) => candidates.filter((c) => c.target === t).slice(0, 1)),
  );
  const cuts = new Map<string, number>();
  for (const c of chosen) for (const e of edges(c)) cuts.set(e.id, (cuts.get(e.id) ?? 0) + 1);
  for (const { analysis, candidates } of results) {
    if (!analysis.reaches) continue;
    for (const t of TARGET_CLASSES) {
      const all = candidates.filter((c) => c.target === t);
      const c = all[0];
      if (!c) continue;
      const es = edges(c);
      // Most paths cut wins; on a tie the hop nearest the privilege, which fixes the cause for every entry.
      let best = es[0]!;
      for (const e of es) if ((cuts.get(e.id) ?? 0) >= (cuts.get(best.id) ?? 0)) best = e;
      const path: ExposurePath = {
        target: t,
        severity: pathSeverity(analysis.exposure as Parameters<typeof pathSeverity>[0], t, analysis.controls),
        chain: c.chain.map(plain),
        identity: c.chain.at(-1)!.arn,
        permission: c.reach,
        alternatives: all.length - 1,
        fix: { from: best.from, to: best.to, cuts: cuts.get(best.id) ?? 1, advice: best.advice },
      };
      analysis.reaches[t] = path;
    }
  }
  return results.map((r) => r.analysis);
}
