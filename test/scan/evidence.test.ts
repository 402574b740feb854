import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Finding, FindingStatus } from "../../src/model/finding.js";
import { cleanAccount } from "../helpers/accounts.js";
import { ruleSources } from "../helpers/rule-sources.js";
import { scanOptions, sim } from "../helpers/sim.js";

// Verdicts follow the evidence, through the wire: for every rule that reads more than one source call, each source
// is denied by the simulator in an account where the data still collected proves the failure (fail), and in one
// where what the denied call would have said could change the verdict (error). Each case is the clean account
// with one change, so every other rule stays as it was.

const rules = loadRules(builtInRuleDirs());
type Regional = NonNullable<AccountFile["regional"]>[string];
type RestApi = NonNullable<NonNullable<Regional["apigateway"]>["restApis"]>[number];

const east = (a: AccountFile): Regional => a.regional!["us-east-1"]!;
const api = (a: AccountFile): RestApi => east(a).apigateway!.restApis![0]!;
const methods = (a: AccountFile) => api(a).resources!.flatMap((r) => Object.entries(r.resourceMethods ?? {}));
type Integration = { integrationResponses: Record<string, { responseParameters: Record<string, string> }> };
/** The OPTIONS method's CORS headers (values as API Gateway maps them: quoted literals). */
function preflight(a: AccountFile, headers: Record<string, string>): void {
  const [, options] = methods(a).find(([verb]) => verb === "OPTIONS")!;
  const response = (options["methodIntegration"] as Integration).integrationResponses["200"]!;
  for (const [h, v] of Object.entries(headers)) response.responseParameters[`method.response.header.${h}`] = v;
}
/** The stage's settings that apply to every method. */
const allMethods = (a: AccountFile) => (api(a).stages![0]!["methodSettings"] as Record<string, Record<string, unknown>>)["*/*"]!;
const gatewayWildcard = (credentials: boolean) => (a: AccountFile) => {
  api(a).gatewayResponses = [
    {
      responseType: "DEFAULT_4XX",
      statusCode: "400",
      responseParameters: {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
        ...(credentials ? { "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'" } : {}),
      },
    },
  ];
};
const noAuthorisation = (a: AccountFile) => {
  for (const [, m] of methods(a)) m.authorizationType = "NONE";
};
const trail = (a: AccountFile) => east(a).cloudtrail!.trails![0]!;
/** A user pool anyone may sign up to, whose description does not state MFA (GetUserPoolMfaConfig says OFF). */
const openUserPool = (a: AccountFile) => {
  east(a).cognito = {
    userPools: [{ Id: "us-east-1_Evidence1", Name: "open", AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } }],
  };
};
/** An identity pool giving guests a role that may use every DynamoDB action on every table. */
const guestPool = (a: AccountFile) => {
  a.iam.roles = [
    ...(a.iam.roles ?? []),
    {
      name: "guest",
      trustPolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: "cognito-identity.amazonaws.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "unauthenticated" } },
          },
        ],
      },
      inlinePolicies: { data: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }] } },
    },
  ];
  east(a).cognito = {
    identityPools: [
      {
        IdentityPoolId: "us-east-1:0e0e0e0e-1111-2222-3333-444444444444",
        IdentityPoolName: "guests",
        AllowUnauthenticatedIdentities: true,
        roles: { unauthenticated: `arn:aws:iam::${a.accountId}:role/guest` },
      },
    ],
  };
};
const config = (a: AccountFile) => east(a).config!;

interface Case {
  rule: string;
  name: string;
  /** Operations the simulator denies (globs on `service:Operation`). */
  deny: string[];
  change?: (a: AccountFile) => void;
  expect: FindingStatus;
}

const CREDENTIAL_REPORT = "iam:*CredentialReport";
const CASES: Case[] = [
  // REST API CORS: the methods' integration responses (GetResources) and the gateway responses, each on its own.
  {
    rule: "aws.apigateway.restapi.cors-credentials-origin",
    name: "the preflight allows credentials with *; gateway responses denied",
    deny: ["apigateway:GetGatewayResponses"],
    change: (a) => preflight(a, { "Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Credentials": "'true'" }),
    expect: "fail",
  },
  {
    rule: "aws.apigateway.restapi.cors-credentials-origin",
    name: "methods fine, gateway responses denied",
    deny: ["apigateway:GetGatewayResponses"],
    expect: "error",
  },
  {
    rule: "aws.apigateway.restapi.cors-credentials-origin",
    name: "a gateway response allows credentials with *; methods denied",
    deny: ["apigateway:GetResources"],
    change: gatewayWildcard(true),
    expect: "fail",
  },
  {
    rule: "aws.apigateway.restapi.cors-credentials-origin",
    name: "gateway responses fine, methods denied",
    deny: ["apigateway:GetResources"],
    expect: "error",
  },
  {
    rule: "aws.apigateway.restapi.cors-wildcard-authorized",
    name: "* on the authorised path's preflight; gateway responses denied",
    deny: ["apigateway:GetGatewayResponses"],
    change: (a) => preflight(a, { "Access-Control-Allow-Origin": "'*'" }),
    expect: "fail",
  },
  {
    rule: "aws.apigateway.restapi.cors-wildcard-authorized",
    name: "methods fine, gateway responses denied",
    deny: ["apigateway:GetGatewayResponses"],
    expect: "error",
  },
  {
    rule: "aws.apigateway.restapi.cors-wildcard-authorized",
    name: "* on a gateway response, methods denied: whether any method is authorised is unknown",
    deny: ["apigateway:GetResources"],
    change: gatewayWildcard(false),
    expect: "error",
  },
  {
    rule: "aws.apigateway.restapi.cors-wildcard-no-auth",
    name: "no method authorised, * on the preflight; gateway responses denied",
    deny: ["apigateway:GetGatewayResponses"],
    change: (a) => {
      noAuthorisation(a);
      preflight(a, { "Access-Control-Allow-Origin": "'*'" });
    },
    expect: "fail",
  },
  {
    rule: "aws.apigateway.restapi.cors-wildcard-no-auth",
    name: "no method authorised, a literal origin; gateway responses denied",
    deny: ["apigateway:GetGatewayResponses"],
    change: noAuthorisation,
    expect: "error",
  },
  {
    rule: "aws.apigateway.restapi.cors-wildcard-no-auth",
    name: "* on a gateway response, methods denied: whether any method is authorised is unknown",
    deny: ["apigateway:GetResources"],
    change: gatewayWildcard(false),
    expect: "error",
  },
  // Usage plans matter only for APIs that require keys, and need both sources to prove anything.
  {
    rule: "aws.apigateway.restapi.usage-plan-limits",
    name: "a method requires an API key; usage plans denied",
    deny: ["apigateway:GetUsagePlans"],
    change: (a) => {
      methods(a).find(([verb]) => verb === "GET")![1].apiKeyRequired = true;
    },
    expect: "error",
  },
  {
    rule: "aws.apigateway.restapi.usage-plan-limits",
    name: "methods denied: whether keys are required is unknown",
    deny: ["apigateway:GetResources"],
    expect: "error",
  },
  // Stage throttling: the account's limits are only a fallback.
  {
    rule: "aws.apigateway.stage.throttling",
    name: "the stage's own limit is above the ceiling; account settings denied",
    deny: ["apigateway:GetAccount"],
    change: (a) => {
      allMethods(a)["throttlingRateLimit"] = 5000;
    },
    expect: "fail",
  },
  {
    rule: "aws.apigateway.stage.throttling",
    name: "the stage sets no limit of its own (the account's applies); account settings denied",
    deny: ["apigateway:GetAccount"],
    change: (a) => {
      delete allMethods(a)["throttlingRateLimit"];
      delete allMethods(a)["throttlingBurstLimit"];
    },
    expect: "fail",
  },
  {
    rule: "aws.apigateway.stage.throttling",
    name: "the stage's limits are within the ceiling; account settings denied",
    deny: ["apigateway:GetAccount"],
    expect: "pass",
  },
  {
    rule: "aws.apigateway.stage.throttling",
    name: "methods denied: which methods the stage serves is unknown",
    deny: ["apigateway:GetResources"],
    expect: "error",
  },
  // CloudTrail: a region is covered by one trail that is multi-region, logging and recording management events.
  {
    rule: "aws.cloudtrail.region.multi-region-trail",
    name: "the only trail is single-region; its status denied",
    deny: ["cloudtrail:GetTrailStatus"],
    change: (a) => {
      trail(a).IsMultiRegionTrail = false;
    },
    expect: "fail",
  },
  {
    rule: "aws.cloudtrail.region.multi-region-trail",
    name: "a multi-region trail whose status is denied",
    deny: ["cloudtrail:GetTrailStatus"],
    expect: "error",
  },
  {
    rule: "aws.cloudtrail.region.multi-region-trail",
    name: "the only trail is stopped; its event selectors denied",
    deny: ["cloudtrail:GetEventSelectors"],
    change: (a) => {
      trail(a).status = { IsLogging: false };
    },
    expect: "fail",
  },
  {
    rule: "aws.cloudtrail.region.multi-region-trail",
    name: "a logging multi-region trail whose event selectors are denied",
    deny: ["cloudtrail:GetEventSelectors"],
    expect: "error",
  },
  {
    rule: "aws.cloudtrail.region.multi-region-trail",
    name: "trails denied",
    deny: ["cloudtrail:DescribeTrails"],
    expect: "error",
  },
  // AWS Config: recorder, its status, delivery channel and its status are four calls.
  {
    rule: "aws.config.region.recorder-enabled",
    name: "no recorder; recorder status denied",
    deny: ["config:DescribeConfigurationRecorderStatus"],
    change: (a) => {
      config(a).recorders = [];
    },
    expect: "fail",
  },
  {
    rule: "aws.config.region.recorder-enabled",
    name: "recorder status denied",
    deny: ["config:DescribeConfigurationRecorderStatus"],
    expect: "error",
  },
  {
    rule: "aws.config.region.recorder-enabled",
    name: "no delivery channel; recorders denied",
    deny: ["config:DescribeConfigurationRecorders"],
    change: (a) => {
      config(a).deliveryChannels = [];
    },
    expect: "fail",
  },
  {
    rule: "aws.config.region.recorder-enabled",
    name: "recorders denied",
    deny: ["config:DescribeConfigurationRecorders"],
    expect: "error",
  },
  {
    rule: "aws.config.region.recorder-enabled",
    name: "no recorder; delivery channel status denied (the issue's example)",
    deny: ["config:DescribeDeliveryChannelStatus"],
    change: (a) => {
      config(a).recorders = [];
    },
    expect: "fail",
  },
  {
    rule: "aws.config.region.recorder-enabled",
    name: "delivery channel status denied",
    deny: ["config:DescribeDeliveryChannelStatus"],
    expect: "error",
  },
  {
    rule: "aws.config.region.recorder-enabled",
    name: "the recorder is stopped; delivery channels denied",
    deny: ["config:DescribeDeliveryChannels"],
    change: (a) => {
      config(a).recorders![0]!.status = { recording: false, lastStatus: "Success" };
    },
    expect: "fail",
  },
  {
    rule: "aws.config.region.recorder-enabled",
    name: "delivery channels denied",
    deny: ["config:DescribeDeliveryChannels"],
    expect: "error",
  },
  // The root user: the account summary and the credential report both say whether MFA is on and keys exist.
  ...(["aws.iam.account.root-mfa", "aws.iam.account.root-hardware-mfa"] as const).flatMap((rule): Case[] => [
    {
      rule,
      name: "root without MFA; account summary denied",
      deny: ["iam:GetAccountSummary"],
      change: (a) => {
        a.iam.root!.mfa = "none";
      },
      expect: "fail",
    },
    {
      rule,
      name: "root without MFA; credential report denied",
      deny: [CREDENTIAL_REPORT],
      change: (a) => {
        a.iam.root!.mfa = "none";
      },
      expect: "fail",
    },
    {
      rule,
      name: "account summary and credential report denied",
      deny: ["iam:GetAccountSummary", CREDENTIAL_REPORT],
      expect: "error",
    },
  ]),
  {
    rule: "aws.iam.account.root-mfa",
    name: "account summary denied: the credential report shows MFA",
    deny: ["iam:GetAccountSummary"],
    expect: "pass",
  },
  {
    rule: "aws.iam.account.root-hardware-mfa",
    name: "root without MFA; virtual MFA devices denied",
    deny: ["iam:ListVirtualMFADevices"],
    change: (a) => {
      a.iam.root!.mfa = "none";
    },
    expect: "fail",
  },
  {
    rule: "aws.iam.account.root-hardware-mfa",
    name: "root with MFA; virtual MFA devices denied: hardware or virtual is unknown",
    deny: ["iam:ListVirtualMFADevices"],
    expect: "error",
  },
  ...[["iam:GetAccountSummary"], [CREDENTIAL_REPORT]].map((deny): Case => ({
    rule: "aws.iam.account.root-no-access-keys",
    name: `the root user has an access key; ${deny[0]} denied`,
    deny,
    change: (a) => {
      a.iam.root!.accessKeys = [{ id: "AKIAROOTKEYEVIDENCE01", active: true, createdDaysAgo: 30 }];
    },
    expect: "fail",
  })),
  {
    rule: "aws.iam.account.root-no-access-keys",
    name: "account summary and credential report denied",
    deny: ["iam:GetAccountSummary", CREDENTIAL_REPORT],
    expect: "error",
  },
  // Cognito: a pool's MFA setting comes from its description, or from GetUserPoolMfaConfig when that does not state it.
  {
    rule: "aws.cognito.userpool.mfa-required",
    name: "open sign-up, MFA not stated; GetUserPoolMfaConfig denied",
    deny: ["cognito-idp:GetUserPoolMfaConfig"],
    change: openUserPool,
    expect: "error",
  },
  {
    rule: "aws.cognito.userpool.mfa-required",
    name: "DescribeUserPool denied: whether anyone may sign up is unknown",
    deny: ["cognito-idp:DescribeUserPool"],
    change: openUserPool,
    expect: "error",
  },
  // An identity pool's guest role: the pool (are guests allowed), its roles, and the account's IAM data.
  ...["cognito-identity:DescribeIdentityPool", "cognito-identity:GetIdentityPoolRoles", "iam:GetAccountAuthorizationDetails"].map(
    (op): Case => ({
      rule: "aws.cognito.identitypool.unauthenticated-role-not-privileged",
      name: `a guest role with dynamodb:* on *; ${op} denied`,
      deny: [op],
      change: guestPool,
      expect: "error",
    }),
  ),
  // Lambda resource policies: the function's own (GetPolicy) and those of the aliases serving a URL (which
  // ListFunctionUrlConfigs names). A public or cross-account grant in the function's own policy stands without the URLs.
  ...(
    [
      ["aws.lambda.function.policy-no-public-access", { Sid: "anyone", Principal: "*" }],
      [
        "aws.lambda.function.policy-cross-account-conditions",
        { Sid: "partner", Principal: { AWS: "arn:aws:iam::999988887777:root" } },
      ],
    ] as const
  ).flatMap(([rule, grant]): Case[] => [
    {
      rule,
      name: "the function's own policy grants it; URLs denied",
      deny: ["lambda:ListFunctionUrlConfigs"],
      change: (a) => {
        const f = east(a).lambda!.functions![0]!;
        (f.policy as { Statement: unknown[] }).Statement.push({
          Effect: "Allow",
          Action: "lambda:InvokeFunction",
          Resource: "*",
          ...grant,
        });
      },
      expect: "fail",
    },
    { rule, name: "URLs denied: an alias's policy could grant it", deny: ["lambda:ListFunctionUrlConfigs"], expect: "error" },
    { rule, name: "policies denied", deny: ["lambda:GetPolicy"], expect: "error" },
  ]),
  // An HTTP API route's Lambda function: the route's integration (GetIntegrations) and the Lambda listing.
  // (The simulator names the v2 call apigateway:v2:GetIntegrations, the inventory apigatewayv2:GetIntegrations.)
  ...["apigateway*GetIntegrations", "lambda:ListFunctions"].map((op): Case => ({
    rule: "aws.apigatewayv2.route.integration-function-exists",
    name: `a route invokes the account's function; ${op} denied`,
    deny: [op],
    change: (a) => {
      east(a).apigatewayv2 = {
        apis: [
          {
            apiId: "evid3nce01",
            name: "evidence",
            protocolType: "HTTP",
            routes: [
              { routeId: "rte0001", routeKey: "GET /reports", authorizationType: "AWS_IAM", target: "integrations/int0001" },
            ],
            integrations: [
              {
                integrationId: "int0001",
                integrationType: "AWS_PROXY",
                integrationUri: `arn:aws:lambda:us-east-1:${a.accountId}:function:reports`,
                payloadFormatVersion: "2.0",
              },
            ],
          },
        ],
      };
    },
    expect: "error",
  })),
];

/**
 * Sources whose failure alone can never prove a failure, or never leave a verdict unknown, and why. The test
 * below fails when a rule reading several sources gains one that no case exercises.
 */
const CANNOT_PROVE: Record<string, Record<string, string>> = {
  "aws.apigateway.restapi.cors-wildcard-authorized": {
    "apigateway:GetResources": "whether any method is authorised comes from the methods alone",
  },
  "aws.apigateway.restapi.cors-wildcard-no-auth": {
    "apigateway:GetResources": "whether any method is authorised comes from the methods alone",
  },
  "aws.apigateway.restapi.usage-plan-limits": {
    "apigateway:GetResources": "whether the API requires keys comes from its methods",
    "apigateway:GetUsagePlans": "an API that requires keys fails only on what its plans say",
  },
  "aws.apigateway.stage.throttling": { "apigateway:GetResources": "the stage's methods are what is judged" },
  "aws.cloudtrail.region.multi-region-trail": { "cloudtrail:DescribeTrails": "a missing trail cannot be proven" },
  "aws.cognito.userpool.mfa-required": {
    "cognito-idp:DescribeUserPool": "whether anyone may sign up comes from the description alone",
    "cognito-idp:GetUserPoolMfaConfig": "it is asked only when the description does not state MFA, which it then alone tells",
  },
  "aws.cognito.identitypool.unauthenticated-role-not-privileged": {
    "cognito-identity:DescribeIdentityPool": "whether guests are allowed comes from the description alone",
    "cognito-identity:GetIdentityPoolRoles": "which role guests get comes from the pool's roles alone",
    "iam:GetAccountAuthorizationDetails": "what the guest role may do comes from the account's IAM data alone",
  },
  "aws.lambda.function.policy-no-public-access": {
    "lambda:GetPolicy": "the function's and its aliases' policies both come from GetPolicy",
  },
  "aws.lambda.function.policy-cross-account-conditions": {
    "lambda:GetPolicy": "the function's and its aliases' policies both come from GetPolicy",
  },
  "aws.apigatewayv2.route.integration-function-exists": {
    "apigatewayv2:GetIntegrations": "the integration names the function",
    "lambda:ListFunctions": "a missing function is proven only by the listing",
  },
};
const NEVER_UNKNOWN: Record<string, Record<string, string>> = {
  "aws.apigateway.stage.throttling": {
    "apigateway:GetAccount": "a method that falls back to the account's limits fails whatever they are",
  },
};

const SCENARIO_ID = (i: number) => String(710000000000 + i);
let s: Simulator;
const results = new Map<Case, Finding[]>();

beforeAll(async () => {
  const accounts = CASES.map((c, i) => {
    const a = cleanAccount(SCENARIO_ID(i), `EVIDENCE${String(i).padStart(3, "0")}`);
    c.change?.(a);
    return a;
  });
  const faults = createFaultInjector({
    rules: CASES.flatMap((c, i) => c.deny.map((operation) => ({ operation, accounts: [SCENARIO_ID(i)], accessDenied: 1 }))),
  });
  s = await sim(accounts, { hooks: [faults.hook] });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  for (const [i, c] of CASES.entries()) {
    const inv = await scan(scanOptions(accounts[i]!, { scan: { regions: ["us-east-1"], maxAttempts: 1 } }));
    const denied = new Set(inv.errors.map((e) => `${e.service}:${e.operation}`));
    // Each denied operation was really called and recorded (a glob may stand for two calls).
    for (const d of c.deny)
      expect(
        [...denied].some((x) => new RegExp(`^${d.replace("*", ".*")}$`).test(x)),
        d,
      ).toBe(true);
    results.set(c, evaluate(inv, rules));
  }
}, 300_000);
afterAll(() => s.close());

describe("verdicts follow the evidence, each source of each rule denied in turn", () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.name}: ${c.expect}`, () => {
      const findings = results.get(c)!.filter((f) => f.ruleId === c.rule);
      // One finding for the one resource the rule judges in this account: never a second one for the failed call.
      expect(findings.map((f) => f.status)).toEqual([c.expect]);
      const cites = findings[0]!.evidence.some((e) => / failed: /.test(String(e.actual)));
      if (c.expect === "error") expect(cites).toBe(true);
    });
  }

  it("one failed call, one finding per rule and resource, in every case", () => {
    for (const [c, findings] of results) {
      const keys = findings.map((f) => `${f.ruleId}|${f.region}|${f.resourceArn}`);
      expect(
        keys.filter((k, i) => keys.indexOf(k) !== i),
        c.name,
      ).toEqual([]);
    }
  });

  it("every rule reading several sources has each source denied both ways (or a reason it cannot be)", () => {
    const multi = rules.filter((r) => ruleSources(r).length > 1);
    expect(multi.length).toBeGreaterThanOrEqual(10);
    const covers = (c: Case, group: string[]) =>
      c.deny.some((d) => group.some((op) => new RegExp(`^${d.replace("*", ".*")}$`).test(op)));
    const missing = multi.flatMap((r) =>
      ruleSources(r).flatMap((group) => {
        const cases = CASES.filter((c) => c.rule === r.id && covers(c, group));
        const reason = (table: typeof CANNOT_PROVE) => group.some((op) => table[r.id]?.[op]);
        return [
          ...(cases.some((c) => c.expect === "fail") || reason(CANNOT_PROVE) ? [] : [`${r.id} ${group}: no fail case`]),
          ...(cases.some((c) => c.expect === "error") || reason(NEVER_UNKNOWN) ? [] : [`${r.id} ${group}: no error case`]),
        ];
      }),
    );
    expect(missing).toEqual([]);
  });
});
