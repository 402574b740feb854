import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadExportInput } from "../../src/export/findings-file.js";
import { renderJson } from "../../src/report/json.js";
import { makeReportInput } from "../helpers/report-input.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-export-file-"));
function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("reading findings.json for export", () => {
  it("reads metadata, findings and coverage through the shared validating loader", async () => {
    const input = makeReportInput();
    const r = await loadExportInput(write("good.json", renderJson(input)));
    expect(r.findings).toHaveLength(input.findings.length);
    expect(r.metadata.accounts).toEqual(input.metadata.accounts);
    expect(r.coverage).toHaveLength(input.coverage.length);
  });

  it("names the file and JSON pointer of a bad value", async () => {
    const doc = JSON.parse(renderJson(makeReportInput())) as { findings: { account: string }[] };
    doc.findings[0]!.account = "12";
    const bad = write("bad.json", JSON.stringify(doc));
    await expect(loadExportInput(bad)).rejects.toThrow(
      `${bad}: invalid findings file at /findings/0/account: must match pattern`,
    );
    await expect(loadExportInput(write("trunc.json", '{"kind":'))).rejects.toThrow(/trunc\.json: not valid JSON/);
  });
});
