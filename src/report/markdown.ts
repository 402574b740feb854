import { chainText, topPaths } from "./paths.js";
import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { SEVERITIES, severityRank, type Severity } from "../model/severity.js";
import { gapCauses, gapRemedy, gapScope } from "./coverage.js";
import {
  cmp,
  compareFindings,
  countFindings,
  isActiveFailure,
  ruleIndex,
  selectionLine,
  skippedByReason,
  toolVersionOf,
  type ReportOptions,
} from "./common.js";

/** Markdown options. */
export interface MarkdownOptions extends ReportOptions {
  /**
   * Byte budget. GitHub PR comments stop at 65,536 characters and step summaries at 1 MiB, so the default
   * 60,000 fits both with room for a wrapper.
   */
  maxBytes?: number;
}

/** Default byte budget of summary.md. */
export const MARKDOWN_MAX_BYTES = 60_000;

/**
 * Escapes text from AWS for a Markdown table cell or inline text: neutralises HTML (GitHub renders some),
 * Markdown syntax, table pipes, line breaks and @-mentions (which would notify people from a PR comment).
 */
export function mdText(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`)
    .replace(/@/g, "&#64;")
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, " ");
}

interface Caps {
  rules: number;
  list: number;
}

/** Renders summary.md for `$GITHUB_STEP_SUMMARY` and PR comments, kept under the byte budget. */
export function renderMarkdown(input: ReportInput, options: MarkdownOptions = {}): string {
  const max = options.maxBytes ?? MARKDOWN_MAX_BYTES;
  let caps: Caps = { rules: 20, list: 50 };
  for (;;) {
    const text = build(input, options, caps);
    if (Buffer.byteLength(text) <= max) return text;
    if (caps.rules <= 1 && caps.list <= 1) break;
    caps = { rules: Math.max(1, Math.floor(caps.rules / 2)), list: Math.max(1, Math.floor(caps.list / 2)) };
  }
  // Still too big (huge metadata): cut at a line boundary and say so.
  const note = "\n\n_Summary truncated to fit; see findings.json and report.html._\n";
  let text = build(input, options, caps);
  const budget = Math.max(0, max - Buffer.byteLength(note));
  text = Buffer.from(text).subarray(0, budget).toString("utf8");
  text = text.slice(0, Math.max(0, text.lastIndexOf("\n"))).replace(/\uFFFD$/, "");
  return text + note;
}

/** Context of one summary's sections: the input, its counts and the size caps. */
interface Section {
  input: ReportInput;
  options: ReportOptions;
  caps: Caps;
  c: ReturnType<typeof countFindings>;
}

function build(input: ReportInput, options: ReportOptions, caps: Caps): string {
  const s: Section = { input, options, caps, c: countFindings(input) };
  const out: string[] = [];
  for (const section of SECTIONS) section(out, s);
  out.push("_Full details: report.html, findings.json and the code scanning alerts (SARIF)._", "");
  return out.join("\n");
}

/** The summary's sections, in reading order (exposure paths before anything else). */
const SECTIONS: ((out: string[], s: Section) => void)[] = [
  headerSection,
  pathsSection,
  baselineSection,
  countsSection,
  topRulesSection,
  coverageSection,
  errorsSection,
  skippedSection,
  suppressionsSection,
];

function headerSection(out: string[], { input, options, c }: Section): void {
  const m = input.metadata;
  const activeFail = SEVERITIES.reduce((n, s) => n + c.failBySeverity[s], 0);
  const sevSummary = SEVERITIES.filter((s) => c.failBySeverity[s] > 0)
    .map((s) => `${c.failBySeverity[s]} ${s}`)
    .join(", ");
  // With a baseline, what changed comes first: that is what a reviewer of a pull request or a nightly run acts on.
  const change = input.fixed ? `${c.newCount} new, ${c.fixedCount} fixed since baseline; ` : "";
  out.push(
    `## Tollgate: ${change}${activeFail} failing${sevSummary ? ` (${sevSummary})` : ""}, ${c.byStatus.error} error${
      c.byStatus.error === 1 ? "" : "s"
    }, ${input.coverage.length} coverage gap${input.coverage.length === 1 ? "" : "s"}${
      c.byStatus.skipped ? `, ${c.byStatus.skipped} not probed` : ""
    }`,
    "",
    `Accounts ${mdText(m.accounts.join(", ") || "none")} · regions ${mdText(m.regions.join(", ") || "none")} · collected ${mdText(m.collectedAt)} · Tollgate ${mdText(toolVersionOf(input, options))}`,
    "",
  );
  const selection = selectionLine(m);
  if (selection) out.push(`Run with ${mdText(selection)}`, "");
  if (!m.complete || input.coverage.length) {
    out.push(
      "> [!WARNING]",
      `> ${!m.complete ? "The scan did not complete. " : ""}${input.coverage.length} API call${input.coverage.length === 1 ? "" : "s"} failed, so parts of the estate were not checked. A missing failure there proves nothing; see **Coverage gaps** below.`,
      "",
    );
  }
}

function pathsSection(out: string[], { input, caps }: Section): void {
  // Exposure paths first: an open entry to an administrator role is what to fix before anything else.
  const paths = topPaths(input.findings);
  if (paths.length) {
    const shown = paths.slice(0, Math.min(10, caps.list));
    out.push(`### Exposure paths (${paths.length})`, "");
    for (const { finding: f, path: p } of shown) {
      const probe = p.chain[0]?.via.includes("probe") ? " (probe-confirmed)" : "";
      out.push(
        `- **${f.severity}**${probe} ${mdText(chainText(p))}. Fix: ${mdText(p.fix.advice)} (cuts ${p.fix.cuts} path${p.fix.cuts === 1 ? "" : "s"}).`,
      );
    }
    if (paths.length > shown.length) out.push(`- … and ${paths.length - shown.length} more (findings.json, report.html).`);
    out.push("");
  }
}

function baselineSection(out: string[], { input, caps }: Section): void {
  if (input.fixed) {
    const fresh = input.findings.filter((f) => f.baseline === "new" && f.status === "fail").sort(compareFindings);
    out.push(`### New since baseline (${fresh.length})`, "");
    if (fresh.length) findingTable(out, fresh, caps.list);
    else out.push("No new failing findings.");
    out.push("");
    const fixed = [...input.fixed].sort(compareFindings);
    out.push(`### Fixed since baseline (${fixed.length})`, "");
    if (fixed.length) findingTable(out, fixed, caps.list);
    else out.push("Nothing fixed since the baseline.");
    out.push("");
  }
}

function countsSection(out: string[], { input, c }: Section): void {
  // Counts by severity.
  const suppressedBySev = countBy(
    input.findings.filter((f) => f.status === "fail" && f.suppression),
    (f) => f.severity,
  );
  out.push("| Severity | Failing | Suppressed |", "|---|---:|---:|");
  for (const s of SEVERITIES) out.push(`| ${s} | ${c.failBySeverity[s]} | ${suppressedBySev.get(s) ?? 0} |`);
  out.push(
    "",
    `Passing: ${c.byStatus.pass} · errors: ${c.byStatus.error} · not probed: ${c.byStatus.skipped} · suppressed: ${c.suppressed}${
      input.fixed ? ` · new: ${c.newCount} · fixed: ${c.fixedCount}` : ""
    }`,
    "",
  );
}

function topRulesSection(out: string[], { input, caps }: Section): void {
  // Top failing rules.
  const ruleMeta = ruleIndex(input.rules);
  const byRule = new Map<string, { n: number; sev: Severity; title: string }>();
  for (const f of input.findings.filter(isActiveFailure)) {
    const e = byRule.get(f.ruleId) ?? {
      n: 0,
      sev: f.severity,
      title: ruleMeta.get(f.ruleId)?.title ?? f.title,
    };
    e.n++;
    if (severityRank(f.severity) > severityRank(e.sev)) e.sev = f.severity;
    byRule.set(f.ruleId, e);
  }
  const ruleRows = [...byRule.entries()].sort(
    (a, b) => severityRank(b[1].sev) - severityRank(a[1].sev) || b[1].n - a[1].n || cmp(a[0], b[0]),
  );
  if (ruleRows.length) {
    out.push("### Top failing rules", "", "| Rule | Severity | Failing | Title |", "|---|---|---:|---|");
    for (const [id, e] of ruleRows.slice(0, caps.rules)) {
      out.push(`| \`${id.replace(/`/g, "")}\` | ${e.sev} | ${e.n} | ${mdText(e.title)} |`);
    }
    more(out, ruleRows.length, caps.rules, "rules");
    out.push("");
  }
}

function coverageSection(out: string[], { input, caps }: Section): void {
  const m = input.metadata;
  if (input.coverage.length) {
    // One row per cause (an operation denied in every region is one row), with the permission and the statement of
    // the shipped policy to add; every failed call follows, folded.
    const causes = gapCauses(input.coverage, input.findings, m.partition);
    out.push(
      `### Coverage gaps (${input.coverage.length} call${input.coverage.length === 1 ? "" : "s"}, ${causes.length} cause${causes.length === 1 ? "" : "s"})`,
      "",
      "| Cause | Where | Calls | Rules not evaluated | To fix |",
      "|---|---|---:|---:|---|",
    );
    for (const c of causes.slice(0, caps.list)) {
      out.push(
        `| ${mdText(`${c.service}:${c.operation} ${c.denied ? "denied" : "failed"} (${c.errorName})`)} | ${mdText(gapScope(c))} | ${c.errors.length} | ${c.rules.length} | ${mdText(gapRemedy(c) ?? "")} |`,
      );
    }
    more(out, causes.length, caps.list, "causes");
    const gaps = [...input.coverage].sort(
      (a, b) =>
        cmp(a.account, b.account) ||
        cmp(a.region, b.region) ||
        cmp(a.operation, b.operation) ||
        cmp(a.resourceArn ?? "", b.resourceArn ?? ""),
    );
    out.push(
      "",
      "<details><summary>Every failed call</summary>",
      "",
      "| Account | Region | Service | Operation | Resource | Error | HTTP |",
      "|---|---|---|---|---|---|---|",
    );
    for (const e of gaps.slice(0, caps.list)) {
      out.push(
        `| ${mdText(e.account)} | ${mdText(e.region)} | ${mdText(e.service)} | ${mdText(e.operation)} | ${mdText(e.resourceArn ?? "")} | ${mdText(e.errorName)} | ${e.httpStatus ?? ""} |`,
      );
    }
    more(out, gaps.length, caps.list, "gaps");
    out.push("", "</details>", "");
  }
}

function errorsSection(out: string[], { input, caps }: Section): void {
  const errors = input.findings.filter((f) => f.status === "error").sort(compareFindings);
  if (errors.length) {
    out.push(`### Could not evaluate (${errors.length})`, "");
    findingTable(out, errors, caps.list);
    out.push("");
  }
}

function skippedSection(out: string[], { input, caps, c }: Section): void {
  // Skipped by design: not a gap, but a reader must see what was not checked and why (grouped by reason).
  const skipped = skippedByReason(input.findings);
  if (skipped.length) {
    out.push(`### Not probed (${c.byStatus.skipped})`, "", "| Reason | Checks |", "|---|---:|");
    for (const [reason, n] of skipped.slice(0, caps.list)) out.push(`| ${mdText(reason)} | ${n} |`);
    more(out, skipped.length, caps.list, "reasons");
    out.push("");
  }
}

function suppressionsSection(out: string[], { input, caps }: Section): void {
  const suppressed = input.findings.filter((f) => f.suppression).sort(compareFindings);
  const notes = input.suppressionNotes ?? [];
  if (suppressed.length || notes.length) {
    out.push(`### Suppressions (${suppressed.length})`, "");
    if (suppressed.length) {
      out.push("| Rule | Resource | Reason | Expires | Owner |", "|---|---|---|---|---|");
      for (const f of suppressed.slice(0, caps.list)) {
        const s = f.suppression;
        out.push(
          `| \`${f.ruleId.replace(/`/g, "")}\` | ${mdText(f.resourceName)} | ${mdText(s?.reason ?? "")} | ${mdText(s?.expires ?? "")} | ${mdText(s?.owner ?? "")} |`,
        );
      }
      more(out, suppressed.length, caps.list, "suppressed findings");
    }
    for (const n of notes.slice(0, caps.list)) out.push(`- ${mdText(n)}`);
    more(out, notes.length, caps.list, "notes");
    out.push("");
  }
}

function findingTable(out: string[], list: readonly Finding[], cap: number): void {
  out.push("| Severity | Rule | Resource | Account | Region |", "|---|---|---|---|---|");
  for (const f of list.slice(0, cap)) {
    out.push(
      `| ${f.severity} | \`${f.ruleId.replace(/`/g, "")}\` | ${mdText(f.resourceName)} | ${mdText(f.account)} | ${mdText(f.region)} |`,
    );
  }
  more(out, list.length, cap, "findings");
}

function more(out: string[], total: number, cap: number, what: string): void {
  if (total > cap) out.push("", `_…and ${total - cap} more ${what} (see report.html)._`);
}

function countBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}
