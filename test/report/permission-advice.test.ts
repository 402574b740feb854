import { describe, expect, it } from "vitest";
import type { CollectionError } from "../../src/model/inventory.js";
import { permissionAdvice } from "../../src/report/permission-advice.js";

const err = (account: string, region: string, service: string, operation: string, errorName: string): CollectionError => ({
  account,
  region,
  service,
  operation,
  errorName,
  message: `${errorName} for ${service}:${operation}`,
});

describe("permissionAdvice: one message for a principal that lacks Tollgate's permissions", () => {
  it("names each principal, the statements to attach and other grants, and covers only the denied calls", () => {
    const coverage = [
      err("111111111111", "global", "iam", "GetAccountAuthorizationDetails", "AccessDenied"),
      err("111111111111", "us-east-1", "apigateway", "GetRestApis", "AccessDeniedException"),
      err("111111111111", "eu-west-1", "apigateway", "GetRestApis", "AccessDeniedException"),
      err("222222222222", "global", "*", "AssumeRole", "AccessDenied"),
      err("111111111111", "us-east-1", "cloudtrail", "DescribeTrails", "ThrottlingException"),
    ];
    const advice = permissionAdvice(coverage, [], { "111111111111": "arn:aws:iam::111111111111:role/audit" })!;
    expect(advice.message).toContain(
      "the principals of 2 accounts (arn:aws:iam::111111111111:role/audit, the scanner in account 222222222222) lack",
    );
    expect(advice.message).toContain("4 calls denied");
    expect(advice.message).toContain("its statements TollgateApiGatewayReadOnly, TollgateIamReadOnly grant the denied calls");
    expect(advice.message).toContain("grant sts:AssumeRole on arn:aws:iam::*:role/<role-name>");
    // The throttled call is not a permission problem: the console lists it on its own.
    expect(advice.covered).toHaveLength(4);
    expect(advice.covered.some((e) => e.errorName === "ThrottlingException")).toBe(false);
  });

  it("nothing when no call was denied", () => {
    expect(
      permissionAdvice([err("111111111111", "us-east-1", "wafv2", "ListWebACLs", "ThrottlingException")], []),
    ).toBeUndefined();
  });
});
