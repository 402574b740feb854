import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EC2Client, DescribeRegionsCommand } from "@aws-sdk/client-ec2";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { createAuthorizer } from "../../fixtures/simulator/authorize.js";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { createClient, limited } from "../../src/collect/clients.js";
import { plainProgress } from "../../src/collect/progress.js";
import type { ServiceCollector } from "../../src/collect/registry.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Inventory } from "../../src/model/inventory.js";
import { cleanAccount, memberAccount, readonlyPolicy } from "../helpers/accounts.js";
import { account, scanOptions, sim, SIM_NOW } from "../helpers/sim.js";

const NOW = SIM_NOW;
const rules = loadRules(builtInRuleDirs());
const demo = account("demo");

/** Resources and findings, in a stable order, without the run's timestamps. */
function comparable(inv: Inventory) {
  const byKey = <T>(xs: T[], key: (x: T) => string): T[] => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    resources: byKey(inv.resources, (r) => `${r.type}|${r.arn}`),
    findings: evaluate(inv, rules),
    errors: byKey(inv.errors, (e) => `${e.account}|${e.service}|${e.operation}|${e.resourceArn ?? ""}`),
  };
}

describe("scan engine against the simulator", () => {
  let s: Simulator;
  beforeAll(async () => {
    s = await sim([demo], { now: () => NOW });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  });
  afterAll(() => s.close());

  it("20% throttling and 5% 5xx on every operation: same resources, findings and errors as a fault-free scan", async () => {
    s.hooks.length = 0;
    const clean = comparable(await scan(scanOptions(demo)));
    expect(clean.resources.length).toBeGreaterThan(10);
    const faults = createFaultInjector({ seed: 7, rules: [{ operation: "*", throttle: 0.2, serverError: 0.05 }] });
    s.hooks.push(faults.hook);
    try {
      const faulty = comparable(await scan(scanOptions(demo)));
      expect(faults.stats.throttle).toBeGreaterThan(0);
      expect(faulty).toEqual(clean);
    } finally {
      s.hooks.length = 0;
    }
  }, 180_000);

  it("connection resets are retried like any transient failure", async () => {
    const clean = comparable(await scan(scanOptions(demo)));
    const faults = createFaultInjector({ seed: 3, rules: [{ operation: "iam:*", reset: 0.15 }] });
    s.hooks.push(faults.hook);
    try {
      const faulty = comparable(await scan(scanOptions(demo)));
      expect(faults.stats.reset).toBeGreaterThan(0);
      expect(faulty).toEqual(clean);
    } finally {
      s.hooks.length = 0;
    }
  }, 180_000);

  it("a call that fails after every retry is recorded, and its rules report error", async () => {
    s.hooks.push(createFaultInjector({ rules: [{ operation: "iam:GetAccountPasswordPolicy", serverError: 1 }] }).hook);
    try {
      const inv = await scan(scanOptions(demo, { scan: { maxAttempts: 2 } }));
      const err = inv.errors.find((e) => e.operation === "GetAccountPasswordPolicy");
      expect(err).toMatchObject({ service: "iam", account: demo.accountId, region: "global" });
      expect([500, 503]).toContain(err!.httpStatus);
      // Every rule that reads the password policy reports error, citing the call; no other rule does.
      const findings = evaluate(inv, rules);
      const needPolicy = new Set(rules.filter((r) => r.dependsOn.includes("iam:GetAccountPasswordPolicy")).map((r) => r.id));
      expect([...needPolicy].sort()).toEqual([
        "aws.iam.account.password-min-length",
        "aws.iam.account.password-policy-strong",
        "aws.iam.account.password-reuse-prevention",
      ]);
      // (The demo's deliberately malformed policy is an error of its own, for the policy rules.)
      const cites = (f: (typeof findings)[number]) =>
        f.evidence.some((e) => String(e.actual).startsWith("iam:GetAccountPasswordPolicy failed: "));
      const errors = findings.filter((f) => f.status === "error" && cites(f));
      expect(new Set(errors.map((f) => f.ruleId))).toEqual(needPolicy);
      expect(findings.filter((f) => !needPolicy.has(f.ruleId) && cites(f))).toEqual([]);
    } finally {
      s.hooks.length = 0;
    }
  });
});

describe("least privilege: policy/tollgate-readonly.json is exactly enough", () => {
  const withPolicy = (policy: Record<string, unknown>): AccountFile => ({
    ...structuredClone(demo),
    callers: [{ ...demo.callers[0]!, policy }],
  });

  it("a full scan of the demo account with only the read-only policy makes no denied call", async () => {
    const a = withPolicy(readonlyPolicy());
    const authz = createAuthorizer();
    const s = await sim([a], { now: () => NOW, hooks: [authz.hook] });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    try {
      const inv = await scan(scanOptions(a));
      expect(authz.denials).toEqual([]);
      expect(inv.errors.filter((e) => /AccessDenied|Unauthorized/.test(e.errorName))).toEqual([]);
      expect(inv.metadata.regions).toEqual([...demo.regions].sort());
      expect(inv.resources.length).toBeGreaterThan(10);
    } finally {
      await s.close();
    }
  });

  it("removing one action gets exactly that call denied and recorded", async () => {
    const policy = readonlyPolicy() as { Statement: { Action: string[] }[] };
    policy.Statement[0]!.Action = policy.Statement[0]!.Action.filter((x) => x !== "iam:GetAccountSummary");
    const a = withPolicy(policy as unknown as Record<string, unknown>);
    const authz = createAuthorizer();
    const s = await sim([a], { now: () => NOW, hooks: [authz.hook] });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    try {
      const inv = await scan(scanOptions(a, { scan: { maxAttempts: 2 } }));
      expect(authz.denials.map((d) => d.action)).toEqual(["iam:GetAccountSummary"]);
      const denied = inv.errors.filter((e) => e.errorName === "AccessDenied");
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({ service: "iam", operation: "GetAccountSummary", httpStatus: 403 });
      expect(denied[0]!.message).toContain("iam:GetAccountSummary");
    } finally {
      await s.close();
    }
  });
});

describe("multi-account, multi-region scans with assumed roles", () => {
  const HOME = "100000000001";
  const MEMBER = "200000000002";
  const NO_ROLE = "300000000003";
  const EXT = "tollgate-ext-1";
  const home = cleanAccount(HOME, "HOMESCANNER", {
    regions: ["us-east-1", "eu-west-1"],
    organization: {
      accounts: [
        { id: HOME, status: "ACTIVE" },
        { id: MEMBER, status: "ACTIVE" },
        { id: NO_ROLE, status: "ACTIVE" },
        { id: "400000000004", status: "SUSPENDED" },
      ],
    },
  });
  const member = memberAccount(MEMBER, "MEMBERSCANNER", {
    roleName: "TollgateAudit",
    trustedAccount: HOME,
    externalId: EXT,
    regions: ["us-east-1", "eu-west-1", "ap-south-1"],
  });
  const noRole = cleanAccount(NO_ROLE, "NOROLESCANNER");
  let s: Simulator;
  let authz: ReturnType<typeof createAuthorizer>;

  // A regional collector that makes one call per region through the engine's hooks, so units per region show.
  const regionalProbe: ServiceCollector = {
    service: "ec2",
    regional: true,
    collect: async (ctx) => {
      const client = createClient(EC2Client, ctx, "ec2", ctx.region);
      try {
        await limited(ctx, "ec2", () => client.send(new DescribeRegionsCommand({})));
        return { resources: [], errors: [] };
      } finally {
        client.destroy();
      }
    },
  };

  beforeAll(async () => {
    authz = createAuthorizer();
    s = await sim([home, member, noRole], { now: () => NOW, hooks: [authz.hook] });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  });
  afterAll(() => s.close());

  it("assumes the role in each account; an account whose role is missing is an error for all its rules", async () => {
    const inv = await scan(
      scanOptions(home, {
        scan: { accounts: [MEMBER, NO_ROLE], roleName: "TollgateAudit", externalId: EXT, regions: ["us-east-1", "eu-west-1"] },
      }),
    );
    expect(inv.metadata.accounts).toEqual([MEMBER]);
    expect(inv.metadata.regions).toEqual(["eu-west-1", "us-east-1"]);
    expect(inv.metadata.callers?.[MEMBER]).toMatch(new RegExp(`^arn:aws:sts::${MEMBER}:assumed-role/TollgateAudit/tollgate-`));
    expect(new Set(inv.resources.map((r) => r.account))).toEqual(new Set([MEMBER]));
    expect(inv.errors).toEqual([
      expect.objectContaining({ account: NO_ROLE, service: "*", operation: "AssumeRole", errorName: "AccessDenied" }),
    ]);
    const findings = evaluate(inv, rules);
    const noRoleFindings = findings.filter((f) => f.account === NO_ROLE);
    expect(new Set(noRoleFindings.map((f) => f.ruleId))).toEqual(new Set(rules.map((r) => r.id)));
    expect(noRoleFindings.every((f) => f.status === "error")).toBe(true);
    expect(findings.filter((f) => f.account === MEMBER).every((f) => f.status === "pass")).toBe(true);
    // The assumed role holds exactly the read-only policy and needed nothing more.
    expect(authz.denials).toEqual([]);
  });

  it("a wrong external id is refused by the trust policy", async () => {
    const inv = await scan(
      scanOptions(home, {
        scan: { accounts: [MEMBER], roleName: "TollgateAudit", externalId: "wrong-id", regions: ["us-east-1"] },
      }),
    );
    expect(inv.metadata.accounts).toEqual([]);
    expect(inv.errors).toEqual([expect.objectContaining({ account: MEMBER, service: "*", errorName: "AccessDenied" })]);
  });

  it("--org scans the organisation's ACTIVE accounts, each in its own enabled regions, one unit per region", async () => {
    const lines: string[] = [];
    const inv = await scan(
      scanOptions(home, {
        scan: { org: true, roleName: "TollgateAudit", externalId: EXT },
        collectors: [regionalProbe],
        progress: plainProgress({ write: (l: string) => lines.push(l) }),
      }),
    );
    expect(inv.metadata.accounts).toEqual([HOME, MEMBER]);
    expect(inv.metadata.regions).toEqual(["ap-south-1", "eu-west-1", "us-east-1"]);
    expect(inv.errors).toEqual([expect.objectContaining({ account: NO_ROLE, service: "*", operation: "AssumeRole" })]);
    // Home: 2 regions, member: 3 regions; SUSPENDED accounts are not scanned.
    expect(lines).toHaveLength(5);
    // Totals grow as accounts are set up, so only the last line is sure to read 5/5.
    for (const l of lines) expect(l).toMatch(/^\[[1-5]\/[2-5]\] \d{12} [a-z]{2}-[a-z]+-\d ec2: 0 resources, 0 errors, 1 call\n$/);
    expect(lines[4]).toMatch(/^\[5\/5\] /);
    expect(
      lines
        .filter((l) => l.includes(` ${MEMBER} `))
        .map((l) => l.split(" ")[2])
        .sort(),
    ).toEqual(["ap-south-1", "eu-west-1", "us-east-1"]);
  });

  it("region discovery that is denied falls back to the default regions and is recorded", async () => {
    const denied = createFaultInjector({ rules: [{ operation: "ec2:DescribeRegions", accessDenied: 1 }] });
    s.hooks.push(denied.hook);
    try {
      const inv = await scan(scanOptions(home));
      expect(inv.errors).toEqual([
        expect.objectContaining({ service: "ec2", operation: "DescribeRegions", errorName: "UnauthorizedOperation" }),
      ]);
      expect(inv.metadata.regions).toContain("eu-north-1");
    } finally {
      s.hooks.pop();
    }
  });
});
