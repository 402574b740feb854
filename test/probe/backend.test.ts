// Probes of the backend layer, end to end on loopback: an account file → the simulator's Lambda and AppSync control
// plane → the real collectors → targetsFromInventory → runProbes against the simulated data plane derived from the
// same account file (function URLs and GraphQL endpoints with their configured auth, and misbehaviour switches).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAccountFile } from "../../fixtures/simulator/account-file.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import { startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";
import { collectAppSync } from "../../src/collect/appsync.js";
import { collectLambda } from "../../src/collect/lambda.js";
import type { Inventory, Resource } from "../../src/model/inventory.js";
import { correlate } from "../../src/probe/correlate.js";
import { parseProbeEndpoints } from "../../src/probe/endpoints-file.js";
import { planProbes } from "../../src/probe/plan.js";
import { prepareProbes } from "../../src/probe/prepare.js";
import { runProbes, type ProbeRunResult } from "../../src/probe/prober.js";
import { GRAPHQL_PROBE_QUERY } from "../../src/probe/steps.js";
import { targetsFromInventory } from "../../src/probe/targets-from-inventory.js";
import type { Finding } from "../../src/model/finding.js";
import { sim, SIM_NOW, unitContext } from "../helpers/sim.js";

const ACCOUNT = "444455550000";
const API_KEY = "da2-backendprobekeydonotleak01";
const publicInvoke = (fn: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "FunctionURLAllowPublicAccess",
      Effect: "Allow",
      Principal: "*",
      Action: "lambda:InvokeFunctionUrl",
      Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`,
      Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } },
    },
  ],
});
const fn = (name: string, extra: Record<string, unknown>) => ({
  FunctionName: name,
  Runtime: "nodejs22.x",
  Handler: "index.handler",
  Role: `arn:aws:iam::${ACCOUNT}:role/fn`,
  ...extra,
});

// Through the account schema, as an account file on disk would be.
const ACCT = parseAccountFile(
  JSON.stringify({
    accountId: ACCOUNT,
    regions: ["us-east-1"],
    callers: [
      {
        name: "auditor",
        accessKeyId: "AKIABACKENDPROBE0001",
        secretAccessKey: "backendProbeSecret/Do-Not-Leak-0123",
        arn: `arn:aws:iam::${ACCOUNT}:user/auditor`,
      },
    ],
    iam: { root: { mfa: "hardware", passwordLastUsedDaysAgo: 200 } },
    regional: {
      "us-east-1": {
        lambda: {
          functions: [
            fn("iam-good", {
              urls: [{ AuthType: "AWS_IAM", Cors: { AllowOrigins: ["https://app.example"], AllowCredentials: true } }],
            }),
            fn("iam-open", { urls: [{ AuthType: "AWS_IAM" }] }),
            fn("public-export", {
              policy: publicInvoke("public-export"),
              urls: [{ AuthType: "NONE", Cors: { AllowOrigins: ["*"], AllowCredentials: true } }],
            }),
            fn("none-no-policy", { urls: [{ AuthType: "NONE" }] }),
            fn("reflecting", { policy: publicInvoke("reflecting"), urls: [{ AuthType: "NONE" }] }),
            fn("no-url", {}),
          ],
        },
        appsync: {
          graphqlApis: [
            {
              apiId: "goodapi0000000000000000001",
              name: "orders-graph",
              authenticationType: "API_KEY",
              apiKeys: [{ id: API_KEY, expiresInDays: 30 }],
            },
            {
              apiId: "openapi0000000000000000002",
              name: "open-graph",
              authenticationType: "AMAZON_COGNITO_USER_POOLS",
              additionalAuthenticationProviders: [{ authenticationType: "AWS_IAM" }],
            },
            { apiId: "privapi0000000000000000003", name: "private-graph", authenticationType: "AWS_IAM", visibility: "PRIVATE" },
          ],
        },
        dataplane: {
          misbehave: {
            "iam-open": ["auth-not-deployed"],
            reflecting: ["cors-reflect-credentials"],
            openapi0000000000000000002: ["auth-not-deployed"],
          },
        },
      },
    },
  }),
  "backend probes test account",
);

let s: Simulator;
let pki: TestPki;
let dp: DataPlane;
let inv: Inventory;
const UA = "tollgate/0.0.0-test (+https://github.com/tollgate-audit/tollgate; API security probe)";

function inventoryOf(resources: Resource[]): Inventory {
  return {
    kind: "tollgate-inventory",
    formatVersion: 1,
    metadata: {
      toolVersion: "0",
      collectedAt: SIM_NOW.toISOString(),
      finishedAt: SIM_NOW.toISOString(),
      partition: "aws",
      accounts: [ACCOUNT],
      regions: ["us-east-1"],
      services: [],
      complete: true,
    },
    resources,
    errors: [],
  } as unknown as Inventory;
}

function templates() {
  return { functionUrlTemplate: dp.functionUrlTemplate, appsyncUrlTemplate: dp.appsyncUrlTemplate };
}

async function probe(appsyncPost: boolean): Promise<ProbeRunResult> {
  const { targets } = targetsFromInventory(inv, templates());
  return runProbes(targets, new Map(targets.map((t) => [t.id, "inventory" as const])), {
    userAgent: UA,
    extraCa: pki.caCert,
    ratePerSecond: 10_000,
    allowedHosts: ["127.0.0.1"],
    appsyncPost,
  });
}

function derived(r: ProbeRunResult, idPrefix: string): Record<string, unknown> {
  const res = r.resources.find((x) => (x.raw["target"] as { id: string }).id.startsWith(idPrefix));
  if (!res) throw new Error(`no probe resource for ${idPrefix}`);
  return res.derived;
}

beforeAll(async () => {
  s = await sim([ACCT], { now: () => SIM_NOW });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  const ctx = unitContext(ACCT, { region: "us-east-1" });
  const resources = [...(await collectLambda(ctx)).resources, ...(await collectAppSync(ctx)).resources];
  inv = inventoryOf(resources);
  pki = generateTestPki();
  dp = await startDataPlane({ ...dataPlaneConfig([ACCT]), pki });
});
afterAll(async () => {
  delete process.env["AWS_ENDPOINT_URL"];
  await dp?.close();
  pki?.dispose();
  await s?.close();
});

describe("targets of the backend layer", () => {
  it("one GET target per function URL on the URL template, one POST target per public AppSync API; private ones listed", () => {
    const out = targetsFromInventory(inv, templates());
    const ids = out.targets.map((t) => t.id);
    expect(ids.filter((i) => i.startsWith("lambda-url/")).map((i) => i.split("/")[1])).toEqual([
      "iam-good",
      "iam-open",
      "none-no-policy",
      "public-export",
      "reflecting",
    ]);
    expect(ids.filter((i) => i.startsWith("appsync/"))).toEqual([
      "appsync/goodapi0000000000000000001",
      "appsync/openapi0000000000000000002",
    ]);
    const url = out.targets.find((t) => t.id.startsWith("lambda-url/iam-good/"))!;
    expect(url).toMatchObject({
      kind: "lambda-url",
      arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:iam-good`,
      method: "GET",
      path: "/",
      expect: { auth: "AWS_IAM", cors: { allowOrigins: ["https://app.example"], allowCredentials: true } },
    });
    expect(url.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/_lambda-url\/[a-z0-9]{32}$/);
    const graph = out.targets.find((t) => t.id === "appsync/openapi0000000000000000002")!;
    expect(graph).toMatchObject({
      kind: "appsync",
      method: "POST",
      expect: { auth: "AMAZON_COGNITO_USER_POOLS", authProviders: ["AMAZON_COGNITO_USER_POOLS", "AWS_IAM"] },
    });
    expect(out.notProbed.map((n) => n.reason)).toEqual([expect.stringMatching(/^private AppSync API/)]);
  });

  it("defaults to AWS's hosts, and an emulator's inventory is skipped there unless templates are given", () => {
    const aws = targetsFromInventory(inv);
    expect(aws.targets.find((t) => t.kind === "lambda-url")!.baseUrl).toMatch(
      /^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/,
    );
    expect(aws.targets.find((t) => t.kind === "appsync")!.baseUrl).toMatch(
      /^https:\/\/[0-9a-f]{26}\.appsync-api\.us-east-1\.amazonaws\.com$/,
    );
    const prepared = prepareProbes({});
    prepared.emulator = { value: s.endpoint, source: "AWS_ENDPOINT_URL", why: "a loopback address" };
    const plan = planProbes(inv, prepared);
    expect(plan.targets).toEqual([]);
    expect(plan.skipped.filter((x) => x.target.kind === "lambda-url")[0]!.reason).toMatch(
      /function URLs are not on AWS's hosts; give --function-url-template/,
    );
    expect(plan.skipped.filter((x) => x.target.kind === "appsync")[0]!.reason).toMatch(/give --appsync-url-template/);
    const given = prepareProbes({ ...templates() });
    given.emulator = prepared.emulator;
    expect(planProbes(inv, given).targets.length).toBe(7);
  });

  it("refuses a template without its placeholder or of the wrong scheme (exit 2 before any request)", () => {
    expect(() => prepareProbes({ functionUrlTemplate: "https://127.0.0.1/x" })).toThrow(
      /--function-url-template: must be a https:\/\/ URL template with \{urlId\}/,
    );
    expect(() => prepareProbes({ appsyncUrlTemplate: "http://{endpointId}.example/graphql" })).toThrow(/--appsync-url-template/);
  });

  it("the endpoints file takes function URLs and AppSync endpoints, and refuses an auth type the kind cannot have", () => {
    const file = (e: Record<string, unknown>) =>
      JSON.stringify({ endpoints: [{ id: "x", baseUrl: "https://h.example", path: "/", method: "GET", ...e }] });
    expect(parseProbeEndpoints(file({ kind: "lambda-url", expect: { auth: "AWS_IAM" } }), "f.json")[0]).toMatchObject({
      kind: "lambda-url",
    });
    expect(
      parseProbeEndpoints(file({ kind: "appsync", method: "POST", path: "/graphql", expect: { auth: "API_KEY" } }), "f.json"),
    ).toHaveLength(1);
    expect(() => parseProbeEndpoints(file({ kind: "lambda-url", expect: { auth: "JWT" } }), "f.json")).toThrow(
      /^f\.json: \/endpoints\/0\/expect\/auth: JWT is not an authorization type of a lambda-url endpoint/,
    );
    expect(() => parseProbeEndpoints(file({ expect: { auth: "API_KEY" } }), "f.json")).toThrow(
      /API_KEY is not an authorization type of a apigateway endpoint/,
    );
  });

  it("an unknown function URL AuthType is a problem, never a guess", () => {
    const odd = structuredClone(inv);
    const r = odd.resources.find((x) => x.name === "iam-good")!;
    (r.raw["functionUrlConfigs"] as Record<string, unknown>[])[0]!["AuthType"] = "CUSTOM";
    const out = targetsFromInventory(odd, templates());
    expect(out.problems).toEqual([{ arn: r.arn, message: 'unknown function URL AuthType "CUSTOM"' }]);
  });
});

describe("function URL probes against the simulated data plane", () => {
  let r: ProbeRunResult;
  beforeAll(async () => {
    r = await probe(false);
  });

  it("an AWS_IAM URL refuses the unsigned request (enforced); one that answers 200 is not-enforced", () => {
    expect(derived(r, "lambda-url/iam-good/")).toMatchObject({
      probeKind: "lambda-url",
      urlAuthOutcome: "enforced",
      unsignedStatus: 403,
      authOutcome: "not-applicable",
    });
    expect(derived(r, "lambda-url/iam-open/")).toMatchObject({
      urlAuthOutcome: "not-enforced",
      unsignedStatus: 200,
      unsignedAllowed: true,
    });
  });

  it("a NONE URL that answers is confirmed public; one whose policy does not let everyone invoke it is refused", () => {
    expect(derived(r, "lambda-url/public-export/")).toMatchObject({ urlAuthOutcome: "public", unsignedStatus: 200 });
    expect(derived(r, "lambda-url/none-no-policy/")).toMatchObject({ urlAuthOutcome: "refused", unsignedStatus: 403 });
  });

  it("CORS with a hostile origin: listed origins are not reflected, a reflecting function is caught, * with credentials is said", () => {
    expect(derived(r, "lambda-url/iam-good/")).toMatchObject({ urlCorsOutcome: "no-reflection", corsReflectsEvilOrigin: false });
    expect(derived(r, "lambda-url/reflecting/")).toMatchObject({
      urlCorsOutcome: "reflects-with-credentials",
      corsAllowsCredentialsWithReflection: true,
    });
    expect(derived(r, "lambda-url/public-export/")).toMatchObject({
      urlCorsOutcome: "any-origin-with-credentials",
      corsAnyOriginWithCredentials: true,
    });
    expect(r.errors).toEqual([]);
  });

  it("sends only GET and OPTIONS to function URLs, with the identifying User-Agent, nothing signed and no body", () => {
    const sent = dp.requests.filter((x) => x.url.startsWith("/_lambda-url/"));
    expect(sent.length).toBe(5 * 3);
    expect(new Set(sent.map((x) => x.method))).toEqual(new Set(["GET", "OPTIONS"]));
    for (const x of sent) {
      expect(x.headers["user-agent"]).toBe(UA);
      expect(x.headers["authorization"]).toBeUndefined();
    }
  });

  it("a configuration finding about the URL's auth is confirmed by a public URL and contradicted by an open IAM URL", () => {
    const finding = (arn: string, status: "pass" | "fail") =>
      ({ ruleId: "aws.lambda.function.url-auth-required", resourceArn: arn, status, evidence: [] }) as unknown as Finding;
    const arn = (f: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${f}`;
    const links = new Map([["aws.lambda.function.url-auth-required", "urlAuth" as const]]);
    const probes = r.resources.filter((x) => x.derived["probeKind"] === "lambda-url");
    const [pub, open, good] = correlate(
      [finding(arn("public-export"), "fail"), finding(arn("iam-open"), "pass"), finding(arn("iam-good"), "pass")],
      probes,
      links,
    );
    expect(pub!.probe).toMatchObject({ check: "urlAuth", confirmed: true, probes: [{ outcome: "public" }] });
    expect(open!.probe).toMatchObject({ confirmed: false, contradicted: true, probes: [{ outcome: "not-enforced" }] });
    expect(good!.probe).toMatchObject({ confirmed: true, probes: [{ outcome: "enforced" }] });
  });
});

describe("AppSync probes", () => {
  it("are off by default: nothing is sent and the check is skipped, not an error", async () => {
    const before = dp.requests.filter((x) => x.url.startsWith("/_appsync/")).length;
    const r = await probe(false);
    expect(dp.requests.filter((x) => x.url.startsWith("/_appsync/")).length).toBe(before);
    const res = r.resources.find((x) => x.derived["probeKind"] === "appsync")!;
    expect(res.derived["appsyncAuthOutcome"]).toBeNull();
    expect(res.skipped).toEqual({ "/derived/appsyncAuthOutcome": expect.stringMatching(/opt-in \(--probe-appsync\)/) });
    expect(r.errors).toEqual([]);
  });

  it("with the opt-in: one read-only query without credentials; refused is enforced, answered is not-enforced", async () => {
    const before = dp.requests.length;
    const r = await probe(true);
    expect(derived(r, "appsync/goodapi")).toMatchObject({
      probeKind: "appsync",
      appsyncAuthOutcome: "enforced",
      unauthenticatedGraphqlStatus: 401,
    });
    expect(derived(r, "appsync/openapi")).toMatchObject({
      appsyncAuthOutcome: "not-enforced",
      unauthenticatedGraphqlStatus: 200,
      unauthenticatedGraphqlAllowed: true,
    });
    const sent = dp.requests.slice(before).filter((x) => x.url.startsWith("/_appsync/"));
    expect(sent.map((x) => x.method)).toEqual(["POST", "POST"]);
    for (const x of sent) {
      expect(x.headers["content-type"]).toBe("application/json");
      expect(x.headers["content-length"]).toBe(String(Buffer.byteLength(GRAPHQL_PROBE_QUERY)));
      expect(x.headers["x-api-key"]).toBeUndefined();
      expect(x.headers["authorization"]).toBeUndefined();
    }
    expect(JSON.parse(GRAPHQL_PROBE_QUERY)).toEqual({ query: "query { __typename }" });
    // The success body is the API's data and is never recorded; the refusal's message is.
    const open = r.resources.find((x) => (x.raw["target"] as { id: string }).id.startsWith("appsync/openapi"))!;
    expect(JSON.stringify(open.raw)).not.toContain('__typename":"Query');
    expect(JSON.stringify(r)).not.toContain(API_KEY);
  });

  it("stays inside the run budget", async () => {
    const { targets } = targetsFromInventory(inv, templates());
    const r = await runProbes(targets, new Map(), {
      userAgent: UA,
      extraCa: pki.caCert,
      ratePerSecond: 10_000,
      budget: 4,
      appsyncPost: true,
    });
    expect(r.requestsSent).toBe(4);
    expect(r.errors.some((e) => e.errorName === "ProbeBudgetExhausted")).toBe(true);
  });
});
