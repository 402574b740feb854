import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimError } from "../../fixtures/simulator/errors.js";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { OperationHook, Simulator } from "../../fixtures/simulator/server.js";
import type { ExportInput } from "../../src/export/findings-file.js";
import { credentialsResolver, exportToSecurityHub } from "../../src/export/securityhub.js";
import type { Finding } from "../../src/model/finding.js";
import { renderJson } from "../../src/report/json.js";
import { memoryLogger } from "../../src/util/logger.js";
import { runCli } from "../helpers/cli.js";
import { account, callerCredentials, sim, simEnv } from "../helpers/sim.js";
import { exportInput, finding, rule } from "./helpers.js";

const clean = account("clean");
const ACCT = clean.accountId;
const creds = callerCredentials(clean);
const tmp = mkdtempSync(join(tmpdir(), "tollgate-sh-refused-"));
const stageRule = rule({ id: "aws.apigateway.stage.logging", resourceType: "aws.apigateway.stage", compliance: [] });
let s: Simulator;

beforeAll(async () => {
  s = await sim([clean]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

const stage = (region: string, i: number): Finding =>
  finding({
    ruleId: stageRule.id,
    resourceType: "aws.apigateway.stage",
    resourceArn: `arn:aws:apigateway:${region}::/restapis/api${i}/stages/prod`,
    resourceName: `api${i}`,
    account: ACCT,
    region,
  });

// 150 findings in us-east-1 and 100 in eu-west-1: three batches of up to 100.
const MANY: ExportInput = exportInput(
  [
    ...Array.from({ length: 150 }, (_, i) => stage("us-east-1", i)),
    ...Array.from({ length: 100 }, (_, i) => stage("eu-west-1", i)),
  ],
  { accounts: [ACCT], regions: ["us-east-1", "eu-west-1"] },
);

/** Security Hub calls per `Operation region`, whatever their outcome. */
function callCounter(): { hook: OperationHook; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  return {
    calls,
    hook: (i) => {
      if (i.service === "securityhub")
        calls.set(`${i.operation} ${i.region}`, (calls.get(`${i.operation} ${i.region}`) ?? 0) + 1);
      return undefined;
    },
  };
}

async function exportWith(hooks: OperationHook[]) {
  s.hooks.push(...hooks);
  try {
    return await exportToSecurityHub({
      input: MANY,
      rules: [stageRule],
      settings: { credentials: creds, maxAttempts: 4, userAgent: "tollgate-test" },
      credentialsFor: credentialsResolver({
        settings: { credentials: creds, maxAttempts: 4, userAgent: "tollgate-test" },
        callerAccount: ACCT,
        partition: "aws",
        region: "us-east-1",
        clock: () => new Date(),
      }),
      homeRegion: "us-east-1",
      onlyFailed: false,
      archive: true,
      clock: () => new Date("2026-03-01T00:00:00Z"),
      logger: memoryLogger(),
      retryBaseMs: 1,
    });
  } finally {
    for (const h of hooks) s.hooks.splice(s.hooks.indexOf(h), 1);
  }
}

describe("a Security Hub that refuses the caller as a whole is tried once, and said once", () => {
  it("AccessDenied: one BatchImportFindings for the account, then nothing more there; one error naming what was left", async () => {
    const count = callCounter();
    const denied = createFaultInjector({ rules: [{ operation: "securityhub:*", accessDenied: 1 }] });
    const r = await exportWith([count.hook, denied.hook]);
    // Groups go in (account, Region) order: eu-west-1 first.
    expect([...count.calls]).toEqual([["BatchImportFindings eu-west-1", 1]]);
    expect(r).toMatchObject({ imported: 0, archived: 0, failed: [] });
    expect(r.callErrors).toEqual([
      expect.objectContaining({
        account: ACCT,
        region: "eu-west-1",
        operation: "BatchImportFindings",
        errorName: "AccessDeniedException",
        stopped: "account",
        skippedFindings: 250,
      }),
    ]);
  });

  it("Security Hub not enabled in one Region: that Region is tried once; the others are imported and archived", async () => {
    const count = callCounter();
    const notEnabled: OperationHook = (i) =>
      i.service === "securityhub" && i.region === "eu-west-1"
        ? new SimError("InvalidAccessException", `Account ${ACCT} is not subscribed to AWS Security Hub`, 401)
        : undefined;
    const r = await exportWith([count.hook, notEnabled]);
    expect(count.calls.get("BatchImportFindings eu-west-1")).toBe(1);
    expect(count.calls.get("GetFindings eu-west-1")).toBeUndefined();
    expect(count.calls.get("BatchImportFindings us-east-1")).toBe(2);
    expect(count.calls.get("GetFindings us-east-1")).toBeGreaterThan(0);
    expect(r.imported).toBe(150);
    expect(r.callErrors).toEqual([
      expect.objectContaining({
        region: "eu-west-1",
        errorName: "InvalidAccessException",
        stopped: "region",
        skippedFindings: 100,
      }),
    ]);
  });

  it("tollgate export securityhub: exit 5 and one error line, not one per finding and attempt", async () => {
    const file = join(tmp, "findings.json");
    writeFileSync(file, renderJson({ ...MANY, rules: [] }));
    const denied = createFaultInjector({ rules: [{ operation: "securityhub:*", accessDenied: 1 }] });
    s.hooks.push(denied.hook);
    try {
      const r = await runCli(["export", "securityhub", "--from", file], simEnv(s, clean));
      expect(r.code).toBe(5);
      const lines = r.stderr.trim().split("\n");
      expect(lines.filter((l) => l.startsWith("error:"))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^error: Security Hub refused the caller in account ${ACCT} \\(BatchImportFindings in eu-west-1\\): AccessDeniedException: .*securityhub:BatchImportFindings.*250 finding\\(s\\) not imported, nothing archived$`,
          ),
        ),
      ]);
      expect(lines.length).toBeLessThanOrEqual(2);
      expect(denied.stats.accessDenied).toBe(1);
    } finally {
      s.hooks.splice(s.hooks.indexOf(denied.hook), 1);
    }
  });
});
