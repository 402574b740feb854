import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { nameFromArn } from "../../src/aws/arns.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Inventory } from "../../src/model/inventory.js";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { cleanAccount } from "../helpers/accounts.js";
import { account, scanOptions, sim } from "../helpers/sim.js";

// Answers an independent AWS emulator gave Tollgate, narrower than AWS's but valid: they must not change a verdict.
const demo = account("demo");
const clean = account("clean");
const rules = loadRules(builtInRuleDirs());
let s: Simulator;

beforeAll(async () => {
  s = await sim([demo, trailWithoutSelectors(), clean]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

/** The clean account under another id, its trail never given event selectors (HasCustomEventSelectors false). */
function trailWithoutSelectors(): AccountFile {
  const a = cleanAccount("555566667777", "NOSELECTORS");
  for (const r of Object.values(a.regional ?? {})) for (const t of r.cloudtrail?.trails ?? []) delete t.advancedEventSelectors;
  return a;
}

const scanDemo = () => scan(scanOptions(demo, { scan: { regions: [...demo.regions].sort() } }));
const byKey = (inv: Inventory) => new Map(inv.resources.map((r) => [`${r.type}|${r.arn}`, r]));

describe("answers without resource names", () => {
  it("IAM names (UserName, GroupName, RoleName, PolicyName) and trail names are taken from the ARNs", async () => {
    const clean = await scanDemo();
    const faults = createFaultInjector({
      rules: [
        {
          operation: "iam:GetAccountAuthorizationDetails",
          "missing-member": 1,
          members: ["UserName", "GroupName", "RoleName", "PolicyName"],
          membersAnywhere: true,
        },
        { operation: "cloudtrail:DescribeTrails", "missing-member": 1, members: ["Name"], membersAnywhere: true },
      ],
    });
    s.hooks.push(faults.hook);
    let bare: Inventory;
    try {
      bare = await scanDemo();
    } finally {
      s.hooks.length = 0;
    }
    expect(faults.stats["missing-member"]).toBeGreaterThan(1);
    expect(bare.errors).toEqual(clean.errors);
    // The answers really came without names.
    const role = bare.resources.find((r) => r.type === "aws.iam.role")!;
    expect((role.raw["detail"] as Record<string, unknown>)["RoleName"]).toBeUndefined();

    const before = byKey(clean);
    expect([...byKey(bare).keys()].sort()).toEqual([...before.keys()].sort());
    for (const r of bare.resources) {
      expect(r.name, r.arn).not.toBe("");
      if (/^aws\.(iam\.(user|group|role|policy)|cloudtrail\.trail)$/.test(r.type)) {
        expect(r.name, r.arn).toBe(before.get(`${r.type}|${r.arn}`)!.name);
      }
    }

    // Same verdicts (groups still join their users by name), and every finding names its resource.
    const verdicts = (inv: Inventory) =>
      evaluate(inv, rules).map((f) => `${f.ruleId} ${f.resourceArn} ${f.status} ${f.resourceName}`);
    expect(verdicts(bare)).toEqual(verdicts(clean));
    for (const f of evaluate(bare, rules)) {
      expect(f.resourceName).not.toBe("");
      expect(f.message).not.toMatch(/\(\)|\s{2}|undefined|null \(/);
    }
  });

  it("nameFromArn: the last segment of the resource part; a WAFv2 ACL's name before its id", () => {
    expect(nameFromArn("arn:aws:iam::111122223333:role/service-role/deployer")).toBe("deployer");
    expect(nameFromArn("arn:aws:iam::111122223333:policy/team/ci-deploy")).toBe("ci-deploy");
    expect(nameFromArn("arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit")).toBe("org-audit");
    expect(nameFromArn("arn:aws:apigateway:us-east-1::/restapis/a1b2c3")).toBe("a1b2c3");
    expect(nameFromArn("arn:aws:wafv2:us-east-1:111122223333:regional/webacl/api-acl/0f1e2d3c")).toBe("api-acl");
    expect(nameFromArn("not-an-arn")).toBe("not-an-arn");
  });
});

describe("event selectors an answer leaves out", () => {
  const regionFindings = async (a: AccountFile) => {
    const faults = createFaultInjector({
      rules: [
        { operation: "cloudtrail:GetEventSelectors", "missing-member": 1, members: ["EventSelectors", "AdvancedEventSelectors"] },
      ],
    });
    s.hooks.push(faults.hook);
    try {
      const inv = await scan(scanOptions(a, { scan: { regions: [...a.regions].sort() } }));
      expect(faults.stats["missing-member"]).toBeGreaterThan(0);
      return evaluate(inv, rules).filter((f) => f.ruleId === "aws.cloudtrail.region.multi-region-trail");
    } finally {
      s.hooks.length = 0;
    }
  };

  it("a trail never given selectors records every management event (AWS's default): covered, not a missing trail", async () => {
    const findings = await regionFindings(trailWithoutSelectors());
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.status)).toEqual(findings.map(() => "pass"));
  });

  it("a trail with custom selectors that the answer does not show: unknown, so error, never a verdict", async () => {
    const findings = await regionFindings(clean);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.status)).toEqual(findings.map(() => "error"));
  });
});
