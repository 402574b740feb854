import type { Finding } from "../../src/model/finding.js";
import type { Framework } from "../../src/model/framework.js";
import type { CollectionError } from "../../src/model/inventory.js";
import type { ReportInput } from "../../src/model/report.js";
import type { RuleMeta } from "../../src/model/rule-meta.js";
import type { Severity } from "../../src/model/severity.js";

/** Account ids used by fixtures (documentation-style, not real accounts). */
export const ACCOUNT_A = "111111111111";
export const ACCOUNT_B = "222222222222";

/** A rule with sensible defaults. */
export function makeRule(over: Partial<RuleMeta> & { id: string }): RuleMeta {
  const name = over.id.split(".").pop() ?? over.id;
  return {
    title: `Title of ${name}`,
    severity: "high",
    resourceType: "aws.iam.user",
    rationale: `Why ${name} matters.`,
    remediation: {
      text: `Fix ${name}.`,
      console: ["Open IAM", "Fix it"],
      cli: "aws iam do-something --user-name alice",
    },
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html"],
    compliance: [{ framework: "aws-fsbp", requirement: "IAM.5" }],
    file: `rules/aws/iam/${name}.json`,
    ...over,
  };
}

/** A finding with sensible defaults. */
export function makeFinding(over: Partial<Finding> & { ruleId: string }): Finding {
  const name = over.resourceName ?? "alice";
  const account = over.account ?? ACCOUNT_A;
  return {
    resourceArn: `arn:aws:iam::${account}:user/${name}`,
    resourceType: "aws.iam.user",
    resourceName: name,
    account,
    region: "global",
    status: "fail",
    severity: "high",
    title: `Title of ${over.ruleId}`,
    message: `IAM user ${name} violates ${over.ruleId}.`,
    evidence: [{ path: "/derived/mfaEnabled", actual: false, expected: "MFA enabled" }],
    ...over,
  };
}

/** A collection error with defaults. */
export function makeGap(over: Partial<CollectionError> = {}): CollectionError {
  return {
    account: ACCOUNT_B,
    region: "global",
    service: "iam",
    operation: "GetCredentialReport",
    errorName: "AccessDenied",
    httpStatus: 403,
    message: "User is not authorized to perform iam:GenerateCredentialReport",
    ...over,
  };
}

/** Rule ids of the default fixture. */
export const RULES = {
  mfa: "aws.iam.user.mfa-required",
  keys: "aws.iam.user.access-key-rotated",
  root: "aws.iam.account.root-no-access-keys",
  pw: "aws.iam.account.password-policy-strong",
  info: "aws.iam.role.unused",
  probe: "aws.apigateway.probe.auth-enforced",
} as const;

/** Why the fixture's skipped finding was not checked. */
export const SKIP_REASON = "POST is not sent without opt-in (allowMethods in the endpoints file)";

/** A small framework over the default fixture's rules: every control status once. */
export function makeFramework(over: Partial<Framework> = {}): Framework {
  return {
    id: "aws-fsbp",
    name: "Test controls",
    version: "1.0",
    sources: [{ title: "The test's own list", url: "https://example.com/controls" }],
    requirements: [
      { id: "IAM.4", title: "Root has no access keys", rules: [RULES.root] },
      { id: "IAM.5", title: "Console users have MFA", rules: [RULES.mfa] },
      { id: "IAM.3", title: "Keys are rotated", rules: [RULES.keys] },
      { id: "IAM.7", title: "Password policy", rules: [RULES.pw] },
      { id: "IAM.8", title: "Unused roles", rules: [RULES.info, "aws.iam.user.disabled-rule"] },
      { id: "IAM.9", title: "Not run here", rules: ["aws.iam.user.disabled-rule"] },
      { id: "IAM.17", title: "Password expiry", rules: [] },
      { id: "S3.*", title: "Amazon S3 controls", rules: [], outOfScope: "Amazon S3 is not collected." },
    ],
    ...over,
  };
}

/**
 * A small, varied report: every status (a probe skipped by design included) and severity, two accounts, a
 * suppression, baseline states, a coverage gap, a fixed finding, probe evidence and a framework.
 */
export function makeReportInput(over: Partial<ReportInput> = {}): ReportInput {
  const rules: RuleMeta[] = [
    makeRule({ id: RULES.mfa, severity: "high", title: "IAM users with console access must use MFA" }),
    makeRule({ id: RULES.keys, severity: "medium", title: "Access keys are rotated within 90 days" }),
    makeRule({
      id: RULES.root,
      severity: "critical",
      resourceType: "aws.iam.account",
      title: "Root account has no access keys",
    }),
    makeRule({ id: RULES.pw, severity: "low", resourceType: "aws.iam.account", title: "Password policy" }),
    makeRule({ id: RULES.info, severity: "info", resourceType: "aws.iam.role", title: "Unused roles" }),
    makeRule({
      id: RULES.probe,
      severity: "critical",
      resourceType: "aws.apigateway.probe",
      title: "Endpoints configured with an authorizer refuse unauthenticated requests",
      compliance: [{ framework: "owasp-api-2023", requirement: "API2" }],
    }),
  ];
  const findings: Finding[] = [
    makeFinding({ ruleId: RULES.mfa, resourceName: "alice", baseline: "unchanged" }),
    makeFinding({ ruleId: RULES.mfa, resourceName: "bob", baseline: "new" }),
    makeFinding({ ruleId: RULES.mfa, resourceName: "carol", status: "pass", evidence: [] }),
    makeFinding({
      ruleId: RULES.mfa,
      resourceName: "dave",
      suppression: {
        reason: "Break-glass user, hardware MFA in safe",
        expires: "2027-01-01",
        owner: "secops",
      },
    }),
    makeFinding({
      ruleId: RULES.keys,
      resourceName: "alice",
      severity: "medium",
      account: ACCOUNT_B,
      evidence: [{ path: "/derived/accessKeys/0/ageDays", actual: 200, expected: "at most 90" }],
    }),
    makeFinding({
      ruleId: RULES.root,
      resourceName: "root",
      resourceType: "aws.iam.account",
      resourceArn: `arn:aws:iam::${ACCOUNT_A}:root`,
      severity: "critical",
      probe: { request: "GET https://example.execute-api.us-east-1.amazonaws.com/prod/", status: 200 },
    }),
    makeFinding({
      ruleId: RULES.pw,
      resourceName: "account",
      resourceType: "aws.iam.account",
      resourceArn: `arn:aws:iam::${ACCOUNT_B}:root`,
      account: ACCOUNT_B,
      severity: "low",
      status: "error",
      message: "Could not evaluate: GetAccountPasswordPolicy failed (AccessDenied).",
    }),
    makeFinding({
      ruleId: RULES.info,
      resourceName: "old-role",
      resourceType: "aws.iam.role",
      resourceArn: `arn:aws:iam::${ACCOUNT_A}:role/old-role`,
      severity: "info",
    }),
    makeFinding({
      ruleId: RULES.probe,
      resourceName: "POST https://example.execute-api.us-east-1.amazonaws.com/prod/orders",
      resourceType: "aws.apigateway.probe",
      resourceArn: "tollgate:probe:example/prod POST /orders",
      region: "us-east-1",
      severity: "critical",
      status: "skipped",
      message: `Endpoints configured with an authorizer refuse unauthenticated requests: not checked: ${SKIP_REASON}.`,
      evidence: [{ path: "/derived/authOutcome", actual: SKIP_REASON, expected: "a value (left out by design)" }],
    }),
  ];
  return {
    metadata: {
      toolVersion: "0.1.0",
      collectedAt: "2026-01-02T03:04:05.000Z",
      finishedAt: "2026-01-02T03:05:00.000Z",
      partition: "aws",
      accounts: [ACCOUNT_B, ACCOUNT_A],
      regions: ["us-east-1", "global"],
      services: ["iam"],
      complete: true,
    },
    findings,
    rules,
    coverage: [makeGap()],
    fixed: [makeFinding({ ruleId: RULES.mfa, resourceName: "erin", baseline: "fixed" })],
    suppressionNotes: ["Suppression for aws.iam.user.mfa-required on user/zed matched nothing (stale)."],
    frameworks: [makeFramework()],
    ...over,
  };
}

/** `n` failing findings spread over severities, rules, accounts and regions (for size and speed tests). */
export function makeManyFindings(n: number, base: ReportInput = makeReportInput()): ReportInput {
  const sevs: Severity[] = ["critical", "high", "medium", "low", "info"];
  const ruleIds = base.rules.map((r) => r.id);
  const statuses = ["fail", "fail", "pass", "error"] as const;
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const account = i % 3 === 0 ? ACCOUNT_B : ACCOUNT_A;
    findings.push(
      makeFinding({
        ruleId: ruleIds[i % ruleIds.length] ?? "x",
        resourceName: `user-${String(i).padStart(6, "0")}`,
        account,
        region: i % 2 ? "us-east-1" : "eu-west-1",
        severity: sevs[i % sevs.length] ?? "low",
        status: statuses[i % statuses.length] ?? "fail",
      }),
    );
  }
  return { ...base, findings };
}
