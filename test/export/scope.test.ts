import { describe, expect, it } from "vitest";
import { asffId, parseAsffId } from "../../src/export/asff.js";
import { planArchive, scopeVerdict } from "../../src/export/scope.js";
import { exportInput, finding } from "./helpers.js";

const api = (region: string, over = {}) =>
  finding({
    ruleId: "aws.apigateway.stage.logging",
    resourceType: "aws.apigateway.stage",
    resourceArn: `arn:aws:apigateway:${region}::/restapis/a1/stages/prod`,
    region,
    ...over,
  });

describe("complete-scope decision (what may be archived)", () => {
  const base = exportInput([api("us-east-1"), api("eu-west-1")], {
    regions: ["us-east-1", "eu-west-1"],
    services: ["apigateway"],
  });

  it("a scanned account+region with the rule evaluated and no errors is complete", () => {
    expect(scopeVerdict(base, "111122223333", "us-east-1", "aws.apigateway.stage.logging")).toEqual({ complete: true });
  });

  it("regions and accounts not scanned, and rules not evaluated, are incomplete", () => {
    expect(scopeVerdict(base, "111122223333", "ap-south-1", "aws.apigateway.stage.logging").complete).toBe(false);
    expect(scopeVerdict(base, "999999999999", "us-east-1", "aws.apigateway.stage.logging").complete).toBe(false);
    expect(scopeVerdict(base, "111122223333", "us-east-1", "aws.apigateway.other").complete).toBe(false);
  });

  it("rulesEvaluated counts a rule that produced no finding (deleted resources get archived)", () => {
    const input = exportInput([], { rulesEvaluated: ["aws.apigateway.stage.logging"], regions: ["us-east-1"] });
    const v = scopeVerdict(
      { ...input, ruleResourceTypes: new Map([["aws.apigateway.stage.logging", "aws.apigateway.stage"]]) },
      "111122223333",
      "us-east-1",
      "aws.apigateway.stage.logging",
    );
    expect(v).toEqual({ complete: true });
    // Filtered run: the rule is not in rulesEvaluated, so nothing of it is archived (Prowler #1626).
    expect(
      scopeVerdict(
        { ...input, metadata: { ...input.metadata, rulesEvaluated: ["x"] } },
        "111122223333",
        "us-east-1",
        "aws.apigateway.stage.logging",
      ).complete,
    ).toBe(false);
  });

  it("an error finding or a coverage error for the rule's service in that region makes it incomplete there only", () => {
    const withGap = exportInput([api("us-east-1"), api("eu-west-1")], { regions: ["us-east-1", "eu-west-1"] }, [
      {
        account: "111122223333",
        region: "eu-west-1",
        service: "apigateway",
        operation: "GetStages",
        errorName: "AccessDenied",
        message: "denied",
      },
    ]);
    expect(scopeVerdict(withGap, "111122223333", "eu-west-1", "aws.apigateway.stage.logging").complete).toBe(false);
    expect(scopeVerdict(withGap, "111122223333", "us-east-1", "aws.apigateway.stage.logging").complete).toBe(true);
    // A gap in another service does not block this rule.
    const iamGap = { ...withGap, coverage: [{ account: "111122223333", region: "eu-west-1", service: "iam" }] };
    expect(scopeVerdict(iamGap, "111122223333", "eu-west-1", "aws.apigateway.stage.logging").complete).toBe(true);
    const errored = exportInput([api("us-east-1", { status: "error" })]);
    expect(scopeVerdict(errored, "111122223333", "us-east-1", "aws.apigateway.stage.logging").complete).toBe(false);
  });

  it("an incomplete scan archives nothing", () => {
    const partial = { ...base, metadata: { ...base.metadata, complete: false } };
    expect(scopeVerdict(partial, "111122223333", "us-east-1", "aws.apigateway.stage.logging").complete).toBe(false);
  });

  it("plans: archives absent findings in complete scopes, keeps the rest and foreign Ids", () => {
    const gone = asffId(api("us-east-1", { resourceArn: "arn:aws:apigateway:us-east-1::/restapis/old/stages/prod" }));
    const goneEu = asffId(api("eu-west-1", { resourceArn: "arn:aws:apigateway:eu-west-1::/restapis/old/stages/prod" }));
    const present = asffId(api("us-east-1"));
    const input = { ...base, coverage: [{ account: "111122223333", region: "eu-west-1", service: "apigateway" }] };
    const plan = planArchive(
      input,
      [gone, goneEu, present, "custom/other"].map((id) => ({ id, scope: parseAsffId(id) })),
      new Set([present]),
    );
    expect(plan.archive).toEqual([gone]);
    expect(plan.kept.map((k) => k.id)).toEqual([goneEu, "custom/other"]);
  });
});
