import { describe, expect, it } from "vitest";
import { describeCallError } from "../../src/aws/call-error.js";
import { describeGapCause, gapCauses } from "../../src/report/coverage.js";
import type { CollectionError } from "../../src/model/inventory.js";
import { ACCOUNT_A, ACCOUNT_B, makeFinding, makeGap } from "../helpers/report-input.js";

/** An error finding citing the calls that left it unevaluated, as the engine writes it. */
function errorFinding(ruleId: string, resourceArn: string, errors: CollectionError[]) {
  return makeFinding({
    ruleId,
    resourceArn,
    status: "error",
    evidence: errors.map((e) => ({
      path: "",
      actual: describeCallError(e),
      expected: "the data this rule needs must be collected",
    })),
  });
}

describe("coverage gaps grouped by cause", () => {
  const denied = (account: string, region: string, operation: string, resourceArn?: string): CollectionError =>
    makeGap({
      account,
      region,
      service: "apigateway",
      operation,
      errorName: "AccessDeniedException",
      httpStatus: 403,
      message: `not authorized to perform apigateway:GET`,
      ...(resourceArn ? { resourceArn } : {}),
    });

  it("one cause per denied operation, wherever and however often it failed, with the permission and the policy statement", () => {
    const mappings = [
      denied(ACCOUNT_A, "us-east-1", "GetBasePathMappings", "arn:aws:apigateway:us-east-1::/domainnames/a.example.com"),
      denied(ACCOUNT_A, "us-east-1", "GetBasePathMappings", "arn:aws:apigateway:us-east-1::/domainnames/b.example.com"),
      denied(ACCOUNT_B, "eu-west-1", "GetBasePathMappings", "arn:aws:apigateway:eu-west-1::/domainnames/c.example.com"),
    ];
    const account = [denied(ACCOUNT_A, "us-east-1", "GetAccount"), denied(ACCOUNT_A, "eu-west-1", "GetAccount")];
    const findings = [
      errorFinding("aws.apigateway.restapi.default-endpoint-disabled", "arn:aws:apigateway:us-east-1::/restapis/a", [
        mappings[0]!,
        mappings[1]!,
      ]),
      errorFinding("aws.apigateway.restapi.default-endpoint-disabled", "arn:aws:apigateway:us-east-1::/restapis/b", [
        mappings[0]!,
      ]),
      errorFinding("aws.apigatewayv2.api.default-endpoint-disabled", "arn:aws:apigateway:eu-west-1::/apis/c", [mappings[2]!]),
      errorFinding("aws.apigateway.stage.throttling", "arn:aws:apigateway:us-east-1::/restapis/a/stages/prod", [account[0]!]),
      // Passing and failing findings never count as unevaluated.
      makeFinding({ ruleId: "aws.apigateway.stage.xray-tracing", status: "fail" }),
    ];
    const causes = gapCauses([...account, ...mappings], findings);
    expect(causes.map((c) => c.key)).toEqual(["apigateway:GetBasePathMappings:denied", "apigateway:GetAccount:denied"]);
    const [bpm, acct] = causes;
    expect(bpm).toMatchObject({
      denied: true,
      errorName: "AccessDeniedException",
      permission: { action: "apigateway:GET", resource: "arn:aws:apigateway:*::/domainnames/*/basepathmappings" },
      grant: { file: "policy/tollgate-readonly.json", sid: "TollgateApiGatewayReadOnly" },
      accounts: [ACCOUNT_A, ACCOUNT_B],
      regions: ["eu-west-1", "us-east-1"],
      rules: ["aws.apigateway.restapi.default-endpoint-disabled", "aws.apigatewayv2.api.default-endpoint-disabled"],
      findings: 3,
    });
    expect(bpm!.errors).toHaveLength(3);
    expect(acct).toMatchObject({ rules: ["aws.apigateway.stage.throttling"], findings: 1, accounts: [ACCOUNT_A] });
    expect(describeGapCause(acct!)).toBe(
      `apigateway:GetAccount denied (AccessDeniedException) for account ${ACCOUNT_A} in 2 regions: 2 calls, 1 rule not evaluated; ` +
        "grant apigateway:GET on arn:aws:apigateway:*::/account (statement TollgateApiGatewayReadOnly of policy/tollgate-readonly.json)",
    );
  });

  it("denials spelt differently by each service are one cause; other failures are grouped by error and carry no remedy", () => {
    const iam = makeGap({ service: "iam", operation: "GetAccountSummary", errorName: "AccessDenied", region: "global" });
    const iamAgain = { ...iam, account: ACCOUNT_A };
    const throttled = makeGap({
      service: "cloudtrail",
      operation: "GetTrailStatus",
      errorName: "ThrottlingException",
      region: "us-east-1",
    });
    const failed = { ...throttled, errorName: "InternalFailure" };
    const causes = gapCauses(
      [iam, iamAgain, throttled, failed],
      [errorFinding("aws.iam.account.root-mfa", "arn:aws:iam::1:root", [iam])],
    );
    expect(causes.map((c) => c.key)).toEqual([
      "iam:GetAccountSummary:denied",
      "cloudtrail:GetTrailStatus:InternalFailure",
      "cloudtrail:GetTrailStatus:ThrottlingException",
    ]);
    expect(describeGapCause(causes[0]!)).toBe(
      "iam:GetAccountSummary denied (AccessDenied) for 2 accounts: 2 calls, 1 rule not evaluated; " +
        "grant iam:GetAccountSummary on * (statement TollgateIamReadOnly of policy/tollgate-readonly.json)",
    );
    expect(describeGapCause(causes[2]!)).toBe(
      `cloudtrail:GetTrailStatus failed (ThrottlingException) for account ${ACCOUNT_B} in us-east-1: 1 call, 0 rules not evaluated`,
    );
    expect(causes[2]!.grant).toBeUndefined();
  });

  it("a role that cannot be assumed points to the scanning principal, not to the read-only policy; the partition is filled in", () => {
    const e = makeGap({ service: "*", operation: "AssumeRole", errorName: "AccessDenied", region: "global" });
    const [c] = gapCauses([e], [], "aws-us-gov");
    expect(c!.permission).toEqual({ action: "sts:AssumeRole", resource: "arn:aws-us-gov:iam::*:role/<role-name>" });
    expect(c!.grant).toEqual({ note: expect.stringContaining("trust policy") });
  });

  it("a call Tollgate does not know still makes a cause, without a permission", () => {
    const [c] = gapCauses([makeGap({ service: "probe", operation: "ProbeAuth", errorName: "ProbeInconclusive" })], []);
    expect(c).toMatchObject({ key: "probe:ProbeAuth:ProbeInconclusive", denied: false });
    expect(c!.permission).toBeUndefined();
  });
});
