import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { atLeast, SEVERITIES, severityRank, type Severity } from "../model/severity.js";
import { cmp, isActiveFailure, isLiveConfirmed, ruleIndex, type FailOn } from "./common.js";
import { citedCauseKeys, gapCauses, type GapCause } from "./coverage.js";

/** The CLI's default `--fail-on`, which a report rendered without one is judged at. */
export const DEFAULT_FAIL_ON: FailOn = "high";

/** The answer to "how bad": the same judgement as the exit code, with the reasons in words. */
export interface Verdict {
  /** fail: a failure at or above the threshold; incomplete: none, but something was not read or judged; pass: neither. */
  status: "fail" | "incomplete" | "pass";
  /** One sentence per reason, most important first. */
  why: string[];
}

/** One failing rule on the first screen: what it is, how many resources, whether a live probe proved it, the fix. */
export interface TopRisk {
  ruleId: string;
  title: string;
  severity: Severity;
  /** Unsuppressed failing findings. */
  count: number;
  /** How many of them a live request proved. */
  liveConfirmed: number;
  /** How many are new since the baseline. */
  newCount: number;
  /** Names of the first few affected resources. */
  resources: string[];
  /** The rule's remediation, cut to its first sentence. */
  fix: string;
}

/** Everything the first screen of report.html shows. */
export interface Overview {
  verdict: Verdict;
  topRisks: TopRisk[];
  /** Total failing rules (top risks are the first few). */
  failingRules: number;
  gaps: GapCause[];
  /** Error findings no collection error explains (e.g. a probe that could not conclude). */
  otherErrors: number;
  /** Probes not sent by design (status `skipped`), listed for the drill-down. */
  skipped: Finding[];
}

/** Top risks shown on the first screen. */
export const TOP_RISKS = 8;

/** True for a probe that was not sent by design (status `skipped`): counted and listed, never a gap. */
export function isSkipped(f: Finding): boolean {
  return f.status === "skipped";
}

/** Computes the first screen. Pure; `failOn` mirrors the exit code's threshold. */
export function overview(input: ReportInput, failOn: FailOn = DEFAULT_FAIL_ON): Overview {
  // One line per cause (coverage.ts): the permission to grant and the statement of policy/ that has it.
  const causes = gapCauses(input.coverage, input.findings, input.metadata.partition);
  const otherErrors = unexplainedErrors(input.findings, causes);
  const { risks, failingRules } = topRisks(input);
  return {
    verdict: verdict(input, failOn, causes, otherErrors),
    topRisks: risks.slice(0, TOP_RISKS),
    failingRules,
    gaps: causes,
    otherErrors,
    skipped: input.findings.filter(isSkipped),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function bySeverity(list: readonly Finding[]): string {
  const counts = SEVERITIES.map((s) => [s, list.filter((f) => f.severity === s).length] as const).filter(([, n]) => n);
  const parts = counts.map(([s, n]) => `${n} ${s}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : (parts[0] ?? "");
}

function verdict(input: ReportInput, failOn: FailOn, gaps: GapCause[], otherErrors: number): Verdict {
  const baseline = input.fixed !== undefined;
  const active = input.findings.filter(isActiveFailure);
  // As the exit code: with a baseline only new failures gate; `none` never fails.
  const counted = active.filter((f) => f.baseline !== "unchanged");
  const gating = failOn === "none" ? [] : counted.filter((f) => atLeast(f.severity, failOn));
  const below = active.filter((f) => !gating.includes(f));
  const errors = input.findings.filter((f) => f.status === "error").length;
  const calls = input.coverage.length;
  const incomplete = !input.metadata.complete || calls > 0 || errors > 0;
  const why: string[] = [];
  if (gating.length) {
    why.push(
      `${bySeverity(gating)} ${gating.length === 1 ? "finding fails" : "findings fail"}${baseline ? " that the baseline did not have" : ""}` +
        (failOn === "low" || failOn === "none" ? "." : ` (at or above ${failOn}).`),
    );
  }
  if (!input.metadata.complete) why.push("The scan did not finish: some accounts or regions were never read.");
  if (calls || errors) {
    const parts = [
      calls ? `${plural(calls, "AWS call")} failed` : "",
      errors ? `${plural(errors, "check")} could not be judged` : "",
    ];
    why.push(
      `${parts.filter(Boolean).join(" and ")} (${plural(gaps.length + (otherErrors ? 1 : 0), "cause")}): no failure there proves nothing.`,
    );
  }
  if (below.length) {
    const unchanged = baseline && below.some((f) => f.baseline === "unchanged");
    const reason =
      failOn === "none"
        ? "report-only run"
        : unchanged
          ? `unchanged since the baseline, or below --fail-on ${failOn}`
          : `below --fail-on ${failOn}`;
    why.push(
      `${bySeverity(below)} ${below.length === 1 ? "finding fails" : "findings fail"} without failing the run (${reason}).`,
    );
  }
  if (!gating.length && !incomplete && !below.length) why.push("Every check that ran passed and everything was read.");
  return { status: gating.length ? "fail" : incomplete ? "incomplete" : "pass", why };
}

function firstSentence(text: string, max = 160): string {
  const one = text.replace(/\s+/g, " ").trim();
  const end = one.search(/[.!?](\s|$)/);
  const s = end >= 0 ? one.slice(0, end + 1) : one;
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}

function topRisks(input: ReportInput): { risks: TopRisk[]; failingRules: number } {
  const meta = ruleIndex(input.rules);
  const byRule = new Map<string, TopRisk>();
  for (const f of input.findings) {
    if (!isActiveFailure(f)) continue;
    let r = byRule.get(f.ruleId);
    if (!r) {
      const rule = meta.get(f.ruleId);
      r = {
        ruleId: f.ruleId,
        title: rule?.title ?? f.title,
        severity: f.severity,
        count: 0,
        liveConfirmed: 0,
        newCount: 0,
        resources: [],
        fix: firstSentence(rule?.remediation.text ?? ""),
      };
      byRule.set(f.ruleId, r);
    }
    r.count++;
    if (isLiveConfirmed(f)) r.liveConfirmed++;
    if (f.baseline === "new") r.newCount++;
    if (severityRank(f.severity) > severityRank(r.severity)) r.severity = f.severity;
    if (r.resources.length < 3 && !r.resources.includes(f.resourceName)) r.resources.push(f.resourceName);
  }
  // Critical and high first; within a severity what a live request proved, then the widest.
  const risks = [...byRule.values()].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      Number(b.liveConfirmed > 0) - Number(a.liveConfirmed > 0) ||
      b.count - a.count ||
      cmp(a.ruleId, b.ruleId),
  );
  return { risks, failingRules: risks.length };
}

/** Error findings no failed call explains (a probe that could not conclude, an unparsable policy document). */
function unexplainedErrors(findings: readonly Finding[], causes: readonly GapCause[]): number {
  const keys = new Set(causes.map((c) => c.key));
  return findings.filter((f) => f.status === "error" && ![...citedCauseKeys(f)].some((k) => keys.has(k))).length;
}
