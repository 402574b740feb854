import { describe, expect, it } from "vitest";
import { exitCodeFor, isIncomplete, type ExitPolicy } from "../../src/pipeline/exit-code.js";
import { makeFinding, makeReportInput, RULES } from "../helpers/report-input.js";

const high = makeFinding({ ruleId: RULES.mfa, severity: "high" });
const low = makeFinding({ ruleId: RULES.pw, severity: "low" });
const code = (findings: Parameters<typeof exitCodeFor>[0], incomplete: boolean, policy: ExitPolicy) =>
  exitCodeFor(findings, incomplete, policy);

describe("exit code policy (--fail-on, --on-incomplete)", () => {
  it("failing findings at or above --fail-on exit 1 whatever --on-incomplete says", () => {
    for (const onIncomplete of [undefined, "error", "fail", "ignore"] as const) {
      expect(code([high], true, { failOn: "high", onIncomplete })).toBe(1);
      expect(code([low], false, { failOn: "high", onIncomplete })).toBe(0);
    }
    expect(code([low], false, { failOn: "info" })).toBe(1);
  });

  it("suppressed, baseline-unchanged, skipped and error findings never count as failing", () => {
    const accepted = [
      { ...high, suppression: { reason: "r", expires: "2099-01-01" } },
      { ...high, baseline: "unchanged" as const },
      { ...high, status: "skipped" as const },
    ];
    expect(code(accepted, false, { failOn: "low" })).toBe(0);
  });

  it("an incomplete result exits as --on-incomplete says: error 3 (default), fail 1, ignore 0", () => {
    expect(code([], true, { failOn: "high" })).toBe(3);
    expect(code([], true, { failOn: "high", onIncomplete: "error" })).toBe(3);
    expect(code([], true, { failOn: "high", onIncomplete: "fail" })).toBe(1);
    expect(code([], true, { failOn: "high", onIncomplete: "ignore" })).toBe(0);
  });

  it("--fail-on none is report-only: findings never gate, incompleteness only when asked", () => {
    expect(code([high], true, { failOn: "none" })).toBe(0);
    expect(code([high], true, { failOn: "none", onIncomplete: "error" })).toBe(3);
    expect(code([high], true, { failOn: "none", onIncomplete: "fail" })).toBe(1);
  });

  it("incomplete means: scan stopped, a call failed or a rule errored; a skipped check is not incompleteness", () => {
    const base = makeReportInput({ coverage: [] });
    const judged = base.findings.filter((f) => f.status !== "error");
    expect(isIncomplete({ ...base, findings: judged })).toBe(false);
    expect(judged.some((f) => f.status === "skipped")).toBe(true);
    expect(isIncomplete(base)).toBe(true);
    expect(isIncomplete({ ...base, findings: judged, metadata: { ...base.metadata, complete: false } })).toBe(true);
    expect(isIncomplete(makeReportInput({ findings: judged }))).toBe(true);
  });
});
