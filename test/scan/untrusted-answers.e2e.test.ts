import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector, type FaultRule } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { runCli } from "../helpers/cli.js";
import { account, callerCredentials, sim, simEnv } from "../helpers/sim.js";

interface FindingsFile {
  findings: { ruleId: string; status: string; resourceArn: string; account: string }[];
  coverage: { service: string; operation: string; errorName: string; httpStatus?: number }[];
  fixed?: unknown[];
}

const demo = account("demo");
const clean = account("clean");
const tmp = mkdtempSync(join(tmpdir(), "tollgate-untrusted-"));
let s: Simulator;

beforeAll(async () => {
  s = await sim([demo, clean]);
});
afterAll(() => s.close());

const read = (dir: string) => JSON.parse(readFileSync(join(dir, "findings.json"), "utf8")) as FindingsFile;

async function withFaults<T>(rules: FaultRule[], fn: () => Promise<T>): Promise<T> {
  const faults = createFaultInjector({ rules });
  s.hooks.push(faults.hook);
  try {
    return await fn();
  } finally {
    s.hooks.splice(s.hooks.indexOf(faults.hook), 1);
  }
}

const scan = (a: typeof demo, out: string, ...extra: string[]) =>
  runCli(["scan", "--no-probe", "--out", out, "--regions", "us-east-1", ...extra], simEnv(s, a));

describe("answers that are not AWS's never pass, never mark a failure fixed, never archive it (built CLI)", () => {
  it.each([
    ["empty-200", "EmptyResponse"],
    ["html-200", "HtmlResponse"],
    ["missing-member", "MissingResponseMember"],
  ])(
    "%s on GetAccountSummary of an otherwise clean account: a coverage gap, exit 3, no verdict taken from the answer",
    async (mode, name) => {
      const out = join(tmp, `clean-${mode}`);
      const r = await withFaults([{ operation: "iam:GetAccountSummary", [mode]: 1 }], () => scan(clean, out));
      expect(r.code).toBe(3);
      const f = read(out);
      expect(f.coverage).toEqual([expect.objectContaining({ service: "iam", operation: "GetAccountSummary", errorName: name })]);
      expect(r.stderr).toContain(`iam:GetAccountSummary failed (${name})`);
      const root = f.findings.filter(
        (x) => x.ruleId === "aws.iam.account.root-no-access-keys" || x.ruleId === "aws.iam.account.root-mfa",
      );
      expect(new Set(root.map((x) => x.ruleId)).size).toBe(2);
      // Root keys and MFA are also in the credential report, read fine: the verdicts rest on it, and would be
      // error had the report failed too (test/engine/lineage.test.ts fails every call in turn).
      expect(root.map((x) => x.status)).toEqual(["pass", "pass"]);
    },
  );

  // Two scans and two exports through the built CLI: minutes on a loaded machine, not seconds.
  it("empty GetAccountSummary and GetAccountAuthorizationDetails: no fail turns into pass, nothing is fixed, nothing is archived", async () => {
    const base = join(tmp, "base");
    expect((await scan(demo, base)).code).toBe(1);
    const before = read(base);
    const rootKeys = before.findings.find((x) => x.ruleId === "aws.iam.account.root-no-access-keys")!;
    expect(rootKeys.status).toBe("fail");
    const principalFailures = before.findings.filter(
      (x) => x.status === "fail" && /^aws\.iam\.(user|role|policy|group)\./.test(x.ruleId),
    );
    expect(principalFailures.length).toBeGreaterThan(3);
    const env = simEnv(s, demo);
    const imported = await runCli(["export", "securityhub", "--from", join(base, "findings.json")], env);
    expect(imported.code).toBe(0);

    const faulty = join(tmp, "faulty");
    const r = await withFaults(
      [
        { operation: "iam:GetAccountSummary", "empty-200": 1 },
        { operation: "iam:GetAccountAuthorizationDetails", "empty-200": 1 },
      ],
      () => scan(demo, faulty, "--baseline", join(base, "findings.json")),
    );
    expect(r.stderr).toMatch(/Against the baseline: \d+ new, \d+ unchanged, 0 fixed/);
    const after = read(faulty);
    expect(after.fixed).toEqual([]);
    // Still failing: the credential report, read fine, shows the root key without the summary.
    expect(after.findings.find((x) => x.ruleId === rootKeys.ruleId)!.status).toBe("fail");
    // Every rule that failed on a principal now reports error for the account, and none passes.
    for (const ruleId of new Set(principalFailures.map((x) => x.ruleId))) {
      const now = after.findings.filter((x) => x.ruleId === ruleId);
      expect(now.length, ruleId).toBeGreaterThan(0);
      expect(
        now.every((x) => x.status === "error"),
        ruleId,
      ).toBe(true);
    }
    expect(after.coverage.map((c) => `${c.operation} ${c.errorName}`).sort()).toEqual([
      "GetAccountAuthorizationDetails EmptyResponse",
      "GetAccountSummary EmptyResponse",
    ]);

    const exported = await runCli(["export", "securityhub", "--from", join(faulty, "findings.json")], env);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/Security Hub: \d+ imported, 0 archived/);
    // The earlier failures are still ACTIVE in the hub.
    const hub = new SecurityHubClient({ region: "us-east-1", endpoint: s.endpoint, credentials: callerCredentials(demo) });
    const activeArns = new Set<string>();
    let NextToken: string | undefined;
    do {
      const page = await hub.send(
        new GetFindingsCommand({
          Filters: { RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }] },
          MaxResults: 100,
          ...(NextToken ? { NextToken } : {}),
        }),
      );
      for (const f of page.Findings ?? []) for (const r of f.Resources ?? []) activeArns.add(r.Id ?? "");
      NextToken = page.NextToken;
    } while (NextToken);
    hub.destroy();
    for (const f of principalFailures) expect(activeArns.has(f.resourceArn), f.resourceArn).toBe(true);
  }, 180_000);
});
