import { AppSyncClient, ListApiKeysCommand, ListGraphqlApisCommand } from "@aws-sdk/client-appsync";
import { CognitoIdentityClient, DescribeIdentityPoolCommand } from "@aws-sdk/client-cognito-identity";
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { GetPolicyCommand, LambdaClient, ListFunctionsCommand, ListFunctionUrlConfigsCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { createAuthorizer } from "../../fixtures/simulator/authorize.js";
import { SimError } from "../../fixtures/simulator/errors.js";
import type { OperationInfo, Simulator } from "../../fixtures/simulator/server.js";
import { simulatedClientSecret } from "../../fixtures/simulator/services/cognito.js";
import { collectApiGatewayV2 } from "../../src/collect/apigatewayv2.js";
import { collectAppSync } from "../../src/collect/appsync.js";
import { collectCognitoIdentityPools, collectCognitoUserPools } from "../../src/collect/cognito.js";
import { DEFAULT_COLLECT_OPTIONS, type UnitContext } from "../../src/collect/context.js";
import { collectLambda } from "../../src/collect/lambda.js";
import { scan } from "../../src/pipeline/index.js";
import { collectWafv2 } from "../../src/collect/wafv2.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Inventory, Resource } from "../../src/model/inventory.js";
import { fixedClock } from "../../src/util/clock.js";
import type { JsonObject } from "../../src/model/json.js";
import { cleanAccount, readonlyPolicy } from "../helpers/accounts.js";
import { account, callerCredentials, scanOptions, sim, SIM_NOW, unitContext } from "../helpers/sim.js";

const demo = account("demo");
const ACCT = demo.accountId;
const fn = (name: string, region = "us-east-1") => `arn:aws:lambda:${region}:${ACCT}:function:${name}`;
const POOL = `arn:aws:cognito-idp:us-east-1:${ACCT}:userpool/us-east-1_AbCdEf123`;
const WEB_CLIENT = "6v1qk2m3n4p5r6s7t8u9w0x1y2";
const BACKEND_CLIENT = "3h4j5k6l7m8n9p0q1r2s3t4u5v";
const GUESTS = "us-east-1:7c1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";
const CATALOG = `arn:aws:appsync:us-east-1:${ACCT}:apis/q7w8e9r0t1y2u3i4o5p6a7s8d9`;
const ORDERS_GRAPHQL = `arn:aws:appsync:us-east-1:${ACCT}:apis/z1x2c3v4b5n6m7l8k9j0h1g2f3`;
const ORDERS_ACL = `arn:aws:wafv2:us-east-1:${ACCT}:regional/webacl/orders-prod/a1b2c3d4-1111-2222-3333-444455556666`;

// A pool whose DescribeUserPool answer leaves MfaConfiguration out: the collector must ask GetUserPoolMfaConfig.
const unstated: AccountFile = cleanAccount("640000000004", "BACKENDMFAUNSTATED", {
  regional: {
    "us-east-1": {
      cognito: {
        userPools: [{ Id: "us-east-1_Unstated01", Name: "legacy", mfaConfig: { MfaConfiguration: "ON" } }],
      },
    },
  },
});

// More user pools than the scan lets run at once, each with app clients: pool slots must never be held while waiting.
const manyPools: AccountFile = cleanAccount("660000000006", "BACKENDMANYPOOLS", {
  regional: {
    "us-east-1": {
      cognito: {
        userPools: Array.from({ length: 6 }, (_, i) => ({
          Id: `us-east-1_Many${i}`,
          Name: `pool-${i}`,
          MfaConfiguration: "OFF",
          clients: [
            { ClientId: `client${i}a`, ClientName: "a" },
            { ClientId: `client${i}b`, ClientName: "b" },
          ],
        })),
      },
    },
  },
});

// The demo account's caller under another key, with an identity policy the simulator enforces (see withPolicy).
const POLICY_KEY = "AKIABACKENDPOLICY001";
const enforced: AccountFile = {
  ...structuredClone(demo),
  accountId: "650000000005",
  callers: [{ ...demo.callers[0]!, accessKeyId: POLICY_KEY, arn: "arn:aws:iam::650000000005:user/scanner" }],
};
/** The enforced account's caller, its policy replaced in place (the simulator reads it on every request). */
function withPolicy(p: unknown): AccountFile {
  s.state.keys.get(POLICY_KEY)!.policy = p as Record<string, unknown>;
  return enforced;
}

let s: Simulator;
beforeAll(async () => {
  s = await sim([demo, unstated, enforced, manyPools], { now: () => SIM_NOW });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

const ctx = (region: string, pageSize = 1, a: AccountFile = demo): UnitContext =>
  unitContext(a, { region, options: { ...DEFAULT_COLLECT_OPTIONS, regionalPageSize: pageSize } });
const one = (rs: Resource[], arn: string): Resource => {
  const r = rs.find((x) => x.arn === arn);
  if (!r) throw new Error(`no resource ${arn} among ${rs.map((x) => x.arn).join(", ")}`);
  return r;
};
const counts = (prefix: string) => Object.fromEntries([...s.counts].filter(([k]) => k.startsWith(prefix)).sort());

/** Runs `fn` with a hook that fails the matching requests with `err`. */
async function failing<T>(match: (i: OperationInfo) => boolean, err: SimError, fn: () => Promise<T>): Promise<T> {
  const hook = (i: OperationInfo) => (match(i) ? err : undefined);
  s.hooks.push(hook);
  try {
    return await fn();
  } finally {
    s.hooks.splice(s.hooks.indexOf(hook), 1);
  }
}

describe("Lambda collector", () => {
  it("reads every function's configuration from ListFunctions, its policy and URLs, with no per-function GetFunction", async () => {
    s.counts.clear();
    const out = await collectLambda(ctx("us-east-1"));
    expect(out.errors).toEqual([]);
    expect(out.resources.map((r) => r.name).sort()).toEqual([
      "create-order",
      "delete-order",
      "get-order",
      "image-resizer",
      "list-orders",
      "ops-console",
      "order-admin",
      "partner-auth",
      "reports-export",
    ]);
    const del = one(out.resources, fn("delete-order"));
    expect(del).toMatchObject({ type: "aws.lambda.function", account: ACCT, region: "us-east-1" });
    expect(del.raw["function"]).toMatchObject({
      FunctionName: "delete-order",
      Runtime: "python3.12",
      Role: `arn:aws:iam::${ACCT}:role/orders-admin-lambda`,
      Environment: { Variables: { TABLE_NAME: "orders", PAYMENTS_TABLE: "payments" } },
    });
    // The resource policy as Lambda returns it: a JSON string.
    const policy = JSON.parse((del.raw["policy"] as JsonObject)["Policy"] as string) as { Statement: JsonObject[] };
    expect(policy.Statement[0]).toMatchObject({ Principal: { Service: "apigateway.amazonaws.com" } });
    // No URL is an empty list; no policy is null: both are answers, not gaps.
    expect(del.raw["functionUrlConfigs"]).toEqual([]);
    const ops = one(out.resources, fn("ops-console"));
    expect(ops.raw["policy"]).toBeNull();
    // The URL on the alias `live` is governed by the alias's policy, read with GetPolicy?Qualifier=live.
    expect(ops.raw["functionUrlConfigs"]).toEqual([
      expect.objectContaining({ AuthType: "AWS_IAM", FunctionArn: `${fn("ops-console")}:live` }),
    ]);
    const live = (ops.raw["aliasPolicies"] as JsonObject)["live"] as JsonObject;
    expect(JSON.parse(live["Policy"] as string)).toMatchObject({
      Statement: [{ Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "lambda:InvokeFunctionUrl" }],
    });
    const exported = one(out.resources, fn("reports-export"));
    expect(exported.raw["functionUrlConfigs"]).toEqual([
      expect.objectContaining({
        AuthType: "NONE",
        FunctionUrl: expect.stringMatching(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/),
        Cors: expect.objectContaining({ AllowOrigins: ["*"] }),
        InvokeMode: "BUFFERED",
      }),
    ]);
    expect(exported.raw["aliasPolicies"]).toBeUndefined();
    // Page size 1: nine ListFunctions pages; one policy and one URL listing per function, one more policy for the
    // alias URL; nothing else (no GetFunction, no code location).
    expect(counts("lambda:")).toEqual({
      "lambda:GetPolicy": 10,
      "lambda:ListFunctionUrlConfigs": 9,
      "lambda:ListFunctions": 9,
    });
  });

  it("records a failed GetPolicy on the function's ARN, leaves its policy unknown, and reads the others", async () => {
    const out = await failing(
      (i) => i.operation === "GetPolicy" && i.request.path.includes("/image-resizer/"),
      new SimError("AccessDeniedException", "User is not authorized to perform: lambda:GetPolicy", 403),
      () => collectLambda(ctx("us-east-1", 50)),
    );
    expect(out.errors).toEqual([
      expect.objectContaining({
        service: "lambda",
        operation: "GetPolicy",
        errorName: "AccessDeniedException",
        httpStatus: 403,
        resourceArn: fn("image-resizer"),
      }),
    ]);
    expect("policy" in one(out.resources, fn("image-resizer")).raw).toBe(false);
    expect(one(out.resources, fn("list-orders")).raw["policy"]).not.toBeNull();
    expect(out.resources).toHaveLength(9);
  });

  it("a failed ListFunctions is one recorded error for the region, never an empty list of functions", async () => {
    const out = await failing(
      (i) => i.operation === "ListFunctions",
      new SimError("TooManyRequestsException", "Rate exceeded", 429),
      () => collectLambda(ctx("eu-west-1")),
    );
    expect(out.resources).toEqual([]);
    expect(out.errors).toEqual([expect.objectContaining({ operation: "ListFunctions", errorName: "TooManyRequestsException" })]);
  });

  it("collects the other region's functions there only", async () => {
    const out = await collectLambda(ctx("eu-west-1"));
    expect(out.resources.map((r) => r.arn).sort()).toEqual([fn("list-payments", "eu-west-1"), fn("pay", "eu-west-1")]);
  });
});

describe("Cognito user pool collector", () => {
  it("reads the pool's MFA, threat protection, password policy and sign-up, and each app client without its secret", async () => {
    s.counts.clear();
    const out = await collectCognitoUserPools(ctx("us-east-1"));
    expect(out.errors).toEqual([]);
    const pool = one(out.resources, POOL);
    expect(pool).toMatchObject({ type: "aws.cognito.userpool", name: "customers" });
    expect(pool.raw["userPool"]).toMatchObject({
      Arn: POOL,
      MfaConfiguration: "OPTIONAL",
      UserPoolAddOns: { AdvancedSecurityMode: "OFF" },
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: false } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    expect(pool.raw["mfaConfig"]).toBeUndefined();
    const web = one(out.resources, `${POOL}/client/${WEB_CLIENT}`);
    expect(web).toMatchObject({ type: "aws.cognito.userpool-client", name: "customers/storefront-web" });
    expect(web.raw["client"]).toMatchObject({
      AllowedOAuthFlows: ["code", "implicit"],
      RefreshTokenValidity: 3650,
      TokenValidityUnits: { RefreshToken: "days" },
      HasClientSecret: false,
    });
    const backend = one(out.resources, `${POOL}/client/${BACKEND_CLIENT}`);
    expect(backend.raw["client"]).toMatchObject({ AllowedOAuthFlows: ["client_credentials"], HasClientSecret: true });
    expect(JSON.stringify(out.resources)).not.toContain(simulatedClientSecret("us-east-1_AbCdEf123", BACKEND_CLIENT));
    expect(JSON.stringify(out.resources)).not.toContain('"ClientSecret"');
    // MfaConfiguration came with DescribeUserPool: no GetUserPoolMfaConfig. Page size 1: two pool pages, and client
    // pages of two (customers) and one (partners).
    expect(counts("cognito-idp:")).toEqual({
      "cognito-idp:DescribeUserPool": 2,
      "cognito-idp:DescribeUserPoolClient": 3,
      "cognito-idp:ListUserPoolClients": 3,
      "cognito-idp:ListUserPools": 2,
    });
  });

  it("asks GetUserPoolMfaConfig only when DescribeUserPool does not state the MFA setting", async () => {
    s.counts.clear();
    const out = await collectCognitoUserPools(ctx("us-east-1", 60, unstated));
    expect(out.errors).toEqual([]);
    const [pool] = out.resources;
    expect((pool!.raw["userPool"] as JsonObject)["MfaConfiguration"]).toBeUndefined();
    expect(pool!.raw["mfaConfig"]).toEqual({ MfaConfiguration: "ON" });
    expect(s.counts.get("cognito-idp:GetUserPoolMfaConfig")).toBe(1);
  });

  it("a failed client listing is recorded on the pool, whose resource is still there", async () => {
    const out = await failing(
      (i) => i.operation === "ListUserPoolClients",
      new SimError("AccessDeniedException", "not authorized", 400),
      () => collectCognitoUserPools(ctx("us-east-1", 60)),
    );
    expect(out.errors).toEqual([
      expect.objectContaining({ service: "cognito-idp", operation: "ListUserPoolClients", resourceArn: POOL }),
      expect.objectContaining({
        service: "cognito-idp",
        operation: "ListUserPoolClients",
        resourceArn: POOL.replace("us-east-1_AbCdEf123", "us-east-1_PaRtNeR77"),
      }),
    ]);
    expect(out.resources.map((r) => r.type)).toEqual(["aws.cognito.userpool", "aws.cognito.userpool"]);
  });

  it("in a scan, more pools than the service's concurrency are all read (no pool slot waits on another)", async () => {
    const inv = await scan(
      scanOptions(manyPools, { scan: { regions: ["us-east-1"], concurrency: { perService: { "cognito-idp": 2 } } } }),
    );
    expect(inv.errors).toEqual([]);
    expect(inv.resources.filter((r) => r.type === "aws.cognito.userpool")).toHaveLength(6);
    expect(inv.resources.filter((r) => r.type === "aws.cognito.userpool-client")).toHaveLength(12);
  }, 20_000);
});

describe("Cognito identity pool collector", () => {
  it("reads unauthenticated access, classic flow, providers and the pool's roles", async () => {
    s.counts.clear();
    const out = await collectCognitoIdentityPools(ctx("us-east-1"));
    expect(out.errors).toEqual([]);
    const guests = one(out.resources, `arn:aws:cognito-identity:us-east-1:${ACCT}:identitypool/${GUESTS}`);
    expect(guests).toMatchObject({ type: "aws.cognito.identitypool", name: "storefront_guests" });
    expect(guests.raw["identityPool"]).toMatchObject({
      AllowUnauthenticatedIdentities: true,
      AllowClassicFlow: false,
      CognitoIdentityProviders: [{ ClientId: WEB_CLIENT }],
    });
    expect(guests.raw["roles"]).toMatchObject({
      Roles: {
        authenticated: `arn:aws:iam::${ACCT}:role/storefront-customer`,
        unauthenticated: `arn:aws:iam::${ACCT}:role/storefront-guest`,
      },
    });
    expect(counts("cognito-identity:")).toEqual({
      "cognito-identity:DescribeIdentityPool": 3,
      "cognito-identity:GetIdentityPoolRoles": 3,
      "cognito-identity:ListIdentityPools": 3,
    });
  });
});

describe("AppSync collector", () => {
  it("reads auth providers, logging and WAF from ListGraphqlApis; lists keys only where API keys authenticate; never keeps a key", async () => {
    s.counts.clear();
    const out = await collectAppSync(ctx("us-east-1"));
    expect(out.errors).toEqual([]);
    const catalog = one(out.resources, CATALOG);
    expect(catalog).toMatchObject({ type: "aws.appsync.graphqlapi", name: "catalog-graphql" });
    expect(catalog.raw["graphqlApi"]).toMatchObject({
      authenticationType: "API_KEY",
      additionalAuthenticationProviders: [],
      logConfig: { fieldLogLevel: "NONE" },
      uris: { GRAPHQL: expect.stringMatching(/^https:\/\/.+\.appsync-api\.us-east-1\.amazonaws\.com\/graphql$/) },
    });
    const keys = catalog.raw["apiKeys"] as JsonObject[];
    const now = Math.floor(SIM_NOW.getTime() / 1000);
    expect(keys.map((k) => [k["description"], Math.round(((k["expires"] as number) - now) / 86_400)])).toEqual([
      ["storefront web", 300],
      ["partner test", 3],
    ]);
    expect(keys.every((k) => !("id" in k))).toBe(true);
    expect(JSON.stringify(out.resources)).not.toMatch(/da2-/);
    const orders = one(out.resources, ORDERS_GRAPHQL);
    expect(orders.raw["graphqlApi"]).toMatchObject({
      authenticationType: "AMAZON_COGNITO_USER_POOLS",
      additionalAuthenticationProviders: [{ authenticationType: "AWS_IAM" }],
      wafWebAclArn: ORDERS_ACL,
    });
    expect(orders.raw["apiKeys"]).toBeUndefined();
    // Data sources of every API, page by page: what the exposure paths follow (functions, service roles).
    expect(catalog.raw["dataSources"]).toEqual([
      expect.objectContaining({
        name: "products",
        type: "AWS_LAMBDA",
        dataSourceArn: `${CATALOG}/datasources/products`,
        lambdaConfig: { lambdaFunctionArn: fn("list-orders") },
      }),
      expect.objectContaining({ name: "local", type: "NONE" }),
    ]);
    expect(orders.raw["dataSources"]).toEqual([expect.objectContaining({ name: "orders", type: "AWS_LAMBDA" })]);
    // Page size 1: two ListGraphqlApis pages; ListApiKeys for the API-key API only (two keys, two pages);
    // ListDataSources for both (two and one data sources: three pages).
    expect(counts("appsync:")).toEqual({
      "appsync:ListApiKeys": 2,
      "appsync:ListDataSources": 3,
      "appsync:ListGraphqlApis": 2,
    });
  });

  it("a failed ListDataSources is recorded on the API's ARN, and that API's exposure paths report error naming it", async () => {
    const denied = new SimError("AccessDeniedException", "denied by the test", 403);
    const catalogId = CATALOG.split("/").pop()!;
    const failOne = (i: OperationInfo) => i.operation === "ListDataSources" && i.request.path.includes(catalogId);
    const out = await failing(failOne, denied, () => collectAppSync(ctx("us-east-1")));
    expect(out.errors).toEqual([
      expect.objectContaining({
        service: "appsync",
        operation: "ListDataSources",
        resourceArn: CATALOG,
        errorName: "AccessDeniedException",
      }),
    ]);
    expect(one(out.resources, CATALOG).raw["dataSources"]).toBeUndefined();
    expect(one(out.resources, ORDERS_GRAPHQL).raw["dataSources"]).toHaveLength(1);

    const inv = await failing(failOne, denied, () =>
      scan(scanOptions(demo, { scan: { regions: ["us-east-1"], maxAttempts: 1 } })),
    );
    const pathRules = loadRules(builtInRuleDirs()).filter((r) => r.resourceType === "aws.path.exposure");
    const paths = evaluate(inv, pathRules);
    const catalogPaths = paths.filter((f) => f.resourceArn === CATALOG);
    expect(catalogPaths.length).toBeGreaterThan(0);
    expect(catalogPaths.every((f) => f.status === "error")).toBe(true);
    expect(catalogPaths[0]?.message).toContain("appsync:ListDataSources failed");
    // The other API's paths are still judged.
    expect(paths.filter((f) => f.resourceArn === ORDERS_GRAPHQL).every((f) => f.status !== "error")).toBe(true);
  }, 60_000);
});

describe("links on existing services", () => {
  it("WAF lists the AppSync APIs an ACL protects next to its API Gateway stages", async () => {
    const out = await collectWafv2(ctx("us-east-1", 100));
    const acl = one(out.resources, ORDERS_ACL);
    expect(acl.raw["appSyncResourceArns"]).toEqual([ORDERS_GRAPHQL]);
    expect(acl.raw["apiGatewayResourceArns"]).toEqual([`arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod`]);
  });

  it("each HTTP API route carries the integration its target names", async () => {
    const out = await collectApiGatewayV2(ctx("us-east-1", 100));
    const route = one(out.resources, "arn:aws:apigateway:us-east-1::/apis/h1t2t3p4a5/routes/rt00003");
    expect(route.raw["integration"]).toMatchObject({ IntegrationId: "int0001", IntegrationType: "HTTP_PROXY" });
    // WebSocket routes too: chat's $default forwards over plain HTTP.
    const fallback = one(out.resources, "arn:aws:apigateway:us-east-1::/apis/w1s2k3t4a5/routes/ws00002");
    expect(fallback.raw["integration"]).toMatchObject({
      IntegrationId: "wsi0002",
      IntegrationUri: "http://chat-backend.example.com/messages",
    });
  });
});

describe("the new services over their real wire protocols", () => {
  const cfg = { region: "us-east-1", credentials: callerCredentials(demo), maxAttempts: 1 };

  it("Lambda: no policy and an unknown function are ResourceNotFoundException (404); bad paging is refused", async () => {
    const lambda = new LambdaClient(cfg);
    await expect(lambda.send(new GetPolicyCommand({ FunctionName: "ops-console" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: "The resource you requested does not exist.",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(lambda.send(new GetPolicyCommand({ FunctionName: "admin" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: expect.stringContaining(`Function not found: ${fn("admin")}`),
    });
    // By ARN, and an alias policy by qualifier.
    const live = await lambda.send(new GetPolicyCommand({ FunctionName: fn("ops-console"), Qualifier: "live" }));
    expect(JSON.parse(live.Policy!)).toMatchObject({ Id: "default" });
    await expect(lambda.send(new ListFunctionsCommand({ MaxItems: 0 }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
    await expect(lambda.send(new ListFunctionsCommand({ Marker: "bm90LW1pbmU" }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
    await expect(
      lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: "ops-console", MaxItems: 51 })),
    ).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
    // MaxItems above 50 (up to 10,000) still pages by 50, as Lambda does.
    const all = await lambda.send(new ListFunctionsCommand({ MaxItems: 1000 }));
    expect(all.Functions).toHaveLength(9);
    expect(all.NextMarker).toBeUndefined();
    lambda.destroy();
  });

  it("Cognito: MaxResults is required and bounded; unknown pools are ResourceNotFoundException", async () => {
    const idp = new CognitoIdentityProviderClient(cfg);
    await expect(idp.send(new ListUserPoolsCommand({ MaxResults: 0 }))).rejects.toMatchObject({
      name: "InvalidParameterException",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(idp.send(new ListUserPoolsCommand({ MaxResults: 61 }))).rejects.toMatchObject({
      name: "InvalidParameterException",
    });
    await expect(idp.send(new DescribeUserPoolCommand({ UserPoolId: "us-east-1_Nope" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    const identity = new CognitoIdentityClient(cfg);
    await expect(identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: "us-east-1:nope" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    idp.destroy();
    identity.destroy();
  });

  it("AppSync: maxResults above 25 is BadRequestException; an unknown API is NotFoundException (404)", async () => {
    const appsync = new AppSyncClient(cfg);
    await expect(appsync.send(new ListGraphqlApisCommand({ maxResults: 26 }))).rejects.toMatchObject({
      name: "BadRequestException",
    });
    await expect(appsync.send(new ListApiKeysCommand({ apiId: "nope" }))).rejects.toMatchObject({
      name: "NotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
    appsync.destroy();
  });
});

describe("secrets of the backend never reach the inventory", () => {
  it("a full scan keeps environment variable names but not secret values, no client secret and no API key", async () => {
    const inv = await scan(scanOptions(demo, { scan: { regions: ["us-east-1"] } }));
    const text = JSON.stringify(inv);
    for (const secret of [
      "sk_live_demoPaymentKeyNotReal0000000001",
      "demoPartnerTokenSigningSecretNotReal01",
      simulatedClientSecret("us-east-1_AbCdEf123", BACKEND_CLIENT),
      "da2-7mtz4kq2vbn5xw8r3yhp6cjd1f",
      "da2-q9lw2e6rt1ya8us5dk3fh7gz0x",
    ])
      expect(text).not.toContain(secret);
    const create = inv.resources.find((r) => r.arn === fn("create-order"))!;
    const vars = ((create.raw["function"] as JsonObject)["Environment"] as JsonObject)["Variables"] as JsonObject;
    expect(Object.keys(vars).sort()).toEqual(["PAYMENT_API_KEY", "TABLE_NAME"]);
    expect(vars["TABLE_NAME"]).toBe("orders");
    expect(vars["PAYMENT_API_KEY"]).toMatch(/^\[redacted /);
    const count = (type: string) => inv.resources.filter((r) => r.type === type).length;
    expect([
      count("aws.lambda.function"),
      count("aws.cognito.userpool"),
      count("aws.cognito.userpool-client"),
      count("aws.cognito.identitypool"),
      count("aws.appsync.graphqlapi"),
    ]).toEqual([9, 2, 3, 3, 2]);
    expect(inv.metadata.services).toEqual(expect.arrayContaining(["lambda", "cognito-idp", "cognito-identity", "appsync"]));
  });
});

describe("least privilege for the backend services", () => {
  it("policy/tollgate-readonly.json lets every backend call through; without lambda:GetPolicy, each function's is denied on its ARN", async () => {
    const policy = readonlyPolicy() as { Statement: { Sid: string; Action: string[] }[] };
    const backend = policy.Statement.find((x) => x.Sid === "TollgateBackendReadOnly")!;
    const authz = createAuthorizer();
    s.hooks.push(authz.hook);
    const as = (p: unknown): UnitContext => ctx("eu-west-1", 50, withPolicy(p));
    const arn = (name: string) => `arn:aws:lambda:eu-west-1:${enforced.accountId}:function:${name}`;
    try {
      for (const collect of [collectLambda, collectCognitoUserPools, collectCognitoIdentityPools, collectAppSync])
        expect((await collect(as(policy))).errors).toEqual([]);
      expect(authz.denials).toEqual([]);
      backend.Action = backend.Action.filter((a) => a !== "lambda:GetPolicy");
      const out = await collectLambda(as(policy));
      expect(authz.denials.map((d) => `${d.action} ${d.resource}`).sort()).toEqual([
        `lambda:GetPolicy ${arn("list-payments")}`,
        `lambda:GetPolicy ${arn("pay")}`,
      ]);
      expect(out.errors.map((e) => [e.operation, e.errorName, e.resourceArn])).toEqual([
        ["GetPolicy", "AccessDeniedException", arn("pay")],
        ["GetPolicy", "AccessDeniedException", arn("list-payments")],
      ]);
    } finally {
      s.hooks.splice(s.hooks.indexOf(authz.hook), 1);
    }
  });
});

describe("the backend rules over a scan of the demo account", () => {
  const rules = loadRules(builtInRuleDirs()).filter(
    (r) =>
      r.resourceType === "aws.lambda.function" ||
      r.id.endsWith(".integration-https") ||
      r.id.endsWith(".integration-function-exists"),
  );
  const verdicts = (inv: Inventory) =>
    Object.fromEntries(
      evaluate(inv, rules)
        .filter((f) => f.status !== "pass")
        .map((f) => [`${f.ruleId} ${f.resourceName}`, f.status]),
    );

  it("fails what the demo gets wrong and passes the rest, judged at the scan's clock", async () => {
    const inv = await scan(scanOptions(demo, { scan: { regions: ["us-east-1", "eu-west-1"] } }));
    expect(verdicts(inv)).toEqual({
      "aws.apigateway.method.integration-function-exists internal-admin ANY /": "fail",
      "aws.apigatewayv2.route.integration-https chat $default": "fail",
      "aws.lambda.function.no-secret-environment create-order": "fail",
      "aws.lambda.function.no-secret-environment partner-auth": "fail",
      "aws.lambda.function.policy-cross-account-conditions ops-console": "fail",
      "aws.lambda.function.policy-no-public-access image-resizer": "fail",
      "aws.lambda.function.policy-no-public-access reports-export": "fail",
      "aws.lambda.function.runtime-supported get-order": "fail",
      "aws.lambda.function.url-auth-required reports-export": "fail",
      "aws.lambda.function.url-cors-credentials-origin ops-console": "fail",
    });
    const passes = evaluate(inv, rules).filter((f) => f.status === "pass");
    expect(passes.map((f) => `${f.ruleId} ${f.resourceName}`)).toEqual(
      expect.arrayContaining([
        "aws.apigateway.method.integration-function-exists orders GET /orders",
        "aws.apigatewayv2.route.integration-https chat $connect",
        "aws.lambda.function.url-auth-required ops-console",
        "aws.lambda.function.runtime-supported list-orders",
      ]),
    );
    // The clock is the scan's: in September 2028 nodejs24.x is deprecated and python3.12's day is 60 days away.
    const later = await scan(scanOptions(demo, { scan: { regions: ["us-east-1"] }, clock: fixedClock("2028-09-01T00:00:00Z") }));
    expect(verdicts(later)).toMatchObject({
      "aws.lambda.function.runtime-deprecation-soon create-order": "fail",
      "aws.lambda.function.runtime-supported list-orders": "fail",
    });
  }, 60_000);

  it("a denied GetPolicy, ListFunctionUrlConfigs or ListFunctions makes the rules needing it error, never pass", async () => {
    const denied = new SimError("AccessDeniedException", "denied by the test", 403);
    const run = (op: string) =>
      failing(
        (i) => i.service === "lambda" && i.operation === op,
        denied,
        () => scan(scanOptions(demo, { scan: { regions: ["us-east-1"], maxAttempts: 1 } })),
      );
    const statusOf = (inv: Inventory, rule: string, name: string) =>
      evaluate(inv, rules).find((f) => f.ruleId === rule && f.resourceName === name)?.status;

    const noPolicy = await run("GetPolicy");
    expect(statusOf(noPolicy, "aws.lambda.function.policy-no-public-access", "list-orders")).toBe("error");
    expect(statusOf(noPolicy, "aws.lambda.function.policy-cross-account-conditions", "ops-console")).toBe("error");
    // What needs no policy is still judged.
    expect(statusOf(noPolicy, "aws.lambda.function.url-auth-required", "reports-export")).toBe("fail");

    const noUrls = await run("ListFunctionUrlConfigs");
    for (const rule of ["aws.lambda.function.url-auth-required", "aws.lambda.function.url-cors-credentials-origin"])
      expect(statusOf(noUrls, rule, "list-orders")).toBe("error");
    // image-resizer's own policy is public whatever its URLs are: the failure cannot hide that.
    expect(statusOf(noUrls, "aws.lambda.function.policy-no-public-access", "image-resizer")).toBe("fail");
    expect(statusOf(noUrls, "aws.lambda.function.policy-no-public-access", "list-orders")).toBe("error");

    const noList = await run("ListFunctions");
    const missing = evaluate(noList, rules).filter((f) => f.ruleId === "aws.apigateway.method.integration-function-exists");
    expect(missing.find((f) => f.resourceName === "internal-admin ANY /")?.status).toBe("error");
    expect(missing.find((f) => f.resourceName === "orders GET /orders")?.status).toBe("error");
    expect(missing.find((f) => f.resourceName === "orders GET /orders")?.message).toContain("ListFunctions failed");
    expect(missing.some((f) => f.status === "pass" || f.status === "fail")).toBe(false);
  }, 60_000);
});
