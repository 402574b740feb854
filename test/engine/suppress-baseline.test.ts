import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyAgainstBaseline, fingerprint, readBaseline } from "../../src/engine/baseline.js";
import { applySuppressions, isExpired } from "../../src/engine/suppress.js";
import type { Finding } from "../../src/model/finding.js";

const f = (
  ruleId: string,
  user: string,
  status: Finding["status"] = "fail",
  severity: Finding["severity"] = "high",
): Finding => ({
  ruleId,
  resourceArn: `arn:aws:iam::111122223333:user/${user}`,
  resourceType: "aws.iam.user",
  resourceName: user,
  account: "111122223333",
  region: "global",
  status,
  severity,
  title: "t",
  message: "m",
  evidence: [],
});
const NOW = new Date("2026-03-01T12:00:00Z");

describe("suppressions", () => {
  it("expiry is inclusive of the last day (UTC)", () => {
    expect(isExpired("2026-03-01", NOW)).toBe(false);
    expect(isExpired("2026-02-28", NOW)).toBe(true);
  });

  it("marks matching failing findings, keeps them, and leaves passes and errors alone", () => {
    const findings = [
      f("aws.iam.user.console-mfa", "bob"),
      f("aws.iam.user.console-mfa", "carol", "pass"),
      f("aws.iam.user.console-mfa", "dan", "error"),
    ];
    const out = applySuppressions(
      findings,
      [{ rule: "aws.iam.user.*", resource: "arn:aws:iam::*:user/*", reason: "accepted", expires: "2026-12-31", owner: "sec" }],
      NOW,
    );
    expect(out.findings).toHaveLength(3);
    expect(out.findings[0]!.suppression).toEqual({ reason: "accepted", expires: "2026-12-31", owner: "sec" });
    expect(out.findings[1]!.suppression).toBeUndefined();
    expect(out.findings[2]!.suppression).toBeUndefined();
    expect(out.stale).toEqual([]);
  });

  it("matches rule aliases, account and region globs", () => {
    const aliases = new Map([["aws.iam.user.console-mfa", ["aws.iam.user.mfa-old"]]]);
    const s = { rule: "aws.iam.user.mfa-old", account: "1111*", region: "glob?l", reason: "r", expires: "2026-12-31" };
    expect(applySuppressions([f("aws.iam.user.console-mfa", "bob")], [s], NOW, aliases).findings[0]!.suppression).toBeDefined();
    expect(
      applySuppressions([f("aws.iam.user.console-mfa", "bob")], [{ ...s, account: "2222*" }], NOW, aliases).findings[0]!
        .suppression,
    ).toBeUndefined();
  });

  it("an expired suppression stops applying and is reported; one matching nothing is stale", () => {
    const out = applySuppressions(
      [f("aws.iam.user.console-mfa", "bob")],
      [
        { rule: "aws.iam.user.console-mfa", reason: "r", expires: "2026-01-01", line: 3 },
        { rule: "aws.iam.user.nothing", reason: "r", expires: "2026-12-31", line: 7 },
      ],
      NOW,
    );
    expect(out.findings[0]!.suppression).toBeUndefined();
    expect(out.expired).toEqual([
      "suppression line 3 (rule aws.iam.user.console-mfa) expired on 2026-01-01 and no longer applies: 1 failing finding(s) count again",
    ]);
    expect(out.stale).toEqual(["suppression line 7 (rule aws.iam.user.nothing) matched no failing finding (stale)"]);
  });
});

describe("baselines", () => {
  const old = [
    { ...f("r.a", "bob"), status: "fail" },
    { ...f("r.a", "carol"), status: "fail" },
    { ...f("r.b", "dan"), status: "fail" },
    { ...f("r.c", "erin"), status: "fail" },
  ];

  it("fingerprints by rule, resource, account and region only", () => {
    expect(fingerprint(f("r.a", "bob"))).toBe(fingerprint({ ...f("r.a", "bob", "fail", "low"), message: "changed" } as Finding));
    expect(fingerprint(f("r.a", "bob"))).not.toBe(fingerprint({ ...f("r.a", "bob"), region: "us-east-1" }));
  });

  it("classifies new, unchanged and fixed; never claims fixed for an error or a rule that did not run", () => {
    const current = [f("r.a", "bob"), f("r.a", "carol", "pass"), f("r.a", "zoe"), f("r.b", "dan", "error")];
    const out = classifyAgainstBaseline(current, old, { evaluatedRules: new Set(["r.a", "r.b"]) });
    expect(out.findings.map((x) => x.baseline)).toEqual(["unchanged", undefined, "new", undefined]);
    // carol now passes → fixed; dan errors → unknown, not fixed; r.c did not run → not fixed.
    expect(out.fixed.map((x) => x.resourceName)).toEqual(["carol"]);
    expect(out.fixed[0]!.baseline).toBe("fixed");
  });

  it("a check skipped by design now is not fixed: it was not looked at", () => {
    const out = classifyAgainstBaseline([f("r.a", "bob", "skipped"), f("r.a", "carol", "pass")], old, {
      evaluatedRules: new Set(["r.a"]),
    });
    expect(out.fixed.map((x) => x.resourceName)).toEqual(["carol"]);
    expect(out.findings[0]!.baseline).toBeUndefined();
  });

  it("a scope-level error keeps every baseline failure of that rule there out of fixed", () => {
    const scopeError = { ...f("r.a", "x", "error"), resourceArn: "arn:aws:iam::111122223333:*" };
    expect(classifyAgainstBaseline([scopeError], old).fixed.map((x) => x.ruleId)).toEqual(["r.b", "r.c"]);
  });

  it("maps renamed rule ids through aliases", () => {
    const out = classifyAgainstBaseline([f("r.new", "bob")], [{ ...f("r.old", "bob") }], {
      aliasOf: new Map([["r.old", "r.new"]]),
    });
    expect(out.findings[0]!.baseline).toBe("unchanged");
    expect(out.fixed).toEqual([]);
  });

  it("reads findings.json tolerantly and refuses what is not one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-baseline-"));
    const good = join(dir, "b.json");
    writeFileSync(
      good,
      JSON.stringify({
        findings: [f("r.a", "bob"), { ruleId: "r.a" }, null, f("r.a", "eve", "pass"), f("r.b", "eve", "error")],
        extra: 1,
      }),
    );
    const b = await readBaseline(good);
    // Only failing entries are kept by default: they are all a baseline compares with.
    expect(b.findings.map((x) => x.resourceArn)).toEqual(["arn:aws:iam::111122223333:user/bob"]);
    expect(b.skipped).toBe(2);
    const withErrors = await readBaseline(good, ["fail", "error"]);
    expect(withErrors.findings.map((x) => `${x.ruleId} ${x.status}`)).toEqual(["r.a fail", "r.b error"]);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ results: [] }));
    await expect(readBaseline(bad)).rejects.toThrow(/bad\.json: \/findings: a baseline must be a findings\.json/);
    writeFileSync(bad, "{");
    await expect(readBaseline(bad)).rejects.toThrow(/bad\.json: cannot read baseline: not valid JSON: .*; the file is truncated/);
    writeFileSync(bad, '{"findings": [{"ruleId": "r.a"}, {');
    await expect(readBaseline(bad)).rejects.toThrow(
      /cannot read baseline: not valid JSON: .*in \/findings\/1\); the file is truncated/,
    );
    await expect(readBaseline(join(dir, "missing.json"))).rejects.toThrow(/missing\.json: cannot read baseline: ENOENT/);
  });
});
