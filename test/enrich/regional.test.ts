import { describe, expect, it } from "vitest";
import { configStatus, enrichRegional, restThrottling, routeThrottling, trailCoverage } from "../../src/enrich/regional.js";
import type { Resource, ResourceType } from "../../src/model/inventory.js";
import type { JsonValue } from "../../src/model/json.js";

const res = (type: ResourceType, arn: string, raw: Record<string, JsonValue>): Resource => ({
  type,
  arn,
  account: "111122223333",
  region: "us-east-1",
  name: arn,
  raw,
  derived: {},
});
const ACCOUNT = { throttleSettings: { burstLimit: 5000, rateLimit: 10000 } };
const MR = "arn:aws:cloudtrail:us-east-1:111122223333:trail/mr";

describe("effective throttling precedence", () => {
  const stage = {
    stageName: "prod",
    methodSettings: {
      "*/*": { throttlingBurstLimit: 200, throttlingRateLimit: 100 },
      "~1orders~1{id}/GET": { throttlingRateLimit: 5 },
    },
  };
  it("method over stage over account, burst and rate independently", () => {
    expect(restThrottling(stage, "/orders/{id}", "GET", ACCOUNT)).toEqual({
      stage: "prod",
      burstLimit: 200,
      burstSource: "stage",
      rateLimit: 5,
      rateSource: "method",
    });
    expect(restThrottling({ stageName: "dev", methodSettings: {} }, "/", "GET", ACCOUNT)).toMatchObject({
      burstLimit: 5000,
      burstSource: "account",
      rateLimit: 10000,
    });
    // Nothing set on the method or stage: the account's limit applies, even when it was not collected.
    expect(restThrottling({ stageName: "dev" }, "/", "GET", undefined)).toMatchObject({
      burstLimit: null,
      burstSource: "account",
    });
  });
  it("v2: route settings over default route settings over account", () => {
    const s = {
      StageName: "$default",
      DefaultRouteSettings: { ThrottlingBurstLimit: 200 },
      RouteSettings: { "POST /cart": { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 } },
    };
    expect(routeThrottling(s, "POST /cart", ACCOUNT)).toMatchObject({
      burstLimit: 20,
      burstSource: "route",
      rateSource: "route",
    });
    expect(routeThrottling(s, "GET /x", ACCOUNT)).toMatchObject({
      burstLimit: 200,
      burstSource: "stage",
      rateLimit: 10000,
      rateSource: "account",
    });
  });
});

describe("stage → web ACL", () => {
  const stageArn = "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod";
  const aclArn = "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/a/1";
  it("from the stage's webAclArn alone", () => {
    const stage = res("aws.apigateway.stage", stageArn, { stage: { stageName: "prod", webAclArn: aclArn } });
    const d = enrichRegional([stage]).derived.get(stage)!;
    expect(d).toEqual({
      wafAssociated: true,
      webAcl: { arn: aclArn, reportedByStage: true, reportedByWaf: false, wafListingCollected: false },
    });
  });
  it("from ListResourcesForWebACL alone", () => {
    const stage = res("aws.apigateway.stage", stageArn, { stage: { stageName: "prod" } });
    const acl = res("aws.wafv2.webacl", aclArn, { apiGatewayResourceArns: [stageArn] });
    const d = enrichRegional([stage, acl]).derived.get(stage)!;
    expect(d).toMatchObject({ wafAssociated: true, webAcl: { arn: aclArn, reportedByStage: false, reportedByWaf: true } });
  });
  it("neither: not associated", () => {
    const stage = res("aws.apigateway.stage", stageArn, { stage: { stageName: "prod" } });
    const acl = res("aws.wafv2.webacl", aclArn, {
      apiGatewayResourceArns: ["arn:aws:apigateway:us-east-1::/restapis/other/stages/x"],
    });
    expect(enrichRegional([stage, acl]).derived.get(stage)).toMatchObject({ wafAssociated: false, webAcl: { arn: null } });
  });
});

describe("method and route → authorizer", () => {
  it("joins a REST method to its authorizer and a v2 route to its JWT authorizer", () => {
    const api = res("aws.apigateway.restapi", "arn:aws:apigateway:us-east-1::/restapis/abc", {
      authorizers: [{ id: "a1", name: "tok", type: "TOKEN", identitySource: "method.request.header.X" }],
    });
    const method = res("aws.apigateway.method", "arn:aws:apigateway:us-east-1::/restapis/abc/resources/r1/methods/GET", {
      method: { authorizationType: "CUSTOM", authorizerId: "a1" },
      resourcePath: "/x",
      httpMethod: "GET",
    });
    const http = res("aws.apigatewayv2.api", "arn:aws:apigateway:us-east-1::/apis/h1", {
      authorizers: [
        { AuthorizerId: "j1", AuthorizerType: "JWT", JwtConfiguration: { Issuer: "https://issuer", Audience: ["aud"] } },
      ],
    });
    const route = res("aws.apigatewayv2.route", "arn:aws:apigateway:us-east-1::/apis/h1/routes/r1", {
      route: { RouteKey: "GET /x", AuthorizationType: "JWT", AuthorizerId: "j1" },
    });
    const out = enrichRegional([api, method, http, route]).derived;
    expect(out.get(method)).toMatchObject({ methodKey: "/x GET", authorizer: { id: "a1", found: true, type: "TOKEN" } });
    expect(out.get(route)).toMatchObject({ authorizer: { type: "JWT", jwtIssuer: "https://issuer", jwtAudience: ["aud"] } });
  });
});

describe("trail coverage of a region", () => {
  const trail = (extra: Record<string, JsonValue> = {}) => ({
    TrailARN: MR,
    IsMultiRegionTrail: true,
    HomeRegion: "us-east-1",
    ...extra,
  });
  const basicAll = { EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }] };
  it("a logging multi-region trail with basic All selectors covers", () => {
    expect(
      trailCoverage({ trails: [trail()], trailStatus: { [MR]: { IsLogging: true } }, eventSelectors: { [MR]: basicAll } }),
    ).toMatchObject({
      covered: true,
      coveringTrails: [MR],
    });
  });
  it("advanced selectors for management events (no readOnly filter) cover; readOnly=true only does not", () => {
    const adv = (fields: JsonValue[]) => ({ AdvancedEventSelectors: [{ Name: "m", FieldSelectors: fields }] });
    const mgmt = { Field: "eventCategory", Equals: ["Management"] };
    const base = { trails: [trail()], trailStatus: { [MR]: { IsLogging: true } } };
    expect(trailCoverage({ ...base, eventSelectors: { [MR]: adv([mgmt]) } })).toMatchObject({ covered: true });
    expect(
      trailCoverage({ ...base, eventSelectors: { [MR]: adv([mgmt, { Field: "readOnly", Equals: ["true"] }]) } }),
    ).toMatchObject({
      covered: false,
    });
    expect(
      trailCoverage({
        ...base,
        eventSelectors: { [MR]: adv([mgmt, { Field: "eventSource", NotEquals: ["kms.amazonaws.com"] }]) },
      }),
    ).toMatchObject({ covered: false });
    // Data events only: no management events at all.
    expect(
      trailCoverage({ ...base, eventSelectors: { [MR]: adv([{ Field: "eventCategory", Equals: ["Data"] }]) } }),
    ).toMatchObject({
      covered: false,
    });
  });
  it("not covered by a single-region trail, a stopped trail or WriteOnly selectors; no trails at all is false", () => {
    expect(
      trailCoverage({
        trails: [trail({ IsMultiRegionTrail: false })],
        trailStatus: { [MR]: { IsLogging: true } },
        eventSelectors: { [MR]: basicAll },
      }),
    ).toMatchObject({ covered: false });
    expect(
      trailCoverage({ trails: [trail()], trailStatus: { [MR]: { IsLogging: false } }, eventSelectors: { [MR]: basicAll } }),
    ).toMatchObject({
      covered: false,
    });
    expect(
      trailCoverage({
        trails: [trail()],
        trailStatus: { [MR]: { IsLogging: true } },
        eventSelectors: { [MR]: { EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }] } },
      }),
    ).toMatchObject({ covered: false });
    expect(trailCoverage({ trails: [], trailStatus: {}, eventSelectors: {} })).toMatchObject({ covered: false });
  });
  it("unknown (null), never false or true, when DescribeTrails failed or the only candidate's status is missing", () => {
    expect(trailCoverage({})).toMatchObject({ covered: null });
    expect(trailCoverage({ trails: [trail()], trailStatus: {}, eventSelectors: { [MR]: basicAll } })).toMatchObject({
      covered: null,
      unknownTrails: [MR],
    });
  });
});

describe("Config status of a region", () => {
  const ok = {
    configurationRecorders: [{ name: "default", recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } }],
    configurationRecordersStatus: [{ name: "default", recording: true, lastStatus: "Success" }],
    deliveryChannels: [{ name: "default" }],
    deliveryChannelsStatus: [{ name: "default", configHistoryDeliveryInfo: { lastStatus: "SUCCESS" } }],
  };
  it("enabled when a recorder records and a delivery channel delivers", () => {
    expect(configStatus(ok)).toMatchObject({ enabled: true, recording: true, allSupported: true, deliveryHealthy: true });
  });
  it("not enabled with no recorder, a stopped recorder, or failing delivery", () => {
    expect(
      configStatus({
        configurationRecorders: [],
        configurationRecordersStatus: [],
        deliveryChannels: [],
        deliveryChannelsStatus: [],
      }),
    ).toMatchObject({
      enabled: false,
      recorderPresent: false,
    });
    expect(configStatus({ ...ok, configurationRecordersStatus: [{ name: "default", recording: false }] })).toMatchObject({
      enabled: false,
    });
    expect(
      configStatus({
        ...ok,
        deliveryChannelsStatus: [{ name: "default", configHistoryDeliveryInfo: { lastStatus: "FAILURE" } }],
      }),
    ).toMatchObject({ enabled: false, deliveryHealthy: false });
  });
  it("unknown when the status call failed", () => {
    const { configurationRecordersStatus: _drop, ...rest } = ok;
    expect(configStatus(rest)).toMatchObject({ enabled: null, recording: null });
  });
});

describe("joins stay within an account", () => {
  it("a web ACL in one account never protects another account's stage with the same (account-less) ARN", () => {
    const stageArn = "arn:aws:apigateway:us-east-1::/restapis/abcdefghij/stages/prod";
    const mine = { ...res("aws.apigateway.stage", stageArn, { stage: { stageName: "prod" } }), account: "111111111111" };
    const theirs = { ...res("aws.apigateway.stage", stageArn, { stage: { stageName: "prod" } }), account: "222222222222" };
    const acl = {
      ...res("aws.wafv2.webacl", "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/a/1", {
        apiGatewayResourceArns: [stageArn],
      }),
      account: "111111111111",
    };
    const out = enrichRegional([mine, theirs, acl]);
    expect(out.derived.get(mine)?.["wafAssociated"]).toBe(true);
    expect(out.derived.get(theirs)?.["wafAssociated"]).toBe(false);
  });
});
