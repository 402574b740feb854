import type { Finding } from "../model/finding.js";
import type { ConsoleFormat } from "../model/output.js";
import type { ReportInput } from "../model/report.js";
import { SEVERITIES } from "../model/severity.js";
import { escapeForTerminal, escapeJsonForTerminal } from "../util/escape.js";
import type { Logger } from "../util/logger.js";
import { consoleWidth, displayWidth, indented, MAX_CONSOLE_WIDTH } from "../util/text-layout.js";
import { compareFindings, countFindings, skippedByReason } from "./common.js";
import { describeGapCause, gapCauses } from "./coverage.js";
import { credentialAdvice, permissionAdvice } from "./permission-advice.js";
import { renderReport } from "./render.js";

// What a run prints on the console: the summary on stderr (through the logger) and `--console` on stdout. Pure: the
// caller writes the text.

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
