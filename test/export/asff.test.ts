import { describe, expect, it } from "vitest";
import {
  archivedCopy,
  asffId,
  findingBytes,
  fitFindingSize,
  MAX_FINDING_BYTES,
  parseAsffId,
  toAsff,
  TRUNCATED,
} from "../../src/export/asff.js";
import { toBatches, TokenBucket } from "../../src/export/batches.js";
import { asffResourceType } from "../../src/export/resource-types.js";
import { finding, rule } from "./helpers.js";

const ctx = {
  metadata: {
    partition: "aws",
    collectedAt: "2026-01-10T10:00:00.000Z",
    finishedAt: "2026-01-10T10:01:00.000Z",
    toolVersion: "0.1.0",
  },
  homeRegion: "us-east-1",
  updatedAt: "2026-01-10T10:02:00.000Z",
};

describe("ASFF mapping", () => {
  it("pins the finding Id scheme (it must never change: Security Hub matches updates by Id)", () => {
    expect(asffId(finding())).toBe(
      "tollgate/aws.iam.user.console-mfa/111122223333/global/5d5303d4711466446508d1822010ddb9c314be63f450cef40f32bbff5443e078",
    );
    expect(parseAsffId(asffId(finding()))).toEqual({
      ruleId: "aws.iam.user.console-mfa",
      account: "111122223333",
      region: "global",
    });
    expect(parseAsffId("prowler-iam-x")).toBeUndefined();
  });

  it("maps a failing IAM finding with product, types, severity, compliance, resource and timestamps", () => {
    const a = toAsff(finding(), rule(), ctx);
    expect(a).toMatchObject({
      SchemaVersion: "2018-10-08",
      ProductArn: "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default",
      GeneratorId: "aws.iam.user.console-mfa",
      AwsAccountId: "111122223333",
      Region: "us-east-1",
      Types: [
        "Software and Configuration Checks/AWS Security Best Practices",
        "Software and Configuration Checks/Industry and Regulatory Standards/AWS Foundational Security Best Practices",
        "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
      ],
      Severity: { Label: "HIGH" },
      FindingProviderFields: { Severity: { Label: "HIGH" } },
      Compliance: {
        Status: "FAILED",
        RelatedRequirements: [
          "AWS Foundational Security Best Practices v1.0.0/IAM.5",
          "CIS AWS Foundations Benchmark v3.0.0/1.10",
        ],
      },
      Resources: [{ Type: "AwsIamUser", Id: "arn:aws:iam::111122223333:user/bob", Partition: "aws", Region: "us-east-1" }],
      Remediation: { Recommendation: { Text: "Assign an MFA device.", Url: rule().references[0] } },
      FirstObservedAt: "2026-01-10T10:00:00.000Z",
      LastObservedAt: "2026-01-10T10:01:00.000Z",
      CreatedAt: "2026-01-10T10:00:00.000Z",
      UpdatedAt: "2026-01-10T10:02:00.000Z",
      RecordState: "ACTIVE",
    });
    expect(a.ProductFields?.["tollgate/Evidence/0/Path"]).toBe("/derived/mfaActive");
    expect(a.ProductFields?.["tollgate/Evidence/0/Actual"]).toBe("false");
    expect(Object.values(a.ProductFields ?? {}).every((v) => typeof v === "string")).toBe(true);
  });

  it("maps statuses: pass PASSED, suppressed fail WARNING, error NOT_AVAILABLE", () => {
    expect(toAsff(finding({ status: "pass" }), rule(), ctx).Compliance?.Status).toBe("PASSED");
    expect(toAsff(finding({ suppression: { reason: "accepted", expires: "2027-01-01" } }), rule(), ctx).Compliance?.Status).toBe(
      "WARNING",
    );
    expect(toAsff(finding({ status: "error" }), rule(), ctx).Compliance?.Status).toBe("NOT_AVAILABLE");
  });

  it("truncates Title (256), Description (1024) and recommendation (512) and marks the cut", () => {
    const a = toAsff(
      finding({ title: "t".repeat(400), message: "m".repeat(5000) }),
      rule({ remediation: { text: "r".repeat(900) } }),
      ctx,
    );
    expect(a.Title).toHaveLength(256);
    expect(a.Description).toHaveLength(1024);
    expect(a.Description?.endsWith(TRUNCATED)).toBe(true);
    expect(a.Remediation?.Recommendation?.Text).toHaveLength(512);
  });

  it("caps RelatedRequirements at 32", () => {
    const compliance = Array.from({ length: 40 }, (_, i) => ({ framework: "owasp-api", requirement: `R${i}` }));
    expect(toAsff(finding(), rule({ compliance }), ctx).Compliance?.RelatedRequirements).toHaveLength(32);
  });

  it("maps resource types, including the ones other services add, to real ASFF types", () => {
    expect(asffResourceType("aws.apigateway.restapi")).toBe("AwsApiGatewayRestApi");
    expect(asffResourceType("aws.apigateway.stage")).toBe("AwsApiGatewayStage");
    expect(asffResourceType("aws.apigatewayv2.api")).toBe("AwsApiGatewayV2Api");
    expect(asffResourceType("aws.apigatewayv2.stage")).toBe("AwsApiGatewayV2Stage");
    expect(asffResourceType("aws.wafv2.web-acl")).toBe("AwsWafv2WebAcl");
    expect(asffResourceType("aws.cloudtrail.trail")).toBe("AwsCloudTrailTrail");
    expect(asffResourceType("aws.iam.role")).toBe("AwsIamRole");
    expect(asffResourceType("aws.config.recorder")).toBe("Other");
  });

  it("keeps a finding with megabytes of evidence under 240 KB, evidence truncated and marked", () => {
    const evidence = Array.from({ length: 40 }, (_, i) => ({
      path: `/raw/x/${i}`,
      actual: "€".repeat(100_000),
      expected: "€".repeat(100_000),
    }));
    const a = fitFindingSize(toAsff(finding({ evidence, message: "€".repeat(100_000) }), rule(), ctx));
    expect(findingBytes(a)).toBeLessThanOrEqual(MAX_FINDING_BYTES);
    expect(a.ProductFields?.["tollgate/Evidence/0/Actual"]?.endsWith(TRUNCATED)).toBe(true);
    expect(a.ProductFields?.["tollgate/Evidence/Omitted"]).toBe("30 more evidence entries in findings.json");
    expect(a.Description?.endsWith(TRUNCATED)).toBe(true);
  });

  it("fitFindingSize shortens ProductFields further when a finding is still over the limit", () => {
    const evidence = Array.from({ length: 10 }, (_, i) => ({ path: `/raw/${i}`, actual: "x".repeat(5000), expected: "y" }));
    const raw = toAsff(finding({ evidence }), rule(), ctx);
    const limit = 12_000;
    expect(findingBytes(raw)).toBeGreaterThan(limit);
    const fitted = fitFindingSize(raw, limit);
    expect(findingBytes(fitted)).toBeLessThanOrEqual(limit);
    expect(fitted.ProductFields?.["tollgate/Evidence/0/Actual"]?.endsWith(TRUNCATED)).toBe(true);
    expect(fitted.Id).toBe(raw.Id);
    expect(fitFindingSize(toAsff(finding(), rule(), ctx))).toEqual(toAsff(finding(), rule(), ctx));
  });

  it("archives a stored finding: ARCHIVED, PASSED, newer UpdatedAt, no Security Hub-owned fields", () => {
    const stored = { ...toAsff(finding(), rule(), ctx), Workflow: { Status: "NEW" as const }, ProductName: "Default" };
    const a = archivedCopy(stored, "2026-02-01T00:00:00.000Z");
    expect(a).toMatchObject({
      Id: stored.Id,
      RecordState: "ARCHIVED",
      UpdatedAt: "2026-02-01T00:00:00.000Z",
      Compliance: { Status: "PASSED" },
    });
    expect(a.Workflow).toBeUndefined();
    expect(a.ProductName).toBeUndefined();
  });
});

describe("batching and rate limiting", () => {
  it("splits 250 findings into batches of 100, 100, 50 and respects the byte limit", () => {
    const many = Array.from({ length: 250 }, (_, i) =>
      toAsff(finding({ resourceArn: `arn:aws:iam::111122223333:user/u${i}` }), rule(), ctx),
    );
    expect(toBatches(many).map((b) => b.length)).toEqual([100, 100, 50]);
    const size = findingBytes(many[0]!);
    const small = toBatches(many.slice(0, 10), { maxFindings: 100, maxBytes: size * 3 + 40 });
    expect(small.every((b) => b.length <= 3)).toBe(true);
    expect(small.flat()).toHaveLength(10);
  });

  it("token bucket allows the burst, then waits 1/rate per request", async () => {
    let now = 0;
    const sleeps: number[] = [];
    const bucket = new TokenBucket(
      10,
      10,
      () => now,
      async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    );
    for (let i = 0; i < 25; i++) await bucket.take();
    expect(sleeps).toHaveLength(15);
    expect(now).toBeGreaterThanOrEqual(1500);
    expect(now).toBeLessThan(1700);
  });
});
