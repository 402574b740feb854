import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { cmp, compareFindings, ruleIndex, type ReportOptions } from "./common.js";

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
  const rules = ruleIndex(input.rules);
  const byRule = new Map<string, Finding[]>();
  for (const f of [...input.findings].sort(compareFindings)) {
    const list = byRule.get(f.ruleId) ?? [];
    list.push(f);
    byRule.set(f.ruleId, list);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const ruleId of [...byRule.keys()].sort(cmp)) {
    const list = byRule.get(ruleId) ?? [];
    const rule = rules.get(ruleId);
    let sf = 0;
    let se = 0;
    let ss = 0;
    const cases = list.map((f) => {
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
      // A suppression is an accepted risk: CI should not go red for it, but it must stay visible.
      if (f.suppression) {
        ss++;
        const why = `Suppressed (${f.status}): ${f.suppression.reason} (expires ${f.suppression.expires}${f.suppression.owner ? `, owner ${f.suppression.owner}` : ""})`;
        return `${open}>\n      <skipped message="${escapeXml(why)}"/>\n    </testcase>`;
      }
      if (f.status === "fail") {
        sf++;
        return `${open}>\n      <failure message="${escapeXml(f.message)}" type="${escapeXml(f.severity)}">${escapeXml(detail)}</failure>\n    </testcase>`;
      }
      if (f.status === "error") {
        se++;
        return `${open}>\n      <error message="${escapeXml(f.message)}" type="evaluation-error">${escapeXml(detail)}</error>\n    </testcase>`;
      }
      return `${open}/>`;
    });
    tests += list.length;
    failures += sf;
    errors += se;
    skipped += ss;
    suites.push(
      `  <testsuite name="${escapeXml(ruleId)}" tests="${list.length}" failures="${sf}" errors="${se}" skipped="${ss}" time="0">\n` +
        (rule
          ? `    <properties>\n      <property name="title" value="${escapeXml(rule.title)}"/>\n      <property name="severity" value="${escapeXml(rule.severity)}"/>\n      <property name="file" value="${escapeXml(rule.file)}"/>\n    </properties>\n`
          : "") +
        cases.join("\n") +
        "\n  </testsuite>",
    );
  }
  if (input.coverage.length) {
    // Coverage gaps are errors CI should see; they are not any rule's verdict.
    const gaps = [...input.coverage].sort(
      (a, b) => cmp(a.account, b.account) || cmp(a.region, b.region) || cmp(a.operation, b.operation),
    );
    const cases = gaps.map((e) => {
      const name = `${e.service}:${e.operation} in ${e.account}/${e.region}${e.resourceArn ? ` (${e.resourceArn})` : ""}`;
      const msg = `${e.errorName}${e.httpStatus !== undefined ? ` (HTTP ${e.httpStatus})` : ""}: ${e.message}`;
      return `    <testcase classname="tollgate.coverage" name="${escapeXml(name)}" time="0">\n      <error message="${escapeXml(msg)}" type="${escapeXml(e.errorName)}">${escapeXml(msg)}</error>\n    </testcase>`;
    });
    tests += gaps.length;
    errors += gaps.length;
    suites.push(
      `  <testsuite name="tollgate.coverage" tests="${gaps.length}" failures="0" errors="${gaps.length}" skipped="0" time="0">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  const version = options.toolVersion ?? input.metadata.toolVersion;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${escapeXml(`Tollgate ${version}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0">\n` +
    suites.join("\n") +
    (suites.length ? "\n" : "") +
    `</testsuites>\n`
  );
}
