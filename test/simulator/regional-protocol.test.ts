import { APIGatewayClient, GetResourcesCommand, GetStagesCommand } from "@aws-sdk/client-api-gateway";
import { CloudTrailClient, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { ListResourcesForWebACLCommand, WAFV2Client } from "@aws-sdk/client-wafv2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import { fixedClock } from "../../src/util/clock.js";
import { memoryLogger } from "../../src/util/logger.js";
import { account, callerCredentials, sim } from "../helpers/sim.js";

const demo = account("demo");
let s: Simulator;
const cfg = (region = "us-east-1") => ({ region, credentials: callerCredentials(demo), maxAttempts: 1 });

beforeAll(async () => {
  s = await sim([demo]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

describe("regional services over the real wire protocols", () => {
  it("ListResourcesForWebACL without ResourceType answers for load balancers, as AWS does", async () => {
    const waf = new WAFV2Client(cfg());
    const WebACLArn = "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/orders-prod/a1b2c3d4-1111-2222-3333-444455556666";
    const def = await waf.send(new ListResourcesForWebACLCommand({ WebACLArn }));
    const api = await waf.send(new ListResourcesForWebACLCommand({ WebACLArn, ResourceType: "API_GATEWAY" }));
    expect(def.ResourceArns).toEqual([
      "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/shop/0123456789abcdef",
    ]);
    expect(api.ResourceArns).toEqual(["arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"]);
    waf.destroy();
  });

  it("GetResources without embed=methods carries no method details", async () => {
    const apigw = new APIGatewayClient(cfg());
    const plain = await apigw.send(new GetResourcesCommand({ restApiId: "a1b2c3d4e5" }));
    expect(plain.items?.find((r) => r.path === "/orders/{id}")?.resourceMethods?.["DELETE"]).toEqual({});
    const embedded = await apigw.send(new GetResourcesCommand({ restApiId: "a1b2c3d4e5", embed: ["methods"] }));
    expect(embedded.items?.find((r) => r.path === "/orders/{id}")?.resourceMethods?.["DELETE"]).toMatchObject({
      authorizationType: "NONE",
    });
    apigw.destroy();
  });

  it("answers unknown APIs and trails with the real error names", async () => {
    const apigw = new APIGatewayClient(cfg());
    await expect(apigw.send(new GetStagesCommand({ restApiId: "zzzzzzzzzz" }))).rejects.toMatchObject({
      name: "NotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
    const ct = new CloudTrailClient(cfg("eu-west-1"));
    // By name only in the home region; by ARN from anywhere (shadow trails).
    await expect(ct.send(new GetTrailStatusCommand({ Name: "org-audit" }))).rejects.toMatchObject({
      name: "TrailNotFoundException",
    });
    const byArn = await ct.send(new GetTrailStatusCommand({ Name: "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit" }));
    expect(byArn.IsLogging).toBe(true);
    expect(byArn.LatestDeliveryTime).toBeInstanceOf(Date);
    apigw.destroy();
    ct.destroy();
  });
});

describe("multi-region scan of the demo account", () => {
  it("finds each region's resources, and a failed per-API call makes that API's rules report error", async () => {
    const inv = await scan({
      settings: { credentials: callerCredentials(demo), maxAttempts: 1, userAgent: "tollgate-test" },
      scan: { regions: ["us-east-1", "eu-west-1"] },
      homeRegion: "us-east-1",
      clock: fixedClock(new Date()),
      logger: memoryLogger(),
      toolVersion: "test",
    });
    // The demo's only gap is its deliberately malformed IAM policy.
    expect(inv.errors.filter((e) => e.service !== "iam")).toEqual([]);
    const count = (type: string, region: string) => inv.resources.filter((r) => r.type === type && r.region === region).length;
    expect(count("aws.apigateway.method", "us-east-1")).toBe(10);
    expect(count("aws.apigateway.method", "eu-west-1")).toBe(2);
    expect(count("aws.apigateway.stage", "us-east-1")).toBe(3);
    expect(count("aws.apigatewayv2.route", "us-east-1")).toBe(5);
    expect(count("aws.wafv2.webacl", "eu-west-1")).toBe(1);
    expect(count("aws.cloudtrail.trail", "us-east-1")).toBe(1);
    expect(count("aws.cloudtrail.region", "eu-west-1")).toBe(1);
    expect(count("aws.config.region", "eu-west-1")).toBe(1);
    const region = (type: string, r: string) => inv.resources.find((x) => x.type === type && x.region === r)!;
    // The multi-region trail homed in us-east-1 covers eu-west-1 through its shadow copy.
    expect(region("aws.cloudtrail.region", "eu-west-1").derived["trailCoverage"]).toMatchObject({
      covered: true,
      coveringTrails: ["arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit"],
    });
    expect(region("aws.config.region", "us-east-1").derived["configStatus"]).toMatchObject({ enabled: true });
    expect(region("aws.config.region", "eu-west-1").derived["configStatus"]).toMatchObject({
      enabled: false,
      recorderPresent: false,
    });
    const prodStage = inv.resources.find((r) => r.arn === "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod")!;
    expect(prodStage.derived).toMatchObject({ wafAssociated: true, webAcl: { reportedByStage: true, reportedByWaf: true } });
  });

  it("a failed GetResources for one API yields error (not silence, not pass) for that API's method rule", async () => {
    const { SimError } = await import("../../fixtures/simulator/errors.js");
    const hook = (i: { operation: string; request: { path: string } }) =>
      i.operation === "GetResources" && i.request.path.includes("/p9q8r7s6t5/")
        ? new SimError("TooManyRequestsException", "Too Many Requests", 429)
        : undefined;
    s.hooks.push(hook);
    try {
      const inv = await scan({
        settings: { credentials: callerCredentials(demo), maxAttempts: 1, userAgent: "tollgate-test" },
        scan: { regions: ["eu-west-1"], maxAttempts: 2 },
        homeRegion: "eu-west-1",
        clock: fixedClock(new Date()),
        logger: memoryLogger(),
        toolVersion: "test",
      });
      const apiArn = "arn:aws:apigateway:eu-west-1::/restapis/p9q8r7s6t5";
      expect(inv.errors.filter((e) => e.service !== "iam")).toEqual([
        expect.objectContaining({ operation: "GetResources", resourceArn: apiArn, httpStatus: 429 }),
      ]);
      const rules = loadRules(builtInRuleDirs()).filter((r) => r.id === "aws.apigateway.method.authorization-required");
      const findings = evaluate(inv, rules);
      expect(findings.map((f) => [f.status, f.resourceArn])).toEqual([["error", apiArn]]);
    } finally {
      s.hooks.splice(s.hooks.indexOf(hook), 1);
    }
  });
});
