// Golden findings: a run's findings.json reduced to what must not change when the code is reorganised, as text a
// reviewer can diff (one JSON line per record). Volatile values are dropped or replaced: run timestamps, the tool
// version, request timings, loopback ports, the probes' random nonces and signing dates, role session names, OpenSSL's addresses in
// TLS errors, and times the simulator derived from its clock (written relative to it: `NOW-30d`).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stableStringify } from "../../src/util/stable-json.js";

/** The parts of findings.json the golden files keep. */
export interface FindingsFileLike {
  findings: Record<string, unknown>[];
  coverage: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  summary?: unknown;
  rules?: { id: string }[];
}

// Keys whose values change from run to run without any change of behaviour.
const VOLATILE_KEYS = new Set(["elapsedMs", "collectedAt", "finishedAt", "toolVersion"]);

const DAY_MS = 86_400_000;

/** `t` relative to the simulator's clock: `NOW-30d` for whole days, `NOW-1500ms` otherwise. */
function relative(t: number, now: number): string {
  const d = t - now;
  const sign = d < 0 ? "-" : "+";
  return d % DAY_MS === 0 ? `NOW${sign}${Math.abs(d / DAY_MS)}d` : `NOW${sign}${Math.abs(d)}ms`;
}

/** Replaces the run-specific parts of a string (see the file comment); `dir` (the run's temporary folder) becomes TMP. */
function stableText(s: string, simNow: number, dir: string): string {
  return s
    .replaceAll(dir, "TMP")
    .replace(/\b(127\.0\.0\.1|localhost):\d+/g, "$1:PORT")
    .replace(/tollgate-nonexistent-[0-9a-f]+/g, "tollgate-nonexistent-NONCE")
    .replace(/\b\d{8}T\d{6}Z\b/g, "SIGNING-DATE")
    .replace(/(Credential=[^/\s]*\/)\d{8}\//g, "$1SIGNING-DAY/")
    .replace(/\btollgate-(?:[a-z]+-)?\d{10,13}\b/g, "tollgate-SESSION")
    .replace(/\b[0-9A-F]{8,}:error:/g, "ADDR:error:")
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, (iso) => relative(Date.parse(iso), simNow));
}

/** How a run is made comparable: the simulator's clock and the run's temporary folder. */
export interface RunContext {
  simNow: Date;
  tmp: string;
}

/** A deep copy of `v` without volatile keys, every string made stable. */
export function normalise(v: unknown, run: RunContext): unknown {
  const now = run.simNow.getTime();
  const walk = (x: unknown): unknown => {
    if (typeof x === "string") return stableText(x, now, run.tmp);
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, y] of Object.entries(x)) if (!VOLATILE_KEYS.has(k)) out[stableText(k, now, run.tmp)] = walk(y);
      return out;
    }
    return x;
  };
  return walk(v);
}

const line = (v: unknown): string => stableStringify(v, { indent: 0 });
const findingKey = (f: Record<string, unknown>): string =>
  [f["ruleId"], f["resourceArn"], f["account"], f["region"]].map(String).join("|");

/**
 * The golden text of a run: its exit code and metadata, coverage gaps, summary, then one line per finding (sorted,
 * so only content counts). With `ruleDigests`, findings are summarised per rule (counts by status and a digest of
 * the rule's normalised findings): the form for accounts too large to keep finding by finding. With `rules`, the
 * rule metadata the reporters received (compliance mappings included) is kept too.
 */
export function goldenText(
  exitCode: number | null,
  file: FindingsFileLike,
  opts: RunContext & { ruleDigests?: boolean | undefined; rules?: boolean | undefined },
): string {
  const norm = (v: unknown) => normalise(v, opts);
  const sortedLines = (xs: unknown[]): string[] => xs.map((x) => line(norm(x))).sort();
  const out = [line({ exitCode, metadata: norm(file.metadata) }), line({ summary: norm(file.summary ?? null) })];
  out.push(...sortedLines(file.coverage).map((c) => `coverage ${c}`));
  if (opts.rules) out.push(...sortedLines(file.rules ?? []).map((r) => `rule ${r}`));
  if (!opts.ruleDigests) {
    out.push(...sortedLines(file.findings).map((f) => `finding ${f}`));
    return out.join("\n") + "\n";
  }
  const byRule = new Map<string, Record<string, unknown>[]>();
  for (const f of file.findings) {
    const id = String(f["ruleId"]);
    byRule.set(id, [...(byRule.get(id) ?? []), f]);
  }
  for (const id of [...byRule.keys()].sort()) {
    const findings = byRule.get(id)!.sort((a, b) => (findingKey(a) < findingKey(b) ? -1 : 1));
    const status: Record<string, number> = {};
    for (const f of findings) status[String(f["status"])] = (status[String(f["status"])] ?? 0) + 1;
    const digest = createHash("sha256");
    for (const f of findings) digest.update(line(norm(f)) + "\n");
    out.push(`rule-findings ${line({ ruleId: id, status, sha256: digest.digest("hex") })}`);
  }
  return out.join("\n") + "\n";
}

/** Whether this run rewrites the golden files (`UPDATE_GOLDEN=1`) instead of comparing with them. */
export const updatingGolden = (): boolean => process.env["UPDATE_GOLDEN"] === "1";

/**
 * Compares `actual` with the golden file `path`, or writes it there under UPDATE_GOLDEN=1. Returns the expected
 * text (the actual one when updating) so the caller asserts equality and vitest shows the differing lines.
 */
export function expectedGolden(path: string, actual: string): string {
  if (updatingGolden()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return actual;
  }
  if (!existsSync(path)) throw new Error(`${path} is missing: create it with UPDATE_GOLDEN=1 (see fixtures/golden/README.md)`);
  return readFileSync(path, "utf8");
}
