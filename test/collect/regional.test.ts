import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { SimError } from "../../fixtures/simulator/errors.js";
import { collectApiGateway } from "../../src/collect/apigateway.js";
import { collectApiGatewayV2 } from "../../src/collect/apigatewayv2.js";
import { collectCloudTrail } from "../../src/collect/cloudtrail.js";
import { collectConfig } from "../../src/collect/config.js";
import { DEFAULT_COLLECT_OPTIONS, type UnitContext } from "../../src/collect/context.js";
import { collectWafv2 } from "../../src/collect/wafv2.js";
import type { Resource } from "../../src/model/inventory.js";
import type { JsonObject } from "../../src/model/json.js";
import { account, sim, SIM_NOW, unitContext } from "../helpers/sim.js";

const NOW = SIM_NOW;
const demo = account("demo");
let s: Simulator;

const ctx = (region: string, pageSize = 1): UnitContext =>
  unitContext(demo, { region, options: { ...DEFAULT_COLLECT_OPTIONS, regionalPageSize: pageSize } });

const byType = (rs: Resource[], type: string) => rs.filter((r) => r.type === type);
const one = (rs: Resource[], arn: string): Resource => {
  const r = rs.find((x) => x.arn === arn);
  if (!r) throw new Error(`no resource ${arn} among ${rs.map((x) => x.arn).join(", ")}`);
  return r;
};

beforeAll(async () => {
  s = await sim([demo], { now: () => NOW });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

describe("API Gateway REST collector", () => {
  it("collects APIs, one resource per method with its path, stages, domains and account settings, paging at size 1", async () => {
    s.counts.clear();
    const out = await collectApiGateway(ctx("us-east-1"));
    expect(out.errors).toEqual([]);
    expect(
      byType(out.resources, "aws.apigateway.restapi")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["internal-admin", "orders"]);
    const methods = byType(out.resources, "aws.apigateway.method");
    expect(methods.map((m) => m.name).sort()).toEqual([
      "internal-admin ANY /",
      "internal-admin GET /orders",
      "internal-admin POST /orders",
      "orders DELETE /orders/{id}",
      "orders GET /",
      "orders GET /admin/orders",
      "orders GET /orders",
      "orders GET /orders/{id}",
      "orders OPTIONS /orders",
      "orders POST /orders",
    ]);
    const del = one(out.resources, "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/ordid00001/methods/DELETE");
    expect(del.raw["resourcePath"]).toBe("/orders/{id}");
    expect((del.raw["method"] as JsonObject)["authorizationType"]).toBe("NONE");
    const post = one(out.resources, "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/ordres0001/methods/POST");
    expect(post.raw["method"]).toMatchObject({
      authorizationType: "CUSTOM",
      authorizerId: "lam001",
      requestValidatorId: "val001",
    });
    const options = one(out.resources, "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/ordres0001/methods/OPTIONS");
    expect(options.raw["method"]).toMatchObject({
      methodIntegration: {
        integrationResponses: { "200": { responseParameters: { "method.response.header.Access-Control-Allow-Origin": "'*'" } } },
      },
    });
    const prod = one(out.resources, "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod");
    expect(prod.raw["stage"]).toMatchObject({
      webAclArn: "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/orders-prod/a1b2c3d4-1111-2222-3333-444455556666",
      tracingEnabled: true,
      clientCertificateId: "cert01",
      methodSettings: { "*/*": { loggingLevel: "INFO", throttlingBurstLimit: 200, throttlingRateLimit: 100 } },
      accessLogSettings: { format: "$context.requestId $context.identity.sourceIp $context.status" },
    });
    const dev = one(out.resources, "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev");
    expect((dev.raw["stage"] as JsonObject)["webAclArn"]).toBeUndefined();
    const orders = one(out.resources, "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5");
    expect((orders.raw["authorizers"] as JsonObject[]).map((a) => a["id"])).toEqual(["cog001", "lam001"]);
    expect((orders.raw["gatewayResponses"] as JsonObject[]).map((g) => g["responseType"])).toEqual([
      "DEFAULT_4XX",
      "DEFAULT_5XX",
    ]);
    const legacy = one(out.resources, "arn:aws:apigateway:us-east-1::/domainnames/legacy.example.com");
    expect(legacy.raw["domainName"]).toMatchObject({ securityPolicy: "TLS_1_0", endpointConfiguration: { types: ["EDGE"] } });
    expect(legacy.raw["basePathMappings"]).toEqual([{ basePath: "v0", restApiId: "a1b2c3d4e5", stage: "dev" }]);
    const acct = one(out.resources, "arn:aws:apigateway:us-east-1::/account");
    expect(acct.raw["account"]).toMatchObject({ throttleSettings: { burstLimit: 5000, rateLimit: 10000 } });
    expect((acct.raw["usagePlans"] as JsonObject[])[0]).toMatchObject({
      name: "partners",
      quota: { limit: 100000, period: "MONTH" },
    });
    // Page size 1: 2 APIs = 2 pages; orders has 5 resources = 5 pages, internal-admin 2; GetStages is one call per API.
    expect(s.counts.get("apigateway:GetRestApis")).toBe(2);
    expect(s.counts.get("apigateway:GetResources")).toBe(7);
    expect(s.counts.get("apigateway:GetStages")).toBe(2);
    expect(s.counts.get("apigateway:GetAuthorizers")).toBe(3);
    expect(s.counts.get("apigateway:GetDomainNames")).toBe(2);
    expect(s.counts.get("apigateway:GetBasePathMappings")).toBe(2);
    expect(s.counts.get("apigateway:GetAccount")).toBe(1);
  });

  it("records a failure of one API's GetStages with that API's ARN and still collects the rest", async () => {
    const hook = (i: { operation: string; request: { path: string } }) =>
      i.operation === "GetStages" && i.request.path.includes("/f6g7h8i9j0/")
        ? new SimError("AccessDeniedException", "User is not authorized to perform: apigateway:GET", 403)
        : undefined;
    s.hooks.push(hook);
    try {
      const out = await collectApiGateway(ctx("us-east-1", 500));
      expect(out.errors).toEqual([
        expect.objectContaining({
          service: "apigateway",
          operation: "GetStages",
          errorName: "AccessDeniedException",
          httpStatus: 403,
          region: "us-east-1",
          resourceArn: "arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0",
        }),
      ]);
      expect(byType(out.resources, "aws.apigateway.stage").map((r) => r.name)).toEqual(["orders/prod", "orders/dev"]);
      expect(byType(out.resources, "aws.apigateway.method")).toHaveLength(10);
    } finally {
      s.hooks.splice(s.hooks.indexOf(hook), 1);
    }
  });

  it("collects the other region's APIs in that region only", async () => {
    const out = await collectApiGateway(ctx("eu-west-1"));
    expect(out.errors).toEqual([]);
    expect(byType(out.resources, "aws.apigateway.method").map((m) => m.arn)).toEqual([
      "arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/resources/payres0001/methods/POST",
      "arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5/resources/payres0001/methods/GET",
    ]);
  });
});

describe("API Gateway v2 collector", () => {
  it("collects HTTP and WebSocket APIs, stages, routes, authorizers, integrations, domains, paging at size 1", async () => {
    s.counts.clear();
    const out = await collectApiGatewayV2(ctx("us-east-1"));
    expect(out.errors).toEqual([]);
    const api = one(out.resources, "arn:aws:apigateway:us-east-1::/apis/h1t2t3p4a5");
    expect(api.raw["api"]).toMatchObject({
      ProtocolType: "HTTP",
      DisableExecuteApiEndpoint: false,
      CorsConfiguration: { AllowOrigins: ["*"], AllowCredentials: false },
    });
    expect(api.raw["authorizers"]).toEqual([
      expect.objectContaining({
        AuthorizerType: "JWT",
        JwtConfiguration: {
          Issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123",
          // The storefront-web app client of the customers user pool.
          Audience: ["6v1qk2m3n4p5r6s7t8u9w0x1y2"],
        },
      }),
    ]);
    expect(api.raw["integrations"]).toEqual([
      expect.objectContaining({ ConnectionType: "VPC_LINK", TlsConfig: { ServerNameToVerify: "shop.internal.example.com" } }),
    ]);
    const stage = one(out.resources, "arn:aws:apigateway:us-east-1::/apis/h1t2t3p4a5/stages/$default");
    expect(stage.raw["stage"]).toMatchObject({
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
      RouteSettings: { "POST /cart": { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 } },
      AccessLogSettings: { Format: "$context.requestId" },
    });
    expect(
      byType(out.resources, "aws.apigatewayv2.route")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["chat $connect", "chat $default", "storefront GET /health", "storefront GET /products", "storefront POST /cart"]);
    const dom = one(out.resources, "arn:aws:apigateway:us-east-1::/domainnames/shop.example.com");
    expect(dom.raw["domainName"]).toMatchObject({
      DomainNameConfigurations: [{ SecurityPolicy: "TLS_1_2", EndpointType: "REGIONAL" }],
    });
    expect(dom.raw["apiMappings"]).toEqual([
      { ApiMappingId: "map001", ApiId: "h1t2t3p4a5", Stage: "$default", ApiMappingKey: "" },
    ]);
    expect(s.counts.get("apigateway:v2:GetApis")).toBe(2);
    expect(s.counts.get("apigateway:v2:GetRoutes")).toBe(3 + 2);
  });
});

describe("WAFv2 collector", () => {
  it("collects regional web ACLs with their API Gateway associations and logging", async () => {
    s.counts.clear();
    const out = await collectWafv2(ctx("us-east-1"));
    expect(out.errors).toEqual([]);
    const [acl] = out.resources;
    expect(acl!.raw["apiGatewayResourceArns"]).toEqual(["arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"]);
    expect(acl!.raw["webAcl"]).toMatchObject({
      DefaultAction: { Allow: {} },
      Rules: [{ Name: "AWS-AWSManagedRulesCommonRuleSet" }, { Name: "rate-limit" }],
    });
    expect(acl!.raw["loggingConfiguration"]).toMatchObject({ LogDestinationConfigs: [expect.stringContaining("firehose")] });
  });

  it("no logging configuration is data (null), not a collection error", async () => {
    const out = await collectWafv2(ctx("eu-west-1"));
    expect(out.errors).toEqual([]);
    expect(out.resources[0]!.raw["loggingConfiguration"]).toBeNull();
    expect(out.resources[0]!.raw["apiGatewayResourceArns"]).toEqual([]);
  });

  it("pages ListWebACLs with NextMarker", async () => {
    const many = structuredClone(demo);
    const acl = many.regional!["us-east-1"]!.wafv2!.webAcls![0]!;
    many.regional!["us-east-1"]!.wafv2!.webAcls = [0, 1, 2].map((i) => ({ ...acl, Name: `acl${i}`, Id: `id-${i}` }));
    const s2 = await sim([many]);
    process.env["AWS_ENDPOINT_URL"] = s2.endpoint;
    try {
      const out = await collectWafv2(ctx("us-east-1", 2));
      expect(out.resources.map((r) => r.name)).toEqual(["acl0", "acl1", "acl2"]);
      expect(s2.counts.get("wafv2:ListWebACLs")).toBe(2);
    } finally {
      process.env["AWS_ENDPOINT_URL"] = s.endpoint;
      await s2.close();
    }
  });
});

describe("CloudTrail collector", () => {
  it("sees the multi-region trail from its home region and as a shadow trail elsewhere, by ARN", async () => {
    const home = await collectCloudTrail(ctx("us-east-1"));
    expect(home.errors).toEqual([]);
    const trail = one(home.resources, "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit");
    expect(trail.raw["trail"]).toMatchObject({ IsMultiRegionTrail: true, HomeRegion: "us-east-1" });
    expect(trail.raw["status"]).toMatchObject({ IsLogging: true });
    expect(trail.raw["eventSelectors"]).toMatchObject({
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }],
    });

    const eu = await collectCloudTrail(ctx("eu-west-1"));
    expect(eu.errors).toEqual([]);
    // Only the trail homed in eu-west-1 is a trail resource there; the shadow trail is on the region resource.
    expect(byType(eu.resources, "aws.cloudtrail.trail").map((r) => r.name)).toEqual(["eu-data-events"]);
    const region = one(eu.resources, "arn:aws:cloudtrail:eu-west-1:111122223333:region/eu-west-1");
    expect((region.raw["trails"] as JsonObject[]).map((t) => t["Name"]).sort()).toEqual(["eu-data-events", "org-audit"]);
    expect(Object.keys(region.raw["trailStatus"] as JsonObject).sort()).toEqual([
      "arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events",
      "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit",
    ]);
    expect(
      (region.raw["eventSelectors"] as Record<string, JsonObject>)[
        "arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events"
      ],
    ).toMatchObject({
      AdvancedEventSelectors: [{ Name: "S3 data events" }],
    });
  });
});

describe("Config collector", () => {
  it("collects recorders, status and delivery channels; a region without Config still has a region resource", async () => {
    const on = await collectConfig(ctx("us-east-1"));
    expect(on.errors).toEqual([]);
    expect(on.resources[0]!.raw).toMatchObject({
      configurationRecorders: [{ name: "default", recordingGroup: { allSupported: true } }],
      configurationRecordersStatus: [{ name: "default", recording: true, lastStatus: "Success" }],
      deliveryChannels: [{ name: "default", s3BucketName: "acme-config-history" }],
      deliveryChannelsStatus: [{ name: "default", configHistoryDeliveryInfo: { lastStatus: "SUCCESS" } }],
    });
    const off = await collectConfig(ctx("eu-west-1"));
    expect(off.resources[0]!.raw).toEqual({
      configurationRecorders: [],
      configurationRecordersStatus: [],
      deliveryChannels: [],
      deliveryChannelsStatus: [],
    });
  });
});
