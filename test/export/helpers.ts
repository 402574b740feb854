import type { ExportInput } from "../../src/export/findings-file.js";
import type { Finding } from "../../src/model/finding.js";
import type { RuleMeta } from "../../src/model/rule-meta.js";

/** A finding with sensible defaults. */
export function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: "aws.iam.user.console-mfa",
    resourceArn: "arn:aws:iam::111122223333:user/bob",
    resourceType: "aws.iam.user",
    resourceName: "bob",
    account: "111122223333",
    region: "global",
    status: "fail",
    severity: "high",
    title: "IAM users with a console password have MFA enabled",
    message: "IAM user bob can sign in to the console with a password but has no MFA device.",
    evidence: [{ path: "/derived/mfaActive", actual: false, expected: "true" }],
    ...over,
  };
}

/** Rule metadata with sensible defaults. */
export function rule(over: Partial<RuleMeta> = {}): RuleMeta {
  return {
    id: "aws.iam.user.console-mfa",
    title: "IAM users with a console password have MFA enabled",
    severity: "high",
    resourceType: "aws.iam.user",
    rationale: "A console password alone falls to phishing.",
    remediation: { text: "Assign an MFA device." },
    references: ["https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-5"],
    compliance: [
      { framework: "aws-fsbp", requirement: "IAM.5" },
      { framework: "cis-aws-3.0", requirement: "1.10" },
    ],
    file: "rules/aws/iam/aws.iam.user.console-mfa.json",
    ...over,
  };
}

/** An export input (as read from findings.json). */
export function exportInput(
  findings: Finding[],
  over: Partial<ExportInput["metadata"]> = {},
  coverage: ExportInput["coverage"] = [],
): ExportInput {
  return {
    metadata: {
      toolVersion: "0.1.0",
      collectedAt: "2026-01-10T10:00:00.000Z",
      finishedAt: "2026-01-10T10:01:00.000Z",
      partition: "aws",
      accounts: ["111122223333"],
      regions: ["us-east-1"],
      services: ["iam"],
      complete: true,
      ...over,
    },
    findings,
    coverage,
  };
}
