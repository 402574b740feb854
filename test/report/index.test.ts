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

  it("streams findings.json, report.html and junit.xml byte for byte as the renderers would write them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-stream-"));
    const input = makeManyFindings(300);
    // Hostile strings: the HTML data slot's own text and markup in a finding and in a coverage gap.
    const slot = "\u0000tollgate-data\u0000";
    input.findings[0] = { ...input.findings[0]!, message: `x ${slot} </script><b>` };
    input.coverage = [{ ...input.coverage[0]!, message: `gap ${slot} <i>` }];
    const opts = { toolVersion: "1.2.3", generatedAt: "2026-02-03T04:05:06Z" };
    await writeReports(dir, ["json", "html", "junit"], input, opts);
    for (const format of ["json", "html", "junit"] as const)
      expect(readFileSync(join(dir, REPORT_FILE_NAMES[format]), "utf8"), format).toBe(renderReport(format, input, opts).text);
    // The embedded data is the whole finding list, once, wherever the slot's text also appears.
    const html = readFileSync(join(dir, "report.html"), "utf8");
    const blocks = [...html.matchAll(/<script type="application\/json" id="tollgate-data">([\s\S]*?)<\/script>/g)];
    expect(blocks).toHaveLength(1);
    const data = JSON.parse(blocks[0]![1]!) as { findings: { message: string }[] };
    expect(data.findings).toHaveLength(input.findings.length);
    expect(data.findings.some((f) => f.message === `x ${slot} </script><b>`)).toBe(true);
    // Only the coverage gap's own text remains (escaped into the page); the slot itself was filled.
    expect(html.split(slot)).toHaveLength(2);
    expect(html.indexOf(slot)).toBeLessThan(html.indexOf('id="tollgate-data"'));
  });
});
