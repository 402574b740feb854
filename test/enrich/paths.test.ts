import { describe, expect, it } from "vitest";
import { exposurePaths } from "../../src/enrich/paths.js";
import type { Resource } from "../../src/model/inventory.js";
import type { JsonObject } from "../../src/model/json.js";
import { reportedPath } from "../../src/report/paths.js";
import { makeFinding } from "../helpers/report-input.js";

// The path resources as the rules judge them: a finding carries only its path (the evidence at
// /derived/reaches/<class>), so each path also says why it is as severe as it is: the entry's exposure and the
// controls that moved it.

const A = "111122223333";
const R = "us-east-1";
const api = `arn:aws:apigateway:${R}::/restapis/a1`;
const fn = `arn:aws:lambda:${R}:${A}:function:delete-order`;
const role = `arn:aws:iam::${A}:role/admin-role`;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const res = (type: Resource["type"], arn: string, name: string, raw: JsonObject, derived: JsonObject = {}, region = R) =>
  ({ type, arn, account: A, region, name, raw, derived }) as Resource;

const inventory = (): Resource[] => [
  res(
    "aws.iam.policy",
    ADMIN,
    "AdministratorAccess",
    { detail: {} },
    {
      document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    },
    "global",
  ),
  res(
    "aws.iam.role",
    role,
    "admin-role",
    { detail: { RoleName: "admin-role" } },
    {
      attachedPolicyArns: [ADMIN],
      inlinePolicies: [],
      access: {
        incomplete: false,
        errors: [],
        permissions: {
          adminEquivalent: true,
          adminReasons: ["Allows every action on every resource (*:*)"],
          privilegeEscalation: [],
          writeActionsOnAllResources: [],
          writeActionsOnAllResourcesCount: 0,
          dataAccessOnAllResources: [],
        },
      },
    },
    "global",
  ),
  res("aws.lambda.function", fn, "delete-order", { function: { FunctionName: "delete-order", Role: role }, policy: null }),
  res("aws.apigateway.restapi", api, "orders", { restApi: { id: "a1", name: "orders" } }, { resourcePolicy: null }),
  res(
    "aws.apigateway.stage",
    `${api}/stages/prod`,
    "orders/prod",
    { stage: { stageName: "prod" }, restApiId: "a1" },
    {
      wafAssociated: true,
      webAcl: { arn: `arn:aws:wafv2:${R}:${A}:regional/webacl/orders-prod/1` },
    },
  ),
  res("aws.apigateway.method", `${api}/resources/r1/methods/DELETE`, "orders DELETE /orders/{id}", {
    method: {
      authorizationType: "NONE",
      apiKeyRequired: false,
      methodIntegration: {
        type: "AWS_PROXY",
        uri: `arn:aws:apigateway:${R}:lambda:path/2015-03-31/functions/${fn}/invocations`,
      },
    },
    httpMethod: "DELETE",
    resourcePath: "/orders/{id}",
    resourceId: "r1",
    restApiId: "a1",
    restApiName: "orders",
  }),
];

describe("exposure-path resources", () => {
  it("each reported path carries its entry's exposure and the controls that moved its severity, for reports", () => {
    const [p] = exposurePaths(inventory(), []).filter((r) => r.arn.endsWith("/methods/DELETE"));
    const reaches = p!.derived["reaches"] as JsonObject;
    const admin = reaches["admin"] as JsonObject;
    expect(admin["severity"]).toBe("high");
    expect(admin["exposure"]).toBe("unauthenticated");
    expect(admin["exposureDetail"]).toBe("authorizationType NONE");
    expect(admin["controls"]).toEqual([{ kind: "waf", detail: "web ACL orders-prod on every stage", effect: -1 }]);
    expect(reaches["writeAll"]).toBeNull();
    // As a reporter reads it from the failing finding's evidence.
    const f = makeFinding({
      ruleId: "aws.path.exposure.no-admin",
      resourceType: "aws.path.exposure",
      evidence: [{ path: "/derived/reaches/admin", actual: admin, expected: "must be null" }],
    });
    expect(reportedPath(f)?.controls?.[0]?.kind).toBe("waf");
  });
});
