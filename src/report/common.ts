import type { Finding, FindingStatus } from "../model/finding.js";
import type { RunMetadata } from "../model/inventory.js";
import type { ReportInput } from "../model/report.js";
import type { RuleMeta } from "../model/rule-meta.js";
import { SEVERITIES, severityRank, type Severity } from "../model/severity.js";
import { PROBE_RESOURCE_TYPE } from "../probe/types.js";

/**
 * Project home page for SARIF `informationUri`. A placeholder until the public repository URL is settled;
 * callers can override it with `SarifOptions.informationUri`.
 */
export const TOLLGATE_URI = "https://github.com/tollgate-audit/tollgate";

/** Options shared by every reporter. All optional; reporters never read the clock or the disk. */
export interface ReportOptions {
  /** Version of the Tollgate that renders the report; defaults to the version that collected. */
  toolVersion?: string;
  /** ISO time to print as "generated at"; omitted when not given so output stays deterministic. */
  generatedAt?: string;
  /** The run's `--fail-on`, so report.html's verdict is the exit code's (default: the CLI's default, high). */
  failOn?: FailOn;
}

/** The threshold a run fails at: a severity, or `none` for report-only runs. */
export type FailOn = Severity | "none";

/** Service of a resource type: its second dotted segment (`aws.iam.user` → `iam`). */
export function serviceOf(resourceType: string): string {
  return resourceType.split(".")[1] ?? resourceType;
}

/** A comparator for findings: most severe first, then a total order on identity fields. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.account, b.account) ||
    cmp(a.region, b.region) ||
    cmp(a.resourceArn, b.resourceArn) ||
    cmp(a.status, b.status)
  );
}

/** Plain code-unit string comparison (locale-independent, so output does not depend on the host). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Counts by status and severity: the one set of numbers the console, findings.json, summary.md and report.html
 * all show. The statuses and `suppressed` partition the findings: a suppressed finding is counted there only,
 * never also as failing, so pass + fail + error + skipped + suppressed = total everywhere.
 */
export interface ReportCounts {
  /** Findings per status, suppressed ones excepted (`fail` = failures nobody accepted). */
  byStatus: Record<FindingStatus, number>;
  /** Suppressed findings (suppressions apply to failing findings). */
  suppressed: number;
  /** Every finding. */
  total: number;
  /** Failing, unsuppressed findings per severity. */
  failBySeverity: Record<Severity, number>;
  /** Failing, unsuppressed findings per service. */
  failByService: Record<string, number>;
  /** Findings marked `new` against the baseline. */
  newCount: number;
  /** Findings fixed since the baseline. */
  fixedCount: number;
}

/** True for a failing finding nobody has accepted: what gates CI and what charts show. */
export function isActiveFailure(f: Finding): boolean {
  return f.status === "fail" && f.suppression === undefined;
}

/** Computes the summary counts of a report (see ReportCounts). */
export function countFindings(input: Pick<ReportInput, "findings" | "fixed">): ReportCounts {
  const byStatus: Record<FindingStatus, number> = { pass: 0, fail: 0, error: 0, skipped: 0 };
  const failBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const failByService: Record<string, number> = {};
  let suppressed = 0;
  let newCount = 0;
  for (const f of input.findings) {
    if (f.suppression) suppressed++;
    else byStatus[f.status]++;
    if (f.baseline === "new") newCount++;
    if (isActiveFailure(f)) {
      failBySeverity[f.severity]++;
      const svc = serviceOf(f.resourceType);
      failByService[svc] = (failByService[svc] ?? 0) + 1;
    }
  }
  return {
    byStatus,
    suppressed,
    total: input.findings.length,
    failBySeverity,
    failByService,
    newCount,
    fixedCount: input.fixed?.length ?? 0,
  };
}

/** Why a skipped finding was not checked: the reason its evidence carries, else its message. */
export function skipReason(f: Finding): string {
  const r = f.evidence[0]?.actual;
  return typeof r === "string" ? r : f.message;
}

/** Skipped findings counted per reason, most frequent first: how reports list what was not probed. */
export function skippedByReason(findings: readonly Finding[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of findings)
    if (f.status === "skipped" && !f.suppression) counts.set(skipReason(f), (counts.get(skipReason(f)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
}

/**
 * How live probes bear on a finding: `observed` for a probe rule's own finding (its verdict is what the live
 * endpoint did), `confirmed` / `contradicted` for a configuration finding a conclusive probe agreed or disagreed
 * with, undefined when no probe spoke to it.
 */
export type ProbeRelation = "observed" | "confirmed" | "contradicted";

/** The probe relation of a finding (see ProbeRelation), read from its `probe` evidence. */
export function probeRelation(f: Finding): ProbeRelation | undefined {
  if (f.resourceType === PROBE_RESOURCE_TYPE) return "observed";
  const p = f.probe;
  if (p === null || typeof p !== "object" || Array.isArray(p)) return undefined;
  if (p["confirmed"] === true) return "confirmed";
  if (p["contradicted"] === true) return "contradicted";
  return undefined;
}

/** True for a failure a live request proved: a failing probe rule, or a failing configuration finding a probe confirmed. */
export function isLiveConfirmed(f: Finding): boolean {
  const r = probeRelation(f);
  return f.status === "fail" && (r === "observed" || r === "confirmed");
}

/**
 * One line saying what produced the results: profile, config file and filters (metadata.selection), e.g.
 * `profile strict · config tollgate.config.yaml · services iam · severity ≥ high`; undefined for runs that did not
 * record one. Plain text: each reporter escapes it for its format.
 */
export function selectionLine(metadata: RunMetadata): string | undefined {
  const s = metadata.selection;
  if (!s) return undefined;
  return [
    `profile ${s.profile ?? "default"}`,
    s.config ? `config ${s.config}` : "no config file",
    s.services ? `services ${s.services.join(", ")}` : undefined,
    s.rules ? `rules ${s.rules.join(", ")}` : undefined,
    s.excludeRules ? `excluding ${s.excludeRules.join(", ")}` : undefined,
    s.severity ? `severity ≥ ${s.severity}` : undefined,
    s.framework ? `framework ${s.framework}` : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** Rules by id, for lookups from findings. */
export function ruleIndex(rules: readonly RuleMeta[]): Map<string, RuleMeta> {
  return new Map(rules.map((r) => [r.id, r]));
}

/** The tool version a report names. */
export function toolVersionOf(input: ReportInput, options: ReportOptions): string {
  return options.toolVersion ?? input.metadata.toolVersion;
}
