import { defaultSecretPatterns } from "../../src/secrets/load.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { collectIam } from "../../src/collect/iam.js";
import { DEFAULT_COLLECT_OPTIONS, realSleep, type UnitContext } from "../../src/collect/context.js";
import { enrich } from "../../src/enrich/index.js";
import { account, callerCredentials, sim, SIM_NOW, unitContext } from "../helpers/sim.js";

const NOW = SIM_NOW;
const demo = account("demo");
let s: Simulator;

function ctx(overrides: Partial<UnitContext> = {}): UnitContext {
  return unitContext(demo, {
    maxAttempts: 2,
    options: {
      ...DEFAULT_COLLECT_OPTIONS,
      authDetailsPageSize: 3,
      reportPolling: { initialDelayMs: 20, maxDelayMs: 50, timeoutMs: 5_000 },
    },
    sleep: realSleep,
    ...overrides,
  });
}

beforeAll(async () => {
  s = await sim([demo], { now: () => NOW, reportDelayMs: 60 });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

describe("IAM collector against the simulator", () => {
  it("collects every IAM entity with account-wide calls only", async () => {
    s.counts.clear();
    const out = await collectIam(ctx());
    const types = out.resources.map((r) => r.type).sort();
    expect(types.filter((t) => t === "aws.iam.user")).toHaveLength(5);
    expect(types.filter((t) => t === "aws.iam.group")).toHaveLength(2);
    expect(types.filter((t) => t === "aws.iam.role")).toHaveLength(8);
    // 4 customer policies + 5 distinct attached AWS managed policies.
    expect(types.filter((t) => t === "aws.iam.policy")).toHaveLength(9);
    expect(types.filter((t) => t === "aws.iam.account")).toHaveLength(1);
    expect(out.errors).toEqual([]);
    // 24 entities at page size 3 = 8 pages; no per-user calls of any kind.
    expect(s.counts.get("iam:GetAccountAuthorizationDetails")).toBe(8);
    const ops = [...s.counts.keys()].sort();
    expect(ops).toEqual([
      "iam:GenerateCredentialReport",
      "iam:GetAccountAuthorizationDetails",
      "iam:GetAccountPasswordPolicy",
      "iam:GetAccountSummary",
      "iam:GetCredentialReport",
      "iam:ListOpenIDConnectProviders",
      "iam:ListServerCertificates",
      "iam:ListVirtualMFADevices",
    ]);
    expect(s.counts.get("iam:ListOpenIDConnectProviders")).toBe(1);
    expect(s.counts.get("iam:GetCredentialReport")).toBe(1);
  });

  it("derives exact facts with the injected clock", async () => {
    const out = await collectIam(ctx());
    const { resources, errors } = enrich(out.resources, { now: NOW, secretPatterns: defaultSecretPatterns() });
    const user = (n: string) => resources.find((r) => r.type === "aws.iam.user" && r.name === n)!;
    expect(user("bob").derived).toMatchObject({
      hasConsolePassword: true,
      mfaActive: false,
      activeAccessKeyCount: 1,
      passwordLastUsedDaysAgo: 12,
    });
    expect((user("bob").derived["accessKeys"] as { ageDays: number }[])[0]!.ageDays).toBe(400);
    expect(user("ci-deployer").derived).toMatchObject({ hasConsolePassword: false, activeAccessKeyCount: 2 });
    expect(user("alice").derived).toMatchObject({ mfaActive: true, virtualMfaCount: 1, groups: ["admins"] });
    expect(user("carol").derived).toMatchObject({ mfaActive: true, virtualMfaCount: 0 });
    const acct = resources.find((r) => r.type === "aws.iam.account")!;
    expect(acct.arn).toBe("arn:aws:iam::111122223333:root");
    expect(acct.derived).toMatchObject({
      rootAccessKeysPresent: true,
      rootActiveAccessKeyCount: 1,
      rootMfaActive: true,
      rootHardwareMfa: false,
      hasPasswordPolicy: true,
    });
    // The malformed customer policy is an error for that policy, not a crash and not a pass.
    expect(errors).toEqual([
      expect.objectContaining({
        errorName: "MalformedPolicyDocument",
        operation: "GetAccountAuthorizationDetails",
        resourceArn: "arn:aws:iam::111122223333:policy/legacy-broken",
      }),
    ]);
    const broken = resources.find((r) => r.name === "legacy-broken")!;
    expect(broken.derived["document"]).toBeNull();
    const good = resources.find((r) => r.name === "deploy-everything")!;
    expect((good.derived["document"] as { Statement: unknown[] }).Statement).toHaveLength(2);
  });

  it("collects server certificates and derives their expiry and the account's support role", async () => {
    const out = await collectIam(ctx());
    const { resources } = enrich(out.resources, { now: NOW, secretPatterns: defaultSecretPatterns() });
    const certs = resources.filter((r) => r.type === "aws.iam.server-certificate");
    expect(certs.map((c) => [c.name, c.arn, c.derived["expired"], c.derived["daysUntilExpiry"]])).toEqual([
      ["legacy-api-2019", "arn:aws:iam::111122223333:server-certificate/legacy-api-2019", true, -30],
      ["partner-api", "arn:aws:iam::111122223333:server-certificate/partner-api", false, 120],
    ]);
    const acct = resources.find((r) => r.type === "aws.iam.account")!;
    expect(acct.derived["supportRoleArns"]).toHaveLength(1);
    expect(acct.derived["cloudShellFullAccessIdentities"]).toEqual([]);
  });

  it("records a credential report that never completes as an error, bounded in time", async () => {
    const slow = await sim([demo], { now: () => NOW, reportDelayMs: 60_000 });
    process.env["AWS_ENDPOINT_URL"] = slow.endpoint;
    try {
      const started = Date.now();
      const out = await collectIam(
        ctx({ options: { ...DEFAULT_COLLECT_OPTIONS, reportPolling: { initialDelayMs: 10, maxDelayMs: 20, timeoutMs: 200 } } }),
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(out.errors).toEqual([
        expect.objectContaining({ operation: "GenerateCredentialReport", errorName: "CredentialReportTimeout" }),
      ]);
      const bob = out.resources.find((r) => r.name === "bob")!;
      expect(bob.raw["credentialReport"]).toBeUndefined();
    } finally {
      process.env["AWS_ENDPOINT_URL"] = s.endpoint;
      await slow.close();
    }
  });

  it("treats an absent password policy as data, not as a failed call", async () => {
    const pag = account("pagination");
    const other = await sim([pag], { now: () => NOW });
    process.env["AWS_ENDPOINT_URL"] = other.endpoint;
    try {
      const out = await collectIam(
        ctx({ account: pag.accountId, settings: { credentials: callerCredentials(pag), maxAttempts: 2, userAgent: "t" } }),
      );
      expect(out.errors).toEqual([]);
      const acct = enrich(out.resources, { now: NOW, secretPatterns: defaultSecretPatterns() }).resources.find(
        (r) => r.type === "aws.iam.account",
      )!;
      expect(acct.raw["passwordPolicy"]).toBeNull();
      expect(acct.derived["hasPasswordPolicy"]).toBe(false);
    } finally {
      process.env["AWS_ENDPOINT_URL"] = s.endpoint;
      await other.close();
    }
  });

  it("records denied credentials as errors for every IAM call", async () => {
    const out = await collectIam(
      ctx({
        settings: {
          credentials: { ...callerCredentials(demo), secretAccessKey: "wrong-wrong-wrong-wrong" },
          maxAttempts: 1,
          userAgent: "t",
        },
      }),
    );
    expect(new Set(out.errors.map((e) => e.errorName))).toEqual(new Set(["SignatureDoesNotMatch"]));
    expect(out.errors.map((e) => e.operation).sort()).toEqual([
      "GenerateCredentialReport",
      "GetAccountAuthorizationDetails",
      "GetAccountPasswordPolicy",
      "GetAccountSummary",
      "ListOpenIDConnectProviders",
      "ListServerCertificates",
      "ListVirtualMFADevices",
    ]);
    expect(out.errors.every((e) => e.httpStatus === 403)).toBe(true);
  });
});
