import { describe, expect, it } from "vitest";
import { mdText, renderMarkdown } from "../../src/report/markdown.js";
import { makeFinding, makeGap, makeManyFindings, makeReportInput, RULES, SKIP_REASON } from "../helpers/report-input.js";

describe("renderMarkdown", () => {
  const md = renderMarkdown(makeReportInput());

  it("leads with counts by severity and warns about coverage gaps", () => {
    expect(md.split("\n")[0]).toBe(
      "## Tollgate: 1 new, 1 fixed since baseline; 5 failing (1 critical, 2 high, 1 medium, 1 info), 1 error, 1 coverage gap, 1 not probed",
    );
    expect(md).toContain("> [!WARNING]");
    expect(md).toContain("| high | 2 | 1 |");
    expect(md).toContain("| critical | 1 | 0 |");
    expect(md).toContain("Passing: 1 · errors: 1 · not probed: 1 · suppressed: 1 · new: 1 · fixed: 1");
    // What was not probed is listed by reason, apart from the errors (it is not a coverage gap).
    expect(md).toContain("### Not probed (1)\n\n| Reason | Checks |\n|---|---:|");
    expect(md).toContain(`| ${mdText(SKIP_REASON)} | 1 |`);
    expect(md).toContain("### Could not evaluate (1)");
  });

  it("lists top failing rules most severe first", () => {
    const section = md.slice(md.indexOf("### Top failing rules"));
    const rows = section.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows[0]).toBe(`| \`${RULES.root}\` | critical | 1 | Root account has no access keys |`);
    expect(rows[1]).toBe(`| \`${RULES.mfa}\` | high | 2 | IAM users with console access must use MFA |`);
  });

  it("shows new vs fixed, coverage gaps, errors and suppressions", () => {
    expect(md).toMatch(
      /### New since baseline \(1\)\n\n\| Severity[^\n]*\n[^\n]*\n\| high \| `aws\.iam\.user\.mfa-required` \| bob \|/,
    );
    expect(md).toMatch(/### Fixed since baseline \(1\)[\s\S]*\| erin \|/);
    expect(md).toContain("| 222222222222 | global | iam | GetCredentialReport |  | AccessDenied | 403 |");
    expect(md).toContain("### Could not evaluate (1)");
    expect(md).toContain("| `aws.iam.user.mfa-required` | dave | Break-glass user, hardware MFA in safe | 2027-01-01 | secops |");
    expect(md).toContain("matched nothing \\(stale\\).");
  });

  it("states new and fixed before the counts and the rest", () => {
    const at = (s: string) => md.indexOf(s);
    expect(at("### New since baseline")).toBeGreaterThan(0);
    expect(at("### New since baseline")).toBeLessThan(at("### Fixed since baseline"));
    expect(at("### Fixed since baseline")).toBeLessThan(at("| Severity | Failing | Suppressed |"));
    expect(at("### Fixed since baseline")).toBeLessThan(at("### Top failing rules"));
  });

  it("names the resource of a coverage gap that concerns one", () => {
    const out = renderMarkdown(
      makeReportInput({
        coverage: [
          makeGap({ operation: "GetStages", service: "apigateway", resourceArn: "arn:aws:apigateway:us-east-1::/restapis/a1" }),
        ],
      }),
    );
    expect(out).toContain(
      "| 222222222222 | global | apigateway | GetStages | arn:aws:apigateway:us-east-1::/restapis/a1 | AccessDenied | 403 |",
    );
  });

  it("omits baseline sections without a baseline", () => {
    const plain = renderMarkdown(makeReportInput({ fixed: undefined, coverage: [] }));
    expect(plain.split("\n")[0]).not.toContain("since baseline");
    expect(plain).not.toContain("since baseline");
    expect(plain).not.toContain("[!WARNING]");
  });

  it("escapes HTML, Markdown, pipes, newlines and mentions from AWS data", () => {
    expect(mdText("<img src=x onerror=alert(1)> | *b* @octocat\nx")).toBe(
      "&lt;img src=x onerror=alert\\(1\\)&gt; \\| \\*b\\* &#64;octocat x",
    );
    const input = makeReportInput({
      findings: [makeFinding({ ruleId: RULES.mfa, resourceName: "a|b<script>", baseline: "new" })],
    });
    const out = renderMarkdown(input);
    expect(out).toContain("a\\|b&lt;script&gt;");
    expect(out).not.toContain("<script>");
  });

  it("stays under the byte budget with 20,000 findings and many gaps", () => {
    const big = makeManyFindings(20_000);
    big.coverage = Array.from({ length: 5000 }, (_, i) => makeGap({ operation: `Op${i}`, message: "x".repeat(200) }));
    big.findings.forEach((f, i) => {
      if (i % 2) f.baseline = "new";
    });
    const out = renderMarkdown(big);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(60_000);
    expect(out).toContain("more gaps");
    const tiny = renderMarkdown(big, { maxBytes: 3000 });
    expect(Buffer.byteLength(tiny)).toBeLessThanOrEqual(3000);
    expect(tiny.startsWith("## Tollgate:")).toBe(true);
  });
});
