import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  isReportFormat,
  loadFindingsFile,
  renderReport,
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  writeReports,
  fromFindingsFile,
} from "../../src/report/index.js";
import { assertValidSarif } from "../helpers/sarif.js";
import { parseXml } from "../helpers/xml.js";
import { makeManyFindings, makeReportInput } from "../helpers/report-input.js";

describe("renderReport", () => {
  it("renders every format deterministically", () => {
    for (const format of REPORT_FORMATS) {
      const a = renderReport(format, makeReportInput());
      const b = renderReport(format, makeReportInput());
      expect(a.text, format).toBe(b.text);
      expect(a.text.length, format).toBeGreaterThan(100);
      expect(a.warnings, format).toEqual([]);
      if (format === "sarif") assertValidSarif(a.text);
    }
    assertValidSarif(renderReport("sarif", makeReportInput()).text);
    parseXml(renderReport("junit", makeReportInput()).text);
  });

  it("passes tool version, time and format options through", () => {
    const opts = { toolVersion: "9.9.9", generatedAt: "2026-02-03T04:05:06Z", sarif: { maxResults: 2 } };
    const sarif = renderReport("sarif", makeReportInput(), opts);
    const log = assertValidSarif(sarif.text, { maxResults: 2 });
    expect(log.runs?.[0]?.tool?.driver?.version).toBe("9.9.9");
    expect(log.runs?.[0]?.results).toHaveLength(2);
    expect(sarif.warnings[0]).toMatch(/SARIF truncated/);
    expect(renderReport("json", makeReportInput(), opts).text).toContain('"generatedAt": "2026-02-03T04:05:06Z"');
    expect(renderReport("html", makeReportInput(), opts).text).toContain("Generated 2026-02-03T04:05:06Z");
    expect(isReportFormat("sarif")).toBe(true);
    expect(isReportFormat("pdf")).toBe(false);
  });
});

describe("writeReports", () => {
  it("writes each format under its fixed name and returns warnings", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tollgate-write-")), "nested", "reports");
    const input = makeManyFindings(50);
    const res = await writeReports(dir, [...REPORT_FORMATS], input, { sarif: { maxResults: 5 } });
    expect(res.files.map((f) => f.slice(dir.length + 1))).toEqual(REPORT_FORMATS.map((f) => REPORT_FILE_NAMES[f]));
    expect(readdirSync(dir).sort()).toEqual(Object.values(REPORT_FILE_NAMES).sort());
    expect(res.warnings).toHaveLength(1);
    assertValidSarif(readFileSync(join(dir, "results.sarif"), "utf8"), { maxResults: 5 });
    parseXml(readFileSync(join(dir, "junit.xml"), "utf8"));
    // findings.json written here loads back into the same report.
    const loaded = fromFindingsFile(await loadFindingsFile(join(dir, "findings.json")));
    expect(renderReport("markdown", loaded).text).toBe(readFileSync(join(dir, "summary.md"), "utf8"));
  });
});
