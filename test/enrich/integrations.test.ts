import { describe, expect, it } from "vitest";
import { enrichIntegrations, type IntegrationContext } from "../../src/enrich/integrations.js";
import type { CollectionError, Resource } from "../../src/model/inventory.js";
import type { JsonObject, JsonValue } from "../../src/model/json.js";

const ACCT = "111122223333";
const fnArn = (name: string, region = "us-east-1", account = ACCT) => `arn:aws:lambda:${region}:${account}:function:${name}`;
const invoke = (arn: string, region = "us-east-1") =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
const lambda = (name: string, region = "us-east-1"): Resource => ({
  type: "aws.lambda.function",
  arn: fnArn(name, region),
  account: ACCT,
  region,
  name,
  raw: { function: { FunctionName: name } },
  derived: {},
});
const method = (integration: Record<string, JsonValue> | undefined, id = "m1"): Resource => ({
  type: "aws.apigateway.method",
  arn: `arn:aws:apigateway:us-east-1::/restapis/abc/resources/${id}/methods/GET`,
  account: ACCT,
  region: "us-east-1",
  name: `orders GET /${id}`,
  raw: { method: { httpMethod: "GET", ...(integration ? { methodIntegration: integration } : {}) } },
  derived: {},
});
const route = (integration: Record<string, JsonValue> | undefined, target?: string): Resource => ({
  type: "aws.apigatewayv2.route",
  arn: "arn:aws:apigateway:us-east-1::/apis/h1/routes/r1",
  account: ACCT,
  region: "us-east-1",
  name: "shop GET /x",
  raw: { route: { RouteKey: "GET /x", ...(target ? { Target: target } : {}) }, ...(integration ? { integration } : {}) },
  derived: {},
});
const UNITS = [
  { account: ACCT, region: "us-east-1" },
  { account: ACCT, region: "eu-west-1" },
];
const backendOf = (rs: Resource[], r: Resource, ctx: IntegrationContext = { errors: [], units: UNITS }) => {
  const out = enrichIntegrations(rs, ctx);
  return { backend: (out.derived.get(r) as JsonObject)["integrationBackend"], skip: out.skipped?.get(r) };
};

describe("integration backends: plain HTTP", () => {
  it("an HTTP or HTTP_PROXY integration over the internet to http:// is plain HTTP; https:// is not", () => {
    const plain = method({ type: "HTTP_PROXY", uri: "http://legacy.example.com/orders" });
    expect(backendOf([plain], plain).backend).toMatchObject({ httpUrl: "http://legacy.example.com/orders", plainHttp: true });
    const tls = method({ type: "HTTP", uri: "https://api.example.com/orders", connectionType: "INTERNET" });
    expect(backendOf([tls], tls).backend).toMatchObject({ httpUrl: "https://api.example.com/orders", plainHttp: false });
    const v2 = route(
      { IntegrationType: "HTTP_PROXY", IntegrationUri: "HTTP://backend.example.com/", ConnectionType: "INTERNET" },
      "integrations/i1",
    );
    expect(backendOf([v2], v2).backend).toMatchObject({ plainHttp: true });
  });

  it("a VPC link integration is private: no internet URL to judge, even with http://", () => {
    const rest = method({
      type: "HTTP_PROXY",
      uri: "http://nlb.internal:8080/",
      connectionType: "VPC_LINK",
      connectionId: "vl1",
    });
    expect(backendOf([rest], rest).backend).toMatchObject({ httpUrl: null, plainHttp: null });
    const v2 = route(
      {
        IntegrationType: "HTTP_PROXY",
        IntegrationUri: "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/x/1/2",
        ConnectionType: "VPC_LINK",
      },
      "integrations/i1",
    );
    expect(backendOf([v2], v2).backend).toMatchObject({ httpUrl: null, plainHttp: null });
  });

  it("a scheme a stage variable supplies is left out with the reason; a literal http:// scheme is still judged", () => {
    const varScheme = method({ type: "HTTP_PROXY", uri: "${stageVariables.backend}/orders" });
    const out = backendOf([varScheme], varScheme);
    expect(out.backend).toMatchObject({ plainHttp: null });
    expect(out.skip?.["/derived/integrationBackend/plainHttp"]).toMatch(/stage variable/);
    const varHost = method({ type: "HTTP", uri: "http://${stageVariables.host}/orders" });
    expect(backendOf([varHost], varHost).backend).toMatchObject({ plainHttp: true });
  });
});

describe("integration backends: Lambda functions", () => {
  it("joins an AWS_PROXY integration (invocation path or plain ARN, qualified or not) with the Lambda listing", () => {
    const there = method({ type: "AWS_PROXY", uri: invoke(fnArn("orders")) });
    const alias = method({ type: "AWS", uri: invoke(`${fnArn("orders")}:live`) }, "m2");
    const gone = method({ type: "AWS_PROXY", uri: invoke(fnArn("admin")) }, "m3");
    const v2 = route({ IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("orders") }, "integrations/i1");
    const all = [lambda("orders"), there, alias, gone, v2];
    expect(backendOf(all, there).backend).toEqual({
      httpUrl: null,
      plainHttp: null,
      functionArn: fnArn("orders"),
      functionScanned: true,
      functionExists: true,
    });
    expect(backendOf(all, alias).backend).toMatchObject({ functionArn: fnArn("orders"), functionExists: true });
    expect(backendOf(all, gone).backend).toMatchObject({ functionArn: fnArn("admin"), functionExists: false });
    expect(backendOf(all, v2).backend).toMatchObject({ functionExists: true });
  });

  it("a function of the same name in another region or account is not the one named", () => {
    const m = method({ type: "AWS_PROXY", uri: invoke(fnArn("orders")) });
    expect(backendOf([lambda("orders", "eu-west-1"), m], m).backend).toMatchObject({ functionExists: false });
  });

  it("a failed Lambda listing there (ListFunctions, the whole unit) or unknown errors leave existence unknown", () => {
    const m = method({ type: "AWS_PROXY", uri: invoke(fnArn("admin")) });
    const err = (e: Partial<CollectionError>): CollectionError => ({
      account: ACCT,
      region: "us-east-1",
      service: "lambda",
      operation: "ListFunctions",
      errorName: "AccessDenied",
      message: "denied",
      ...e,
    });
    for (const errors of [[err({})], [err({ operation: "*" })], [err({ service: "*", operation: "*", region: "global" })]])
      expect(backendOf([m], m, { errors, units: UNITS }).backend).toMatchObject({ functionScanned: true, functionExists: null });
    expect(backendOf([m], m, { units: UNITS }).backend).toMatchObject({ functionExists: null });
    // A failure in another region says nothing about this one.
    expect(backendOf([m], m, { errors: [err({ region: "eu-west-1" })], units: UNITS }).backend).toMatchObject({
      functionExists: false,
    });
  });

  it("a function outside the scan is not judged; without the units only the integration's own region counts", () => {
    const other = method({ type: "AWS_PROXY", uri: invoke(fnArn("x", "us-east-1", "999988887777")) });
    expect(backendOf([other], other).backend).toMatchObject({ functionScanned: false, functionExists: null });
    const far = method({ type: "AWS_PROXY", uri: invoke(fnArn("x", "ap-south-1"), "ap-south-1") }, "m2");
    expect(backendOf([far], far).backend).toMatchObject({ functionScanned: false });
    const near = method({ type: "AWS_PROXY", uri: invoke(fnArn("x")) }, "m3");
    expect(backendOf([near], near, { errors: [] }).backend).toMatchObject({ functionScanned: true, functionExists: false });
    const euro = method({ type: "AWS_PROXY", uri: invoke(fnArn("x", "eu-west-1"), "eu-west-1") }, "m4");
    expect(backendOf([euro], euro, { errors: [] }).backend).toMatchObject({ functionScanned: false });
  });

  it("Lambda left out by --services, or a function named by a stage variable, is skipped with the reason", () => {
    const m = method({ type: "AWS_PROXY", uri: invoke(fnArn("orders")) });
    const out = backendOf([m], m, { errors: [], units: UNITS, services: ["apigateway"] });
    expect(out.backend).toMatchObject({ functionScanned: true, functionExists: null });
    expect(out.skip).toEqual({ "/derived/integrationBackend/functionExists": "Lambda was not collected (--services)" });
    const v = method({ type: "AWS_PROXY", uri: invoke(`${fnArn("orders")}-\${stageVariables.env}`) }, "m2");
    expect(backendOf([v], v).skip?.["/derived/integrationBackend/functionExists"]).toMatch(/stage variable names the function/);
  });

  it("a route naming an integration that was not read has an unknown backend, not an empty one", () => {
    const r = route(undefined, "integrations/i9");
    expect(backendOf([r], r).backend).toBeNull();
    const untargeted = route(undefined);
    expect(backendOf([untargeted], untargeted).backend).toMatchObject({ httpUrl: null, functionArn: null });
  });
});
