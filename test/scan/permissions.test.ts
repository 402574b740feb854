import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { authorizationFor, createAuthorizer } from "../../fixtures/simulator/authorize.js";
import { isAllowed, wildcardMatch } from "../../fixtures/simulator/policy-eval.js";
import type { OperationHook } from "../../fixtures/simulator/server.js";
import { managedPolicyReferences } from "../../fixtures/simulator/services/iam.js";
import { CALL_PERMISSIONS, READONLY_POLICY_FILE } from "../../src/aws/permissions.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import type { Finding } from "../../src/model/finding.js";
import type { CollectionError } from "../../src/model/inventory.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import { describeGapCause, gapCauses, gapRemedy } from "../../src/report/coverage.js";
import { cleanAccount, memberAccount, readonlyPolicy } from "../helpers/accounts.js";
import { runCli } from "../helpers/cli.js";
import { account, ROOT, scanOptions, sim, SIM_NOW, simEnv } from "../helpers/sim.js";

const demo = account("demo");
const rules = loadRules(builtInRuleDirs());
type Statement = { Sid?: string; Action: string[]; Resource: string | string[] };
const policyStatements = (readonlyPolicy() as { Statement: Statement[] }).Statement;

/** The inventory's `service:Operation` for a simulator request (v2 is its own service in the inventory). */
function inventoryKey(service: string, operation: string): string {
  if (service === "apigateway" && operation.startsWith("v2:")) return `apigatewayv2:${operation.slice(3)}`;
  if (service === "sts" && operation === "AssumeRole") return "*:AssumeRole";
  return `${service}:${operation}`;
}

const withCallerPolicy = (a: AccountFile, policy: unknown): AccountFile => ({
  ...structuredClone(a),
  callers: [{ ...a.callers[0]!, policy: policy as Record<string, unknown> }],
});

describe("CALL_PERMISSIONS: the permission behind every call, and the policy statement granting it", () => {
  const HOME = "100000000001";
  const MEMBER = "200000000002";
  const seen = new Map<string, { action: string; resource: string }[]>();
  const record: OperationHook = (info) => {
    const auth = authorizationFor(info);
    if (!auth) return undefined;
    const key = inventoryKey(info.service, info.operation);
    seen.set(key, [...(seen.get(key) ?? []), auth]);
    return undefined;
  };

  beforeAll(async () => {
    const home = cleanAccount(HOME, "PERMHOME", {
      regions: ["us-east-1"],
      // A user pool whose description leaves out its MFA setting: the only case that calls GetUserPoolMfaConfig.
      regional: { "us-east-1": { cognito: { userPools: [{ Id: "us-east-1_PermHome1", Name: "no-mfa-field" }] } } },
      organization: {
        accounts: [
          { id: HOME, status: "ACTIVE" },
          { id: MEMBER, status: "ACTIVE" },
        ],
      },
    });
    const member = memberAccount(MEMBER, "PERMMEMBER", {
      roleName: "TollgateAudit",
      trustedAccount: HOME,
      regions: ["us-east-1"],
    });
    const s = await sim([demo, home, member], { now: () => SIM_NOW, hooks: [record] });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    try {
      await scan(scanOptions(demo));
      await scan(scanOptions(home, { scan: { org: true, roleName: "TollgateAudit" } }));
    } finally {
      await s.close();
    }
  }, 60_000);

  it("names every call a full scan makes (organisation and assumed roles included), and nothing it never makes", () => {
    expect([...seen.keys()].sort()).toEqual(Object.keys(CALL_PERMISSIONS).sort());
  });

  it("gives the action and resource AWS authorises, and its statement in policy/tollgate-readonly.json grants them", () => {
    for (const [key, requests] of seen) {
      const p = CALL_PERMISSIONS[key]!;
      for (const r of requests) {
        expect({ key, action: r.action }).toEqual({ key, action: p.action });
        expect({
          key,
          resource: r.resource,
          matches: wildcardMatch(p.resource.replace("{partition}", "aws").replace("<role-name>", "*"), r.resource),
        }).toEqual({
          key,
          resource: r.resource,
          matches: true,
        });
        if (key === "*:AssumeRole") continue;
        const statement = policyStatements.find((s) => s.Sid === p.sid);
        expect({ key, sid: p.sid, found: statement !== undefined }).toEqual({ key, sid: p.sid, found: true });
        const only = { Version: "2012-10-17", Statement: [{ ...statement, Effect: "Allow" }] };
        expect({ key, resource: r.resource, allowed: isAllowed([only], r.action, r.resource) }).toEqual({
          key,
          resource: r.resource,
          allowed: true,
        });
      }
    }
  });

  it(`${READONLY_POLICY_FILE} grants nothing beyond these calls`, () => {
    const granted = policyStatements.flatMap((s) => s.Action).sort();
    const needed = [
      ...new Set(
        Object.values(CALL_PERMISSIONS)
          .filter((p) => p.sid)
          .map((p) => p.action),
      ),
    ].sort();
    expect(granted).toEqual(needed);
  });
});

describe("a scanner holding only an AWS managed policy", () => {
  const managed = (name: string) => managedPolicyReferences()[name]!.document.Statement;
  async function scanWith(...statements: unknown[]) {
    const a = withCallerPolicy(demo, { Version: "2012-10-17", Statement: statements });
    const authz = createAuthorizer();
    const s = await sim([a], { now: () => SIM_NOW, hooks: [authz.hook] });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    try {
      const inv = await scan(scanOptions(a, { scan: { maxAttempts: 1 } }));
      return { inv, denials: authz.denials, findings: evaluate(inv, rules) };
    } finally {
      await s.close();
    }
  }

  const apigw = (path: string) => `apigateway:GET arn:aws:apigateway:${path}`;
  const denied = (d: { action: string; resource: string }[]) => [...new Set(d.map((x) => `${x.action} ${x.resource}`))].sort();
  // The demo's deliberately malformed customer policy is a gap of its own, whatever the scanner holds.
  const MALFORMED = "iam:GetAccountAuthorizationDetails:MalformedPolicyDocument";
  // What a ViewOnlyAccess scanner is denied in the demo account, one cause each.
  const VIEW_ONLY_GAPS = [
    "apigateway:GetAccount:denied",
    "apigateway:GetBasePathMappings:denied",
    "apigateway:GetUsagePlans:denied",
    "cloudtrail:GetEventSelectors:denied",
    "cloudtrail:GetTrailStatus:denied",
    "iam:GenerateCredentialReport:denied",
    "iam:GetAccountAuthorizationDetails:denied",
    "iam:GetAccountPasswordPolicy:denied",
    "wafv2:GetWebACL:denied",
    "appsync:ListGraphqlApis:denied",
    "cognito-identity:DescribeIdentityPool:denied",
    "cognito-identity:GetIdentityPoolRoles:denied",
    "cognito-idp:DescribeUserPool:denied",
    "cognito-idp:DescribeUserPoolClient:denied",
    "lambda:GetPolicy:denied",
  ].sort();

  it("SecurityAudit: API Gateway account settings, usage plans and base path mappings are denied; one cause each", async () => {
    const { inv, denials, findings } = await scanWith(...managed("SecurityAudit"));
    expect(denied(denials)).toEqual(
      [
        apigw("eu-west-1::/account"),
        apigw("eu-west-1::/usageplans"),
        apigw("us-east-1::/account"),
        apigw("us-east-1::/domainnames/api.example.com/basepathmappings"),
        apigw("us-east-1::/domainnames/legacy.example.com/basepathmappings"),
        apigw("us-east-1::/usageplans"),
      ].sort(),
    );
    // One line per cause, however many regions and domains it failed in, naming the permission, the statement of
    // policy/tollgate-readonly.json to add and what it left unevaluated. Account-level throttling leaves no rule
    // unjudged: the limits a stage sets itself are known, and a method that falls back to the account fails anyway.
    const grant = (path: string) =>
      `grant apigateway:GET on arn:aws:apigateway:*::${path} (statement TollgateApiGatewayReadOnly of ${READONLY_POLICY_FILE})`;
    expect(gapCauses(inv.errors, findings).map(describeGapCause)).toEqual([
      `apigateway:GetBasePathMappings denied (AccessDeniedException) for account ${demo.accountId} in us-east-1: 2 calls, 2 rules not evaluated; ${grant("/domainnames/*/basepathmappings")}`,
      `apigateway:GetUsagePlans denied (AccessDeniedException) for account ${demo.accountId} in 2 regions: 2 calls, 1 rule not evaluated; ${grant("/usageplans")}`,
      `apigateway:GetAccount denied (AccessDeniedException) for account ${demo.accountId} in 2 regions: 2 calls, 0 rules not evaluated; ${grant("/account")}`,
      `iam:GetAccountAuthorizationDetails failed (MalformedPolicyDocument) for account ${demo.accountId}: 1 call, 5 rules not evaluated`,
    ]);
    expect(gapCauses(inv.errors, findings)[0]!.rules).toEqual([
      "aws.apigateway.restapi.default-endpoint-disabled",
      "aws.apigatewayv2.api.default-endpoint-disabled",
    ]);
  });

  it("SecurityAudit, built CLI: each gap once, with the permission and the statement to add, on stderr, in summary.md and report.html", async () => {
    const a = withCallerPolicy(demo, { Version: "2012-10-17", Statement: managed("SecurityAudit") });
    const authz = createAuthorizer();
    const s = await sim([a], { now: () => SIM_NOW, hooks: [authz.hook] });
    const out = mkdtempSync(join(tmpdir(), "tollgate-securityaudit-"));
    try {
      const r = await runCli(["scan", "--no-probe", "--out", out, "--max-attempts", "1"], simEnv(s, a));
      expect(r.code).toBe(1);
      const lines = [
        ["GetBasePathMappings", "us-east-1", "2 calls, 2 rules", "/domainnames/*/basepathmappings"],
        ["GetUsagePlans", "2 regions", "2 calls, 1 rule", "/usageplans"],
        ["GetAccount", "2 regions", "2 calls, 0 rules", "/account"],
      ];
      // summary.md escapes Markdown's special characters; read it as rendered.
      const summary = readFileSync(join(out, "summary.md"), "utf8").replace(/\\([^\w\s])/g, "$1");
      const report = readFileSync(join(out, "report.html"), "utf8");
      for (const [op, where, cost, path] of lines) {
        const fix = `grant apigateway:GET on arn:aws:apigateway:*::${path} (statement TollgateApiGatewayReadOnly of ${READONLY_POLICY_FILE})`;
        const line = `apigateway:${op} denied (AccessDeniedException) for account ${demo.accountId} in ${where}: ${cost} not evaluated; ${fix}`;
        expect(r.stderr.split(line).length - 1, line).toBe(1);
        expect(summary.split(`| ${fix} |`).length - 1, `summary.md: ${op}`).toBe(1);
        expect(report.split(`<b>Fix:</b> ${fix}.`).length - 1, `report.html: ${op}`).toBe(1);
      }
      // Nothing is listed call by call on the console.
      expect(r.stderr).not.toMatch(/domainnames\/api\.example\.com\/basepathmappings/);
    } finally {
      await s.close();
    }
  });

  it("SecurityAudit plus policy/securityaudit-addon.json: no call is denied", async () => {
    const addon = JSON.parse(readFileSync(join(ROOT, "policy", "securityaudit-addon.json"), "utf8")) as { Statement: unknown[] };
    const { inv, denials } = await scanWith(...managed("SecurityAudit"), ...addon.Statement);
    expect(denials).toEqual([]);
    expect(gapCauses(inv.errors, []).map((c) => c.key)).toEqual([MALFORMED]);
  });

  it("ViewOnlyAccess: also the IAM account-wide reads, the web ACLs' rules, the trails' status and selectors, and the backend's policies and configurations", async () => {
    const { inv, denials, findings } = await scanWith(...managed("ViewOnlyAccess"));
    expect(denied(denials)).toEqual(
      [
        apigw("eu-west-1::/account"),
        apigw("eu-west-1::/usageplans"),
        apigw("us-east-1::/account"),
        apigw("us-east-1::/domainnames/api.example.com/basepathmappings"),
        apigw("us-east-1::/domainnames/legacy.example.com/basepathmappings"),
        apigw("us-east-1::/usageplans"),
        "cloudtrail:GetEventSelectors *",
        "cloudtrail:GetTrailStatus *",
        // GetCredentialReport is never reached: the report cannot be generated first.
        "iam:GenerateCredentialReport *",
        "iam:GetAccountAuthorizationDetails *",
        "iam:GetAccountPasswordPolicy *",
        "wafv2:GetWebACL *",
        // The backend: it may list functions, pools and clients, but read neither policies nor configurations.
        "appsync:ListGraphqlApis *",
        ...[
          "0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f",
          "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
          "7c1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
        ].flatMap((id) =>
          ["DescribeIdentityPool", "GetIdentityPoolRoles"].map(
            (op) => `cognito-identity:${op} arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:${id}`,
          ),
        ),
        ...["us-east-1_AbCdEf123", "us-east-1_PaRtNeR77"].flatMap((pool) =>
          ["DescribeUserPool", "DescribeUserPoolClient"].map(
            (op) => `cognito-idp:${op} arn:aws:cognito-idp:us-east-1:111122223333:userpool/${pool}`,
          ),
        ),
        ...[
          "eu-west-1:111122223333:function:list-payments",
          "eu-west-1:111122223333:function:pay",
          ...[
            "create-order",
            "delete-order",
            "get-order",
            "image-resizer",
            "list-orders",
            "ops-console",
            "ops-console:live",
            "order-admin",
            "partner-auth",
            "reports-export",
          ].map((f) => `us-east-1:111122223333:function:${f}`),
        ].map((f) => `lambda:GetPolicy arn:aws:lambda:${f}`),
      ].sort(),
    );
    expect(
      gapCauses(inv.errors, findings)
        .map((c) => c.key)
        .sort(),
    ).toEqual(VIEW_ONLY_GAPS);
  });

  it("ViewOnlyAccess, built CLI: each missing permission named once on stderr, in summary.md and report.html", async () => {
    const a = withCallerPolicy(demo, { Version: "2012-10-17", Statement: managed("ViewOnlyAccess") });
    const s = await sim([a], { now: () => SIM_NOW, hooks: [createAuthorizer().hook] });
    const out = mkdtempSync(join(tmpdir(), "tollgate-viewonly-"));
    try {
      const r = await runCli(["scan", "--no-probe", "--out", out, "--max-attempts", "1"], simEnv(s, a));
      expect(r.code).toBe(1);
      const file = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as {
        coverage: CollectionError[];
        findings: Finding[];
      };
      const denials = gapCauses(file.coverage, file.findings).filter((c) => c.denied);
      expect(denials.map((c) => c.key).sort()).toEqual(VIEW_ONLY_GAPS);
      const summary = readFileSync(join(out, "summary.md"), "utf8").replace(/\\([^\w\s])/g, "$1");
      const report = readFileSync(join(out, "report.html"), "utf8");
      for (const c of denials) {
        const fix = gapRemedy(c)!;
        expect(fix, c.key).toMatch(/^grant \S+ on \S+ \(statement Tollgate\w+ of policy\/tollgate-readonly\.json\)$/);
        expect(r.stderr.split(describeGapCause(c)).length - 1, c.key).toBe(1);
        expect(summary.split(`| ${fix} |`).length - 1, `summary.md: ${c.key}`).toBe(1);
        expect(report.split(`<b>Fix:</b> ${fix}.`).length - 1, `report.html: ${c.key}`).toBe(1);
      }
      // Above them, the one line saying which statements of the policy to attach.
      expect(r.stderr.match(/lacks permissions Tollgate needs/g)).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});

describe("docs/permissions.md lists exactly what each managed policy lacks", () => {
  const docs = readFileSync(join(ROOT, "docs", "permissions.md"), "utf8");
  /** A concrete request for a permission pattern: a region for the region slot, an id for every other wildcard. */
  const sample = (resource: string) =>
    resource === "*" ? "*" : resource.replace("{partition}", "aws").replace(":*::", ":us-east-1::").replace(/\*/g, "abc123");
  const lacks = (docs_: unknown[]) =>
    Object.entries(CALL_PERMISSIONS)
      .filter(([key, p]) => key !== "*:AssumeRole" && !isAllowed(docs_ as never[], p.action, sample(p.resource)))
      .map(([key, p]) => `${key}|${p.action}|${p.resource.replace("{partition}", "aws")}`)
      .sort();
  const listed = (heading: string) => {
    const section = docs.slice(docs.indexOf(heading)).split(/\n#{2,3} /)[0]!;
    return [...section.matchAll(/^- `([^`]+)`: `([^`]+)` on `([^`]+)`$/gm)].map((m) => `${m[1]}|${m[2]}|${m[3]}`).sort();
  };

  for (const [name, ref] of Object.entries(managedPolicyReferences())) {
    it(`${name} (${ref.version})`, () => {
      const heading = `### ${name} (${ref.version}, ${ref.updated.slice(0, 10)})`;
      expect(docs).toContain(heading);
      expect(listed(heading)).toEqual(lacks([ref.document]));
    });
  }

  it("SecurityAudit with policy/securityaudit-addon.json lacks nothing", () => {
    const addon = JSON.parse(readFileSync(join(ROOT, "policy", "securityaudit-addon.json"), "utf8")) as unknown;
    expect(lacks([managedPolicyReferences()["SecurityAudit"]!.document, addon])).toEqual([]);
  });
});
