import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import type { RuleMeta } from "../model/rule-meta.js";
import { cmp, compareFindings, ruleIndex, skipReason, type ReportOptions } from "./common.js";

/**
 * Escapes text for XML 1.0 content and double- or single-quoted attributes. Characters XML 1.0 cannot
 * carry at all (most C0 controls, lone surrogates, U+FFFE/FFFF) are replaced by a visible `\uXXXX`
 * so the information survives and the document stays well-formed.
 */
export function escapeXml(s: string): string {
  return (
    s
      .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, (c) => {
        return `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
      })
      .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
      // Attribute-value normalisation would turn raw tabs/newlines into spaces; keep them as references.
      .replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`)
  );
}

/** Renders junit.xml: a testsuite per rule, a testcase per rule × resource, plus one suite of coverage gaps. */
export function renderJunit(input: ReportInput, options: ReportOptions = {}): string {
  return [...renderJunitChunks(input, options)].join("");
}

/** A finding's testcase counts toward exactly one of these. */
type Outcome = "failure" | "error" | "skipped" | "pass";

// A suppression is an accepted risk and a skipped check was not made by design: CI should not go red for
// either, but both must stay visible.
const outcomeOf = (f: Finding): Outcome =>
  f.suppression || f.status === "skipped" ? "skipped" : f.status === "fail" ? "failure" : f.status === "error" ? "error" : "pass";

/**
 * junit.xml in pieces, a testcase at a time, for writing without one string of the whole document. The counts
 * the `<testsuites>` and `<testsuite>` elements carry are taken in a first pass over the findings.
 */
export function* renderJunitChunks(input: ReportInput, options: ReportOptions = {}): Generator<string> {
  const rules = ruleIndex(input.rules);
  const byRule = new Map<string, Finding[]>();
  for (const f of [...input.findings].sort(compareFindings)) {
    const list = byRule.get(f.ruleId) ?? [];
    list.push(f);
    byRule.set(f.ruleId, list);
  }
  const total: Record<Outcome, number> = { failure: 0, error: 0, skipped: 0, pass: 0 };
  const perRule = new Map<string, Record<Outcome, number>>();
  for (const [ruleId, list] of byRule) {
    const c: Record<Outcome, number> = { failure: 0, error: 0, skipped: 0, pass: 0 };
    for (const f of list) c[outcomeOf(f)] += 1;
    for (const k of Object.keys(c) as Outcome[]) total[k] += c[k];
    perRule.set(ruleId, c);
  }
  // Coverage gaps are errors CI should see; they are not any rule's verdict.
  const gaps = [...input.coverage].sort(
    (a, b) => cmp(a.account, b.account) || cmp(a.region, b.region) || cmp(a.operation, b.operation),
  );
  const tests = input.findings.length + gaps.length;
  const version = options.toolVersion ?? input.metadata.toolVersion;
  yield (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${escapeXml(`Tollgate ${version}`)}" tests="${tests}" failures="${total.failure}" errors="${total.error + gaps.length}" skipped="${total.skipped}" time="0">\n`
  );
  let firstSuite = true;
  const suiteSep = (): string => {
    const sep = firstSuite ? "" : "\n";
    firstSuite = false;
    return sep;
  };
  for (const ruleId of [...byRule.keys()].sort(cmp)) {
    const list = byRule.get(ruleId) ?? [];
    const rule = rules.get(ruleId);
    const c = perRule.get(ruleId)!;
    yield (
      suiteSep() +
      `  <testsuite name="${escapeXml(ruleId)}" tests="${list.length}" failures="${c.failure}" errors="${c.error}" skipped="${c.skipped}" time="0">\n` +
      (rule
        ? `    <properties>\n      <property name="title" value="${escapeXml(rule.title)}"/>\n      <property name="severity" value="${escapeXml(rule.severity)}"/>\n      <property name="file" value="${escapeXml(rule.file)}"/>\n    </properties>\n`
        : "")
    );
    for (let i = 0; i < list.length; i++) yield (i ? "\n" : "") + testcase(list[i]!, ruleId, rule);
    yield "\n  </testsuite>";
  }
  if (gaps.length) {
    yield (
      suiteSep() +
      `  <testsuite name="tollgate.coverage" tests="${gaps.length}" failures="0" errors="${gaps.length}" skipped="0" time="0">\n`
    );
    for (let i = 0; i < gaps.length; i++) {
      const e = gaps[i]!;
      const name = `${e.service}:${e.operation} in ${e.account}/${e.region}${e.resourceArn ? ` (${e.resourceArn})` : ""}`;
      const msg = `${e.errorName}${e.httpStatus !== undefined ? ` (HTTP ${e.httpStatus})` : ""}: ${e.message}`;
      yield (
        (i ? "\n" : "") +
        `    <testcase classname="tollgate.coverage" name="${escapeXml(name)}" time="0">\n      <error message="${escapeXml(msg)}" type="${escapeXml(e.errorName)}">${escapeXml(msg)}</error>\n    </testcase>`
      );
    }
    yield "\n  </testsuite>";
  }
  yield (firstSuite ? "" : "\n") + `</testsuites>\n`;
}

function testcase(f: Finding, ruleId: string, rule: RuleMeta | undefined): string {
  const name = `${f.resourceName} (${f.resourceArn})`;
  const open = `    <testcase classname="${escapeXml(ruleId)}" name="${escapeXml(name)}" time="0"`;
  const detail = [
    f.message,
    `Resource: ${f.resourceArn}`,
    `Account: ${f.account}  Region: ${f.region}  Severity: ${f.severity}`,
    ...f.evidence.map(
      (e) =>
        `Evidence: ${e.path || "(resource)"} expected ${e.expected}${"actual" in e ? `, found ${JSON.stringify(e.actual)}` : ""}`,
    ),
    ...(rule ? [`Remediation: ${rule.remediation.text}`] : []),
  ].join("\n");
  switch (outcomeOf(f)) {
    case "skipped": {
      const s = f.suppression;
      const why = s
        ? `Suppressed (${f.status}): ${s.reason} (expires ${s.expires}${s.owner ? `, owner ${s.owner}` : ""})`
        : `Not probed: ${skipReason(f)}`;
      return `${open}>\n      <skipped message="${escapeXml(why)}"/>\n    </testcase>`;
    }
    case "failure":
      return `${open}>\n      <failure message="${escapeXml(f.message)}" type="${escapeXml(f.severity)}">${escapeXml(detail)}</failure>\n    </testcase>`;
    case "error":
      return `${open}>\n      <error message="${escapeXml(f.message)}" type="evaluation-error">${escapeXml(detail)}</error>\n    </testcase>`;
    case "pass":
      return `${open}/>`;
  }
}
