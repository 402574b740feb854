import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile, HttpApiSpec } from "../../fixtures/simulator/account-file.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Finding } from "../../src/model/finding.js";
import { cleanAccount } from "../helpers/accounts.js";
import { account, scanOptions, sim } from "../helpers/sim.js";

// One cause, one failing finding, and no cause left silent, through the simulator's wire: key-only methods,
// customer managed policies with privilege-escalation paths, wildcard CORS on APIs without authorisation.

const rules = loadRules(builtInRuleDirs());
const demo = account("demo");
const POLICIES = "777700000001";
const OPEN_CORS = "777700000002";
let s: Simulator;
const findingsOf = new Map<string, Finding[]>();

const allow = (Action: string[]) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource: "*" }] });

/** The clean account with three customer managed policies: one attached with a path, one unattached with a path, one scoped. */
function withPolicies(): AccountFile {
  const a = cleanAccount(POLICIES, "ONECAUSEPOLICIES");
  a.iam.policies = [
    { name: "deploy-functions", document: allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]) },
    { name: "policy-editor", document: allow(["iam:CreatePolicyVersion"]) },
    { name: "read-reports", document: allow(["s3:GetObject"]) },
  ];
  const auditor = a.iam.roles!.find((r) => r.name === "auditor")!;
  auditor.attachedPolicies = [...(auditor.attachedPolicies ?? []), `arn:aws:iam::${POLICIES}:policy/deploy-functions`];
  return a;
}

/** The clean account whose REST and HTTP APIs authorise nothing and answer every origin. */
function withOpenCors(): AccountFile {
  const a = cleanAccount(OPEN_CORS, "ONECAUSEOPENCORS");
  const east = a.regional!["us-east-1"]!;
  for (const r of east.apigateway!.restApis![0]!.resources) {
    for (const m of Object.values(r.resourceMethods ?? {})) {
      m["authorizationType"] = "NONE";
      const integration = m["methodIntegration"] as {
        integrationResponses?: Record<string, { responseParameters: Record<string, string> }>;
      };
      const ok = integration.integrationResponses?.["200"];
      if (ok) ok.responseParameters["method.response.header.Access-Control-Allow-Origin"] = "'*'";
    }
  }
  const http: HttpApiSpec = {
    apiId: "o1p2e3n4h5",
    name: "catalog",
    protocolType: "HTTP",
    routeSelectionExpression: "$request.method $request.path",
    corsConfiguration: { allowOrigins: ["*"], allowMethods: ["GET"] },
    stages: [
      { stageName: "$default", autoDeploy: true, defaultRouteSettings: { throttlingBurstLimit: 20, throttlingRateLimit: 10 } },
    ],
    routes: [{ routeId: "rtopen1", routeKey: "GET /items", authorizationType: "NONE", apiKeyRequired: false }],
  };
  east.apigatewayv2 = { apis: [http] };
  return a;
}

beforeAll(async () => {
  const accounts = [demo, withPolicies(), withOpenCors()];
  s = await sim(accounts);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  for (const a of accounts) {
    const inv = await scan(scanOptions(a, { scan: { regions: [...a.regions].sort() } }));
    findingsOf.set(a.accountId, evaluate(inv, rules));
  }
}, 120_000);
afterAll(() => s.close());

const failing = (account: string, ruleId: string) =>
  findingsOf.get(account)!.filter((f) => f.ruleId === ruleId && f.status === "fail");

describe("a method that requires only an API key", () => {
  it("fails api-key-not-authentication, and nothing else about its authorisation", () => {
    const keyOnly = failing(demo.accountId, "aws.apigateway.method.api-key-not-authentication").map((f) => f.resourceArn);
    expect(keyOnly.length).toBeGreaterThan(1);
    const auth = findingsOf.get(demo.accountId)!.filter((f) => f.ruleId === "aws.apigateway.method.authorization-required");
    // Not judged at all by the missing-authorisation rule: no fail, and no pass that would hide it in counts.
    for (const arn of keyOnly) expect(auth.filter((f) => f.resourceArn === arn)).toEqual([]);
    // Methods with neither authorisation nor a key still fail the missing-authorisation rule.
    expect(auth.filter((f) => f.status === "fail").length).toBeGreaterThan(0);
  });
});

describe("customer managed policies with a privilege-escalation path", () => {
  const rule = "aws.iam.policy.no-privilege-escalation";
  const arn = (name: string) => `arn:aws:iam::${POLICIES}:policy/${name}`;

  it("each gets its own failing finding naming the path, attached or not", () => {
    const fails = failing(POLICIES, rule);
    expect(fails.map((f) => f.resourceArn).sort()).toEqual([arn("deploy-functions"), arn("policy-editor")]);
    const attached = fails.find((f) => f.resourceArn === arn("deploy-functions"))!;
    expect(attached.message).toMatch(/Pass a role to a new Lambda function and invoke it/);
    expect(attached.message).toMatch(/attached to 1 principal/);
    const unattached = fails.find((f) => f.resourceArn === arn("policy-editor"))!;
    expect(unattached.message).toMatch(/iam:CreatePolicyVersion/);
    expect(unattached.message).toMatch(/attached to 0 principal/);
    expect(findingsOf.get(POLICIES)!.find((f) => f.ruleId === rule && f.resourceArn === arn("read-reports"))?.status).toBe(
      "pass",
    );
  });

  it("the principal holding the attached one is reported too, as before", () => {
    expect(failing(POLICIES, "aws.iam.role.no-privilege-escalation").map((f) => f.resourceName)).toEqual(["auditor"]);
  });
});

describe("wildcard CORS on an API with no authorised method", () => {
  const rest = "aws.apigateway.restapi.cors-wildcard-no-auth";
  const http = "aws.apigatewayv2.api.cors-wildcard-no-auth";

  it("is reported for REST and HTTP APIs, at low severity", () => {
    for (const ruleId of [rest, http]) {
      const [f, ...more] = failing(OPEN_CORS, ruleId);
      expect(more, ruleId).toEqual([]);
      expect(f, ruleId).toMatchObject({ severity: "low" });
      expect(f!.message).toMatch(/\*/);
    }
    // The authorised-methods rule does not report it a second time.
    for (const ruleId of ["aws.apigateway.restapi.cors-wildcard-authorized", "aws.apigatewayv2.api.cors-wildcard-authorized"])
      expect(failing(OPEN_CORS, ruleId), ruleId).toEqual([]);
  });

  it("an API declared public by the publicApis parameter is left out, by name or ARN", async () => {
    const tuned = loadRules(builtInRuleDirs(), {
      [rest]: { parameters: { publicApis: ["repor*"] } },
      [http]: { parameters: { publicApis: ["arn:aws:apigateway:*::/apis/o1p2e3n4h5"] } },
    });
    const a = withOpenCors();
    const inv = await scan(scanOptions(a, { scan: { regions: [...a.regions] } }));
    const findings = evaluate(inv, tuned);
    expect(findings.filter((f) => f.ruleId === rest || f.ruleId === http)).toEqual([]);
  });

  it("is not reported where a method is authorised (the demo's APIs): that is cors-wildcard-authorized's", () => {
    expect(
      findingsOf
        .get(demo.accountId)!
        .filter((f) => f.ruleId === rest || f.ruleId === http)
        .map((f) => f.status),
    ).not.toContain("fail");
    expect(failing(demo.accountId, "aws.apigatewayv2.api.cors-wildcard-authorized").length).toBe(1);
  });
});
