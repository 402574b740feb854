import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { cleanAccount, memberAccount } from "../helpers/accounts.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv } from "../helpers/sim.js";

interface FindingsFile {
  findings: { ruleId: string; status: string; account: string }[];
  coverage: { service: string; operation: string; errorName: string }[];
}

const HOME = "510000000001";
const SLOW = "520000000002";
const home = cleanAccount(HOME, "CLIHOMESCANNER");
const slow = memberAccount(SLOW, "CLISLOWSCANNER", { roleName: "TollgateAudit", trustedAccount: HOME });
const demo = account("demo");
const tmp = mkdtempSync(join(tmpdir(), "tollgate-scan-cli-"));
let s: Simulator;

beforeAll(async () => {
  s = await sim([demo, home, slow]);
});
afterAll(() => s.close());

describe("tollgate scan (built CLI) against a simulator started by the test", () => {
  it("AccessDenied on a whole service: error findings, a coverage gap in findings.json and on stderr, exit 3", async () => {
    const denyIam = createFaultInjector({ rules: [{ operation: "iam:*", accessDenied: 1 }] });
    s.hooks.push(denyIam.hook);
    try {
      const out = join(tmp, "denied");
      const r = await runCli(
        ["scan", "--no-probe", "--out", out, "--regions", "us-east-1", "--max-attempts", "2"],
        simEnv(s, home),
      );
      expect(r.code).toBe(3);
      const f = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as FindingsFile;
      const iamFindings = f.findings.filter((x) => x.ruleId.startsWith("aws.iam."));
      expect(iamFindings.length).toBeGreaterThan(0);
      expect(iamFindings.every((x) => x.status === "error")).toBe(true);
      expect(f.coverage.filter((c) => c.service === "iam").map((c) => c.errorName)).toContain("AccessDenied");
      expect(f.coverage.every((c) => c.errorName === "AccessDenied")).toBe(true);
      // One line for the denials: who, and the statement of the shipped policy that grants the calls.
      expect(r.stderr).toMatch(
        /warning: arn:aws:iam::510000000001:user\/scanner lacks permissions Tollgate needs: \d+ calls denied.*its statement TollgateIamReadOnly grant/,
      );
    } finally {
      s.hooks.pop();
    }
  });

  it("without a TTY, prints one plain line per finished unit; --quiet prints none", async () => {
    const out = join(tmp, "progress");
    const r = await runCli(["scan", "--no-probe", "--out", out], { ...simEnv(s, home), CI: "true" });
    expect(r.code).toBe(0);
    // One line per (account, region, service) unit: IAM once (global) and each regional service once.
    expect(r.stderr).toMatch(/^\[\d+\/10\] 510000000001 global iam: \d+ resources, 0 errors, \d+ calls$/m);
    expect(r.stderr.match(/^\[\d+\/10\] /gm)).toHaveLength(10);
    expect(r.stderr).not.toContain("\x1b[");
    const q = await runCli(["scan", "--no-probe", "--out", out, "--quiet"], simEnv(s, home));
    expect(q.code).toBe(0);
    expect(q.stderr).not.toMatch(/^\[\d+\/\d+\]/m);
  });

  it("--accounts without --role-name is bad input (exit 2)", async () => {
    const r = await runCli(["scan", "--no-probe", "--out", join(tmp, "x"), "--accounts", SLOW], simEnv(s, home));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--role-name");
  });
});
