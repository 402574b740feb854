import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Finding } from "../../src/model/finding.js";
import { account, scanOptions, sim } from "../helpers/sim.js";

// The identity layer's rules against the demo account scanned from the simulator: each verdict, and what a denied
// call turns into (error on what it fed, never a pass; the rest still judged).

const demo = account("demo");
const rules = loadRules(builtInRuleDirs()).filter((r) => /^aws\.(cognito|appsync)\./.test(r.id));
const ACCT = "111122223333";
const CUSTOMERS = `arn:aws:cognito-idp:us-east-1:${ACCT}:userpool/us-east-1_AbCdEf123`;
const PARTNERS = `arn:aws:cognito-idp:us-east-1:${ACCT}:userpool/us-east-1_PaRtNeR77`;
const LEGACY = `arn:aws:cognito-identity:us-east-1:${ACCT}:identitypool/us-east-1:0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f`;
const GUESTS = `arn:aws:cognito-identity:us-east-1:${ACCT}:identitypool/us-east-1:7c1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6`;
const PARTNER_UPLOADS = `arn:aws:cognito-identity:us-east-1:${ACCT}:identitypool/us-east-1:5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d`;
const CATALOG = `arn:aws:appsync:us-east-1:${ACCT}:apis/q7w8e9r0t1y2u3i4o5p6a7s8d9`;
const ORDERS = `arn:aws:appsync:us-east-1:${ACCT}:apis/z1x2c3v4b5n6m7l8k9j0h1g2f3`;

let s: Simulator;
beforeAll(async () => {
  s = await sim([demo]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

/** `ruleId resource → status` of the identity layer's findings after a scan with `denied` operations refused. */
async function verdicts(denied: string[] = []): Promise<Map<string, Finding["status"]>> {
  const faults = createFaultInjector({ rules: denied.map((operation) => ({ operation, accessDenied: 1 })) });
  s.hooks.push(faults.hook);
  try {
    const inv = await scan(scanOptions(demo, { scan: { regions: ["us-east-1"], maxAttempts: 1 } }));
    return new Map(evaluate(inv, rules).map((f) => [`${f.ruleId} ${f.resourceArn}`, f.status]));
  } finally {
    s.hooks.length = 0;
  }
}
const at = (v: Map<string, Finding["status"]>, rule: string, arn: string) => v.get(`aws.${rule} ${arn}`);

describe("identity layer rules on the demo account", () => {
  it("a pass and a fail of each rule, where the demo has both", async () => {
    const v = await verdicts();
    for (const rule of ["mfa-required", "threat-protection", "password-policy-strong"]) {
      expect(at(v, `cognito.userpool.${rule}`, CUSTOMERS), rule).toBe("fail");
      expect(at(v, `cognito.userpool.${rule}`, PARTNERS), rule).toBe("pass");
    }
    expect(at(v, "cognito.identitypool.no-unauthenticated-access", GUESTS)).toBe("fail");
    expect(at(v, "cognito.identitypool.no-unauthenticated-access", PARTNER_UPLOADS)).toBe("pass");
    expect(at(v, "cognito.identitypool.no-classic-flow", LEGACY)).toBe("fail");
    expect(at(v, "cognito.identitypool.no-classic-flow", GUESTS)).toBe("pass");
    // legacy-mobile-guest may read and write every DynamoDB table; storefront-guest reads one bucket prefix.
    expect(at(v, "cognito.identitypool.unauthenticated-role-not-privileged", LEGACY)).toBe("fail");
    expect(at(v, "cognito.identitypool.unauthenticated-role-not-privileged", GUESTS)).toBe("pass");
    // Guests are off: whatever its roles, the pool hands out no guest credentials.
    expect(at(v, "cognito.identitypool.unauthenticated-role-not-privileged", PARTNER_UPLOADS)).toBeUndefined();
    for (const rule of ["not-api-key-only", "api-key-expiry", "field-logging", "waf-associated"]) {
      expect(at(v, `appsync.graphqlapi.${rule}`, CATALOG), rule).toBe("fail");
      expect(at(v, `appsync.graphqlapi.${rule}`, ORDERS), rule).toBe("pass");
    }
  }, 30_000);

  it("DescribeUserPool denied: the pool rules report error for both pools, never pass; app clients are still judged", async () => {
    const v = await verdicts(["cognito-idp:DescribeUserPool"]);
    for (const rule of ["threat-protection", "password-policy-strong", "mfa-required"])
      for (const pool of [CUSTOMERS, PARTNERS]) expect(at(v, `cognito.userpool.${rule}`, pool), rule).toBe("error");
    expect(at(v, "cognito.userpool-client.no-implicit-grant", `${CUSTOMERS}/client/6v1qk2m3n4p5r6s7t8u9w0x1y2`)).toBe("fail");
  }, 30_000);

  it("the account's IAM listing denied: the guest-role rule reports error where guests are allowed", async () => {
    const v = await verdicts(["iam:GetAccountAuthorizationDetails"]);
    expect(at(v, "cognito.identitypool.unauthenticated-role-not-privileged", LEGACY)).toBe("error");
    expect(at(v, "cognito.identitypool.unauthenticated-role-not-privileged", GUESTS)).toBe("error");
    expect(at(v, "cognito.identitypool.no-unauthenticated-access", GUESTS)).toBe("fail");
  }, 30_000);

  it("GetIdentityPoolRoles denied: error for the pools allowing guests", async () => {
    const v = await verdicts(["cognito-identity:GetIdentityPoolRoles"]);
    expect(at(v, "cognito.identitypool.unauthenticated-role-not-privileged", LEGACY)).toBe("error");
    expect(at(v, "cognito.identitypool.unauthenticated-role-not-privileged", GUESTS)).toBe("error");
  }, 30_000);

  it("WAF's association listing denied: error for the API naming no web ACL, pass for the one that names its ACL", async () => {
    const v = await verdicts(["wafv2:ListResourcesForWebACL"]);
    expect(at(v, "appsync.graphqlapi.waf-associated", CATALOG)).toBe("error");
    expect(at(v, "appsync.graphqlapi.waf-associated", ORDERS)).toBe("pass");
  }, 30_000);

  it("ListApiKeys denied: key validity is an error for the key API only; ListGraphqlApis denied: one error per rule for the region", async () => {
    const keys = await verdicts(["appsync:ListApiKeys"]);
    expect(at(keys, "appsync.graphqlapi.api-key-expiry", CATALOG)).toBe("error");
    expect(at(keys, "appsync.graphqlapi.api-key-expiry", ORDERS)).toBe("pass");
    const apis = await verdicts(["appsync:ListGraphqlApis"]);
    const scope = `arn:aws:appsync:us-east-1:${ACCT}:*`;
    for (const rule of ["not-api-key-only", "api-key-expiry", "field-logging", "waf-associated"])
      expect(at(apis, `appsync.graphqlapi.${rule}`, scope), rule).toBe("error");
    expect([...apis.values()].filter((x) => x === "pass").length).toBeGreaterThan(0);
  }, 30_000);
});
