import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { renderSarif, renderSarifPieces, sarifAutomationId, sarifFingerprint } from "../../src/report/sarif.js";
import { renderSarifStream } from "../../src/report/sarif-stream.js";
import { gzippedSize, measureGzipped } from "../../src/report/sarif-text.js";
import { assertValidSarif } from "../helpers/sarif.js";
import { ACCOUNT_A, ACCOUNT_B, makeFinding, makeManyFindings, makeReportInput, RULES } from "../helpers/report-input.js";

function render(input = makeReportInput(), opts = {}) {
  const out = renderSarif(input, opts);
  const log = assertValidSarif(out.text, opts);
  const run = log.runs?.[0];
  if (!run) throw new Error("no run");
  return { out, log, run };
}

describe("renderSarif", () => {
  it("produces one valid run with driver metadata and the scan scope as automation id", () => {
    const { run } = render();
    expect(run.tool?.driver?.name).toBe("Tollgate");
    expect(run.tool?.driver?.version).toBe("0.1.0");
    expect(run.tool?.driver?.informationUri).toMatch(/^https:\/\//);
    expect(run.automationDetails?.id).toBe(`tollgate/${ACCOUNT_A},${ACCOUNT_B}/global,us-east-1/`);
    expect(sarifAutomationId(makeReportInput())).toBe(run.automationDetails?.id);
  });

  it("has one rule per rule id with levels, string security-severity and security tag", () => {
    const { run } = render();
    const rules = run.tool?.driver?.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual([...Object.values(RULES)].sort());
    const byId = new Map(rules.map((r) => [r.id, r]));
    const expectations: [string, string, string | undefined][] = [
      [RULES.root, "error", "9.5"],
      [RULES.mfa, "error", "8.0"],
      [RULES.keys, "warning", "5.5"],
      [RULES.pw, "note", "3.0"],
      [RULES.info, "note", undefined],
    ];
    for (const [id, level, sev] of expectations) {
      const r = byId.get(id);
      expect(r?.defaultConfiguration?.level, id).toBe(level);
      expect(r?.properties?.["security-severity"], id).toBe(sev);
      expect(r?.properties?.tags).toContain("security");
      expect(r?.help?.markdown).toContain("## Remediation");
      expect(r?.help?.text).toContain("aws iam do-something");
    }
  });

  it("emits results only for failing findings, with ARN in logical location and message", () => {
    const input = makeReportInput();
    const { run } = render(input);
    const results = run.results ?? [];
    const failing = input.findings.filter((f) => f.status === "fail");
    expect(results).toHaveLength(failing.length);
    // Most severe first.
    expect(results[0]?.ruleId).toBe(RULES.root);
    for (const r of results) {
      const loc = r.locations?.[0];
      const arn = loc?.logicalLocations?.[0]?.fullyQualifiedName ?? "";
      expect(arn).toMatch(/^arn:aws:iam::/);
      expect(loc?.logicalLocations?.[0]?.kind).toBe("resource");
      expect(r.message?.text).toContain(arn);
      expect(loc?.physicalLocation?.artifactLocation?.uri).toMatch(/^rules\/aws\/iam\/[a-z-]+\.json$/);
      expect(loc?.physicalLocation?.region?.startLine).toBe(1);
      expect(run.tool?.driver?.rules?.[r.ruleIndex ?? -1]?.id).toBe(r.ruleId);
    }
    const info = results.find((r) => r.ruleId === RULES.info);
    expect(info?.level).toBe("note");
  });

  it("fingerprints are sha256(ruleId|account|region|arn), stable across renders and distinct per resource", () => {
    const a = render().run.results ?? [];
    const b = render().run.results ?? [];
    const fa = a.map((r) => r.partialFingerprints?.primaryLocationLineHash);
    expect(fa).toEqual(b.map((r) => r.partialFingerprints?.primaryLocationLineHash));
    expect(new Set(fa).size).toBe(fa.length);
    const alice = makeFinding({ ruleId: RULES.mfa, resourceName: "alice" });
    const expected = createHash("sha256")
      .update(`${RULES.mfa}|${ACCOUNT_A}|global|arn:aws:iam::${ACCOUNT_A}:user/alice`)
      .digest("hex");
    expect(sarifFingerprint(alice)).toBe(expected);
    expect(fa).toContain(expected);
    // Same resource, different message or severity: same alert.
    expect(sarifFingerprint({ ...alice })).toBe(sarifFingerprint(makeFinding({ ...alice, message: "changed" })));
  });

  it("is byte-identical across renders", () => {
    const a = renderSarif(makeReportInput()).text;
    assertValidSarif(a);
    expect(renderSarif(makeReportInput()).text).toBe(a);
  });

  it("marks suppressed results with an external suppression carrying the reason", () => {
    const { run } = render();
    const suppressed = (run.results ?? []).filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]?.message?.text).toContain("user/dave");
    expect(suppressed[0]?.suppressions).toEqual([
      expect.objectContaining({
        kind: "external",
        status: "accepted",
        justification: "Break-glass user, hardware MFA in safe",
      }),
    ]);
  });

  it("reports coverage gaps as tool notifications", () => {
    const { run } = render();
    const notes = run.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.descriptor?.id)).toEqual(["tollgate.coverage-gap"]);
    expect(notes[0]?.message?.text).toContain("GetCredentialReport");
    expect(run.properties?.truncated).toBe(false);
  });

  it("truncates past an injected result limit, keeping the most severe, and says so", () => {
    const input = makeManyFindings(100);
    const failing = input.findings.filter((f) => f.status === "fail");
    const { out, run } = render(input, { maxResults: 10 });
    const results = run.results ?? [];
    expect(results).toHaveLength(10);
    // makeManyFindings alternates severities; 10 most severe are all critical.
    expect(new Set(results.map((r) => r.properties?.severity))).toEqual(new Set(["critical"]));
    expect(run.properties).toMatchObject({
      truncated: true,
      totalResults: failing.length,
      emittedResults: 10,
    });
    const notes = run.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(notes[0]?.descriptor?.id).toBe("tollgate.sarif.truncated");
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/kept 10 of \d+ failing results/);
  });

  it("truncates past an injected gzip size limit", () => {
    const input = makeManyFindings(2000);
    const limit = 20_000;
    const { out, run } = render(input, { maxGzipBytes: limit });
    const kept = run.results?.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(input.findings.filter((f) => f.status === "fail").length);
    expect(out.warnings.join("\n")).toMatch(/SARIF truncated/);
  });

  it("never puts an ARN in the artifact URI even for findings without rule metadata", () => {
    const input = makeReportInput();
    input.findings.push(makeFinding({ ruleId: "aws.iam.user.unknown-rule" }));
    const { out, run } = render(input);
    const r = (run.results ?? []).find((x) => x.ruleId === "aws.iam.user.unknown-rule");
    expect(r?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe("rules");
    expect(out.warnings[0]).toContain("no rule metadata");
  });

  it("handles an empty report", () => {
    const { run } = render(makeReportInput({ findings: [], coverage: [] }));
    expect(run.results).toEqual([]);
  });

  it("writes the log in pieces whose text is JSON.stringify of the log (no results, some, truncated)", () => {
    const many = makeManyFindings(300);
    for (const [input, opts] of [
      [makeReportInput({ findings: [], coverage: [] }), {}],
      [makeReportInput(), {}],
      [many, {}],
      [many, { maxResults: 7 }],
      [many, { maxGzipBytes: 6_000 }],
    ] as const) {
      const { pieces, warnings } = renderSarifPieces(input, opts);
      const text = pieces.join("");
      expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + "\n");
      expect(renderSarif(input, opts)).toEqual({ text, warnings });
      // Within the limit whether its size was bounded without compressing or compressed.
      if (opts !== undefined && "maxGzipBytes" in opts) expect(gzipSync(text).length).toBeLessThanOrEqual(opts.maxGzipBytes);
    }
  });
});

describe("renderSarifStream (files)", () => {
  it("writes renderSarif's text and warnings, measured streaming (fits, bounded, truncated by size or count)", async () => {
    const many = makeManyFindings(300);
    for (const [input, opts] of [
      [makeReportInput({ findings: [], coverage: [] }), {}],
      [makeReportInput(), {}],
      [many, {}],
      [many, { maxResults: 7 }],
      [many, { maxGzipBytes: 6_000 }],
      [many, { maxGzipBytes: 60_000 }],
      [many, { maxGzipBytes: 100 }],
    ] as const) {
      const { content, warnings } = await renderSarifStream(input, opts);
      expect({ text: [...content].join(""), warnings }).toEqual(renderSarif(input, opts));
    }
  });

  it("measures what gzippedSize measures, holding the pieces only while they fit uncompressed", async () => {
    // Incompressible text (hashes), so that a limit between the bound and the compressed size is met.
    const pieces = Array.from(
      { length: 2000 },
      (_, i) => createHash("sha512").update(String(i)).digest("base64") + "é→" + "x".repeat(i % 50),
    );
    const bytes = Buffer.byteLength(pieces.join(""));
    for (const limit of [100, bytes / 2, bytes * 2]) {
      const m = await measureGzipped(pieces, limit);
      expect(m.size).toBe(gzippedSize(pieces, limit));
      if (m.size > bytes) expect(m.pieces).toEqual(pieces);
      else {
        expect(m.size).toBe(gzipSync(pieces.join("")).length);
        expect(m.pieces).toBeUndefined();
      }
    }
  });
});

describe("assertValidSarif (test helper)", () => {
  const good = () => JSON.parse(renderSarif(makeReportInput()).text) as { runs: Record<string, unknown>[] };

  it("rejects what GitHub rejects", () => {
    const arnUri = good();
    const results = arnUri.runs[0]?.results as {
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
    const first = results[0]?.locations[0];
    if (first) first.physicalLocation.artifactLocation.uri = "arn:aws:iam::111111111111:user/alice";
    expect(() => assertValidSarif(JSON.stringify(arnUri))).toThrow(/uri has a scheme/);

    const noLoc = good();
    (noLoc.runs[0]?.results as Record<string, unknown>[])[0]!.locations = [];
    expect(() => assertValidSarif(JSON.stringify(noLoc))).toThrow(/at least one location/);

    const twoRuns = good();
    twoRuns.runs.push(twoRuns.runs[0]!);
    expect(() => assertValidSarif(JSON.stringify(twoRuns))).toThrow(/exactly one run/);

    const badSev = good();
    const rules = (badSev.runs[0]?.tool as { driver: { rules: { properties: Record<string, unknown> }[] } }).driver.rules;
    rules[0]!.properties["security-severity"] = 9.5;
    expect(() => assertValidSarif(JSON.stringify(badSev))).toThrow(/numeric string/);

    const schemaBad = good();
    (schemaBad as Record<string, unknown>).version = "2.0.0";
    expect(() => assertValidSarif(JSON.stringify(schemaBad))).toThrow(/schema:/);
  });
});
