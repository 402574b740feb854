import { InputError } from "../errors.js";
import type { Finding } from "../model/finding.js";
import { isSeverity, type Severity } from "../model/severity.js";

/** The fields of an earlier finding a baseline needs; everything else is optional. */
export interface BaselineFinding {
  ruleId: string;
  resourceArn: string;
  account: string;
  region: string;
  status: string;
  severity?: Severity;
  title?: string;
  message?: string;
  resourceType?: string;
  resourceName?: string;
  suppressed?: boolean;
}

/** A stable identity for a finding across runs: rule, resource, account, region. */
export function fingerprint(f: { ruleId: string; resourceArn: string; account: string; region: string }): string {
  return JSON.stringify([f.ruleId, f.resourceArn, f.account, f.region]);
}

/** The fields of one baseline entry, or undefined when it lacks one of the fingerprint fields. */
function baselineEntry(item: unknown): BaselineFinding | undefined {
  if (item === null || typeof item !== "object") return undefined;
  const o = item as Record<string, unknown>;
  if (!["ruleId", "resourceArn", "account", "region", "status"].every((k) => typeof o[k] === "string")) return undefined;
  return {
    ruleId: o["ruleId"] as string,
    resourceArn: o["resourceArn"] as string,
    account: o["account"] as string,
    region: o["region"] as string,
    status: o["status"] as string,
    ...(isSeverity(o["severity"]) ? { severity: o["severity"] } : {}),
    ...(typeof o["title"] === "string" ? { title: o["title"] } : {}),
    ...(typeof o["message"] === "string" ? { message: o["message"] } : {}),
    ...(typeof o["resourceType"] === "string" ? { resourceType: o["resourceType"] } : {}),
    ...(typeof o["resourceName"] === "string" ? { resourceName: o["resourceName"] } : {}),
    ...(o["suppression"] ? { suppressed: true } : {}),
  };
}

/**
 * Reads an earlier `findings.json` tolerantly and by streaming (any size): any object with a `findings` array
 * works, each entry is reduced to its BaselineFinding as it is read (evidence and the rest are never kept), other
 * members are skipped unread, and entries lacking the fingerprint fields are skipped (counted in `skipped`)
 * rather than failing the run. Only entries whose status is in `statuses` are kept: a baseline needs its failing
 * findings only (classifyAgainstBaseline), and a million passing ones would only cost memory. A file that is
 * missing, not JSON, truncated or without a findings array is an InputError (exit 2) naming it.
 */
export async function readBaseline(
  file: string,
  statuses: readonly string[] = ["fail"],
): Promise<{ findings: BaselineFinding[]; skipped: number }> {
  const findings: BaselineFinding[] = [];
  let skipped = 0;
  let sawArray = false;
  // The streaming JSON reader is imported by the commands that read a baseline, not by every one that imports this
  // module (`rules list` and the other commands of the rules module never do).
  const { JsonStreamError, readJsonStream } = await import("../util/json-stream.js");
  try {
    await readJsonStream(file, {
      elements: {
        findings: (item) => {
          const entry = baselineEntry(item);
          if (!entry) skipped++;
          else if (statuses.includes(entry.status)) findings.push(entry);
        },
      },
      arrayStart: () => (sawArray = true),
      skip: () => true,
    });
  } catch (e) {
    if (e instanceof JsonStreamError)
      throw new InputError(
        `${file}: cannot read baseline: not valid JSON: ${e.message}${e.truncated ? "; the file is truncated" : ""}`,
      );
    if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string")
      throw new InputError(`${file}: cannot read baseline: ${e.message}`);
    throw e;
  }
  if (!sawArray) throw new InputError(`${file}: /findings: a baseline must be a findings.json with a findings array`);
  return { findings, skipped };
}

/** Result of comparing findings with a baseline. */
export interface BaselineOutcome {
  /** The current findings; failing ones carry `baseline: new | unchanged`. */
  findings: Finding[];
  /** Failing in the baseline, passing or absent now. */
  fixed: Finding[];
}

/** Options of classifyAgainstBaseline. */
export interface BaselineOptions {
  /** Old rule id → current id, so a rename does not turn every old finding into new + fixed. */
  aliasOf?: Map<string, string>;
  /** Rules evaluated this run; a baseline failure of a rule not run (disabled) is not "fixed". */
  evaluatedRules?: Set<string>;
}

/**
 * Classifies failing findings against a baseline by fingerprint. Pure. Never claims "fixed" without
 * evidence: a finding that now reports `error` (for the resource or its whole scope) or `skipped`, or whose
 * rule did not run, is left out of `fixed`.
 */
export function classifyAgainstBaseline(
  current: Finding[],
  baseline: BaselineFinding[],
  options: BaselineOptions = {},
): BaselineOutcome {
  const aliasOf = options.aliasOf ?? new Map<string, string>();
  const canon = (b: BaselineFinding) => ({ ...b, ruleId: aliasOf.get(b.ruleId) ?? b.ruleId });
  const before = new Map<string, BaselineFinding>();
  for (const b of baseline) if (b.status === "fail") before.set(fingerprint(canon(b)), canon(b));
  const nowFailing = new Set<string>();
  const unknown = new Set<string>();
  for (const f of current) {
    // Not judged now (an error, or skipped by design): no evidence it was fixed.
    if (f.status !== "error" && f.status !== "skipped") continue;
    unknown.add(fingerprint(f));
    // A scope error (pseudo-ARN ending in `*`) leaves every resource of that rule there unjudged.
    if (f.resourceArn.endsWith(":*")) unknown.add(JSON.stringify([f.ruleId, f.account, f.region]));
  }
  const findings = current.map((f) => {
    if (f.status !== "fail") return f;
    const fp = fingerprint(f);
    nowFailing.add(fp);
    return { ...f, baseline: before.has(fp) ? ("unchanged" as const) : ("new" as const) };
  });
  const fixed: Finding[] = [];
  for (const [fp, b] of before) {
    if (nowFailing.has(fp) || unknown.has(fp) || unknown.has(JSON.stringify([b.ruleId, b.account, b.region]))) continue;
    if (options.evaluatedRules && !options.evaluatedRules.has(b.ruleId)) continue;
    fixed.push({ ...findingFromBaseline(b), status: "fail", baseline: "fixed" });
  }
  return { findings, fixed };
}

/** A Finding rebuilt from a baseline entry; fields the entry lacks get neutral values, evidence is not kept. */
export function findingFromBaseline(b: BaselineFinding): Finding {
  return {
    ruleId: b.ruleId,
    resourceArn: b.resourceArn,
    resourceType: b.resourceType ?? "",
    resourceName: b.resourceName ?? b.resourceArn,
    account: b.account,
    region: b.region,
    status: b.status as Finding["status"],
    severity: b.severity ?? "info",
    title: b.title ?? b.ruleId,
    message: b.message ?? "",
    evidence: [],
  };
}
