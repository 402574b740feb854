import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { FINDINGS_SCHEMA } from "../../src/report/findings-schema.js";
import { fromFindingsFile, renderJson } from "../../src/report/json.js";
import { loadFindingsFile, parseFindingsFile } from "../../src/report/load.js";
import { newAjv } from "../../src/util/ajv.js";
import { stableStringify } from "../../src/util/stable-json.js";
import { makeReportInput } from "../helpers/report-input.js";

const checkedIn = JSON.parse(readFileSync(new URL("../../schemas/findings.schema.json", import.meta.url), "utf8")) as object;

function validateWithCheckedInSchema(doc: unknown): void {
  const validate = newAjv().compile(checkedIn);
  if (!validate(doc)) throw new Error(JSON.stringify(validate.errors, null, 2));
}

describe("findings.json", () => {
  it("checked-in schema equals the one the loader uses", () => {
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(FINDINGS_SCHEMA)));
  });

  it("validates against the checked-in schema, with and without a baseline", () => {
    validateWithCheckedInSchema(JSON.parse(renderJson(makeReportInput(), { generatedAt: "2026-01-02T03:06:00Z" })));
    const noBaseline = makeReportInput({ fixed: undefined, suppressionNotes: undefined });
    const doc = JSON.parse(renderJson(noBaseline)) as Record<string, unknown>;
    validateWithCheckedInSchema(doc);
    expect(doc).not.toHaveProperty("fixed");
    expect(doc.summary).not.toHaveProperty("new");
  });

  it("is deterministic regardless of input order", () => {
    const a = makeReportInput();
    const b = makeReportInput();
    b.findings.reverse();
    b.rules.reverse();
    expect(renderJson(a)).toBe(renderJson(b));
    const text = renderJson(a);
    expect(text.startsWith('{\n  "kind": "tollgate-findings",\n  "formatVersion": 1,\n  "toolVersion": "0.1.0"')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("records counts, suppression and baseline state", () => {
    const doc = JSON.parse(renderJson(makeReportInput())) as {
      summary: Record<string, unknown>;
      findings: { resourceName: string; suppression?: unknown; baseline?: string }[];
      fixed: unknown[];
    };
    // pass, fail, error, skipped and suppressed partition the findings: dave (suppressed) is not also failing.
    expect(doc.summary).toEqual({
      pass: 1,
      fail: 5,
      error: 1,
      skipped: 1,
      suppressed: 1,
      new: 1,
      fixed: 1,
      failBySeverity: { critical: 1, high: 2, medium: 1, low: 0, info: 1 },
    });
    expect(doc.findings.find((f) => f.resourceName === "dave")?.suppression).toMatchObject({
      owner: "secops",
    });
    expect(doc.findings.find((f) => f.resourceName === "bob")?.baseline).toBe("new");
    expect(doc.fixed).toHaveLength(1);
  });

  it("round-trips through parseFindingsFile", async () => {
    const input = makeReportInput();
    const back = fromFindingsFile(await parseFindingsFile(renderJson(input), "findings.json"));
    expect(renderJson(back)).toBe(renderJson(input));
  });
});

describe("loadFindingsFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-json-"));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("loads a valid file", async () => {
    const p = write("ok.json", renderJson(makeReportInput()));
    const f = await loadFindingsFile(p);
    expect(f.findings).toHaveLength(9);
    expect(f.findings.filter((x) => x.status === "skipped")).toHaveLength(1);
  });

  it("names the file and the JSON pointer of the problem, with exit code 2", async () => {
    const doc = JSON.parse(renderJson(makeReportInput())) as { findings: Record<string, unknown>[] };
    doc.findings[2]!.status = "maybe";
    const p = write("bad.json", JSON.stringify(doc));
    const err = await loadFindingsFile(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toContain(p);
    expect((err as Error).message).toContain("at /findings/2/status");
  });

  it("explains wrong files, bad JSON and missing files", async () => {
    await expect(loadFindingsFile(write("inv.json", '{"kind":"tollgate-inventory"}'))).rejects.toThrow(
      /inv\.json: not a Tollgate findings file \(at \/kind/,
    );
    await expect(loadFindingsFile(write("v9.json", '{"kind":"tollgate-findings","formatVersion":9}'))).rejects.toThrow(
      /unsupported findings format version \(at \/formatVersion/,
    );
    await expect(loadFindingsFile(write("trunc.json", '{"kind":'))).rejects.toThrow(/trunc\.json: not valid JSON/);
    await expect(loadFindingsFile(join(dir, "missing.json"))).rejects.toThrow(/missing\.json: cannot read/);
    const extra = JSON.parse(renderJson(makeReportInput())) as Record<string, unknown>;
    extra.surprise = 1;
    await expect(loadFindingsFile(write("extra.json", JSON.stringify(extra)))).rejects.toThrow(
      /at \/: unexpected property "surprise"/,
    );
  });
});

describe("stableStringify", () => {
  it("sorts keys recursively, keeps array order, honours leading keys, drops undefined", () => {
    expect(stableStringify({ b: 1, a: { d: [3, 1], c: undefined, b: 2 } }, { indent: 0 })).toBe('{"a":{"b":2,"d":[3,1]},"b":1}');
    expect(stableStringify({ z: 1, kind: "k", a: 2 }, { indent: 0, leadingKeys: ["kind"] })).toBe('{"kind":"k","a":2,"z":1}');
  });
});
