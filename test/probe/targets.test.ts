import { describe, expect, it } from "vitest";
import type { Inventory, Resource } from "../../src/model/inventory.js";
import type { JsonObject } from "../../src/model/json.js";
import { parseProbeEndpoints } from "../../src/probe/endpoints-file.js";
import { renderInvokeUrl, targetsFromInventory } from "../../src/probe/targets-from-inventory.js";

function res(type: string, arn: string, raw: JsonObject, derived: JsonObject = {}): Resource {
  return { type, arn, account: "111122223333", region: "us-east-1", name: arn, raw, derived } as unknown as Resource;
}

function inventory(resources: Resource[]): Inventory {
  return {
    kind: "tollgate-inventory",
    formatVersion: 1,
    metadata: {
      toolVersion: "0",
      collectedAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:00:00Z",
      partition: "aws",
      accounts: ["111122223333"],
      regions: ["us-east-1"],
      services: [],
      complete: true,
    },
    resources,
    errors: [],
  };
}

const REST = "arn:aws:apigateway:us-east-1::/restapis/abc123";
const HTTP = "arn:aws:apigateway:eu-west-1::/apis/h77";

describe("targetsFromInventory (integration seam)", () => {
  const inv = inventory([
    res(
      "aws.apigateway.stage",
      `${REST}/stages/prod`,
      { stageName: "prod", webAclArn: "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/w/1" },
      {
        wafSqliXss: true,
        effectiveThrottle: { rateLimit: 10, burstLimit: 20 },
        minTls: "TLS_1_2",
      },
    ),
    res("aws.apigateway.stage", `${REST}/stages/dev`, { stageName: "dev" }),
    res("aws.apigateway.method", `${REST}/resources/r1/methods/GET`, {
      httpMethod: "GET",
      authorizationType: "AWS_IAM",
      apiKeyRequired: true,
      resourcePath: "/pets/{id}",
    }),
    res("aws.apigateway.method", `${REST}/resources/r2/methods/POST`, {
      httpMethod: "POST",
      authorizationType: "BOGUS",
      resourcePath: "/pets",
    }),
    res("aws.apigatewayv2.api", HTTP, {
      ProtocolType: "HTTP",
      CorsConfiguration: { AllowOrigins: ["https://app.example"], AllowCredentials: true },
    }),
    res("aws.apigatewayv2.stage", `${HTTP}/stages/$default`, { StageName: "$default" }),
    res("aws.apigatewayv2.route", `${HTTP}/routes/rt1`, { RouteKey: "GET /items", AuthorizationType: "JWT" }),
    res("aws.apigatewayv2.route", `${HTTP}/routes/rt2`, { RouteKey: "$default", AuthorizationType: "NONE" }),
    res("aws.apigatewayv2.api", "arn:aws:apigateway:eu-west-1::/apis/ws1", { ProtocolType: "WEBSOCKET" }),
    res("aws.apigatewayv2.stage", "arn:aws:apigateway:eu-west-1::/apis/ws1/stages/prod", {}),
    res("aws.apigatewayv2.route", "arn:aws:apigateway:eu-west-1::/apis/ws1/routes/c", {
      RouteKey: "$connect",
      AuthorizationType: "NONE",
    }),
  ]);
  const { targets, problems } = targetsFromInventory(inv);

  it("makes one target per stage and REST method, with the stage's WAF, throttling and TLS facts", () => {
    const prod = targets.find((t) => t.id === "abc123/prod GET /pets/{id}");
    expect(prod).toEqual({
      id: "abc123/prod GET /pets/{id}",
      arn: `${REST}/resources/r1/methods/GET`,
      relatedArns: [`${REST}/stages/prod`, "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/w/1"],
      account: "111122223333",
      region: "us-east-1",
      baseUrl: "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
      path: "/pets/{id}",
      method: "GET",
      expect: {
        auth: "AWS_IAM",
        apiKeyRequired: true,
        minTls: "TLS_1_2",
        wafSqliXss: true,
        throttle: { rateLimit: 10, burstLimit: 20 },
      },
    });
    expect(targets.find((t) => t.id === "abc123/dev GET /pets/{id}")?.expect).toEqual({ auth: "AWS_IAM", apiKeyRequired: true });
  });

  it("reads HTTP API routes and CORS; $default stage has no path segment; WebSocket routes are skipped", () => {
    const items = targets.find((t) => t.id === "h77/$default GET /items");
    expect(items).toMatchObject({
      baseUrl: "https://h77.execute-api.eu-west-1.amazonaws.com",
      expect: { auth: "JWT", cors: { allowOrigins: ["https://app.example"], allowCredentials: true } },
    });
    expect(targets.find((t) => t.id === "h77/$default ANY /")).toBeDefined();
    expect(targets.some((t) => t.id.startsWith("ws1"))).toBe(false);
  });

  it("reports an unknown authorization type instead of guessing", () => {
    expect(problems).toEqual([{ arn: `${REST}/resources/r2/methods/POST`, message: 'unknown authorizationType "BOGUS"' }]);
    expect(targets.some((t) => t.arn?.endsWith("methods/POST"))).toBe(false);
  });

  it("renders a custom invoke URL template", () => {
    const t = targetsFromInventory(inv, {
      invokeUrlTemplate: "https://127.0.0.1:8443/{apiId}/{stage}",
      httpInvokeUrlTemplate: "http://127.0.0.1:8080/{apiId}/{stage}",
    }).targets.find((x) => x.id === "abc123/prod GET /pets/{id}");
    expect(t?.baseUrl).toBe("https://127.0.0.1:8443/abc123/prod");
    expect(t?.httpBaseUrl).toBe("http://127.0.0.1:8080/abc123/prod");
    expect(renderInvokeUrl("https://x/{stage}", { apiId: "a", region: "r", stage: "a b" })).toBe("https://x/a%20b");
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
