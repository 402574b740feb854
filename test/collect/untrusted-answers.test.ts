import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector, type FaultRule } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { toCollectionError, isAwsCallFailure } from "../../src/aws/call-error.js";
import type { AwsClientSettings } from "../../src/aws/clients.js";
import { collectApiGateway } from "../../src/collect/apigateway.js";
import { collectApiGatewayV2 } from "../../src/collect/apigatewayv2.js";
import { collectAppSync } from "../../src/collect/appsync.js";
import { collectCloudTrail } from "../../src/collect/cloudtrail.js";
import { collectCognitoIdentityPools, collectCognitoUserPools } from "../../src/collect/cognito.js";
import { collectConfig } from "../../src/collect/config.js";
import { DEFAULT_COLLECT_OPTIONS, type UnitContext, type UnitResult } from "../../src/collect/context.js";
import { collectIam } from "../../src/collect/iam.js";
import { collectLambda } from "../../src/collect/lambda.js";
import { RESPONSE_CONTRACTS } from "../../src/collect/response-contracts.js";
import { assumeRoleIn, callerIdentity } from "../../src/aws/identity.js";
import { discoverRegions, listOrganizationAccounts, SetupPackages } from "../../src/collect/scope.js";
import { collectWafv2 } from "../../src/collect/wafv2.js";
import { credentialsResolver, exportToSecurityHub } from "../../src/export/securityhub.js";
import { memoryLogger } from "../../src/util/logger.js";
import { cleanAccount, memberAccount } from "../helpers/accounts.js";
import { account, callerCredentials, ROOT, sim, SIM_NOW, unitContext } from "../helpers/sim.js";
import { exportInput, finding, rule } from "../export/helpers.js";

/** What a run recorded about the operation under test. */
interface Recorded {
  operation: string;
  errorName: string;
}

const demo = account("demo");
const HOME = "610000000001";
const MEMBER = "620000000002";
const home = cleanAccount(HOME, "WIREHOMESCANNER", { organization: { accounts: [{ id: HOME, status: "ACTIVE" }] } });
const member = memberAccount(MEMBER, "WIREMEMBERSCANNER", { roleName: "TollgateAudit", trustedAccount: HOME });
// A user pool whose DescribeUserPool answer does not state MfaConfiguration, so GetUserPoolMfaConfig is called.
const mfaUnstated = cleanAccount("630000000003", "WIREMFAUNSTATED", {
  regional: { "us-east-1": { cognito: { userPools: [{ Id: "us-east-1_NoMfaFld01", Name: "legacy" }] } } },
});
let s: Simulator;

beforeAll(async () => {
  s = await sim([demo, home, member, mfaUnstated], { now: () => SIM_NOW });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

const settings = (a = demo): AwsClientSettings => ({
  credentials: callerCredentials(a),
  maxAttempts: 1,
  userAgent: "tollgate-test",
});
const ctx = (region: string, over: Partial<UnitContext["options"]> = {}): UnitContext =>
  unitContext(demo, { region, options: { ...DEFAULT_COLLECT_OPTIONS, regionalPageSize: 1, ...over } });
const errorsOf = (r: UnitResult): Recorded[] => r.errors;
const caught = async (operation: string, fn: () => Promise<unknown>): Promise<Recorded[]> => {
  try {
    await fn();
    return [];
  } catch (e) {
    if (!isAwsCallFailure(e)) throw e;
    return [toCollectionError(e, { account: "", region: "", service: "", operation })];
  }
};

/** Runs Tollgate's own code that makes the operation's calls, and returns what it recorded. */
type Runner = (over?: Partial<UnitContext["options"]>) => Promise<Recorded[]>;

const iam: Runner = async (o) => errorsOf(await collectIam(ctx("global", o)));
const apigw: Runner = async (o) => errorsOf(await collectApiGateway(ctx("us-east-1", o)));
const apigw2: Runner = async (o) => errorsOf(await collectApiGatewayV2(ctx("us-east-1", o)));
const waf: Runner = async (o) => errorsOf(await collectWafv2(ctx("us-east-1", o)));
const trail: Runner = async (o) => errorsOf(await collectCloudTrail(ctx("us-east-1", o)));
const config: Runner = async (o) => errorsOf(await collectConfig(ctx("us-east-1", o)));
// Pages of 50: the demo region's eight functions in one ListFunctions page, so a five-page cap reaches the URL listings.
const lambda: Runner = async (o) => errorsOf(await collectLambda(ctx("us-east-1", { regionalPageSize: 50, ...o })));
const userPools: Runner = async (o) => errorsOf(await collectCognitoUserPools(ctx("us-east-1", o)));
const userPoolMfa: Runner = async (o) =>
  errorsOf(
    await collectCognitoUserPools(
      unitContext(mfaUnstated, { region: "us-east-1", options: { ...DEFAULT_COLLECT_OPTIONS, regionalPageSize: 1, ...o } }),
    ),
  );
const identityPools: Runner = async (o) => errorsOf(await collectCognitoIdentityPools(ctx("us-east-1", o)));
const appsync: Runner = async (o) => errorsOf(await collectAppSync(ctx("us-east-1", o)));

async function securityHub(): Promise<Recorded[]> {
  const input = exportInput([finding({ account: demo.accountId, resourceArn: `arn:aws:iam::${demo.accountId}:user/bob` })], {
    accounts: [demo.accountId],
    regions: ["us-east-1"],
  });
  const { failed, callErrors } = await exportToSecurityHub({
    input,
    rules: [rule()],
    settings: settings(),
    credentialsFor: credentialsResolver({
      settings: settings(),
      callerAccount: demo.accountId,
      partition: "aws",
      region: "us-east-1",
      clock: () => SIM_NOW,
    }),
    homeRegion: "us-east-1",
    onlyFailed: false,
    archive: true,
    clock: () => SIM_NOW,
    logger: memoryLogger(),
    findingAttempts: 1,
  });
  return [
    ...failed.map((f) => ({ operation: "BatchImportFindings", errorName: f.errorCode })),
    ...callErrors.map((e) => ({ operation: e.operation, errorName: e.errorName })),
  ];
}

/**
 * Every operation Tollgate calls: its simulator name (`service:Operation`, API Gateway v2 as `apigateway:v2:…`), its
 * response contract and the code that calls it. A test below fails when this list and the contracts drift apart.
 */
const OPERATIONS: Record<string, { contract: [string, string]; run: Runner }> = {
  "iam:GetAccountAuthorizationDetails": { contract: ["iam", "GetAccountAuthorizationDetails"], run: iam },
  "iam:GenerateCredentialReport": { contract: ["iam", "GenerateCredentialReport"], run: iam },
  "iam:GetCredentialReport": { contract: ["iam", "GetCredentialReport"], run: iam },
  "iam:GetAccountPasswordPolicy": { contract: ["iam", "GetAccountPasswordPolicy"], run: iam },
  "iam:GetAccountSummary": { contract: ["iam", "GetAccountSummary"], run: iam },
  "iam:ListVirtualMFADevices": { contract: ["iam", "ListVirtualMFADevices"], run: iam },
  "iam:ListOpenIDConnectProviders": { contract: ["iam", "ListOpenIDConnectProviders"], run: iam },
  "iam:ListServerCertificates": { contract: ["iam", "ListServerCertificates"], run: iam },
  "sts:GetCallerIdentity": {
    contract: ["sts", "GetCallerIdentity"],
    run: async () => {
      try {
        await callerIdentity(settings(), "us-east-1");
        return [];
      } catch (e) {
        // The caller's identity is the first call of a scan: its failure ends the scan (exit 3), naming the error.
        expect((e as { exitCode?: number }).exitCode).toBe(3);
        return [
          { operation: "GetCallerIdentity", errorName: /GetCallerIdentity in [\w-]+: (\w+):/.exec((e as Error).message)![1]! },
        ];
      }
    },
  },
  "sts:AssumeRole": {
    contract: ["sts", "AssumeRole"],
    run: async () => {
      const r = await assumeRoleIn(settings(home), MEMBER, {
        roleName: "TollgateAudit",
        region: "us-east-1",
        partition: "aws",
        sessionName: "tollgate-wire-test",
        clock: () => SIM_NOW,
      });
      return "error" in r ? [r.error] : [];
    },
  },
  "ec2:DescribeRegions": {
    contract: ["ec2", "DescribeRegions"],
    run: async () => {
      const r = await discoverRegions(settings(), demo.accountId, "us-east-1", new SetupPackages());
      return r.error ? [r.error] : [];
    },
  },
  "organizations:ListAccounts": {
    contract: ["organizations", "ListAccounts"],
    run: () => caught("ListAccounts", () => listOrganizationAccounts(settings(home), "aws", new SetupPackages())),
  },
  "apigateway:GetRestApis": { contract: ["apigateway", "GetRestApis"], run: apigw },
  "apigateway:GetUsagePlans": { contract: ["apigateway", "GetUsagePlans"], run: apigw },
  "apigateway:GetDomainNames": { contract: ["apigateway", "GetDomainNames"], run: apigw },
  "apigateway:GetAccount": { contract: ["apigateway", "GetAccount"], run: apigw },
  "apigateway:GetResources": { contract: ["apigateway", "GetResources"], run: apigw },
  "apigateway:GetStages": { contract: ["apigateway", "GetStages"], run: apigw },
  "apigateway:GetAuthorizers": { contract: ["apigateway", "GetAuthorizers"], run: apigw },
  "apigateway:GetGatewayResponses": { contract: ["apigateway", "GetGatewayResponses"], run: apigw },
  "apigateway:GetBasePathMappings": { contract: ["apigateway", "GetBasePathMappings"], run: apigw },
  "apigateway:v2:GetApis": { contract: ["apigatewayv2", "GetApis"], run: apigw2 },
  "apigateway:v2:GetStages": { contract: ["apigatewayv2", "GetStages"], run: apigw2 },
  "apigateway:v2:GetRoutes": { contract: ["apigatewayv2", "GetRoutes"], run: apigw2 },
  "apigateway:v2:GetAuthorizers": { contract: ["apigatewayv2", "GetAuthorizers"], run: apigw2 },
  "apigateway:v2:GetIntegrations": { contract: ["apigatewayv2", "GetIntegrations"], run: apigw2 },
  "apigateway:v2:GetDomainNames": { contract: ["apigatewayv2", "GetDomainNames"], run: apigw2 },
  "apigateway:v2:GetApiMappings": { contract: ["apigatewayv2", "GetApiMappings"], run: apigw2 },
  "wafv2:ListWebACLs": { contract: ["wafv2", "ListWebACLs"], run: waf },
  "wafv2:GetWebACL": { contract: ["wafv2", "GetWebACL"], run: waf },
  "wafv2:ListResourcesForWebACL": { contract: ["wafv2", "ListResourcesForWebACL"], run: waf },
  "wafv2:ListLoggingConfigurations": { contract: ["wafv2", "ListLoggingConfigurations"], run: waf },
  "cloudtrail:DescribeTrails": { contract: ["cloudtrail", "DescribeTrails"], run: trail },
  "cloudtrail:GetTrailStatus": { contract: ["cloudtrail", "GetTrailStatus"], run: trail },
  "cloudtrail:GetEventSelectors": { contract: ["cloudtrail", "GetEventSelectors"], run: trail },
  "config:DescribeConfigurationRecorders": { contract: ["config", "DescribeConfigurationRecorders"], run: config },
  "config:DescribeConfigurationRecorderStatus": { contract: ["config", "DescribeConfigurationRecorderStatus"], run: config },
  "config:DescribeDeliveryChannels": { contract: ["config", "DescribeDeliveryChannels"], run: config },
  "config:DescribeDeliveryChannelStatus": { contract: ["config", "DescribeDeliveryChannelStatus"], run: config },
  "lambda:ListFunctions": { contract: ["lambda", "ListFunctions"], run: lambda },
  "lambda:GetPolicy": { contract: ["lambda", "GetPolicy"], run: lambda },
  "lambda:ListFunctionUrlConfigs": { contract: ["lambda", "ListFunctionUrlConfigs"], run: lambda },
  "cognito-idp:ListUserPools": { contract: ["cognito-idp", "ListUserPools"], run: userPools },
  "cognito-idp:DescribeUserPool": { contract: ["cognito-idp", "DescribeUserPool"], run: userPools },
  "cognito-idp:GetUserPoolMfaConfig": { contract: ["cognito-idp", "GetUserPoolMfaConfig"], run: userPoolMfa },
  "cognito-idp:ListUserPoolClients": { contract: ["cognito-idp", "ListUserPoolClients"], run: userPools },
  "cognito-idp:DescribeUserPoolClient": { contract: ["cognito-idp", "DescribeUserPoolClient"], run: userPools },
  "cognito-identity:ListIdentityPools": { contract: ["cognito-identity", "ListIdentityPools"], run: identityPools },
  "cognito-identity:DescribeIdentityPool": { contract: ["cognito-identity", "DescribeIdentityPool"], run: identityPools },
  "cognito-identity:GetIdentityPoolRoles": { contract: ["cognito-identity", "GetIdentityPoolRoles"], run: identityPools },
  "appsync:ListGraphqlApis": { contract: ["appsync", "ListGraphqlApis"], run: appsync },
  "appsync:ListApiKeys": { contract: ["appsync", "ListApiKeys"], run: appsync },
  "appsync:ListDataSources": { contract: ["appsync", "ListDataSources"], run: appsync },
  "securityhub:BatchImportFindings": { contract: ["securityhub", "BatchImportFindings"], run: securityHub },
  "securityhub:GetFindings": { contract: ["securityhub", "GetFindings"], run: securityHub },
};

const contractOf = (key: string) => {
  const [service, operation] = OPERATIONS[key]!.contract;
  return RESPONSE_CONTRACTS[service]!.operations[operation]!;
};

/** Runs `run` with one fault rule on `operation`; returns what was recorded for it and how often the fault hit. */
async function withFault(operation: string, fault: Omit<FaultRule, "operation">, run: () => Promise<Recorded[]>) {
  const injector = createFaultInjector({ rules: [{ operation, ...fault }] });
  s.hooks.push(injector.hook);
  try {
    const recorded = await run();
    const [, op] = OPERATIONS[operation]!.contract;
    const hits = Object.entries(injector.stats).reduce((n, [k, v]) => (k === "delayed" ? n : n + v), 0);
    return { recorded: recorded.filter((r) => r.operation === op), hits, all: recorded };
  } finally {
    s.hooks.splice(s.hooks.indexOf(injector.hook), 1);
  }
}

describe("every operation has a response contract, and every contract is proven below", () => {
  const SDK_PACKAGES: Record<string, string> = {
    "client-iam": "iam",
    "client-sts": "sts",
    "client-ec2": "ec2",
    "client-organizations": "organizations",
    "client-api-gateway": "apigateway",
    "client-apigatewayv2": "apigatewayv2",
    "client-wafv2": "wafv2",
    "client-cloudtrail": "cloudtrail",
    "client-config-service": "config",
    "client-securityhub": "securityhub",
    "client-lambda": "lambda",
    "client-cognito-identity-provider": "cognito-idp",
    "client-cognito-identity": "cognito-identity",
    "client-appsync": "appsync",
  };
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
    );
  const files = sources(join(ROOT, "src")).map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, "utf8") }));

  it("each command or paginator the source imports from an AWS SDK client has a contract", () => {
    const called: string[] = [];
    for (const { file, text } of files) {
      // `import { … } from "…"`, `import type { … } from "…"` (the set-up packages src/collect/scope.ts loads and
      // releases) or, for the SDK's CommonJS packages, `const { … } = requireSdk("…")`.
      const uses =
        /(?:import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*|const\s*\{([^}]*)\}\s*=\s*requireSdk\(\s*)"@aws-sdk\/(client-[\w-]+)"/g;
      for (const m of text.matchAll(uses)) {
        const service = SDK_PACKAGES[m[3]!];
        const names = (m[1] ?? m[2]!).split(",").map((n) => n.trim().replace(/^type\s+/, ""));
        for (const n of names) {
          const op = /^(\w+)Command$/.exec(n)?.[1] ?? /^paginate(\w+)$/.exec(n)?.[1];
          if (!op) continue;
          expect(service, `${file} imports ${n} from an SDK package this test does not know`).toBeDefined();
          called.push(`${service}:${op}`);
        }
      }
      // fromTemporaryCredentials calls sts:AssumeRole with its own client.
      if (/fromTemporaryCredentials\(/.test(text)) called.push("sts:AssumeRole");
    }
    expect(called.length).toBeGreaterThan(30);
    const missing = [...new Set(called)].filter((k) => {
      const [service, op] = k.split(":") as [string, string];
      return !RESPONSE_CONTRACTS[service]?.operations[op];
    });
    expect(missing, "add these to src/collect/response-contracts.ts (see docs/scanning.md)").toEqual([]);
  });

  it("SDK clients are built only by awsClient, so every client checks its answers", () => {
    expect(files.filter(({ text }) => /new \w+Client\(/.test(text)).map((f) => f.file)).toEqual([]);
    expect(files.filter(({ text }) => /new Ctor\(/.test(text)).map((f) => f.file)).toEqual(["src/collect/clients.ts"]);
  });

  it("the operations proven here are exactly the contracts' operations", () => {
    const proven = Object.values(OPERATIONS)
      .map((o) => o.contract.join(":"))
      .sort();
    const contracts = Object.entries(RESPONSE_CONTRACTS)
      .flatMap(([service, c]) => Object.keys(c.operations).map((op) => `${service}:${op}`))
      .sort();
    expect(proven).toEqual(contracts);
  });

  it("an operation without a contract is refused before it is sent", async () => {
    const { awsClient } = await import("../../src/collect/clients.js");
    const { IAMClient, ListUsersCommand } = await import("@aws-sdk/client-iam");
    const client = awsClient(IAMClient, settings(), "us-east-1", "iam");
    s.counts.clear();
    await expect(client.send(new ListUsersCommand({}))).rejects.toThrow(/no response contract for iam:ListUsers/);
    expect(s.counts.get("iam:ListUsers")).toBeUndefined();
    client.destroy();
  });
});

describe("an answer that is not the service's is a recorded error, for every operation", () => {
  const MODES = [
    ["empty-200", "EmptyResponse"],
    ["html-200", "HtmlResponse"],
    ["missing-member", "MissingResponseMember"],
  ] as const;
  for (const [mode, errorName] of MODES) {
    it.each(Object.keys(OPERATIONS))(`${mode} on %s`, async (operation) => {
      const { recorded, hits } = await withFault(operation, { [mode]: 1 }, () => OPERATIONS[operation]!.run());
      expect(hits, "the fault reached the operation").toBeGreaterThan(0);
      if (mode === "missing-member" && contractOf(operation).emptyMeansNone) {
        // AWS's own answer for "none" is this `{}`: it is read as no items, and the table says why.
        expect(recorded).toEqual([]);
        return;
      }
      expect(recorded.length).toBeGreaterThan(0);
      for (const r of recorded) expect(r.errorName).toBe(errorName);
    });
  }

  it("missing-member names the member that was missing", async () => {
    const { recorded } = await withFault("iam:GetAccountSummary", { "missing-member": 1, members: ["SummaryMap"] }, () => iam());
    expect(recorded).toEqual([
      expect.objectContaining({
        errorName: "MissingResponseMember",
        message: expect.stringContaining("iam:GetAccountSummary answered HTTP 200 without SummaryMap"),
      }),
    ]);
    const items = await withFault("apigateway:GetResources", { "missing-member": 1, members: ["item"] }, () => apigw());
    expect(items.recorded[0]).toMatchObject({
      errorName: "MissingResponseMember",
      message: expect.stringContaining("without items"),
    });
  });
});

describe("every paged listing is guarded against listings that never end", () => {
  const paged = Object.keys(OPERATIONS).filter((k) => contractOf(k).nextToken);

  it("the paged operations are the ones Tollgate pages through", () => {
    expect(paged.length).toBe(29);
  });

  it.each(paged)("repeat-token on %s: a token seen two pages earlier stops the listing with a recorded error", async (op) => {
    const { recorded, hits } = await withFault(op, { "repeat-token": 1 }, () => OPERATIONS[op]!.run());
    expect(hits).toBeGreaterThan(0);
    // One error per listing (per API or domain for their child listings).
    expect(recorded.length).toBeGreaterThan(0);
    for (const r of recorded) expect(r).toMatchObject({ errorName: "PaginationLoop" });
  });

  // The organisation's and Security Hub's listings keep the default cap (10,000 pages); the collectors' is an option.
  it.each(paged.filter((k) => !k.startsWith("organizations:") && !k.startsWith("securityhub:")))(
    "endless-pages on %s: the listing stops at the page cap with a recorded error",
    async (op) => {
      s.counts.clear();
      const { recorded } = await withFault(op, { "endless-pages": 1 }, () => OPERATIONS[op]!.run({ maxPages: 5 }));
      expect(recorded.length).toBeGreaterThan(0);
      for (const r of recorded)
        expect(r).toMatchObject({ errorName: "PageLimitExceeded", message: expect.stringContaining("after 5") });
      // Per listing: five pages and not one more (listings per API or domain multiply it).
      expect((s.counts.get(op) ?? 0) % 5).toBe(0);
    },
  );
});
