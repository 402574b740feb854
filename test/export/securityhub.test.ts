import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from "@aws-sdk/client-securityhub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimError } from "../../fixtures/simulator/errors.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { failFinding } from "../../fixtures/simulator/services/securityhub.js";
import { asffId } from "../../src/export/asff.js";
import type { ExportInput } from "../../src/export/findings-file.js";
import { credentialsResolver, exportToSecurityHub, type SecurityHubExportOptions } from "../../src/export/securityhub.js";
import type { Finding } from "../../src/model/finding.js";
import { memoryLogger } from "../../src/util/logger.js";
import { renderJson } from "../../src/report/json.js";
import { runCli } from "../helpers/cli.js";
import { account, callerCredentials, sim, simEnv } from "../helpers/sim.js";
import { exportInput, finding, rule } from "./helpers.js";

const clean = account("clean");
const ACCT = clean.accountId;
const creds = callerCredentials(clean);
let s: Simulator;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-sh-"));

beforeAll(async () => {
  s = await sim([clean]);
  // The unmodified SDK client reaches the simulator only through the standard endpoint variable.
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

const stageRule = rule({ id: "aws.apigateway.stage.logging", resourceType: "aws.apigateway.stage", compliance: [] });

function stage(region: string, name: string, over: Partial<Finding> = {}): Finding {
  return finding({
    ruleId: "aws.apigateway.stage.logging",
    resourceType: "aws.apigateway.stage",
    resourceArn: `arn:aws:apigateway:${region}::/restapis/${name}/stages/prod`,
    resourceName: name,
    account: ACCT,
    region,
    ...over,
  });
}

function input(
  findings: Finding[],
  over: Partial<ExportInput["metadata"]> = {},
  coverage: ExportInput["coverage"] = [],
): ExportInput {
  return exportInput(findings, { accounts: [ACCT], regions: ["us-east-1", "eu-west-1"], ...over }, coverage);
}

let tick = Date.parse("2026-03-01T00:00:00Z");
async function run(i: ExportInput, over: Partial<SecurityHubExportOptions> = {}) {
  tick += 60_000;
  const at = tick;
  const logger = memoryLogger();
  const result = await exportToSecurityHub({
    input: i,
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
    clock: () => new Date(at),
    logger,
    retryBaseMs: 1,
    ...over,
  });
  return { result, logger };
}

async function hub(region: string): Promise<AwsSecurityFinding[]> {
  const c = new SecurityHubClient({ region, credentials: creds });
  const out: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const r = await c.send(new GetFindingsCommand({ MaxResults: 100, ...(NextToken ? { NextToken } : {}) }));
    out.push(...(r.Findings ?? []));
    NextToken = r.NextToken;
  } while (NextToken);
  c.destroy();
  return out;
}

const byId = (fs: AwsSecurityFinding[], id: string) => fs.find((f) => f.Id === id);

describe("Security Hub export against the simulator", () => {
  it("imports, re-imports without duplicates, archives a fixed finding only in complete scopes", async () => {
    const first = input([
      stage("us-east-1", "a"),
      stage("us-east-1", "b"),
      stage("eu-west-1", "c"),
      stage("eu-west-1", "d", { status: "pass" }),
    ]);
    const r1 = await run(first);
    expect(r1.result).toMatchObject({ imported: 4, archived: 0, failed: [], callErrors: [] });
    const use1 = await hub("us-east-1");
    expect(use1.map((f) => f.Id).sort()).toEqual([asffId(stage("us-east-1", "a")), asffId(stage("us-east-1", "b"))].sort());
    const passed = byId(await hub("eu-west-1"), asffId(stage("eu-west-1", "d")));
    expect(passed?.Compliance?.Status).toBe("PASSED");

    // Unchanged re-import: same Ids, no duplicates, UpdatedAt moved forward.
    const before = byId(use1, asffId(stage("us-east-1", "a")))!.UpdatedAt!;
    await run(first);
    const use2 = await hub("us-east-1");
    expect(use2).toHaveLength(2);
    expect(Date.parse(byId(use2, asffId(stage("us-east-1", "a")))!.UpdatedAt!)).toBeGreaterThan(Date.parse(before));

    // b is fixed (absent) in us-east-1; eu-west-1's collection was denied, so c (absent too) must stay ACTIVE.
    const third = input([stage("us-east-1", "a"), stage("eu-west-1", "x", { status: "error" })], {}, [
      {
        account: ACCT,
        region: "eu-west-1",
        service: "apigateway",
        operation: "GetRestApis",
        errorName: "AccessDeniedException",
        message: "denied",
      },
    ]);
    const r3 = await run(third);
    expect(r3.result.archived).toBe(1);
    const use3 = await hub("us-east-1");
    const b = byId(use3, asffId(stage("us-east-1", "b")))!;
    expect(b.RecordState).toBe("ARCHIVED");
    expect(b.Compliance?.Status).toBe("PASSED");
    expect(byId(use3, asffId(stage("us-east-1", "a")))!.RecordState).toBe("ACTIVE");
    const eu = await hub("eu-west-1");
    expect(byId(eu, asffId(stage("eu-west-1", "c")))!.RecordState).toBe("ACTIVE");
    expect(r3.result.kept).toBeGreaterThanOrEqual(2);
  });

  it("a filtered run (rule not evaluated) and an incomplete scan archive nothing", async () => {
    await run(input([stage("us-east-1", "keep1")]));
    const other = rule({ id: "aws.iam.user.console-mfa" });
    const filtered = input([finding({ account: ACCT, resourceArn: `arn:aws:iam::${ACCT}:user/z` })], {
      rulesEvaluated: [other.id],
    });
    const r = await run(filtered);
    expect(r.result.archived).toBe(0);
    const partial = input([], { complete: false, rulesEvaluated: [stageRule.id] });
    expect((await run(partial)).result.archived).toBe(0);
    expect(byId(await hub("us-east-1"), asffId(stage("us-east-1", "keep1")))!.RecordState).toBe("ACTIVE");
  });

  it("never sends a skipped check, and never archives what a skipped check did not re-check", async () => {
    const hit = stage("us-east-1", "later-post");
    await run(input([hit]));
    expect(byId(await hub("us-east-1"), asffId(hit))?.RecordState).toBe("ACTIVE");
    // Next run the same (rule, resource) is skipped by design: nothing is imported for it, and the finding
    // imported earlier stays ACTIVE, kept with the reason, although its scope was otherwise complete.
    const skipped = stage("us-east-1", "later-post", {
      status: "skipped",
      evidence: [{ path: "/derived/authOutcome", actual: "POST is not sent without opt-in", expected: "a value" }],
    });
    const r = await run(input([skipped, stage("us-east-1", "other", { status: "pass" })]));
    expect(r.result.imported).toBe(1);
    const after = byId(await hub("us-east-1"), asffId(hit))!;
    expect(after.RecordState).toBe("ACTIVE");
    expect(after.Compliance?.Status).toBe("FAILED");
    expect(r.logger.lines).toContainEqual(
      expect.stringContaining(`kept ${asffId(hit)} ACTIVE: not checked this run: POST is not sent`),
    );
  });

  it("splits 250 findings into 3 BatchImportFindings requests", async () => {
    const many = Array.from({ length: 250 }, (_, i) => stage("eu-west-1", `bulk${i}`));
    const before = s.counts.get("securityhub:BatchImportFindings") ?? 0;
    const r = await run(input(many, { regions: ["eu-west-1"] }), { archive: false });
    expect(r.result.imported).toBe(250);
    expect((s.counts.get("securityhub:BatchImportFindings") ?? 0) - before).toBe(3);
  });

  it("imports a finding with huge evidence, truncated under 240 KB", async () => {
    const evidence = Array.from({ length: 12 }, (_, i) => ({ path: `/raw/${i}`, actual: "€".repeat(300_000), expected: "ok" }));
    const big = stage("us-east-1", "huge", { evidence });
    const r = await run(input([big], { regions: ["us-east-1"] }), { archive: false });
    expect(r.result).toMatchObject({ imported: 1, failed: [] });
    const stored = byId(await hub("us-east-1"), asffId(big))!;
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(240 * 1024);
    expect(stored.ProductFields?.["tollgate/Evidence/0/Actual"]?.endsWith("…[truncated]")).toBe(true);
  });

  it("retries findings reported in FailedFindings, then succeeds", async () => {
    const f = stage("us-east-1", "flaky");
    failFinding(s.state, asffId(f), 2, "InternalException");
    const r = await run(input([f], { regions: ["us-east-1"] }), { archive: false });
    expect(r.result).toMatchObject({ imported: 1, failed: [] });
    expect(r.logger.lines.some((l) => l.includes("retrying"))).toBe(true);
  });

  it("backs off on throttling (LimitExceededException) and still imports", async () => {
    let throttled = 0;
    const hook = (op: { operation: string }) =>
      op.operation === "BatchImportFindings" && throttled++ < 2
        ? new SimError("LimitExceededException", "Rate exceeded", 429)
        : undefined;
    s.hooks.push(hook);
    try {
      const r = await run(input([stage("us-east-1", "throttled")], { regions: ["us-east-1"] }), { archive: false });
      expect(r.result).toMatchObject({ imported: 1, failed: [] });
      expect(throttled).toBeGreaterThanOrEqual(3);
    } finally {
      s.hooks.splice(s.hooks.indexOf(hook), 1);
    }
  });

  it("refuses findings of another account when no role name is given, before importing anything", async () => {
    const before = s.counts.get("securityhub:BatchImportFindings") ?? 0;
    const foreign = input([stage("us-east-1", "mine"), stage("us-east-1", "theirs", { account: "999988887777" })], {
      accounts: [ACCT, "999988887777"],
    });
    await expect(run(foreign)).rejects.toThrow(/account 999988887777.*--role-name/);
    expect(s.counts.get("securityhub:BatchImportFindings") ?? 0).toBe(before);
  });
});

describe("tollgate export securityhub (CLI)", () => {
  function writeFindings(name: string, i: ExportInput): string {
    const path = join(tmp, name);
    // Written by the real reporter, so the file is exactly what scan/evaluate produce.
    writeFileSync(path, renderJson({ ...i, rules: [] }));
    return path;
  }

  it("exits 5 and prints the error code when findings still fail after the retries", async () => {
    const f = stage("us-east-1", "doomed");
    failFinding(s.state, asffId(f), 100, "InvalidAccess");
    const file = writeFindings("doomed.json", input([f], { regions: ["us-east-1"] }));
    const r = await runCli(["export", "securityhub", "--from", file, "--no-archive"], simEnv(s, clean));
    expect(r.stderr).toContain(`Security Hub refused ${asffId(f)}`);
    expect(r.stderr).toContain("InvalidAccess");
    expect(r.code).toBe(5);
  });

  it("--dry-run writes asff.json with the exact batches and imports nothing", async () => {
    const before = s.counts.get("securityhub:BatchImportFindings") ?? 0;
    const file = writeFindings(
      "dry.json",
      input(
        Array.from({ length: 120 }, (_, i) => stage("us-east-1", `dry${i}`)),
        { regions: ["us-east-1"] },
      ),
    );
    const out = join(tmp, "dry");
    const r = await runCli(["export", "securityhub", "--from", file, "--dry-run", "--out", out], simEnv(s, clean));
    expect(r.code).toBe(0);
    const { readFileSync } = await import("node:fs");
    const doc = JSON.parse(readFileSync(join(out, "asff.json"), "utf8")) as {
      batches: { account: string; region: string; request: { Findings: unknown[] } }[];
    };
    expect(doc.batches.map((b) => [b.account, b.region, b.request.Findings.length])).toEqual([
      [ACCT, "us-east-1", 100],
      [ACCT, "us-east-1", 20],
    ]);
    expect(s.counts.get("securityhub:BatchImportFindings") ?? 0).toBe(before);
  });

  it("refuses a foreign account with exit 2, and a corrupt findings file with the JSON pointer", async () => {
    const file = writeFindings(
      "foreign.json",
      input([stage("us-east-1", "x", { account: "999988887777" })], { accounts: ["999988887777"] }),
    );
    const r = await runCli(["export", "securityhub", "--from", file], simEnv(s, clean));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/account 999988887777.*credentials are for account 444455556666/);
    const bad = writeFindings("bad.json", input([stage("us-east-1", "x", { status: "maybe" as Finding["status"] })]));
    const r2 = await runCli(["export", "securityhub", "--from", bad], simEnv(s, clean));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(
      `${bad}: invalid findings file at /findings/0/status: must be equal to one of the allowed values`,
    );
  });

  it("scan --securityhub imports the scan's IAM findings into the home Region", async () => {
    const out = join(tmp, "scan");
    const r = await runCli(["scan", "--no-probe", "--out", out, "--securityhub"], simEnv(s, clean));
    expect(r.stderr).toMatch(/Security Hub: \d+ imported/);
    expect(r.code).toBe(0);
    const iam = (await hub("us-east-1")).filter((f) => f.GeneratorId?.startsWith("aws.iam."));
    expect(iam.length).toBeGreaterThan(0);
    expect(iam.every((f) => f.Resources?.[0]?.Region === "us-east-1" && f.Id?.includes("/global/"))).toBe(true);
  });
});
