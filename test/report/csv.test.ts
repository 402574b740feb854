import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvField, renderCsv, renderCsvChunks } from "../../src/report/csv.js";
import { parseCsv } from "../helpers/csv.js";
import { makeFinding, makeManyFindings, makeReportInput, RULES } from "../helpers/report-input.js";

describe("findings.csv", () => {
  it("has one row per finding, most severe first, with every column", () => {
    const input = makeReportInput();
    const text = renderCsv(input);
    expect(text.split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
    const rows = parseCsv(text);
    expect(rows).toHaveLength(input.findings.length);
    expect(rows[0]!.severity).toBe("critical");
    expect(rows.find((r) => r.rule_id === RULES.root)).toMatchObject({ status: "fail", severity: "critical", service: "iam" });
    expect(rows.find((r) => r.rule_id === RULES.probe)).toMatchObject({ status: "skipped", probe: "observed" });
    const dave = rows.find((r) => r.resource_name === "dave")!;
    expect(dave).toMatchObject({
      suppression_reason: "Break-glass user, hardware MFA in safe",
      suppression_expires: "2027-01-01",
      suppression_owner: "secops",
      compliance: "aws-fsbp IAM.5",
      remediation: "Fix mfa-required.",
    });
    expect(rows.find((r) => r.resource_name === "bob")!.baseline).toBe("new");
    expect(rows.find((r) => r.rule_id === RULES.keys)!.evidence).toBe(
      "/derived/accessKeys/0/ageDays: expected at most 90; found 200",
    );
    // Fixed baseline findings are not findings of this run.
    expect(rows.map((r) => r.resource_name)).not.toContain("erin");
  });

  it("neutralises formula injection and quotes per RFC 4180", () => {
    for (const evil of ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=x"]) {
      expect(csvField(evil).replace(/^"/, "").startsWith("'")).toBe(true);
    }
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"\r\nc')).toBe('"a,""b""\r\nc"');
    const evil = '=cmd|" /C calc"!A0,\r\n@x';
    const input = makeReportInput({
      findings: [makeFinding({ ruleId: RULES.mfa, resourceName: evil, message: "-1", title: "+t" })],
    });
    const [row] = parseCsv(renderCsv(input));
    expect(row!.resource_name).toBe(`'${evil}`);
    expect(row!.message).toBe("'-1");
    expect(row!.title).toBe("'+t");
    // Every cell a spreadsheet would read: none begins with a formula character.
    for (const v of Object.values(row!)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("marks how probes bear on a finding", () => {
    const input = makeReportInput({
      findings: [
        makeFinding({ ruleId: "aws.apigateway.probe.auth-enforced", resourceType: "aws.apigateway.probe", resourceName: "p" }),
        makeFinding({ ruleId: RULES.mfa, resourceName: "c", probe: { confirmed: true, contradicted: false } }),
        makeFinding({ ruleId: RULES.mfa, resourceName: "d", probe: { confirmed: false, contradicted: true } }),
      ],
    });
    const rows = parseCsv(renderCsv(input));
    expect(Object.fromEntries(rows.map((r) => [r.resource_name, r.probe]))).toEqual({
      p: "observed",
      c: "confirmed",
      d: "contradicted",
    });
  });

  it("streams a row at a time and is deterministic", () => {
    const input = makeManyFindings(2000);
    const chunks = [...renderCsvChunks(input)];
    expect(chunks).toHaveLength(2001);
    expect(chunks.join("")).toBe(renderCsv(makeManyFindings(2000)));
    expect(parseCsv(chunks.join(""))).toHaveLength(2000);
  });
});
