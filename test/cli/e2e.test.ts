import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { runCli } from "../helpers/cli.js";
import { assertValidSarif } from "../helpers/sarif.js";
import { account, sim, simEnv } from "../helpers/sim.js";

interface FindingsFile {
  findings: { ruleId: string; resourceArn: string; status: string; severity: string }[];
  coverage: { errorName: string }[];
}

const demo = account("demo");
const clean = account("clean");
// The clean account plus one malformed policy: a coverage gap and nothing failing.
const gappy: AccountFile = {
  ...structuredClone(clean),
  accountId: "555566667777",
  callers: [{ ...clean.callers[0]!, accessKeyId: "AKIAGAPPYAUDITOR0001", arn: "arn:aws:iam::555566667777:role/auditor" }],
  iam: { ...structuredClone(clean.iam), policies: [{ name: "broken", document: '{"Statement": [' }] },
};

// The clean account plus one user with an old key: a medium failure only.
const mediumOnly: AccountFile = {
  ...structuredClone(clean),
  accountId: "888899990000",
  callers: [{ ...clean.callers[0]!, accessKeyId: "AKIAMEDIUMAUDITOR001", arn: "arn:aws:iam::888899990000:role/auditor" }],
  iam: {
    ...structuredClone(clean.iam),
    users: [
      ...(clean.iam.users ?? []),
      { name: "old-key", createdDaysAgo: 300, accessKeys: [{ id: "AKIAOLDKEYUSER000001", active: true, createdDaysAgo: 200 }] },
    ],
  },
};

let s: Simulator;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-e2e-"));

beforeAll(async () => {
  s = await sim([demo, clean, gappy, mediumOnly]);
});
afterAll(() => s.close());

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe("tollgate CLI end to end against the simulator", () => {
  it("exit 1 when a high finding fails; writes findings.json and results.sarif; stdout stays empty", async () => {
    const out = join(tmp, "demo");
    const r = await runCli(
      ["scan", "--no-probe", "--out", out, "--save-inventory", join(out, "inventory.json")],
      simEnv(s, demo),
    );
    expect(r.stderr).toContain("Scanning account 111122223333");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(readdirSync(out).sort()).toEqual([
      "findings.json",
      "inventory.json",
      "junit.xml",
      "report.html",
      "results.sarif",
      "summary.md",
    ]);
    const f = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as FindingsFile;
    const failing = f.findings
      .filter((x) => x.status === "fail")
      .map((x) => `${x.ruleId} ${x.resourceArn}`)
      .sort();
    // No --regions: the account's enabled regions (ec2:DescribeRegions) are scanned, us-east-1 and eu-west-1.
    expect(failing).toEqual([
      // The API-security catalogue: the orders API's dev stage, payments-eu and internal-admin lack logging,
      // tracing and throttling; key-only methods; * CORS on authorised paths; a TLS 1.0 domain; the eu-west-1
      // web ACL with no rules; a single-region trail without KMS/validation/CloudWatch; no Config in eu-west-1.
      "aws.apigateway.domain.tls-policy arn:aws:apigateway:us-east-1::/domainnames/legacy.example.com",
      "aws.apigateway.method.api-key-not-authentication arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/resources/payres0001/methods/GET",
      "aws.apigateway.method.api-key-not-authentication arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/ordid00001/methods/GET",
      "aws.apigateway.method.authorization-required arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/ordid00001/methods/DELETE",
      "aws.apigateway.method.authorization-required arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/rootres001/methods/GET",
      "aws.apigateway.method.authorization-required arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/resources/admord0001/methods/GET",
      // internal-admin's ANY / invokes a function named admin that the Lambda listing of us-east-1 did not return.
      "aws.apigateway.method.integration-function-exists arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/resources/admroot001/methods/ANY",
      "aws.apigateway.restapi.cors-wildcard-authorized arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5",
      "aws.apigateway.restapi.default-endpoint-disabled arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5",
      "aws.apigateway.restapi.usage-plan-limits arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5",
      "aws.apigateway.stage.access-logging arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/stages/live",
      "aws.apigateway.stage.access-logging arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.access-logging arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/stages/v1",
      "aws.apigateway.stage.cache-encrypted arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.client-certificate arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/stages/live",
      "aws.apigateway.stage.client-certificate arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.client-certificate arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/stages/v1",
      "aws.apigateway.stage.execution-logging arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.execution-logging arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/stages/v1",
      "aws.apigateway.stage.no-secret-variables arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.throttling arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/stages/live",
      "aws.apigateway.stage.throttling arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.throttling arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/stages/v1",
      "aws.apigateway.stage.waf-associated arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/stages/live",
      "aws.apigateway.stage.waf-associated arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.waf-associated arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/stages/v1",
      "aws.apigateway.stage.xray-tracing arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/stages/live",
      "aws.apigateway.stage.xray-tracing arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev",
      "aws.apigateway.stage.xray-tracing arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/stages/v1",
      "aws.apigatewayv2.api.cors-wildcard-authorized arn:aws:apigateway:us-east-1::/apis/h1t2t3p4a5",
      "aws.apigatewayv2.api.default-endpoint-disabled arn:aws:apigateway:us-east-1::/apis/h1t2t3p4a5",
      "aws.apigatewayv2.route.authorization-required arn:aws:apigateway:us-east-1::/apis/h1t2t3p4a5/routes/rt00003",
      // The chat API's $default route forwards to http:// over the internet ($connect's https:// passes).
      "aws.apigatewayv2.route.integration-https arn:aws:apigateway:us-east-1::/apis/w1s2k3t4a5/routes/ws00002",
      "aws.apigatewayv2.stage.access-logging arn:aws:apigateway:us-east-1::/apis/w1s2k3t4a5/stages/prod",
      "aws.apigatewayv2.stage.throttling arn:aws:apigateway:us-east-1::/apis/w1s2k3t4a5/stages/prod",
      // The identity layer: the catalog GraphQL API is open to anyone with its long-lived key, unlogged and without WAF
      // (orders-graphql passes each); the customers pool lets anyone sign up with optional MFA, no threat protection
      // and no symbols required, and its storefront client uses the implicit grant with ten-year refresh tokens (the
      // partners pool and its client pass); both guest pools hand out credentials, and mobile_legacy's guest role may
      // read and write every DynamoDB table through the classic flow (storefront_guests' role is scoped and passes).
      "aws.appsync.graphqlapi.api-key-expiry arn:aws:appsync:us-east-1:111122223333:apis/q7w8e9r0t1y2u3i4o5p6a7s8d9",
      "aws.appsync.graphqlapi.field-logging arn:aws:appsync:us-east-1:111122223333:apis/q7w8e9r0t1y2u3i4o5p6a7s8d9",
      "aws.appsync.graphqlapi.not-api-key-only arn:aws:appsync:us-east-1:111122223333:apis/q7w8e9r0t1y2u3i4o5p6a7s8d9",
      "aws.appsync.graphqlapi.waf-associated arn:aws:appsync:us-east-1:111122223333:apis/q7w8e9r0t1y2u3i4o5p6a7s8d9",
      "aws.cloudtrail.trail.cloudwatch-logs arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events",
      "aws.cloudtrail.trail.kms-encryption arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events",
      "aws.cloudtrail.trail.log-file-validation arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events",
      "aws.cognito.identitypool.no-classic-flow arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f",
      "aws.cognito.identitypool.no-unauthenticated-access arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f",
      "aws.cognito.identitypool.no-unauthenticated-access arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:7c1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
      "aws.cognito.identitypool.unauthenticated-role-not-privileged arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f",
      "aws.cognito.userpool-client.no-implicit-grant arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_AbCdEf123/client/6v1qk2m3n4p5r6s7t8u9w0x1y2",
      "aws.cognito.userpool-client.token-validity arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_AbCdEf123/client/6v1qk2m3n4p5r6s7t8u9w0x1y2",
      "aws.cognito.userpool.mfa-required arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_AbCdEf123",
      "aws.cognito.userpool.password-policy-strong arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_AbCdEf123",
      "aws.cognito.userpool.threat-protection arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_AbCdEf123",
      "aws.config.region.recorder-enabled arn:aws:config:eu-west-1:111122223333:region/eu-west-1",
      "aws.iam.account.password-min-length arn:aws:iam::111122223333:root",
      "aws.iam.account.password-policy-strong arn:aws:iam::111122223333:root",
      "aws.iam.account.password-reuse-prevention arn:aws:iam::111122223333:root",
      "aws.iam.account.root-hardware-mfa arn:aws:iam::111122223333:root",
      "aws.iam.account.root-no-access-keys arn:aws:iam::111122223333:root",
      // Least-privilege analysis: a *:* policy attached to a role another account may assume, an unattached
      // admin policy, deploy-everything's svc:* and Write/PassRole on *, and their escalation paths.
      "aws.iam.policy.no-full-admin-attached arn:aws:iam::111122223333:policy/ops-full-admin",
      "aws.iam.policy.no-privilege-escalation arn:aws:iam::111122223333:policy/deploy-everything",
      "aws.iam.policy.no-service-wildcards arn:aws:iam::111122223333:policy/deploy-everything",
      "aws.iam.policy.no-write-on-all-resources arn:aws:iam::111122223333:policy/deploy-everything",
      "aws.iam.policy.no-write-on-all-resources arn:aws:iam::111122223333:policy/old-admin",
      "aws.iam.policy.no-write-on-all-resources arn:aws:iam::111122223333:policy/ops-full-admin",
      "aws.iam.policy.unattached-no-admin arn:aws:iam::111122223333:policy/old-admin",
      "aws.iam.role.no-privilege-escalation arn:aws:iam::111122223333:role/github-deploy",
      // delete-order runs as an administrator, behind the orders API's unauthenticated DELETE route.
      "aws.iam.role.not-admin-equivalent arn:aws:iam::111122223333:role/orders-admin-lambda",
      "aws.iam.role.not-admin-equivalent arn:aws:iam::111122223333:role/partner-audit",
      "aws.iam.role.trust-cross-account-conditions arn:aws:iam::111122223333:role/partner-audit",
      // repo:example-org/* with no aud condition: any repository of the organisation can deploy.
      "aws.iam.role.trust-oidc-audience arn:aws:iam::111122223333:role/github-deploy",
      // The legacy mobile identity pool's guest role trusts Cognito without pinning the pool (aud): any account's
      // identity pool can obtain it. storefront-guest and storefront-customer pin theirs and pass.
      "aws.iam.role.trust-oidc-audience arn:aws:iam::111122223333:role/legacy-mobile-guest",
      "aws.iam.role.trust-oidc-subject arn:aws:iam::111122223333:role/github-deploy",
      "aws.iam.server-certificate.not-expired arn:aws:iam::111122223333:server-certificate/legacy-api-2019",
      "aws.iam.user.access-key-rotated arn:aws:iam::111122223333:user/bob",
      "aws.iam.user.access-key-rotated arn:aws:iam::111122223333:user/ci-deployer",
      "aws.iam.user.console-mfa arn:aws:iam::111122223333:user/bob",
      "aws.iam.user.no-direct-policies arn:aws:iam::111122223333:user/ci-deployer",
      "aws.iam.user.no-direct-policies arn:aws:iam::111122223333:user/tollgate-scanner",
      "aws.iam.user.no-privilege-escalation arn:aws:iam::111122223333:user/ci-deployer",
      // alice is an administrator through the admins group (AdministratorAccess).
      "aws.iam.user.not-admin-equivalent arn:aws:iam::111122223333:user/alice",
      "aws.iam.user.single-active-key arn:aws:iam::111122223333:user/ci-deployer",
      // The backend: secrets in create-order's and partner-auth's environment, ops-console's live alias granted to a
      // whole partner account and its URL's CORS allowing * with credentials, image-resizer open to everyone,
      // reports-export's public URL (AuthType NONE and the public permissions AWS adds for it), get-order on
      // nodejs16.x (deprecated since 2024-06-12).
      "aws.lambda.function.no-secret-environment arn:aws:lambda:us-east-1:111122223333:function:create-order",
      "aws.lambda.function.no-secret-environment arn:aws:lambda:us-east-1:111122223333:function:partner-auth",
      "aws.lambda.function.policy-cross-account-conditions arn:aws:lambda:us-east-1:111122223333:function:ops-console",
      "aws.lambda.function.policy-no-public-access arn:aws:lambda:us-east-1:111122223333:function:image-resizer",
      "aws.lambda.function.policy-no-public-access arn:aws:lambda:us-east-1:111122223333:function:reports-export",
      "aws.lambda.function.runtime-supported arn:aws:lambda:us-east-1:111122223333:function:get-order",
      "aws.lambda.function.url-auth-required arn:aws:lambda:us-east-1:111122223333:function:reports-export",
      "aws.lambda.function.url-cors-credentials-origin arn:aws:lambda:us-east-1:111122223333:function:ops-console",
      // Exposure paths: delete-order's unauthenticated DELETE and order-admin's Cognito-authorised GET /admin/orders
      // (high without probes; critical when the probe shows it open) reach the AdministratorAccess role; the private
      // internal-admin API's GET /orders reaches it too (lowered to medium by its VPC-endpoint policy), its AWS_IAM
      // POST /orders does not count. The legacy mobile guests' role writes and reads every DynamoDB table.
      "aws.path.exposure.no-admin arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/admord0002/methods/GET",
      "aws.path.exposure.no-admin arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/ordid00001/methods/DELETE",
      "aws.path.exposure.no-admin arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0/resources/admord0001/methods/GET",
      "aws.path.exposure.no-wildcard-data-access arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f/unauthenticated",
      "aws.path.exposure.no-write-on-all-resources arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f/unauthenticated",
      "aws.wafv2.webacl.has-rules arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/eu-alb/e1e2e3e4-5555-6666-7777-888899990000",
      "aws.wafv2.webacl.logging arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/eu-alb/e1e2e3e4-5555-6666-7777-888899990000",
      "aws.wafv2.webacl.managed-exploit-rules arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/eu-alb/e1e2e3e4-5555-6666-7777-888899990000",
    ]);
    // The malformed legacy-broken policy cannot be judged: every policy rule reports error for it, never pass.
    const broken = f.findings.filter((x) => x.resourceArn === "arn:aws:iam::111122223333:policy/legacy-broken");
    expect(broken.length).toBeGreaterThan(0);
    expect(new Set(broken.map((x) => x.status))).toEqual(new Set(["error"]));
    // Valid against the OASIS schema and GitHub's code-scanning constraints.
    const sarif = assertValidSarif(readFileSync(join(out, "results.sarif"), "utf8"));
    // One result per failing finding (passes, errors and skips are not results).
    expect(sarif.runs?.[0]?.results).toHaveLength(failing.length);
  });

  it("evaluate on the saved inventory gives the same findings, offline", async () => {
    const out = join(tmp, "demo-offline");
    const r = await runCli(["evaluate", "--inventory", join(tmp, "demo", "inventory.json"), "--out", out], {
      PATH: process.env["PATH"],
      HOME: "/nonexistent",
    });
    expect(r.code).toBe(1);
    const live = JSON.parse(readFileSync(join(tmp, "demo", "findings.json"), "utf8")) as FindingsFile;
    const offline = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as FindingsFile;
    expect(offline.findings).toEqual(live.findings);
    // Exposure paths too: derived like every fact, so the saved inventory evaluates to the same critical path.
    const path = offline.findings.find(
      (f) => f.ruleId === "aws.path.exposure.no-admin" && f.resourceArn.endsWith("/resources/ordid00001/methods/DELETE"),
    );
    expect(path).toMatchObject({ status: "fail", severity: "critical" });
  });

  it("report --from re-renders the saved findings without AWS", async () => {
    const out = join(tmp, "rerendered");
    const r = await runCli(["report", "--from", join(tmp, "demo", "findings.json"), "--formats", "html,markdown", "--out", out], {
      PATH: process.env["PATH"],
    });
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["report.html", "summary.md"]);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("aws.iam.user.console-mfa");
    const bad = await runCli(["report", "--from", join(tmp, "demo", "inventory.json"), "--out", out], {
      PATH: process.env["PATH"],
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a Tollgate findings file \(at \/kind/);
  });

  it("exit 0 for a clean account", async () => {
    const r = await runCli(["scan", "--no-probe", "--out", join(tmp, "clean"), "--console", "json"], simEnv(s, clean));
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout) as FindingsFile;
    expect(f.findings.length).toBeGreaterThan(0);
    expect(f.findings.every((x) => x.status === "pass")).toBe(true);
  });

  it("exit 3 when collection had a gap and nothing at the threshold failed", async () => {
    const r = await runCli(["scan", "--no-probe", "--out", join(tmp, "gappy")], simEnv(s, gappy));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/coverage gaps: 1 call\(s\) failed/);
    const f = JSON.parse(readFileSync(join(tmp, "gappy", "findings.json"), "utf8")) as FindingsFile;
    expect(f.coverage.map((c) => c.errorName)).toEqual(["MalformedPolicyDocument"]);
  });

  it("--fail-on sets the threshold: a medium failure exits 0 at high and 1 at medium", async () => {
    const inv = join(tmp, "medium", "inventory.json");
    const r = await runCli(["scan", "--no-probe", "--out", join(tmp, "medium"), "--save-inventory", inv], simEnv(s, mediumOnly));
    expect(r.code).toBe(0);
    const atMedium = await runCli(
      ["evaluate", "--inventory", inv, "--out", join(tmp, "medium2"), "--fail-on", "medium", "--console", "text"],
      { PATH: process.env["PATH"] },
    );
    expect(atMedium.code).toBe(1);
    expect(atMedium.stdout).toMatch(
      /^MEDIUM {4}FAIL {8}aws\.iam\.user\.access-key-rotated\n {4}arn:aws:iam::888899990000:user\/old-key/m,
    );
  });

  it("exit 2 with a message naming the problem for a corrupt inventory, a bad rule file and a bad option", async () => {
    const corrupt = join(tmp, "corrupt.json");
    writeFileSync(corrupt, readFileSync(join(tmp, "demo", "inventory.json"), "utf8").slice(0, 500));
    const a = await runCli(["evaluate", "--inventory", corrupt, "--out", join(tmp, "x")], { PATH: process.env["PATH"] });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`${corrupt}: not a Tollgate inventory: invalid JSON`);

    const foreign = join(tmp, "foreign.json");
    writeFileSync(
      foreign,
      JSON.stringify({ kind: "tollgate-inventory", formatVersion: 1, metadata: {}, resources: [], errors: [] }),
    );
    const b = await runCli(["evaluate", "--inventory", foreign, "--out", join(tmp, "x")], { PATH: process.env["PATH"] });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/invalid inventory: \/metadata: must have required property/);

    const dir = join(tmp, "bad-rules", "iam");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "aws.iam.user.bad.json"),
      JSON.stringify({
        id: "aws.iam.user.bad",
        title: "Bad rule here",
        severity: "high",
        resourceType: "aws.iam.user",
        assert: {},
        message: "m",
        rationale: "r",
        remediation: {},
        references: [],
      }),
    );
    const c = await runCli(
      [
        "evaluate",
        "--inventory",
        join(tmp, "demo", "inventory.json"),
        "--rule-pack",
        join(tmp, "bad-rules"),
        "--out",
        join(tmp, "x"),
      ],
      { PATH: process.env["PATH"] },
    );
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/aws\.iam\.user\.bad\.json: invalid rule: \/remediation: must have required property 'text'/);

    const d = await runCli(["scan", "--no-probe", "--fail-on", "urgent"], { PATH: process.env["PATH"] });
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--fail-on <severity>' argument 'urgent' is invalid/);
  });

  it("exit 2 for credentials AWS refuses, with a clear message", async () => {
    const env = { ...simEnv(s, demo), AWS_SECRET_ACCESS_KEY: "definitely-not-the-right-secret" };
    const r = await runCli(["scan", "--no-probe", "--out", join(tmp, "denied")], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /the secret access key from the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .* does not match its access key id/,
    );
  });

  it("--help works on every command", async () => {
    for (const args of [
      ["--help"],
      ["scan", "--no-probe", "--help"],
      ["evaluate", "--help"],
      ["rules", "list", "--help"],
      ["rules", "show", "--help"],
      ["diff", "--help"],
    ]) {
      const r = await runCli(args, { PATH: process.env["PATH"] });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: tollgate/);
    }
  });

  it("never writes a secret access key into any file it writes", () => {
    const secrets = [demo, clean, gappy, mediumOnly].flatMap((a) => a.callers.map((c) => c.secretAccessKey));
    const files = allFiles(tmp);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const secret of secrets) expect(text.includes(secret), `${file} contains a secret`).toBe(false);
    }
  });
});
