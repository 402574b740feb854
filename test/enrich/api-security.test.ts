import { describe, expect, it } from "vitest";
import { enrichApiSecurity, resourcePolicyFacts, restCors, secretLikeVariables } from "../../src/enrich/api-security.js";
import { defaultSecretMatcher, defaultSecretPatterns } from "../../src/secrets/load.js";
import { parseSecretPatterns } from "../../src/secrets/patterns.js";
import type { CollectionError, Resource, ResourceType } from "../../src/model/inventory.js";
import type { JsonValue } from "../../src/model/json.js";

const res = (type: ResourceType, arn: string, raw: Record<string, JsonValue>, name = arn): Resource => ({
  type,
  arn,
  account: "111122223333",
  region: "us-east-1",
  name,
  raw,
  derived: {},
});
const API = "arn:aws:apigateway:us-east-1::/restapis/abc";
const cors = (origin: string, credentials?: string) => ({
  methodIntegration: {
    integrationResponses: {
      "200": {
        responseParameters: {
          "method.response.header.Access-Control-Allow-Origin": origin,
          ...(credentials ? { "method.response.header.Access-Control-Allow-Credentials": credentials } : {}),
        },
      },
    },
  },
});
const m = (path: string, verb: string, method: Record<string, JsonValue>) => ({ path, verb, method });

describe("REST CORS facts", () => {
  it("a literal * on a path with an authorised method is reported; on a public path it is not", () => {
    const facts = restCors(
      [
        m("/orders", "GET", { authorizationType: "COGNITO_USER_POOLS" }),
        m("/orders", "OPTIONS", { authorizationType: "NONE", ...cors("'*'") }),
        m("/public", "GET", { authorizationType: "NONE" }),
        m("/public", "OPTIONS", { authorizationType: "NONE", ...cors("'*'") }),
      ],
      [],
    );
    expect(facts).toEqual({
      anyAuthorized: true,
      methods: {
        wildcardOnAuthorized: ["OPTIONS /orders (200)"],
        wildcardOrigin: ["OPTIONS /orders (200)", "OPTIONS /public (200)"],
        credentialsWithOpenOrigin: [],
      },
      gatewayResponses: { wildcardOnAuthorized: [], wildcardOrigin: [], credentialsWithOpenOrigin: [] },
      wildcardOnAuthorized: ["OPTIONS /orders (200)"],
      wildcardOrigin: ["OPTIONS /orders (200)", "OPTIONS /public (200)"],
      credentialsWithOpenOrigin: [],
    });
  });
  it("without the gateway responses, what the methods show still stands and the joined lists are unknown", () => {
    const facts = restCors(
      [
        m("/orders", "GET", { authorizationType: "AWS_IAM" }),
        m("/orders", "OPTIONS", { authorizationType: "NONE", ...cors("'*'") }),
      ],
      null,
    );
    expect(facts["methods"]).toEqual({
      wildcardOnAuthorized: ["OPTIONS /orders (200)"],
      wildcardOrigin: ["OPTIONS /orders (200)"],
      credentialsWithOpenOrigin: [],
    });
    expect([facts["gatewayResponses"], facts["wildcardOnAuthorized"], facts["credentialsWithOpenOrigin"]]).toEqual([
      null,
      null,
      null,
    ]);
  });
  it("credentials with a reflected or * origin are reported, with a literal origin they are not", () => {
    const facts = restCors(
      [
        m("/a", "OPTIONS", { authorizationType: "NONE", ...cors("method.request.header.Origin", "'true'") }),
        m("/b", "OPTIONS", { authorizationType: "NONE", ...cors("'https://app.example.com'", "'true'") }),
        m("/c", "OPTIONS", { authorizationType: "NONE", ...cors("'*'", "'TRUE'") }),
      ],
      [],
    );
    expect(facts["credentialsWithOpenOrigin"]).toEqual(["OPTIONS /a (200)", "OPTIONS /c (200)"]);
  });
  it("gateway responses: * counts against authorised APIs; a mapped credentials value counts as true", () => {
    const gw: JsonValue[] = [
      { responseType: "DEFAULT_4XX", responseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'*'" } },
      {
        responseType: "UNAUTHORIZED",
        responseParameters: {
          "gatewayresponse.header.access-control-allow-origin": "method.request.header.origin",
          "gatewayresponse.header.Access-Control-Allow-Credentials": "method.request.header.x-creds",
        },
      },
    ];
    expect(restCors([m("/", "GET", { authorizationType: "AWS_IAM" })], gw)["gatewayResponses"]).toEqual({
      wildcardOnAuthorized: ["gateway response DEFAULT_4XX"],
      wildcardOrigin: ["gateway response DEFAULT_4XX"],
      credentialsWithOpenOrigin: ["gateway response UNAUTHORIZED"],
    });
    const open = restCors([m("/", "GET", { authorizationType: "NONE" })], gw);
    expect([open["anyAuthorized"], open["wildcardOnAuthorized"], open["wildcardOrigin"]]).toEqual([
      false,
      [],
      ["gateway response DEFAULT_4XX"],
    ]);
    // Without the methods, what the gateway responses show stands; only whether it is on an authorised API is unknown.
    const unknownMethods = restCors(null, gw);
    expect(unknownMethods["gatewayResponses"]).toEqual({
      wildcardOnAuthorized: null,
      wildcardOrigin: ["gateway response DEFAULT_4XX"],
      credentialsWithOpenOrigin: ["gateway response UNAUTHORIZED"],
    });
    expect([unknownMethods["anyAuthorized"], unknownMethods["methods"], unknownMethods["credentialsWithOpenOrigin"]]).toEqual([
      null,
      null,
      null,
    ]);
  });
});

describe("resource policy facts", () => {
  const doc = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
  const allowAll = { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" };
  it("an unconditional Allow to * is public and not VPC-restricted", () => {
    expect(resourcePolicyFacts(doc([allowAll]))).toEqual({ present: true, publicAllows: ["Statement[0]"], vpcRestricted: false });
  });
  it("a positive restricting condition, or a covering Deny with StringNotEquals, restricts", () => {
    const vpce = { ...allowAll, Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } };
    expect(resourcePolicyFacts(doc([vpce]))).toMatchObject({ publicAllows: [], vpcRestricted: true });
    const org = { ...allowAll, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } };
    expect(resourcePolicyFacts(doc([org]))).toMatchObject({ publicAllows: [], vpcRestricted: false });
    const deny = {
      Effect: "Deny",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } },
    };
    expect(resourcePolicyFacts(doc([allowAll, deny]))).toMatchObject({ publicAllows: [], vpcRestricted: true });
    // A Deny on one path does not restrict an Allow on every path.
    expect(resourcePolicyFacts(doc([allowAll, { ...deny, Resource: "execute-api:/*/GET/admin" }]))).toMatchObject({
      publicAllows: ["Statement[0]"],
      vpcRestricted: false,
    });
  });
  it("a wildcard-only condition value does not restrict; {AWS: *} and escaped JSON are understood", () => {
    const like = { ...allowAll, Principal: { AWS: "*" }, Condition: { StringLike: { "aws:SourceVpce": "*" } } };
    const escaped = doc([like]).replace(/"/g, '\\"');
    expect(resourcePolicyFacts(escaped)).toMatchObject({ publicAllows: ["Statement[0]"] });
  });
  it("no policy is data; an unreadable one is null", () => {
    expect(resourcePolicyFacts(undefined)).toEqual({ present: false, publicAllows: [], vpcRestricted: false });
    expect(resourcePolicyFacts("{not json")).toBeNull();
  });
});

describe("secret-looking stage variables", () => {
  it("names or values match; references to Secrets Manager do not; values are never returned", () => {
    const vars = {
      dbPassword: "hunter2",
      backend: "prod",
      dbSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db",
      upstream: "https://user:pa55@example.com",
      key: "AKIAABCDEFGHIJKLMNOP",
    };
    const names = secretLikeVariables(vars, defaultSecretMatcher());
    expect(names).toEqual(["dbPassword", "key", "upstream"]);
    expect(JSON.stringify(names)).not.toContain("hunter2");
  });
  it("values the collector already redacted still count, by the pattern their marker names", () => {
    const vars = { apiToken: "[redacted name:token]", backend: "prod", key: "[redacted value:aws-access-key-id]", pin: "" };
    expect(secretLikeVariables(vars, defaultSecretMatcher())).toEqual(["apiToken", "key"]);
    expect(secretLikeVariables({ dbPassword: "" }, defaultSecretMatcher())).toEqual(["dbPassword"]);
  });
  it("a bad pattern file is refused, naming the pattern", () => {
    expect(() => parseSecretPatterns({ names: { broken: "(" }, values: {} })).toThrow(/names\/broken/);
    expect(() => parseSecretPatterns({ names: ["x"], values: {} })).toThrow(/names must be an object/);
    expect(() => parseSecretPatterns({ names: { "Bad Id": "x" }, values: {} })).toThrow(/ids are lower-case/);
  });
});

describe("enrichApiSecurity joins", () => {
  const account = res("aws.apigateway.account", "arn:aws:apigateway:us-east-1::/account", {
    account: {},
    usagePlans: [{ id: "p1", name: "gold", apiStages: [{ apiId: "abc", stage: "prod" }], throttle: { rateLimit: 5 } }],
  });
  const api = res("aws.apigateway.restapi", API, { restApi: { id: "abc" }, resourcePaths: ["/"], gatewayResponses: [] });
  const method = res("aws.apigateway.method", `${API}/resources/r1/methods/GET`, {
    method: { authorizationType: "NONE", apiKeyRequired: true },
    httpMethod: "GET",
    resourcePath: "/",
  });
  const stage = res("aws.apigateway.stage", `${API}/stages/prod`, {
    stage: { stageName: "prod", methodSettings: { "*/*": { throttlingRateLimit: 10 } } },
  });
  const domain = res(
    "aws.apigateway.domain",
    "arn:aws:apigateway:us-east-1::/domainnames/api.example.com",
    { domainName: {}, basePathMappings: [{ restApiId: "abc", basePath: "(none)" }] },
    "api.example.com",
  );
  const acl = res("aws.wafv2.webacl", "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/a/1", { loggingConfiguration: null });
  const all = [account, api, method, stage, domain, acl];
  const patterns = defaultSecretPatterns();

  it("derives usage plans, custom domains, throttling coverage and WAF logging", () => {
    const { derived } = enrichApiSecurity(all, { errors: [], secretPatterns: patterns });
    expect(derived.get(api)).toMatchObject({
      apiKeyUsage: { required: true, usagePlans: ["gold"], plansWithoutLimits: ["gold"] },
      customDomains: ["api.example.com"],
      cors: { wildcardOnAuthorized: [], credentialsWithOpenOrigin: [] },
    });
    // Burst falls back to the (absent) account level: not explicitly throttled.
    expect(derived.get(stage)).toMatchObject({ throttling: { unthrottled: ["/ GET"] }, secretVariables: [] });
    expect(derived.get(acl)).toEqual({ loggingEnabled: false });
  });
  it("facts are null, not false, when their input is missing", () => {
    const failure: CollectionError = {
      account: "111122223333",
      region: "us-east-1",
      service: "apigatewayv2",
      operation: "GetDomainNames",
      errorName: "AccessDeniedException",
      message: "denied",
    };
    const noMethods = { ...api, raw: { restApi: { id: "abc" } } };
    const noPlans = { ...account, raw: { account: {} } };
    const aclUnknown = { ...acl, raw: {} };
    const { derived } = enrichApiSecurity([noPlans, noMethods, stage, domain, aclUnknown], {
      errors: [failure],
      secretPatterns: patterns,
    });
    // Neither methods nor gateway responses: every CORS fact is unknown, none is an empty list.
    expect(derived.get(noMethods)).toMatchObject({
      cors: { anyAuthorized: null, methods: null, gatewayResponses: null, wildcardOrigin: null },
      apiKeyUsage: null,
      customDomains: null,
    });
    expect(derived.get(stage)).toMatchObject({ throttling: null });
    expect(derived.get(aclUnknown)).toEqual({ loggingEnabled: null });
    // Without the error list, completeness cannot be known.
    expect(enrichApiSecurity(all, { secretPatterns: patterns }).derived.get(api)).toMatchObject({ customDomains: null });
    // Keys required but usage plans not collected: unknown.
    expect(enrichApiSecurity([noPlans, api, method], { errors: [], secretPatterns: patterns }).derived.get(api)).toMatchObject({
      apiKeyUsage: null,
    });
  });
  it("v2: authorised routes, null when GetRoutes failed for the API", () => {
    const v2 = "arn:aws:apigateway:us-east-1::/apis/h1";
    const httpApi = res("aws.apigatewayv2.api", v2, { api: { ApiId: "h1" } });
    const route = res("aws.apigatewayv2.route", `${v2}/routes/r1`, { route: { RouteKey: "GET /x", AuthorizationType: "JWT" } });
    const open = res("aws.apigatewayv2.route", `${v2}/routes/r2`, { route: { RouteKey: "GET /y", AuthorizationType: "NONE" } });
    expect(enrichApiSecurity([httpApi, route, open], { errors: [], secretPatterns: patterns }).derived.get(httpApi)).toEqual({
      authorizedRoutes: ["GET /x"],
      customDomains: [],
    });
    const failed: CollectionError = {
      account: "111122223333",
      region: "us-east-1",
      service: "apigatewayv2",
      operation: "GetRoutes",
      errorName: "TooManyRequestsException",
      message: "slow down",
      resourceArn: v2,
    };
    expect(enrichApiSecurity([httpApi], { errors: [failed], secretPatterns: patterns }).derived.get(httpApi)).toMatchObject({
      authorizedRoutes: null,
    });
  });
});
