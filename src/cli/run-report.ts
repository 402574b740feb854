import { complianceIndex, loadFrameworks } from "../engine/frameworks.js";
import type { Rule } from "../engine/rules.js";
import { EXIT, type OutputError } from "../errors.js";
import type { Finding } from "../model/finding.js";
import type { Inventory, RunSelection } from "../model/inventory.js";
import type { ReportInput } from "../model/report.js";
import type { RuleMeta } from "../model/rule-meta.js";
import { atLeast, SEVERITIES } from "../model/severity.js";
import { compareFindings, countFindings, skippedByReason } from "../report/common.js";
import { DEFAULT_FORMATS, renderReport, writeReports, type ReportFormat } from "../report/index.js";
import { describeGapCause, gapCauses } from "../report/coverage.js";
import { credentialAdvice, permissionAdvice } from "../report/permission-advice.js";
import { escapeForTerminal, escapeJsonForTerminal } from "../util/escape.js";
import type { Logger } from "../util/logger.js";
import { consoleWidth, displayWidth, indented, MAX_CONSOLE_WIDTH } from "../util/text-layout.js";
import type { FailOn } from "../report/common.js";
import type { ConsoleFormat, OnIncomplete } from "./options.js";

/** Rule metadata for reporters, with compliance references from the frameworks. */
export function ruleMetas(rules: Rule[], knownIds: Set<string> = new Set(rules.map((r) => r.id))): RuleMeta[] {
  // Known ids include rules a profile disabled: a framework citing them is still a valid mapping.
  const compliance = complianceIndex(loadFrameworks(), knownIds);
  return rules.map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    resourceType: r.resourceType,
    rationale: r.rationale,
    remediation: r.remediation,
    references: r.references,
    compliance: compliance.get(r.id) ?? [],
    file: r.file,
  }));
}

/** Builds the reporters' input from an evaluated inventory; `selection` records this run's filters, profile and config. */
export function reportInput(
  inventory: Inventory,
  findings: Finding[],
  rules: Rule[],
  knownIds?: Set<string>,
  selection?: RunSelection,
): ReportInput {
  // rulesEvaluated tells `export securityhub` which rules ran even where they produced no finding.
  const metadata = {
    ...inventory.metadata,
    rulesEvaluated: rules.map((r) => r.id).sort(),
    ...(selection ? { selection } : {}),
  };
  return { metadata, findings, rules: ruleMetas(rules, knownIds), coverage: inventory.errors };
}

/** What writeReportFiles wrote, and the files it could not write (each already reported on stderr). */
export interface WrittenReports {
  files: string[];
  failures: OutputError[];
}

/**
 * Writes the chosen formats into `dir`; prints renderer warnings (e.g. SARIF truncation) and every file that could
 * not be written (disk full, permission) on stderr. A failed file does not stop the others. The built-in
 * frameworks are added for report.html's framework view, and `failOn` makes its verdict the exit code's.
 */
export async function writeReportFiles(
  dir: string,
  input: ReportInput,
  log: Logger,
  formats: readonly ReportFormat[] = DEFAULT_FORMATS,
  failOn?: FailOn,
): Promise<WrittenReports> {
  const withFrameworks = { ...input, frameworks: input.frameworks ?? loadFrameworks() };
  const { files, warnings, failures } = await writeReports(dir, formats, withFrameworks, {
    toolVersion: input.metadata.toolVersion,
    ...(failOn ? { failOn } : {}),
  });
  for (const w of warnings) log.warn(w);
  for (const f of failures) log.warn(f.message);
  if (files.length) log.info(`Wrote ${files.join(", ")}`);
  return { files, failures };
}

/** How the exit code is decided: `--fail-on` and `--on-incomplete`. */
export interface ExitPolicy {
  /** Severity at which a counted failure exits 1; `none` = report-only. */
  failOn: FailOn;
  /** What an incomplete result exits with; default `error` (3), or `ignore` under `--fail-on none`. */
  onIncomplete?: OnIncomplete | undefined;
}

/** True when a result does not cover everything it should: the scan stopped, a call failed, a rule could not judge. */
export function isIncomplete(input: Pick<ReportInput, "findings" | "coverage" | "metadata">): boolean {
  return !input.metadata.complete || input.coverage.length > 0 || input.findings.some((f) => f.status === "error");
}

/**
 * The exit code of a run. Failing findings at or above `--fail-on` (not suppressed, not unchanged against a
 * baseline) exit 1. Otherwise an incomplete result (including an output file that could not be written) exits as
 * `--on-incomplete` says: error 3, fail 1, ignore 0. `--fail-on none` is report-only: findings never gate, and an
 * incomplete result is ignored unless `--on-incomplete` asks otherwise. Bad input (2) and internal errors (4) are
 * thrown before this is reached, so they exit non-zero whatever the policy.
 */
export function exitCodeFor(findings: readonly Finding[], incomplete: boolean, policy: ExitPolicy): number {
  const { failOn } = policy;
  if (
    failOn !== "none" &&
    findings.some((f) => f.status === "fail" && !f.suppression && f.baseline !== "unchanged" && atLeast(f.severity, failOn))
  )
    return EXIT.findings;
  if (!incomplete) return EXIT.ok;
  const onIncomplete = policy.onIncomplete ?? (failOn === "none" ? "ignore" : "error");
  return onIncomplete === "error" ? EXIT.incomplete : onIncomplete === "fail" ? EXIT.findings : EXIT.ok;
}

/**
 * The exit code once an output of the run could not be written (the saved inventory): that is incompleteness too,
 * exiting as the policy says, unless the code already says why the run did not succeed.
 */
export function withOutputFailures(code: number, failures: readonly unknown[], policy: ExitPolicy): number {
  return failures.length && code === EXIT.ok ? exitCodeFor([], true, policy) : code;
}

/** A human summary for stderr, with the same counts as every report (countFindings); its counts show under --quiet. */
export function summarize(input: ReportInput, log: Logger): void {
  const c = countFindings(input);
  log.summary(
    `Findings: ${c.byStatus.fail} failing, ${c.byStatus.pass} passing, ${c.byStatus.error} error, ${c.byStatus.skipped} not probed, ${c.suppressed} suppressed`,
  );
  log.summary(`Failing by severity: ${SEVERITIES.map((s) => `${s} ${c.failBySeverity[s]}`).join(", ")}`);
  const skipped = skippedByReason(input.findings);
  if (skipped.length) {
    log.info(`Not probed by design (not a coverage gap):`);
    for (const [reason, n] of skipped.slice(0, 5)) log.info(`  ${n} check(s): ${reason}`);
    if (skipped.length > 5) log.info(`  … and ${skipped.length - 5} more reason(s) (see summary.md)`);
  }
  // A principal lacking permissions gets one line saying what to attach, not a warning per denied call.
  const advice = permissionAdvice(input.coverage, input.findings, input.metadata.callers, input.metadata.partition);
  if (advice) log.warn(advice.message);
  // Credentials that expired mid-run fail every later call the same way: one line says so, instead of a cause each.
  const lost = credentialAdvice(input.coverage, input.findings, input.metadata.partition);
  if (lost) log.warn(lost.message);
  // Then one line per cause (the same denial in every region is one line), a denial naming the permission and the
  // statement to add. A principal denied in every service it scanned holds none of Tollgate's policy: the line
  // above says what to attach, and summary.md lists each missing permission. A partial policy (SecurityAudit,
  // ViewOnlyAccess) gets each missing permission named on its own line.
  const covered = new Set(advice?.covered);
  const lostCalls = new Set(lost?.covered);
  const causes = gapCauses(
    input.coverage.filter((e) => !lostCalls.has(e)),
    input.findings,
    input.metadata.partition,
  );
  const denials = causes.filter((c) => c.errors.every((e) => covered.has(e)));
  const deniedIn = new Map<string, Set<string>>();
  for (const e of denials.flatMap((c) => c.errors))
    deniedIn.set(e.account, (deniedIn.get(e.account) ?? new Set()).add(e.service));
  const lacksPolicy = (account: string) => input.metadata.services.every((s) => deniedIn.get(account)?.has(s));
  const listed = causes.filter((c) => !denials.includes(c) || !c.accounts.every(lacksPolicy));
  if (listed.length) {
    const calls = listed.reduce((n, c) => n + c.errors.length, 0);
    log.warn(`coverage gaps: ${calls} call(s) failed, ${listed.length} cause(s); affected rules report "error":`);
    for (const c of listed.slice(0, 20)) log.warn(`  ${describeGapCause(c)}`);
    if (listed.length > 20) log.warn(`  … and ${listed.length - 20} more (see summary.md)`);
  }
  if (!input.metadata.complete) log.warn("the scan did not complete; the inventory is partial");
}

/** What `--console` prints on stdout for a run: nothing, the text table, or a whole document (JSON made safe to print). */
export function consoleOutput(format: ConsoleFormat, input: ReportInput, width = consoleWidth()): string {
  if (format === "none") return "";
  if (format === "text") return textTable(input.findings, width);
  return escapeJsonForTerminal(renderReport(format, input, { toolVersion: input.metadata.toolVersion }).text);
}

/** Where a run's results go and how its exit code is decided: the options every reporting command shares. */
export interface OutputOptions extends ExitPolicy {
  out: string;
  formats: ReportFormat[];
  console: ConsoleFormat;
}

// The console's finding list: what needs action first (failing, then could not be judged, then not probed by
// design), each group most severe first; suppressed and baseline-unchanged failures after the ones that gate.
const STATUS_ORDER: Record<Finding["status"], number> = { fail: 0, error: 1, skipped: 2, pass: 3 };
const STATUS_LABEL: Record<Finding["status"], string> = { fail: "FAIL", error: "ERROR", skipped: "NOT PROBED", pass: "PASS" };
const quieted = (f: Finding) => (f.suppression || f.baseline === "unchanged" ? 1 : 0);

/**
 * `--console text`: every finding that is not a pass, sorted by what needs action first (see STATUS_ORDER), as
 * blocks that fit `width` columns: severity, status and rule on the first line, then the resource and the
 * message, wrapped (never cut). Every field is escaped: it carries AWS names.
 */
export function textTable(findings: readonly Finding[], width: number = MAX_CONSOLE_WIDTH): string {
  const rows = findings
    .filter((f) => f.status !== "pass")
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || quieted(a) - quieted(b) || compareFindings(a, b));
  if (!rows.length) return "No failing or errored findings.\n";
  const tag = (f: Finding) =>
    [f.baseline, f.suppression ? `suppressed until ${f.suppression.expires}` : undefined].filter(Boolean).join(", ");
  const label = (f: Finding) => `${f.severity.toUpperCase().padEnd(8)}  ${STATUS_LABEL[f.status].padEnd(10)}  `;
  const head = (f: Finding): string[] => {
    const first = `${label(f)}${escapeForTerminal(f.ruleId)}`;
    const t = tag(f) ? `[${tag(f)}]` : "";
    if (!t) return indented(first, 0, width);
    return displayWidth(`${first} ${t}`) <= width ? [`${first} ${t}`] : [...indented(first, 0, width), ...indented(t, 4, width)];
  };
  const lines = rows.flatMap((f) => [
    ...head(f),
    ...indented(escapeForTerminal(f.resourceArn), 4, width),
    ...indented(escapeForTerminal(f.message), 4, width),
  ]);
  return lines.join("\n") + "\n";
}
