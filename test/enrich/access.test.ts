import { defaultSecretPatterns } from "../../src/secrets/load.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { loadIamAnalysisData, type IamAnalysisData } from "../../src/analysis/iam/index.js";
import { collectIam } from "../../src/collect/iam.js";
import { DEFAULT_COLLECT_OPTIONS, realSleep, type UnitContext } from "../../src/collect/context.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import { enrich } from "../../src/enrich/index.js";
import { INVENTORY_FORMAT_VERSION, type Inventory, type Resource } from "../../src/model/inventory.js";
import type { JsonObject } from "../../src/model/json.js";
import { account, sim, SIM_NOW, unitContext } from "../helpers/sim.js";

const NOW = SIM_NOW;
const demo = account("demo");
const clean = account("clean");
// A role whose only policy is malformed, and a group member whose group's inline policy is malformed.
const broken: AccountFile = {
  ...structuredClone(clean),
  accountId: "222233334444",
  callers: [{ ...clean.callers[0]!, accessKeyId: "AKIABROKENAUDITOR001", arn: "arn:aws:iam::222233334444:role/auditor" }],
  iam: {
    ...structuredClone(clean.iam),
    users: [{ name: "dev", createdDaysAgo: 10, groups: ["devs"] }],
    groups: [{ name: "devs", inlinePolicies: { "half-written": '{"Statement": [' } }],
    roles: [
      {
        name: "app",
        trustPolicy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        },
        attachedPolicies: ["arn:aws:iam::222233334444:policy/broken"],
      },
    ],
    policies: [{ name: "broken", document: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"' }],
  },
};

let s: Simulator;
let data: IamAnalysisData;

const ctx = (a: AccountFile): UnitContext =>
  unitContext(a, {
    options: { ...DEFAULT_COLLECT_OPTIONS, reportPolling: { initialDelayMs: 10, maxDelayMs: 20, timeoutMs: 5_000 } },
    sleep: realSleep,
  });

function inventory(a: AccountFile, resources: Resource[], errors: Inventory["errors"]): Inventory {
  return {
    kind: "tollgate-inventory",
    formatVersion: INVENTORY_FORMAT_VERSION,
    metadata: {
      toolVersion: "test",
      collectedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      partition: "aws",
      accounts: [a.accountId],
      regions: ["us-east-1"],
      services: ["iam"],
      complete: true,
    },
    resources,
    errors,
  };
}

async function collectAndEnrich(a: AccountFile, withData = true) {
  const out = await collectIam(ctx(a));
  const enriched = enrich(out.resources, {
    now: NOW,
    secretPatterns: defaultSecretPatterns(),
    ...(withData ? { iamAnalysis: data } : {}),
  });
  const find = (type: string, name: string) => enriched.resources.find((r) => r.type === type && r.name === name)!;
  const access = (type: string, name: string) => find(type, name).derived["access"] as JsonObject | null | undefined;
  return { ...enriched, collectErrors: out.errors, find, access };
}

beforeAll(async () => {
  data = await loadIamAnalysisData();
  s = await sim([demo, broken], { now: () => NOW, reportDelayMs: 10 });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

describe("access enricher against the simulator", () => {
  it("stores principal, trust and policy facts on the right resources", async () => {
    const { access, find, errors } = await collectAndEnrich(demo);
    // Administrator through a group: alice has no policy of her own, the admins group has AdministratorAccess.
    expect(access("aws.iam.user", "alice")).toMatchObject({
      incomplete: false,
      permissions: { adminEquivalent: true, adminReasons: ["Allows every action on every resource (*:*)"] },
    });
    expect(access("aws.iam.user", "bob")).toMatchObject({ permissions: { adminEquivalent: false, privilegeEscalation: [] } });
    const ci = access("aws.iam.user", "ci-deployer")!["permissions"] as JsonObject;
    expect(ci["adminEquivalent"]).toBe(false);
    expect(ci["privilegeEscalation"]).toContainEqual({
      id: "passrole-lambda-invoke",
      name: "Pass a role to a new Lambda function and invoke it",
      enablingActions: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
      limitedBy: null,
    });
    // Trust facts exist on roles only, with the collected provider ARNs.
    expect(access("aws.iam.user", "alice")!["trust"]).toBeUndefined();
    const trust = access("aws.iam.role", "github-deploy")!["trust"] as JsonObject;
    expect(trust["codes"]).toEqual(["trust-oidc-no-audience", "trust-oidc-subject-wildcard"]);
    expect(trust["oidcProviderArns"]).toEqual(["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]);
    expect((access("aws.iam.role", "partner-audit")!["trust"] as JsonObject)["codes"]).toEqual(["trust-cross-account-root"]);
    // Customer policies carry their own facts; AWS managed ones are marked and not judged alone.
    expect(access("aws.iam.policy", "deploy-everything")).toMatchObject({
      customerManaged: true,
      attached: true,
      attachmentCount: 2,
      allowsAllActionsOnAllResources: false,
      serviceWildcards: ["apigateway", "cloudformation", "lambda"],
    });
    expect(access("aws.iam.policy", "old-admin")).toMatchObject({ attached: false, allowsAllActionsOnAllResources: true });
    expect(access("aws.iam.policy", "AdministratorAccess")).toEqual({ customerManaged: false });
    // The malformed policy: facts null, and one inventory error (the IAM enricher's), not two.
    expect(access("aws.iam.policy", "legacy-broken")).toBeNull();
    expect(errors.filter((e) => e.resourceArn === find("aws.iam.policy", "legacy-broken").arn)).toHaveLength(1);
    expect(find("aws.iam.account", "111122223333").raw["oidcProviders"]).toEqual([
      { Arn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
    ]);
  });

  it("a malformed policy makes its principals incomplete and the analysis rules report error, never pass", async () => {
    const { access, resources, errors, collectErrors } = await collectAndEnrich(broken);
    expect(collectErrors).toEqual([]);
    for (const [type, name] of [
      ["aws.iam.role", "app"],
      ["aws.iam.user", "dev"],
    ] as const) {
      const a = access(type, name)!;
      expect(a["incomplete"]).toBe(true);
      expect(a["permissions"]).toBeNull();
      expect(String(a["errors"])).toContain("MalformedPolicyDocument");
    }
    // The role's trust policy is fine, so trust facts are still judged.
    expect((access("aws.iam.role", "app")!["trust"] as JsonObject)["codes"]).toEqual([]);
    // One error per malformed document: the policy's and the group's inline policy's (recorded once each).
    expect(errors.map((e) => e.resourceArn).sort()).toEqual([
      "arn:aws:iam::222233334444:group/devs",
      "arn:aws:iam::222233334444:policy/broken",
    ]);
    const findings = evaluate(inventory(broken, resources, errors), loadRules(builtInRuleDirs()));
    const status = (rule: string, arn: string) => findings.find((f) => f.ruleId === rule && f.resourceArn === arn)?.status;
    for (const rule of ["aws.iam.role.not-admin-equivalent", "aws.iam.role.no-privilege-escalation"]) {
      expect(status(rule, "arn:aws:iam::222233334444:role/app")).toBe("error");
    }
    for (const rule of ["aws.iam.user.not-admin-equivalent", "aws.iam.user.no-privilege-escalation"]) {
      expect(status(rule, "arn:aws:iam::222233334444:user/dev")).toBe("error");
    }
    expect(status("aws.iam.role.trust-no-public-principal", "arn:aws:iam::222233334444:role/app")).toBe("pass");
    expect(status("aws.iam.policy.no-full-admin-attached", "arn:aws:iam::222233334444:policy/broken")).toBe("error");
  });

  it("without analysis data no access facts are derived and the rules report error", async () => {
    const { access, resources, errors } = await collectAndEnrich(demo, false);
    expect(access("aws.iam.user", "bob")).toBeUndefined();
    const findings = evaluate(inventory(demo, resources, errors), loadRules(builtInRuleDirs()));
    const analysis = findings.filter((f) => f.ruleId.includes("admin") || f.ruleId.includes("trust-"));
    expect(analysis.length).toBeGreaterThan(0);
    expect(new Set(analysis.map((f) => f.status))).toEqual(new Set(["error"]));
  });
});
