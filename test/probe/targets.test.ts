import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { collectApiGateway } from "../../src/collect/apigateway.js";
import { collectApiGatewayV2 } from "../../src/collect/apigatewayv2.js";
import { type UnitContext } from "../../src/collect/context.js";
import { collectWafv2 } from "../../src/collect/wafv2.js";
import { enrichRegional } from "../../src/enrich/regional.js";
import type { Inventory, Resource } from "../../src/model/inventory.js";
import type { JsonObject } from "../../src/model/json.js";
import { parseProbeEndpoints } from "../../src/probe/endpoints-file.js";
import { minTlsOfPolicy, wafMarkerCoverage } from "../../src/probe/expectations.js";
import { renderDomainUrl, renderInvokeUrl, targetsFromInventory } from "../../src/probe/targets-from-inventory.js";
import { account, sim, SIM_NOW, unitContext } from "../helpers/sim.js";

const NOW = SIM_NOW;
const demo = account("demo");
let s: Simulator;
let inv: Inventory;

const ctx = (region: string): UnitContext => unitContext(demo, { region });

// The demo account collected by the real collectors from the simulator, with enrichRegional's facts.
beforeAll(async () => {
  s = await sim([demo], { now: () => NOW });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  const resources: Resource[] = [];
  for (const region of ["us-east-1", "eu-west-1"])
    for (const c of [collectApiGateway, collectApiGatewayV2, collectWafv2]) resources.push(...(await c(ctx(region))).resources);
  const { derived } = enrichRegional(resources);
  inv = {
    kind: "tollgate-inventory",
    formatVersion: 1,
    metadata: {
      toolVersion: "0",
      collectedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      partition: "aws",
      accounts: [demo.accountId],
      regions: ["us-east-1", "eu-west-1"],
      services: [],
      complete: true,
    },
    resources: resources.map((r) => ({ ...r, derived: { ...r.derived, ...(derived.get(r) ?? {}) } })),
    errors: [],
  } as Inventory;
});
afterAll(async () => {
  delete process.env["AWS_ENDPOINT_URL"];
  await s.close();
});

const ORDERS = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5";

describe("targetsFromInventory on hostile names", () => {
  it("a domain name that would put user info in the URL gives a problem, never a target", () => {
    const hostile = structuredClone(inv);
    const domain = hostile.resources.find((r) => r.type === "aws.apigateway.domain" && r.raw["basePathMappings"])!;
    (domain.raw["domainName"] as JsonObject)["domainName"] = "user:pw@evil.example";
    const out = targetsFromInventory(hostile);
    expect(out.targets.some((t) => t.baseUrl.includes("@"))).toBe(false);
    const problem = out.problems.find((p) => p.message.includes("user info"))!;
    expect(problem.message).toContain("https://***@evil.example");
    expect(problem.message).not.toContain("user:pw");
  });
});

describe("targetsFromInventory on the real collectors' resources", () => {
  it("one target per REST method and stage, with authorization, API key, CORS, WAF and throttling facts", () => {
    const { targets } = targetsFromInventory(inv);
    const get = targets.find((t) => t.id === "a1b2c3d4e5/prod GET /orders");
    expect(get).toMatchObject({
      arn: `${ORDERS}/resources/ordres0001/methods/GET`,
      account: demo.accountId,
      region: "us-east-1",
      baseUrl: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
      path: "/orders",
      method: "GET",
      // The orders-prod ACL has the common rule set (XSS) but no SQLi group: not both markers are blocked.
      expect: {
        auth: "COGNITO_USER_POOLS",
        cors: { allowOrigins: ["*"] },
        wafSqliXss: false,
        throttle: { rateLimit: 100, burstLimit: 200 },
      },
    });
    expect(get?.relatedArns).toContain(`${ORDERS}/stages/prod`);
    expect(get?.relatedArns?.some((a) => a.includes(":regional/webacl/orders-prod/"))).toBe(true);
    expect(targets.find((t) => t.id === "a1b2c3d4e5/prod POST /orders")?.expect.throttle).toEqual({
      rateLimit: 10,
      burstLimit: 20,
    });
    expect(targets.find((t) => t.id === "a1b2c3d4e5/prod GET /orders/{id}")?.expect).toMatchObject({
      auth: "NONE",
      apiKeyRequired: true,
    });
    // dev has no web ACL and WAF's listing was read: "no WAF" is a fact the marker can confirm.
    expect(targets.find((t) => t.id === "a1b2c3d4e5/dev GET /")?.expect.wafSqliXss).toBe(false);
    // No deployment data: every method is assumed on every stage (documented limitation).
    expect(targets.filter((t) => t.arn === `${ORDERS}/resources/ordres0001/methods/GET`).length).toBe(4);
  });

  it("custom domains: one target per mapped base path, minimum TLS from the security policy", () => {
    const { targets } = targetsFromInventory(inv, { domainUrlTemplate: "https://127.0.0.1:8443/_domain/{domain}/{basePath}" });
    expect(targets.find((t) => t.id === "api.example.com/ GET /orders")).toMatchObject({
      baseUrl: "https://127.0.0.1:8443/_domain/api.example.com",
      expect: { minTls: "TLS_1_2", httpsOnly: false, auth: "COGNITO_USER_POOLS" },
    });
    expect(targets.find((t) => t.id === "legacy.example.com/v0 GET /orders")).toMatchObject({
      baseUrl: "https://127.0.0.1:8443/_domain/legacy.example.com/v0",
      expect: { minTls: "TLS_1_0" },
    });
    expect(targets.find((t) => t.id === "shop.example.com/ GET /products")?.expect.minTls).toBe("TLS_1_2");
    // Execute-api targets carry no TLS expectation: the domain's policy does not apply to them.
    expect(targets.find((t) => t.id === "a1b2c3d4e5/prod GET /orders")?.expect.minTls).toBeUndefined();
  });

  it("HTTP API routes per stage: $default stage at the root, CorsConfiguration, no WAF or API key facts", () => {
    const { targets } = targetsFromInventory(inv);
    const products = targets.find((t) => t.id === "h1t2t3p4a5/$default GET /products");
    expect(products).toMatchObject({
      baseUrl: "https://h1t2t3p4a5.execute-api.us-east-1.amazonaws.com",
      expect: { auth: "JWT", cors: { allowOrigins: ["*"] }, throttle: { rateLimit: 100, burstLimit: 200 } },
    });
    expect(products?.expect.wafSqliXss).toBeUndefined();
    expect(products?.expect.apiKeyRequired).toBeUndefined();
  });

  it("private and WebSocket APIs are not probed, with the reason; their targets are returned as skipped", () => {
    const { targets, skipped, notProbed, problems } = targetsFromInventory(inv);
    expect(notProbed.map((n) => n.arn)).toEqual([
      "arn:aws:apigateway:us-east-1::/apis/w1s2k3t4a5",
      "arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0",
    ]);
    expect(notProbed[1]?.reason).toContain("VPC");
    expect(targets.some((t) => t.id.startsWith("f6g7h8i9j0") || t.id.startsWith("w1s2k3t4a5"))).toBe(false);
    // What would have been probed is kept, so the report can say which checks were not made and why: every
    // method of the private API on each stage, and the WebSocket API's $connect handshake (its only HTTP request).
    expect(skipped.map((x) => x.target.id)).toEqual([
      "f6g7h8i9j0/v1 ANY /",
      "f6g7h8i9j0/v1 GET /orders",
      "f6g7h8i9j0/v1 POST /orders",
      "w1s2k3t4a5/prod GET /",
    ]);
    for (const x of skipped.slice(0, 3)) expect(x.reason).toContain("VPC");
    expect(skipped[3]).toMatchObject({ target: { expect: { auth: "CUSTOM" } }, reason: expect.stringContaining("WebSocket") });
    expect(problems).toEqual([]);
  });

  it("reports an unknown authorization type instead of guessing", () => {
    const m = inv.resources.find((r) => r.arn === `${ORDERS}/resources/ordres0001/methods/GET`)!;
    const bogus = { ...m, raw: { ...m.raw, method: { authorizationType: "BOGUS" } } } as Resource;
    const { problems, targets } = targetsFromInventory({ ...inv, resources: [...inv.resources.filter((r) => r !== m), bogus] });
    expect(problems).toEqual([{ arn: m.arn, message: 'unknown authorizationType "BOGUS"' }]);
    expect(targets.some((t) => t.arn === m.arn)).toBe(false);
  });

  it("renders templates; helpers read policies and web ACLs", () => {
    expect(renderInvokeUrl("https://x/{stage}", { apiId: "a", region: "r", stage: "a b" })).toBe("https://x/a%20b");
    expect(renderDomainUrl("https://{domain}/{basePath}", { domain: "d.example", basePath: "(none)" })).toBe("https://d.example");
    expect(minTlsOfPolicy("SecurityPolicy_TLS13_1_3_2025_EDGE")).toBe("TLS_1_3");
    expect(minTlsOfPolicy("SomethingNew")).toBeUndefined();
    const group = (Name: string, count = false): JsonObject => ({
      Statement: { ManagedRuleGroupStatement: { VendorName: "AWS", Name } },
      OverrideAction: count ? { Count: {} } : { None: {} },
    });
    expect(wafMarkerCoverage({ Rules: [group("AWSManagedRulesSQLiRuleSet"), group("AWSManagedRulesCommonRuleSet")] })).toEqual({
      sqli: true,
      xss: true,
    });
    expect(wafMarkerCoverage({ Rules: [group("AWSManagedRulesSQLiRuleSet", true)] })).toEqual({ sqli: false, xss: false });
  });
});

describe("probe endpoints file", () => {
  const ok = { id: "e1", baseUrl: "https://api.example.com/prod", path: "/x", method: "GET", expect: { auth: "JWT" } };
  it("accepts a valid file", () => {
    expect(parseProbeEndpoints(JSON.stringify({ endpoints: [ok] }), "f.json")).toEqual([ok]);
  });
  it.each([
    ["not JSON", "{", /f\.json: not valid JSON/],
    [
      "unknown auth",
      JSON.stringify({ endpoints: [{ ...ok, expect: { auth: "MAGIC" } }] }),
      /f\.json: .*\/endpoints\/0\/expect\/auth/,
    ],
    ["http base URL", JSON.stringify({ endpoints: [{ ...ok, baseUrl: "http://api.example.com" }] }), /\/endpoints\/0\/baseUrl/],
    [
      "unsafe opt-in typo",
      JSON.stringify({ endpoints: [{ ...ok, allowMethods: ["TRACE"] }] }),
      /\/endpoints\/0\/allowMethods\/0/,
    ],
    [
      "unknown field",
      JSON.stringify({ endpoints: [{ ...ok, expect: { auth: "NONE", waf: true } }] }),
      /additional properties \(waf\)/,
    ],
    ["duplicate id", JSON.stringify({ endpoints: [ok, ok] }), /\/endpoints\/1\/id: duplicate id "e1"/],
  ])("refuses %s with the file and pointer (exit 2)", (_n, text, re) => {
    let err: unknown;
    try {
      parseProbeEndpoints(text, "f.json");
    } catch (e) {
      err = e;
    }
    expect((err as { exitCode?: number }).exitCode).toBe(2);
    expect((err as Error).message).toMatch(re);
  });
});
