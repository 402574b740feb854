import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules, type Rule } from "../../../src/engine/rules.js";
import { exposurePaths } from "../../../src/enrich/paths.js";
import type { CollectionError, Inventory, Resource } from "../../../src/model/inventory.js";

// What a security engineer reads when a path could not be followed: the error finding names the hop and the call or
// resource that is missing, in words, not only the fact's JSON pointer.

const A = "111122223333";
const R = "us-east-1";
const API = "a1b2c3d4e5";
const methodArn = `arn:aws:apigateway:${R}::/restapis/${API}/resources/r1/methods/GET`;
const lambdaUri = (fn: string) => `arn:aws:apigateway:${R}:lambda:path/2015-03-31/functions/${fn}/invocations`;

const res = (type: Resource["type"], arn: string, name: string, raw: Resource["raw"], region = R): Resource => ({
  type,
  arn,
  account: A,
  region,
  name,
  raw,
  derived: {},
});
const api = res("aws.apigateway.restapi", `arn:aws:apigateway:${R}::/restapis/${API}`, "orders", {
  restApi: { id: API, name: "orders" },
});
const stage = res("aws.apigateway.stage", `arn:aws:apigateway:${R}::/restapis/${API}/stages/prod`, "orders/prod", {
  stage: { stageName: "prod" },
  restApiId: API,
});
const method = (fnArn: string) =>
  res("aws.apigateway.method", methodArn, "orders GET /orders", {
    method: { authorizationType: "NONE", methodIntegration: { type: "AWS_PROXY", uri: lambdaUri(fnArn) } },
    restApiId: API,
    restApiName: "orders",
  });

let rules: Rule[];
beforeAll(() => {
  rules = loadRules(builtInRuleDirs()).filter((r) => r.id === "aws.path.exposure.no-admin");
});

function judge(resources: Resource[], errors: CollectionError[] = []) {
  const all = [...resources, ...exposurePaths(resources, errors)];
  const inv = { resources: all, errors, metadata: { services: [] } } as unknown as Inventory;
  const f = evaluate(inv, rules).find((x) => x.resourceArn === methodArn);
  if (!f) throw new Error("no finding for the method's path");
  return f;
}

describe("exposure paths that could not be followed say why, in words", () => {
  it("a function in a region the scan did not cover: which function, where, and what to scan", () => {
    const f = judge([api, stage, method(`arn:aws:lambda:eu-west-3:${A}:function:far`)]);
    expect(f.status).toBe("error");
    expect(f.message).toBe(
      `No internet-facing entry point reaches administrator-equivalent privileges: could not be judged for orders GET /orders: ` +
        `could not follow the path: AWS_PROXY integration of orders GET /orders invokes function arn:aws:lambda:eu-west-3:${A}:function:far, ` +
        `in eu-west-3 of account ${A}, which the scan did not cover (add that account and region to follow the path) (/derived/reaches).`,
    );
  });

  it("a failed listing: the call that failed and the function it left unknown", () => {
    const denied: CollectionError = {
      account: A,
      region: R,
      service: "lambda",
      operation: "ListFunctions",
      errorName: "AccessDeniedException",
      message: "denied",
    };
    const f = judge([api, stage, method(`arn:aws:lambda:${R}:${A}:function:near`)], [denied]);
    expect(f.status).toBe("error");
    expect(f.message).toContain(
      `invokes function arn:aws:lambda:${R}:${A}:function:near, which could not be looked up: lambda:ListFunctions failed (AccessDeniedException)`,
    );
  });

  it("a role whose permissions are unknown: which role and why", () => {
    const fn = res("aws.lambda.function", `arn:aws:lambda:${R}:${A}:function:near`, "near", {
      function: { FunctionName: "near", Role: `arn:aws:iam::${A}:role/opaque` },
      policy: null,
    });
    const role = res("aws.iam.role", `arn:aws:iam::${A}:role/opaque`, "opaque", { detail: {} }, "global");
    const f = judge([api, stage, fn, role, method(fn.arn)]);
    expect(f.status).toBe("error");
    expect(f.message).toContain(
      "what role opaque may do is unknown: the IAM analysis did not run (its action catalogue was not loaded) (/derived/reaches)",
    );
  });
});
