import { describe, expect, it } from "vitest";
import {
  analyzePaths,
  CONTROL_KINDS,
  ENTRY_KINDS,
  HOPS,
  ENTRY_TYPES,
  type EntryAnalysis,
} from "../../../src/analysis/paths/index.js";
import type { CollectionError, Resource } from "../../../src/model/inventory.js";
import type { JsonObject } from "../../../src/model/json.js";

// Hand-built inventories: each entry kind, hop type and modifier of the path analysis, and the gaps that make an
// entry "could not be evaluated" instead of a shorter path list.

const A = "111122223333";
const R = "us-east-1";
const API = "a1b2c3d4e5";
const apiArn = `arn:aws:apigateway:${R}::/restapis/${API}`;
const fnArn = (n: string) => `arn:aws:lambda:${R}:${A}:function:${n}`;
const roleArn = (n: string) => `arn:aws:iam::${A}:role/${n}`;
const ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";

const res = (
  type: Resource["type"],
  arn: string,
  name: string,
  raw: JsonObject,
  derived: JsonObject = {},
  region = R,
): Resource => ({
  type,
  arn,
  account: A,
  region,
  name,
  raw,
  derived,
});

const permissions = (p: JsonObject) => ({
  incomplete: false,
  errors: [],
  permissions: {
    adminEquivalent: false,
    adminReasons: [],
    privilegeEscalation: [],
    writeActionsOnAllResources: [],
    writeActionsOnAllResourcesCount: 0,
    dataAccessOnAllResources: [],
    ...p,
  },
});

const role = (name: string, access: JsonObject | null, policies: { attached?: string[]; inline?: JsonObject[] } = {}) =>
  res(
    "aws.iam.role",
    roleArn(name),
    name,
    { detail: { RoleName: name } },
    {
      attachedPolicyArns: policies.attached ?? [],
      inlinePolicies: policies.inline ?? [],
      ...(access ? { access: access as JsonObject } : {}),
    },
    "global",
  );

const adminPolicy = res(
  "aws.iam.policy",
  ADMIN_POLICY,
  "AdministratorAccess",
  { detail: {} },
  { document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } },
  "global",
);
const adminRole = role(
  "admin-role",
  permissions({ adminEquivalent: true, adminReasons: ["Allows every action on every resource (*:*)"] }),
  { attached: [ADMIN_POLICY] },
);
const basicRole = role(
  "basic-role",
  permissions({
    writeActionsOnAllResources: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    writeActionsOnAllResourcesCount: 3,
  }),
);
const dataRole = role("data-role", permissions({ dataAccessOnAllResources: ["s3:GetObject", "dynamodb:Scan"] }), {
  inline: [
    {
      name: "reader",
      document: { Statement: [{ Sid: "Read", Effect: "Allow", Action: ["s3:Get*", "dynamodb:*"], Resource: "*" }] },
    },
  ],
});
const writerRole = role(
  "writer-role",
  permissions({ writeActionsOnAllResources: ["logs:PutLogEvents", "s3:DeleteBucket"], writeActionsOnAllResourcesCount: 2 }),
);
const escalatorRole = role(
  "escalator",
  permissions({
    privilegeEscalation: [
      {
        id: "lambda",
        name: "New Lambda with a passed role",
        enablingActions: ["iam:PassRole", "lambda:CreateFunction"],
        limitedBy: null,
      },
    ],
  }),
);

const fn = (name: string, roleName: string, extra: JsonObject = {}) =>
  res("aws.lambda.function", fnArn(name), name, {
    function: { FunctionName: name, Role: roleArn(roleName) },
    policy: null,
    ...extra,
  });

const lambdaUri = (name: string) => `arn:aws:apigateway:${R}:lambda:path/2015-03-31/functions/${fnArn(name)}/invocations`;
const method = (id: string, verb: string, auth: string, integration: JsonObject, extra: JsonObject = {}) =>
  res("aws.apigateway.method", `${apiArn}/resources/${id}/methods/${verb}`, `orders ${verb} /${id}`, {
    method: { authorizationType: auth, apiKeyRequired: false, methodIntegration: integration, ...extra },
    httpMethod: verb,
    resourcePath: `/${id}`,
    resourceId: id,
    restApiId: API,
    restApiName: "orders",
  });
const restApi = (extra: JsonObject = {}, derived: JsonObject = {}) =>
  res(
    "aws.apigateway.restapi",
    apiArn,
    "orders",
    { restApi: { id: API, name: "orders", ...extra } },
    { resourcePolicy: null, ...derived },
  );
const stage = (name: string, waf: boolean) =>
  res(
    "aws.apigateway.stage",
    `${apiArn}/stages/${name}`,
    `orders/${name}`,
    { stage: { stageName: name }, restApiId: API, restApiName: "orders" },
    { wafAssociated: waf, webAcl: { arn: waf ? `arn:aws:wafv2:${R}:${A}:regional/webacl/orders-prod/1` : null } },
  );

const base = [adminPolicy, adminRole, basicRole, dataRole, writerRole, escalatorRole, restApi(), stage("prod", false)];

function run(resources: Resource[], errors: CollectionError[] = []): Map<string, EntryAnalysis> {
  return new Map(analyzePaths({ resources, errors }).map((a) => [a.entry.arn, a]));
}
const only = (m: Map<string, EntryAnalysis>, arn: string) => {
  const a = m.get(arn);
  if (!a) throw new Error(`no entry ${arn} among ${[...m.keys()].join(", ")}`);
  return a;
};

describe("exposure paths: entries", () => {
  it("REST method with no authorization → Lambda → admin role: a critical path with the ordered chain and the granting statement", () => {
    const m = method("orders", "DELETE", "NONE", { type: "AWS_PROXY", uri: lambdaUri("delete-order") });
    const a = only(run([...base, fn("delete-order", "admin-role"), m]), m.arn);
    expect(a.exposure).toBe("unauthenticated");
    expect(a.gaps).toEqual([]);
    const p = a.reaches?.admin;
    expect(p?.severity).toBe("critical");
    expect(p?.chain.map((n) => n.kind)).toEqual(["apigateway-method", "integration", "lambda-function", "iam-role"]);
    expect(p?.identity).toBe(roleArn("admin-role"));
    expect(p?.permission.grants).toEqual([{ action: "*", policy: ADMIN_POLICY, statement: 0 }]);
    // Admin subsumes the lower classes: reported once.
    expect(a.reaches?.writeAll).toBeNull();
  });

  it("API-key-only, Cognito, Lambda-authorizer and IAM methods get their exposure; IAM is not a path", () => {
    const integ = { type: "AWS_PROXY", uri: lambdaUri("f") };
    const key = method("k", "GET", "NONE", integ, { apiKeyRequired: true });
    const cog = method("c", "GET", "COGNITO_USER_POOLS", integ);
    const lam = method("l", "GET", "CUSTOM", integ);
    const iam = method("i", "GET", "AWS_IAM", integ);
    const out = run([...base, fn("f", "admin-role"), key, cog, lam, iam]);
    expect(only(out, key.arn).exposure).toBe("api-key");
    expect(only(out, key.arn).reaches?.admin?.severity).toBe("critical");
    expect(only(out, cog.arn).exposure).toBe("authenticated");
    expect(only(out, cog.arn).reaches?.admin?.severity).toBe("high");
    expect(only(out, lam.arn).reaches?.admin?.severity).toBe("high");
    const i = only(out, iam.arn);
    expect(i.exposure).toBe("iam");
    expect(i.reaches?.admin).toBeNull();
    expect(i.shielded).toEqual(["admin"]);
  });

  it("HTTP API route (and a WebSocket route, which inherits $connect's authorization)", () => {
    const v2 = `arn:aws:apigateway:${R}::/apis/h1`;
    const integ = { IntegrationId: "i1", IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("f") };
    const route = (id: string, key: string, auth: string, proto = "HTTP") =>
      res("aws.apigatewayv2.route", `${v2}/routes/${id}`, `shop ${key}`, {
        route: { RouteId: id, RouteKey: key, AuthorizationType: auth, Target: "integrations/i1" },
        apiId: "h1",
        apiName: "shop",
        protocolType: proto,
        integration: integ,
      });
    const open = route("r1", "GET /x", "NONE");
    const jwt = route("r2", "GET /y", "JWT");
    const connect = route("r3", "$connect", "CUSTOM", "WEBSOCKET");
    const msg = route("r4", "$default", "NONE", "WEBSOCKET");
    const out = run([...base, fn("f", "data-role"), open, jwt, connect, msg]);
    expect(only(out, open.arn).reaches?.dataWildcard?.severity).toBe("high");
    expect(only(out, open.arn).reaches?.dataWildcard?.permission.grants[0]).toEqual({
      action: "s3:GetObject",
      policy: "inline:reader",
      statement: 0,
      sid: "Read",
    });
    expect(only(out, jwt.arn).reaches?.dataWildcard?.severity).toBe("low");
    expect(only(out, msg.arn).exposure).toBe("authenticated");
    expect(only(out, msg.arn).exposureDetail).toContain("$connect");
  });

  it("function URL NONE vs AWS_IAM, and a resource policy open to every AWS account", () => {
    const f = fn("export", "writer-role", {
      functionUrlConfigs: [
        { FunctionArn: fnArn("export"), AuthType: "NONE" },
        { FunctionArn: `${fnArn("export")}:live`, AuthType: "AWS_IAM" },
      ],
      policy: {
        Policy: JSON.stringify({
          Statement: [
            { Sid: "Open", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunction", Resource: fnArn("export") },
          ],
        }),
      },
    });
    const out = run([...base, f]);
    const url = only(out, `${fnArn("export")}/url`);
    expect(url.exposure).toBe("unauthenticated");
    expect(url.reaches?.writeAll?.severity).toBe("high");
    expect(url.reaches?.writeAll?.permission.reason).toContain("s3:DeleteBucket");
    expect(url.reaches?.writeAll?.chain.map((n) => n.kind)).toEqual(["lambda-function-url", "lambda-function", "iam-role"]);
    expect(only(out, `${fnArn("export")}/url/live`).exposure).toBe("iam");
    const direct = only(out, `${fnArn("export")}/invoke`);
    expect(direct.exposure).toBe("any-aws-account");
    expect(direct.reaches?.writeAll?.severity).toBe("medium");
  });

  it("a function's resource policy limited to API Gateway with a source ARN is not an entry", () => {
    const f = fn("g", "admin-role", {
      policy: {
        Policy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "apigateway.amazonaws.com" },
              Action: "lambda:InvokeFunction",
              Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:execute-api:*" } },
            },
          ],
        }),
      },
    });
    const a = only(run([...base, f]), `${fnArn("g")}/invoke`);
    expect(a.exposure).toBe("none");
    expect(a.reaches?.admin).toBeNull();
  });

  it("identity pool: unauthenticated and authenticated roles (with role-mapping rules)", () => {
    const poolArn = `arn:aws:cognito-identity:${R}:${A}:identitypool/${R}:p1`;
    const pool = res("aws.cognito.identitypool", poolArn, "guests", {
      summary: { IdentityPoolId: `${R}:p1` },
      identityPool: { AllowUnauthenticatedIdentities: true },
      roles: {
        Roles: { unauthenticated: roleArn("escalator"), authenticated: roleArn("basic-role") },
        RoleMappings: { idp: { Type: "Rules", RulesConfiguration: { Rules: [{ RoleARN: roleArn("admin-role") }] } } },
      },
    });
    const out = run([...base, pool]);
    const unauth = only(out, `${poolArn}/unauthenticated`);
    expect(unauth.exposure).toBe("unauthenticated");
    expect(unauth.reaches?.privilegeEscalation?.severity).toBe("critical");
    expect(unauth.reaches?.privilegeEscalation?.permission.actions).toEqual(["iam:PassRole", "lambda:CreateFunction"]);
    const auth = only(out, `${poolArn}/authenticated`);
    expect(auth.reaches?.admin?.identity).toBe(roleArn("admin-role"));
    expect(auth.reaches?.admin?.severity).toBe("high");
    // Telemetry writes alone (the basic execution role) are no "write on *" target.
    expect(auth.reaches?.writeAll).toBeNull();
  });

  it("AppSync: an inventory without data sources (saved before they were collected) makes no entry, never a pass; with them, their roles are followed", () => {
    const api = res("aws.appsync.graphqlapi", `arn:aws:appsync:${R}:${A}:apis/g1`, "catalog", {
      graphqlApi: { authenticationType: "API_KEY", additionalAuthenticationProviders: [{ authenticationType: "AWS_IAM" }] },
    });
    expect(run([...base, api]).has(api.arn)).toBe(false);
    const withSources = {
      ...api,
      raw: { ...api.raw, dataSources: [{ name: "items", type: "AMAZON_DYNAMODB", serviceRoleArn: roleArn("data-role") }] },
    };
    const a = only(run([...base, withSources]), api.arn);
    // The weakest provider counts: API_KEY beside AWS_IAM is an api-key entry.
    expect(a.exposure).toBe("api-key");
    expect(a.reaches?.dataWildcard?.severity).toBe("medium");
    expect(a.reaches?.dataWildcard?.chain.map((n) => n.kind)).toEqual(["appsync-api", "iam-role"]);
  });

  it("AppSync: API key → Lambda data source → function → administrator execution role is a critical path", () => {
    const api = res("aws.appsync.graphqlapi", `arn:aws:appsync:${R}:${A}:apis/g3`, "catalog", {
      graphqlApi: { authenticationType: "API_KEY" },
      dataSources: [
        {
          name: "products",
          type: "AWS_LAMBDA",
          // The role AppSync invokes the function with is not what the caller acts as: the function's role is.
          serviceRoleArn: roleArn("basic-role"),
          lambdaConfig: { lambdaFunctionArn: fnArn("admin-fn") },
        },
        { name: "local", type: "NONE" },
        { name: "web", type: "HTTP", httpConfig: { endpoint: "https://backend.example.com" } },
      ],
    });
    const a = only(run([...base, fn("admin-fn", "admin-role"), api]), api.arn);
    expect(a.exposure).toBe("api-key");
    expect(a.reaches?.admin?.severity).toBe("critical");
    expect(a.reaches?.admin?.identity).toBe(roleArn("admin-role"));
    expect(a.reaches?.admin?.chain.map((n) => n.kind)).toEqual(["appsync-api", "lambda-function", "iam-role"]);
    expect(a.terminals.map((t) => t.name).sort()).toEqual([
      "HTTP data source web (https://backend.example.com)",
      "data source local (NONE: resolved in AppSync, no backend)",
    ]);
    // Cognito, OIDC and Lambda authorizers are "authenticated".
    for (const auth of ["AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA"]) {
      const b = { ...api, raw: { ...api.raw, graphqlApi: { authenticationType: auth } } };
      const out = only(run([...base, fn("admin-fn", "admin-role"), b]), api.arn);
      expect(out.exposure).toBe("authenticated");
      expect(out.reaches?.admin?.severity).toBe("high");
    }
  });

  it("AppSync: a failed ListDataSources is an error naming the call, never a pass; behind IAM it is only unfollowed", () => {
    const arn = `arn:aws:appsync:${R}:${A}:apis/g4`;
    const failed: CollectionError = {
      account: A,
      region: R,
      service: "appsync",
      operation: "ListDataSources",
      errorName: "AccessDeniedException",
      message: "denied",
      resourceArn: arn,
    };
    const api = res("aws.appsync.graphqlapi", arn, "catalog", { graphqlApi: { authenticationType: "API_KEY" } });
    const a = only(run([...base, api], [failed]), arn);
    expect(a.exposure).toBe("api-key");
    expect(a.reaches).toBeNull();
    expect(a.gaps).toEqual([
      expect.objectContaining({ operation: "appsync:ListDataSources", account: A, region: R, resourceArn: arn }),
    ]);
    expect(a.gaps[0]?.message).toContain("appsync:ListDataSources failed (AccessDeniedException)");
    // Another API's failure does not concern this one (it has no data sources either way: no entry).
    expect(run([...base, api], [{ ...failed, resourceArn: `${arn}x` }]).has(arn)).toBe(false);
    const iamOnly = { ...api, raw: { graphqlApi: { authenticationType: "AWS_IAM" } } };
    const b = only(run([...base, iamOnly], [failed]), arn);
    expect(b.exposure).toBe("iam");
    expect(b.gaps).toEqual([]);
    expect(b.unfollowed).toEqual([expect.objectContaining({ operation: "appsync:ListDataSources" })]);
  });
});

describe("exposure paths: hops", () => {
  it("AWS service integration → its credentials role; HTTP and VPC-link integrations and mocks end at a terminal node", () => {
    const svc = method("s", "POST", "NONE", {
      type: "AWS",
      uri: `arn:aws:apigateway:${R}:dynamodb:action/PutItem`,
      credentials: roleArn("data-role"),
    });
    const http = method("h", "GET", "NONE", { type: "HTTP_PROXY", uri: "https://backend.example.com" });
    const vpc = method("v", "GET", "NONE", { type: "HTTP_PROXY", uri: "http://nlb", connectionType: "VPC_LINK" });
    const mock = method("m", "GET", "NONE", { type: "MOCK" });
    const out = run([...base, svc, http, vpc, mock]);
    const s = only(out, svc.arn).reaches?.dataWildcard;
    expect(s?.chain.map((n) => n.kind)).toEqual(["apigateway-method", "integration", "iam-role"]);
    expect(s?.chain[2]?.via).toMatch(/credentials role/);
    expect(only(out, http.arn).terminals.map((t) => t.name)).toEqual([
      "external backend: HTTP backend https://backend.example.com",
    ]);
    expect(only(out, vpc.arn).terminals[0]?.name).toMatch(/VPC link/);
    expect(only(out, mock.arn).terminals[0]?.name).toMatch(/mock/);
    for (const arn of [http.arn, vpc.arn, mock.arn]) expect(only(out, arn).reaches?.admin).toBeNull();
  });

  it("a function that does not exist ends the path; one outside the scan cannot be evaluated", () => {
    const missing = method("x", "GET", "NONE", { type: "AWS_PROXY", uri: lambdaUri("gone") });
    const outside = method("y", "GET", "NONE", {
      type: "AWS_PROXY",
      uri: `arn:aws:apigateway:${R}:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-3:${A}:function:far/invocations`,
    });
    const out = run([...base, fn("f", "basic-role"), missing, outside]);
    expect(only(out, missing.arn).terminals[0]?.name).toMatch(/does not exist/);
    expect(only(out, missing.arn).reaches).not.toBeNull();
    expect(only(out, outside.arn).reaches).toBeNull();
    expect(only(out, outside.arn).gaps[0]?.message).toMatch(/in eu-west-3 of account \d+, which the scan did not cover/);
  });

  it("the hop and entry tables name every kind they connect", () => {
    expect(HOPS.map((h) => h.id)).toEqual(
      expect.arrayContaining(["method-integration", "route-integration", "integration-backend", "function-role"]),
    );
    for (const h of HOPS) expect(h.advice.length).toBeGreaterThan(10);
    expect(new Set(ENTRY_TYPES.map((e) => e.kind)).size).toBe(ENTRY_TYPES.length);
  });
});

describe("exposure paths: missing data is an error, never a shorter path list", () => {
  const m = method("orders", "GET", "NONE", { type: "AWS_PROXY", uri: lambdaUri("f") });
  const denied = (service: string, operation: string, region: string, resourceArn?: string): CollectionError => ({
    account: A,
    region,
    service,
    operation,
    errorName: "AccessDenied",
    message: "denied",
    ...(resourceArn ? { resourceArn } : {}),
  });

  it("the function listing failed: the gap names the call", () => {
    const a = only(run([...base, m], [denied("lambda", "ListFunctions", R)]), m.arn);
    expect(a.reaches).toBeNull();
    expect(a.gaps).toEqual([expect.objectContaining({ operation: "lambda:ListFunctions", account: A, region: R })]);
  });

  it("IAM could not be read: the role lookup is a gap", () => {
    const resources = [...base.filter((r) => r.type !== "aws.iam.role"), fn("f", "admin-role"), m];
    const a = only(run(resources, [denied("iam", "GetAccountAuthorizationDetails", "global")]), m.arn);
    expect(a.gaps[0]?.operation).toBe("iam:GetAccountAuthorizationDetails");
  });

  it("a role whose policy is malformed has unknown permissions: the gap names the recorded error", () => {
    const broken = role("broken", { incomplete: true, errors: ["MalformedPolicyDocument: x"], permissions: null });
    const err = {
      ...denied("iam", "GetAccountAuthorizationDetails", "global", roleArn("broken")),
      errorName: "MalformedPolicyDocument",
    };
    const a = only(run([...base, broken, fn("f", "broken"), m], [err]), m.arn);
    expect(a.reaches).toBeNull();
    expect(a.gaps[0]).toMatchObject({ operation: "iam:GetAccountAuthorizationDetails", resourceArn: roleArn("broken") });
  });

  it("the stages (web ACLs) could not be read: the REST entry is a gap too", () => {
    const a = only(run([...base, fn("f", "admin-role"), m], [denied("apigateway", "GetStages", R, apiArn)]), m.arn);
    expect(a.gaps[0]?.operation).toBe("apigateway:GetStages");
  });
});

describe("exposure paths: a run restricted with --services", () => {
  const m = method("orders", "GET", "NONE", { type: "AWS_PROXY", uri: lambdaUri("f") });
  const pool = res("aws.cognito.identitypool", `arn:aws:cognito-identity:${R}:${A}:identitypool/${R}:guests`, "guests", {
    identityPool: { AllowUnauthenticatedIdentities: true },
    roles: { Roles: { unauthenticated: roleArn("admin-role") } },
  });
  const analyse = (resources: Resource[], services: string[]) =>
    new Map(analyzePaths({ resources, errors: [], services }).map((a) => [a.entry.arn, a]));

  it("Lambda left out: the function is not read as missing (that would pass an open path); the entry is skipped", () => {
    // Without the services list the same inventory would say "function … does not exist" and pass.
    const a = only(analyse([...base.filter((r) => r.type !== "aws.lambda.function"), m], ["apigateway", "iam"]), m.arn);
    expect(a.reaches).toBeNull();
    expect(a.terminals).toEqual([]);
    expect(a.skipped).toMatch(/Lambda was not collected \(--services\)/);
  });

  it("IAM left out: what the role may do is unknown; the entry is skipped, for API and identity-pool entries alike", () => {
    const noIam = [restApi(), stage("prod", false), fn("f", "admin-role"), m, pool];
    const out = analyse(noIam, ["apigateway", "lambda", "cognito-identity"]);
    for (const arn of [m.arn, `${pool.arn}/unauthenticated`]) {
      expect(only(out, arn).reaches).toBeNull();
      expect(only(out, arn).skipped).toMatch(/IAM was not collected \(--services\)/);
    }
  });

  it("every service a path runs through collected: judged as in a full scan", () => {
    const a = only(analyse([...base, fn("f", "admin-role"), m], ["apigateway", "lambda", "iam"]), m.arn);
    expect(a.reaches?.admin?.severity).toBe("critical");
    expect(a.skipped).toBeUndefined();
  });
});

describe("exposure paths: modifiers", () => {
  const integ = { type: "AWS_PROXY", uri: lambdaUri("f") };

  it("a probe that showed a Cognito-authorised method open makes it unauthenticated and raises the severity", () => {
    const m = method("c", "GET", "COGNITO_USER_POOLS", integ);
    const probe = res(
      "aws.apigateway.probe",
      "arn:tollgate:probe:x",
      "GET https://x/c",
      { target: {}, exchanges: [], skipped: {} },
      {
        authOutcome: "not-enforced",
        configExpectation: { source: "inventory", resourceArn: m.arn, relatedArns: [], auth: "COGNITO_USER_POOLS" },
      },
    );
    const out = run([...base, fn("f", "writer-role"), m, probe]);
    const a = only(out, m.arn);
    expect(a.exposure).toBe("unauthenticated");
    expect(a.controls.map((c) => c.kind)).toEqual(["probe-confirmed-open"]);
    // unauthenticated × write on * is high, raised one step by the probe.
    expect(a.reaches?.writeAll?.severity).toBe("critical");
  });

  it("a method without authorization (NONE) the probe saw serve an unsigned request is confirmed open and raised", () => {
    const m = method("open", "GET", "NONE", integ);
    const probe = (unsignedAllowed: boolean | null) =>
      res(
        "aws.apigateway.probe",
        "arn:tollgate:probe:open",
        "GET https://x/open",
        { target: {}, exchanges: [], skipped: {} },
        {
          authOutcome: "not-applicable",
          unsignedStatus: unsignedAllowed === null ? null : unsignedAllowed ? 200 : 403,
          unsignedAllowed,
          configExpectation: { source: "inventory", resourceArn: m.arn, relatedArns: [], auth: "NONE" },
        },
      );
    // Not probed, refused, or not sent (an unsafe method): unauthenticated × write on * stays high.
    for (const extra of [[], [probe(false)], [probe(null)]]) {
      const a = only(run([...base, fn("f", "writer-role"), m, ...extra]), m.arn);
      expect(a.exposure).toBe("unauthenticated");
      expect(a.controls).toEqual([]);
      expect(a.exposureDetail).toBe("authorizationType NONE");
      expect(a.reaches?.writeAll?.severity).toBe("high");
    }
    const a = only(run([...base, fn("f", "writer-role"), m, probe(true)]), m.arn);
    expect(a.controls.map((c) => c.kind)).toEqual(["probe-confirmed-open"]);
    expect(a.exposureDetail).toMatch(/^authorizationType NONE, and probe .*: an unauthenticated request was served$/);
    expect(a.reaches?.writeAll?.severity).toBe("critical");
  });

  it("an HTTP API route without authorization (NONE) the probe saw serve an unsigned request is raised too", () => {
    const v2 = `arn:aws:apigateway:${R}::/apis/h1`;
    const r = res("aws.apigatewayv2.route", `${v2}/routes/r9`, "shop GET /open", {
      route: { RouteId: "r9", RouteKey: "GET /open", AuthorizationType: "NONE", Target: "integrations/i1" },
      apiId: "h1",
      apiName: "shop",
      protocolType: "HTTP",
      integration: { IntegrationId: "i1", IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("f") },
    });
    const probe = res(
      "aws.apigateway.probe",
      "arn:tollgate:probe:route-open",
      "GET https://x/open",
      { target: {}, exchanges: [], skipped: {} },
      {
        authOutcome: "not-applicable",
        unsignedStatus: 200,
        unsignedAllowed: true,
        configExpectation: { source: "inventory", resourceArn: r.arn, relatedArns: [], auth: "NONE" },
      },
    );
    expect(only(run([...base, fn("f", "data-role"), r]), r.arn).reaches?.dataWildcard?.severity).toBe("high");
    const a = only(run([...base, fn("f", "data-role"), r, probe]), r.arn);
    expect(a.controls.map((c) => c.kind)).toEqual(["probe-confirmed-open"]);
    expect(a.exposureDetail).toMatch(/^AuthorizationType NONE, and probe .*: an unauthenticated request was served$/);
    expect(a.reaches?.dataWildcard?.severity).toBe("critical");
  });

  describe("function URL probes (urlAuth)", () => {
    const url = (name: string, auth: string, qualifier?: string) => ({
      AuthType: auth,
      FunctionArn: qualifier ? `${fnArn(name)}:${qualifier}` : fnArn(name),
      FunctionUrl: `https://${name}${qualifier ?? ""}.lambda-url.${R}.on.aws/`,
    });
    const urlProbe = (name: string, outcome: string, qualifier?: string) =>
      res(
        "aws.apigateway.probe",
        `tollgate:probe:lambda-url/${name}${qualifier ? `:${qualifier}` : ""}`,
        `GET https://${name}${qualifier ?? ""}.lambda-url.${R}.on.aws/`,
        { target: {}, exchanges: [], skipped: {} },
        {
          probeKind: "lambda-url",
          urlAuthOutcome: outcome,
          configExpectation: {
            source: "inventory",
            resourceArn: fnArn(name),
            relatedArns: qualifier ? [`${fnArn(name)}:${qualifier}`] : [],
            auth: "AWS_IAM",
          },
        },
      );

    it("an AWS_IAM URL that served an unsigned request becomes a path, unauthenticated and raised (critical)", () => {
      const f = fn("iam-url", "writer-role", { functionUrlConfigs: [url("iam-url", "AWS_IAM")] });
      const entry = `${fnArn("iam-url")}/url`;
      // Unprobed (or probed and enforced): IAM-authorised, no path.
      expect(only(run([...base, f]), entry).reaches?.writeAll).toBeNull();
      expect(only(run([...base, f, urlProbe("iam-url", "enforced")]), entry).shielded).toEqual(["writeAll"]);
      const a = only(run([...base, f, urlProbe("iam-url", "not-enforced")]), entry);
      expect(a.exposure).toBe("unauthenticated");
      expect(a.exposureDetail).toMatch(/^function URL AuthType AWS_IAM, but probe .*: an unsigned request was served$/);
      expect(a.controls.map((c) => c.kind)).toEqual(["probe-confirmed-open"]);
      // unauthenticated × write on * is high, raised one step by the probe.
      expect(a.reaches?.writeAll?.severity).toBe("critical");
    });

    it("a NONE URL the probe found answering is confirmed open (raised); one that refused is noted, not lowered", () => {
      const f = fn("open-url", "data-role", { functionUrlConfigs: [url("open-url", "NONE")] });
      const entry = `${fnArn("open-url")}/url`;
      expect(only(run([...base, f]), entry).reaches?.dataWildcard?.severity).toBe("high");
      const pub = only(run([...base, f, urlProbe("open-url", "public")]), entry);
      expect(pub.controls.map((c) => c.kind)).toEqual(["probe-confirmed-open"]);
      expect(pub.reaches?.dataWildcard?.severity).toBe("critical");
      const refused = only(run([...base, f, urlProbe("open-url", "refused")]), entry);
      expect(refused.controls).toEqual([]);
      expect(refused.exposureDetail).toMatch(/, but probe .*: an unsigned request was refused$/);
      expect(refused.reaches?.dataWildcard?.severity).toBe("high");
    });

    it("an alias URL takes only its own probe (matched by the qualified function ARN)", () => {
      const f = fn("aliased", "writer-role", {
        functionUrlConfigs: [url("aliased", "AWS_IAM"), url("aliased", "AWS_IAM", "live")],
      });
      const out = run([...base, f, urlProbe("aliased", "not-enforced", "live"), urlProbe("aliased", "enforced")]);
      expect(only(out, `${fnArn("aliased")}/url/live`).reaches?.writeAll?.severity).toBe("critical");
      expect(only(out, `${fnArn("aliased")}/url`).exposure).toBe("iam");
    });
  });

  it("WAF on every stage, a private endpoint and a VPC-endpoint or source-IP policy each lower the severity", () => {
    const m = method("o", "GET", "NONE", integ);
    const waf = only(
      run([...base.filter((r) => r.type !== "aws.apigateway.stage"), stage("prod", true), fn("f", "admin-role"), m]),
      m.arn,
    );
    expect(waf.controls.map((c) => c.kind)).toEqual(["waf"]);
    expect(waf.reaches?.admin?.severity).toBe("high");
    const partial = only(run([...base, stage("dev", true), fn("f", "admin-role"), m]), m.arn);
    expect(partial.controls).toEqual([]);
    const priv = only(
      run([
        ...base.filter((r) => r.type !== "aws.apigateway.restapi"),
        restApi(
          { endpointConfiguration: { types: ["PRIVATE"] } },
          { resourcePolicy: { present: true, publicAllows: [], vpcRestricted: true } },
        ),
        fn("f", "admin-role"),
        m,
      ]),
      m.arn,
    );
    expect(priv.controls.map((c) => c.kind)).toEqual(["private-endpoint", "vpc-endpoint-policy"]);
    expect(priv.reaches?.admin?.severity).toBe("medium");
    const ip = only(
      run([
        ...base.filter((r) => r.type !== "aws.apigateway.restapi"),
        restApi({
          policy: JSON.stringify({
            Statement: [
              {
                Effect: "Allow",
                Principal: "*",
                Action: "execute-api:Invoke",
                Resource: "*",
                Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
              },
            ],
          }),
        }),
        fn("f", "admin-role"),
        m,
      ]),
      m.arn,
    );
    expect(ip.controls.map((c) => c.kind)).toEqual(["source-ip-policy"]);
  });

  it("the cheapest fix is the hop most reported paths share (here the role's admin grant)", () => {
    const m1 = method("a", "GET", "NONE", { type: "AWS_PROXY", uri: lambdaUri("f1") });
    const m2 = method("b", "GET", "NONE", { type: "AWS_PROXY", uri: lambdaUri("f2") });
    const m3 = method("c", "GET", "NONE", { type: "AWS_PROXY", uri: lambdaUri("f1") });
    const out = run([...base, fn("f1", "admin-role"), fn("f2", "admin-role"), m1, m2, m3]);
    const fix = only(out, m1.arn).reaches?.admin?.fix;
    expect(fix?.cuts).toBe(3);
    expect(fix?.advice).toMatch(/statement 0 of arn:aws:iam::aws:policy\/AdministratorAccess/);
  });
});

describe("exposure paths: IAM-authorised entries", () => {
  it("are not paths, so what lies beyond them unread is no gap (a function outside the scan)", () => {
    const iam = method("i", "GET", "AWS_IAM", {
      type: "AWS_PROXY",
      uri: `arn:aws:apigateway:${R}:lambda:path/2015-03-31/functions/arn:aws:lambda:${R}:999999999999:function:far/invocations`,
    });
    const a = only(run([...base, iam]), iam.arn);
    expect(a.gaps).toEqual([]);
    expect(a.reaches?.admin).toBeNull();
  });
});

describe("exposure paths: AppSync behind IAM", () => {
  it("an IAM-only GraphQL API is not a path, whatever its data sources reach", () => {
    const api = res("aws.appsync.graphqlapi", `arn:aws:appsync:${R}:${A}:apis/g2`, "internal", {
      graphqlApi: { authenticationType: "AWS_IAM" },
      dataSources: [
        { name: "items", type: "AMAZON_DYNAMODB", serviceRoleArn: roleArn("admin-role") },
        { name: "fn", type: "AWS_LAMBDA", lambdaConfig: { lambdaFunctionArn: fnArn("admin-fn") } },
      ],
    });
    const a = only(run([...base, fn("admin-fn", "admin-role"), api]), api.arn);
    expect(a.exposure).toBe("iam");
    expect(a.reaches?.admin).toBeNull();
    expect(a.skipped).toBeUndefined();
  });
});

describe("exposure paths: every entry kind, hop type and modifier is exercised", () => {
  // One inventory per API-level control (they apply to a whole REST API), together using every row of the entry and
  // hop tables and every modifier. A kind added to a table without a case here fails this test.
  it("the seen entry kinds, hops and controls are exactly the tables'", () => {
    const integ = { type: "AWS_PROXY", uri: lambdaUri("f") };
    const v2 = `arn:aws:apigateway:${R}::/apis/h1`;
    const route = res("aws.apigatewayv2.route", `${v2}/routes/r1`, "shop GET /x", {
      route: { RouteId: "r1", RouteKey: "GET /x", AuthorizationType: "JWT", Target: "integrations/i1" },
      apiId: "h1",
      apiName: "shop",
      protocolType: "HTTP",
      integration: { IntegrationId: "i1", IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("f") },
    });
    const keyed = method("k", "GET", "NONE", integ, { apiKeyRequired: true });
    const cognito = method("c", "GET", "COGNITO_USER_POOLS", integ);
    const service = method("s", "POST", "NONE", {
      type: "AWS",
      uri: `arn:aws:apigateway:${R}:dynamodb:action/PutItem`,
      credentials: roleArn("data-role"),
    });
    const http = method("h", "GET", "NONE", { type: "HTTP_PROXY", uri: "https://backend.example.com" });
    const probe = (id: string, at: string, derived: JsonObject) =>
      res(
        "aws.apigateway.probe",
        `tollgate:probe:${id}`,
        id,
        { target: {}, exchanges: [], skipped: {} },
        {
          ...derived,
          configExpectation: { source: "inventory", resourceArn: at, relatedArns: [], auth: "x" },
        },
      );
    const f = fn("f", "writer-role", {
      functionUrlConfigs: [{ FunctionArn: fnArn("f"), AuthType: "NONE" }],
      policy: {
        Policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunction", Resource: fnArn("f") }],
        }),
      },
    });
    const poolArn = `arn:aws:cognito-identity:${R}:${A}:identitypool/${R}:p1`;
    const pool = res("aws.cognito.identitypool", poolArn, "guests", {
      identityPool: { AllowUnauthenticatedIdentities: true },
      roles: { Roles: { unauthenticated: roleArn("escalator"), authenticated: roleArn("writer-role") } },
    });
    const appsync = res("aws.appsync.graphqlapi", `arn:aws:appsync:${R}:${A}:apis/g1`, "catalog", {
      graphqlApi: { authenticationType: "API_KEY" },
      dataSources: [{ name: "items", type: "AMAZON_DYNAMODB", serviceRoleArn: roleArn("data-role") }],
    });
    const appsyncFn = res("aws.appsync.graphqlapi", `arn:aws:appsync:${R}:${A}:apis/g5`, "catalog-fn", {
      graphqlApi: { authenticationType: "API_KEY" },
      dataSources: [{ name: "fn", type: "AWS_LAMBDA", lambdaConfig: { lambdaFunctionArn: fnArn("f") } }],
    });
    const m = method("o", "GET", "NONE", integ);
    const ipPolicy = JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "*",
          Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
        },
      ],
    });
    const noApi = base.filter((r) => r.type !== "aws.apigateway.restapi" && r.type !== "aws.apigateway.stage");
    const runs = [
      run([
        ...base,
        f,
        route,
        keyed,
        cognito,
        service,
        http,
        pool,
        appsync,
        appsyncFn,
        probe("key", keyed.arn, { apiKeyOutcome: "not-enforced" }),
        probe("cog", cognito.arn, { authOutcome: "not-enforced" }),
        probe("jwt", route.arn, { authOutcome: "not-enforced" }),
      ]),
      run([...noApi, restApi(), stage("prod", true), fn("f", "admin-role"), m]),
      run([
        ...noApi,
        restApi({ endpointConfiguration: { types: ["PRIVATE"] } }, { resourcePolicy: { vpcRestricted: true } }),
        fn("f", "admin-role"),
        m,
      ]),
      run([...noApi, restApi({ policy: ipPolicy }), fn("f", "admin-role"), m]),
    ].flatMap((out) => [...out.values()]);

    const entries = new Set(runs.map((a) => a.entry.kind));
    const controls = new Set(runs.flatMap((a) => a.controls.map((c) => c.kind)));
    const hops = new Set<string>();
    for (const a of runs) {
      const chains = Object.values(a.reaches ?? {}).flatMap((p) => (p ? [p.chain] : []));
      for (const chain of chains)
        for (let i = 1; i < chain.length; i++) {
          const [from, to] = [chain[i - 1]!.kind, chain[i]!.kind];
          const hop = HOPS.find((h) => h.from.includes(from) && h.to.includes(to));
          if (hop) hops.add(hop.id);
        }
      if (a.terminals.some((t) => t.name.startsWith("external backend"))) hops.add("integration-backend");
    }
    expect([...entries].sort()).toEqual([...ENTRY_KINDS].sort());
    expect([...hops].sort()).toEqual(HOPS.map((h) => h.id).sort());
    expect([...controls].sort()).toEqual([...CONTROL_KINDS].sort());
    // And each modifier moved what it should: the probes made their entries unauthenticated.
    for (const arn of [keyed.arn, cognito.arn, route.arn])
      expect(runs.find((a) => a.entry.arn === arn)?.exposure).toBe("unauthenticated");
  });
});
