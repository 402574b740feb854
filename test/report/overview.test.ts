import { describe, expect, it } from "vitest";
import { frameworkResults } from "../../src/report/compliance.js";
import { overview } from "../../src/report/overview.js";
import type { Finding } from "../../src/model/finding.js";
import { makeFinding, makeGap, makeReportInput, makeRule, RULES } from "../helpers/report-input.js";

const PROBE = "aws.apigateway.probe.auth-enforced";

describe("overview: the verdict", () => {
  it("fails on an unsuppressed failure at or above --fail-on and says why, incompleteness included", () => {
    const v = overview(makeReportInput()).verdict;
    expect(v.status).toBe("fail");
    // With a baseline only new failures gate, as the exit code: bob (new, high) and root (no baseline state, critical).
    expect(v.why[0]).toBe("1 critical and 1 high findings fail that the baseline did not have (at or above high).");
    expect(v.why).toContain("1 AWS call failed and 1 check could not be judged (2 causes): no failure there proves nothing.");
    expect(v.why.at(-1)).toMatch(
      /^1 high, 1 medium and 1 info findings fail without failing the run \(unchanged since the baseline, or below --fail-on high\)\.$/,
    );
  });

  it("is incomplete when nothing gates but something was not read, and pass only when everything was", () => {
    const base = makeReportInput({ fixed: undefined });
    const noGate = { ...base, findings: base.findings.filter((f) => f.severity === "low" || f.status === "pass") };
    expect(overview(noGate).verdict.status).toBe("incomplete");
    const clean = { ...noGate, coverage: [], findings: noGate.findings.filter((f) => f.status === "pass") };
    expect(overview(clean).verdict).toEqual({ status: "pass", why: ["Every check that ran passed and everything was read."] });
    expect(overview({ ...clean, metadata: { ...clean.metadata, complete: false } }).verdict.status).toBe("incomplete");
  });

  it("follows --fail-on: none never fails, low counts every severity", () => {
    const base = makeReportInput({ fixed: undefined });
    const input = { ...base, findings: base.findings.map(({ baseline: _, ...f }) => f) };
    expect(overview(input, "none").verdict.status).toBe("incomplete");
    expect(overview(input, "none").verdict.why.at(-1)).toMatch(/\(report-only run\)\.$/);
    // Info is below low: it fails no run.
    expect(overview(input, "low").verdict.why[0]).toBe("1 critical, 2 high and 1 medium findings fail.");
    expect(overview(input, "low").verdict.why.at(-1)).toBe("1 info finding fails without failing the run (below --fail-on low).");
  });
});

describe("overview: top risks", () => {
  it("ranks critical and high first, live-confirmed above configuration-only, each with a one-line fix", () => {
    const rules = [
      makeRule({ id: "aws.x.config-only", severity: "high", remediation: { text: "Do the first thing. Then the second." } }),
      makeRule({ id: PROBE, severity: "high", resourceType: "aws.apigateway.probe", remediation: { text: "Attach it" } }),
      makeRule({ id: "aws.x.confirmed", severity: "high" }),
      makeRule({ id: "aws.x.medium", severity: "medium" }),
      makeRule({ id: "aws.x.critical", severity: "critical" }),
    ];
    const fs: Finding[] = [
      makeFinding({ ruleId: "aws.x.medium", severity: "medium" }),
      ...["a", "b", "c", "d"].map((n) => makeFinding({ ruleId: "aws.x.config-only", resourceName: n })),
      makeFinding({ ruleId: PROBE, resourceType: "aws.apigateway.probe", resourceName: "GET /orders" }),
      makeFinding({ ruleId: "aws.x.confirmed", resourceName: "m", probe: { confirmed: true, contradicted: false } }),
      makeFinding({ ruleId: "aws.x.confirmed", resourceName: "n", probe: { confirmed: false, contradicted: true } }),
      makeFinding({ ruleId: "aws.x.critical", severity: "critical" }),
      makeFinding({
        ruleId: "aws.x.critical",
        severity: "critical",
        resourceName: "x",
        suppression: { reason: "r", expires: "2099-01-01" },
      }),
    ];
    const ov = overview(makeReportInput({ rules, findings: fs, fixed: undefined }));
    expect(ov.topRisks.map((r) => r.ruleId)).toEqual([
      "aws.x.critical",
      "aws.x.confirmed",
      PROBE,
      "aws.x.config-only",
      "aws.x.medium",
    ]);
    const [crit, confirmed, probe, configOnly] = ov.topRisks;
    expect(crit).toMatchObject({ count: 1, liveConfirmed: 0 });
    expect(confirmed).toMatchObject({ count: 2, liveConfirmed: 1 });
    expect(probe).toMatchObject({ count: 1, liveConfirmed: 1, fix: "Attach it" });
    expect(configOnly).toMatchObject({ count: 4, resources: ["a", "b", "c"], fix: "Do the first thing." });
    expect(ov.failingRules).toBe(5);
  });
});

describe("overview: coverage gaps and skipped probes", () => {
  it("groups failed calls by cause and counts the checks and rules each one hid", () => {
    const denied = (resourceArn: string) =>
      makeGap({ service: "apigateway", operation: "GetUsagePlans", errorName: "AccessDenied", region: "us-east-1", resourceArn });
    const hidden = (ruleId: string, name: string) =>
      makeFinding({
        ruleId,
        resourceName: name,
        status: "error",
        evidence: [
          { path: "", actual: "apigateway:GetUsagePlans failed: AccessDenied (HTTP 403): not authorized", expected: "x" },
        ],
      });
    const input = makeReportInput({
      coverage: [denied("a"), denied("b"), makeGap()],
      findings: [
        hidden("r1", "a"),
        hidden("r1", "b"),
        hidden("r2", "a"),
        makeFinding({ ruleId: "r3", status: "error", evidence: [] }),
      ],
    });
    const ov = overview(input);
    // The causes come from coverage.ts: the permission to grant and the policy statement that has it.
    expect(ov.gaps.map((g) => [g.key, g.errors.length, g.findings, g.rules])).toEqual([
      ["apigateway:GetUsagePlans:denied", 2, 3, ["r1", "r2"]],
      ["iam:GetCredentialReport:denied", 1, 0, []],
    ]);
    expect(ov.gaps[0]!.permission?.action).toBe("apigateway:GET");
    expect(ov.otherErrors).toBe(1);
  });

  it("lists probes skipped by design apart from errors", () => {
    const skipped = { ...makeFinding({ ruleId: PROBE, resourceName: "POST /cart" }), status: "skipped" } as unknown as Finding;
    const ov = overview(makeReportInput({ findings: [skipped] }));
    expect(ov.skipped.map((f) => f.resourceName)).toEqual(["POST /cart"]);
  });
});

describe("frameworkResults", () => {
  it("gives every control a status from its rules' findings and scores passing ÷ judged controls", () => {
    const input = makeReportInput();
    input.metadata.rulesEvaluated = [RULES.mfa, RULES.keys, RULES.root, RULES.pw, RULES.info];
    const [r] = frameworkResults(input);
    const status = Object.fromEntries(r!.controls.map((c) => [c.requirement.id, c.status]));
    expect(status).toEqual({
      "IAM.4": "fail",
      "IAM.5": "fail",
      "IAM.3": "fail",
      "IAM.7": "error",
      "IAM.8": "fail",
      "IAM.9": "not-run",
      "IAM.17": "not-covered",
      "S3.*": "outside",
    });
    expect(r!.controls.find((c) => c.requirement.id === "IAM.5")).toMatchObject({ failing: 2, passing: 2, rulesRun: 1 });
    expect(r!.controls.find((c) => c.requirement.id === "IAM.8")).toMatchObject({ rulesRun: 1 });
    expect(r!.counts).toMatchObject({ fail: 4, error: 1, pass: 0, "not-run": 1, "not-covered": 1, outside: 1 });
    expect(r!.score).toBe(0);
  });

  it("counts suppressed failures as accepted, a rule that ran on nothing as no data, and no judged control as no score", () => {
    const input = makeReportInput({
      findings: [makeFinding({ ruleId: RULES.mfa, suppression: { reason: "r", expires: "2099-01-01" } })],
    });
    input.metadata.rulesEvaluated = [RULES.mfa, RULES.root];
    const [r] = frameworkResults(input);
    const status = Object.fromEntries(r!.controls.map((c) => [c.requirement.id, c.status]));
    expect(status["IAM.5"]).toBe("pass");
    expect(status["IAM.4"]).toBe("no-data");
    expect(status["IAM.3"]).toBe("not-run");
    expect(r!.score).toBe(1);
    expect(frameworkResults(makeReportInput({ findings: [] }))[0]!.score).toBeNull();
    expect(frameworkResults(makeReportInput({ frameworks: undefined }))).toEqual([]);
  });
});
