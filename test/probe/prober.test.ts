import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataPlaneStage } from "../../fixtures/simulator/dataplane.js";
import { mintJwt } from "../../fixtures/simulator/dataplane.js";
import type { CollectionError, Resource } from "../../src/model/inventory.js";
import { runProbes, type ProbeOptions, type ProbeRunResult } from "../../src/probe/prober.js";
import type { ProbeExpectation, ProbeTarget, RecordedResponse } from "../../src/probe/types.js";
import { fixedSigningCredentials } from "../../src/probe/sign.js";
import { dataPlane, PROBE_API_KEY, PROBE_CREDS } from "../helpers/dataplane.js";

const JWT = { issuer: "https://issuer.example", audience: "tollgate-test", secret: "jwt-secret-Do-Not-Leak" };

const STAGES: DataPlaneStage[] = [
  {
    apiId: "good",
    stage: "prod",
    waf: true,
    cors: { allowOrigins: ["https://app.example"], allowCredentials: true },
    routes: [
      { method: "GET", path: "/iam", auth: "AWS_IAM" },
      { method: "GET", path: "/jwt", auth: "JWT", jwt: JWT },
      { method: "GET", path: "/custom", auth: "CUSTOM", customToken: "allow-me" },
      { method: "GET", path: "/keyed", auth: "NONE", apiKeyRequired: true },
      { method: "GET", path: "/pets/{id}", auth: "COGNITO_USER_POOLS", jwt: JWT },
      { method: "GET", path: "/ghost", auth: "AWS_IAM", misbehave: { notDeployed: true } },
      { method: "POST", path: "/orders", auth: "AWS_IAM" },
    ],
  },
  {
    apiId: "bad",
    stage: "prod",
    waf: true,
    minTls: "TLS_1_0",
    misbehave: { corsReflectAnyOrigin: true, corsAllowCredentials: true, servePlainHttp: true, wafNotBlocking: true },
    routes: [
      { method: "GET", path: "/open", auth: "AWS_IAM", misbehave: { authNotDeployed: true } },
      { method: "GET", path: "/anysig", auth: "AWS_IAM", misbehave: { acceptBadSignatures: true } },
      { method: "GET", path: "/nodate", auth: "AWS_IAM", misbehave: { ignoreSignatureDate: true } },
      { method: "GET", path: "/keyless", auth: "NONE", apiKeyRequired: true, misbehave: { apiKeyNotEnforced: true } },
      { method: "GET", path: "/jwt-open", auth: "JWT", jwt: JWT, misbehave: { authNotDeployed: true } },
    ],
  },
  {
    apiId: "limited",
    stage: "prod",
    throttle: { rateLimit: 1, burstLimit: 5 },
    routes: [{ method: "GET", path: "/", auth: "NONE" }],
  },
  { apiId: "unlimited", stage: "prod", routes: [{ method: "GET", path: "/", auth: "NONE" }] },
  {
    apiId: "echo",
    stage: "prod",
    misbehave: { echoRequest: true },
    routes: [
      { method: "GET", path: "/iam", auth: "AWS_IAM" },
      { method: "GET", path: "/open", auth: "NONE" },
    ],
  },
];

let env: Awaited<ReturnType<typeof dataPlane>>;
let result: ProbeRunResult;

function target(apiId: string, path: string, expect: ProbeExpectation, extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    id: `${apiId} ${extra.method ?? "GET"} ${path}`,
    account: "111122223333",
    region: "us-east-1",
    baseUrl: env.dp.baseUrl(apiId, "prod"),
    httpBaseUrl: env.dp.httpBaseUrl(apiId, "prod"),
    path,
    method: "GET",
    expect,
    ...extra,
  };
}

function options(extra: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    credentials: fixedSigningCredentials({ ...PROBE_CREDS }),
    extraCa: env.pki.caCert,
    userAgent: "tollgate/0.0.0-test (+https://github.com/tollgate-audit/tollgate)",
    ratePerSecond: 10_000,
    ...extra,
  };
}

const full = { minTls: "TLS_1_2", wafSqliXss: true, httpsOnly: true } as const;

function derivedOf(r: ProbeRunResult, id: string): Record<string, unknown> {
  const res = r.resources.find((x) => (x.raw["target"] as { id: string }).id === id);
  if (!res) throw new Error(`no probe resource for ${id}`);
  return res.derived;
}
function errorsOf(r: ProbeRunResult, id: string): CollectionError[] {
  return r.errors.filter((e) => e.resourceArn === `tollgate:probe:${id}`);
}

beforeAll(async () => {
  env = await dataPlane(STAGES);
  const targets = [
    target("good", "/iam", { auth: "AWS_IAM", cors: { allowOrigins: ["https://app.example"], allowCredentials: true }, ...full }),
    target("good", "/jwt", { auth: "JWT", ...full }),
    target("good", "/custom", { auth: "CUSTOM" }),
    target("good", "/keyed", { auth: "NONE", apiKeyRequired: true }),
    target("good", "/pets/{id}", { auth: "COGNITO_USER_POOLS" }),
    target("good", "/ghost", { auth: "AWS_IAM" }),
    target("good", "/orders", { auth: "AWS_IAM" }, { method: "POST" }),
    target("bad", "/open", { auth: "AWS_IAM", ...full }),
    target("bad", "/anysig", { auth: "AWS_IAM" }),
    target("bad", "/nodate", { auth: "AWS_IAM" }),
    target("bad", "/keyless", { auth: "NONE", apiKeyRequired: true }),
    target("bad", "/jwt-open", { auth: "JWT" }),
    target("limited", "/", { auth: "NONE", throttle: { rateLimit: 1, burstLimit: 5 } }),
    target("unlimited", "/", { auth: "NONE", throttle: { rateLimit: 1, burstLimit: 5 } }),
  ];
  result = await runProbes(targets, new Map(), options({ throttling: { budget: 30 } }));
});

afterAll(async () => {
  await env?.dispose();
});

describe("prober against the simulated data plane", () => {
  it("sees enforced IAM auth, verified signatures, HTTPS only, TLS >= 1.2, no CORS reflection and a blocking WAF", () => {
    const d = derivedOf(result, "good GET /iam");
    expect(d).toMatchObject({
      authOutcome: "enforced",
      unsignedStatus: 403,
      unsignedAllowed: false,
      missingAuthTokenBaseline: true,
      routeKnown: true,
      sigv4Outcome: "verified",
      signedAccepted: true,
      badSignatureRejected: true,
      staleDateRejected: true,
      httpsOutcome: "not-served",
      plainHttpServed: false,
      tlsOutcome: "legacy-refused",
      tlsLegacyAccepted: false,
      corsOutcome: "no-reflection",
      corsReflectsEvilOrigin: false,
      wafOutcome: "blocked",
      wafBlocksMarker: true,
    });
    expect((d["negotiatedTls"] as { protocol: string }).protocol).toMatch(/^TLSv1\.[23]$/);
    expect(errorsOf(result, "good GET /iam")).toEqual([]);
  });

  it("sees JWT, Cognito, Lambda-authorizer and API-key enforcement", () => {
    expect(derivedOf(result, "good GET /jwt")).toMatchObject({ authOutcome: "enforced", unsignedStatus: 401 });
    expect(derivedOf(result, "good GET /pets/{id}")).toMatchObject({ authOutcome: "enforced", unsignedStatus: 401 });
    expect(derivedOf(result, "good GET /custom")).toMatchObject({ authOutcome: "enforced" });
    expect(derivedOf(result, "good GET /keyed")).toMatchObject({ apiKeyOutcome: "enforced", apiKeyEnforced: true });
  });

  it("reports an undeployed route as unknown (error), never as enforced", () => {
    const d = derivedOf(result, "good GET /ghost");
    expect(d["authOutcome"]).toBeNull();
    expect(d["routeStatus"]).toBe("unknown");
    expect(errorsOf(result, "good GET /ghost").map((e) => e.operation)).toContain("ProbeAuth");
  });

  it("never sends an unsafe method without opt-in and records its checks as skipped by design, not as errors", () => {
    expect(env.dp.requests.filter((r) => !["GET", "HEAD", "OPTIONS"].includes(r.method))).toEqual([]);
    const d = derivedOf(result, "good POST /orders");
    expect(d["authOutcome"]).toBeNull();
    const res = result.resources.find((r) => r.arn === "tollgate:probe:good POST /orders")!;
    expect(Object.keys(res.skipped ?? {}).sort()).toEqual([
      "/derived/authOutcome",
      "/derived/corsOutcome",
      "/derived/sigv4Outcome",
    ]);
    expect(res.skipped?.["/derived/authOutcome"]).toMatch(/^POST is not sent without opt-in/);
    // The plain-HTTP check (a GET to the listener) still ran and concluded.
    expect(d["httpsOutcome"]).toBe("not-served");
    expect(errorsOf(result, "good POST /orders")).toEqual([]);
  });

  it("sends nothing to a target not probed by design; a check that could not run (no credentials) is an error", async () => {
    const before = env.dp.requests.length;
    const unreachable = target("good", "/private-only", { auth: "AWS_IAM", apiKeyRequired: true }, { id: "private GET /iam" });
    const unsigned = target("good", "/iam", { auth: "AWS_IAM" }, { id: "nocreds GET /iam" });
    const r = await runProbes(
      [unreachable, unsigned],
      new Map(),
      options({ credentials: undefined, notProbed: new Map([["private GET /iam", "private API"]]) }),
    );
    const skipped = r.resources.find((x) => x.arn === "tollgate:probe:private GET /iam")!;
    expect(skipped.raw["exchanges"]).toEqual([]);
    expect(skipped.skipped).toEqual({
      "/derived/authOutcome": "private API",
      "/derived/sigv4Outcome": "private API",
      "/derived/apiKeyOutcome": "private API",
      "/derived/httpsOutcome": "private API",
      "/derived/corsOutcome": "private API",
    });
    expect(errorsOf(r, "private GET /iam")).toEqual([]);
    // Only the second target was sent anything.
    expect(env.dp.requests.slice(before).length).toBeGreaterThan(0);
    expect(env.dp.requests.slice(before).filter((x) => x.url.includes("private-only"))).toEqual([]);
    expect(errorsOf(r, "nocreds GET /iam")).toContainEqual(
      expect.objectContaining({ operation: "ProbeSigV4", errorName: "ProbeNotRun", message: "no AWS credentials to sign with" }),
    );
    expect(r.resources.find((x) => x.arn === "tollgate:probe:nocreds GET /iam")!.skipped).toBeUndefined();
  });

  it("catches every misbehaviour", () => {
    expect(derivedOf(result, "bad GET /open")).toMatchObject({
      authOutcome: "not-enforced",
      unsignedAllowed: true,
      httpsOutcome: "served",
      plainHttpServed: true,
      tlsOutcome: "legacy-accepted",
      tlsLegacyAccepted: true,
      corsOutcome: "reflects-with-credentials",
      corsAllowsNullOrigin: true,
      corsAllowsCredentialsWithReflection: true,
      wafOutcome: "not-blocked",
      wafBlocksMarker: false,
    });
    expect(derivedOf(result, "bad GET /anysig")).toMatchObject({ sigv4Outcome: "not-verified", badSignatureRejected: false });
    expect(derivedOf(result, "bad GET /nodate")).toMatchObject({
      sigv4Outcome: "not-verified",
      badSignatureRejected: true,
      staleDateRejected: false,
    });
    expect(derivedOf(result, "bad GET /keyless")).toMatchObject({ apiKeyOutcome: "not-enforced", apiKeyEnforced: false });
    expect(derivedOf(result, "bad GET /jwt-open")).toMatchObject({ authOutcome: "not-enforced", unsignedStatus: 200 });
  });

  it("observes throttling only where it is enforced", () => {
    expect(derivedOf(result, "limited GET /")).toMatchObject({ throttleOutcome: "throttled", throttleObserved: true });
    // The stage's bucket (burst 5) is shared with the other probes to that stage, so how many tokens are left
    // when the burst starts depends on timing; the first 429 comes within the burst either way.
    const threshold = derivedOf(result, "limited GET /")["observedThreshold"];
    expect(threshold).toBeGreaterThanOrEqual(1);
    expect(threshold).toBeLessThanOrEqual(6);
    expect(derivedOf(result, "unlimited GET /")).toMatchObject({ throttleOutcome: "not-throttled", throttleObserved: false });
  });

  it("names Tollgate in the User-Agent of every request", () => {
    expect(env.dp.requests.length).toBeGreaterThan(0);
    for (const r of env.dp.requests) expect(r.headers["user-agent"]).toMatch(/^tollgate\/.*https:\/\//);
  });

  it("never writes a secret, session token, signature or API key", () => {
    const written = JSON.stringify({ resources: result.resources, errors: result.errors, log: result.log });
    for (const secret of [
      PROBE_CREDS.secretAccessKey,
      PROBE_CREDS.sessionToken,
      PROBE_CREDS.accessKeyId,
      PROBE_API_KEY,
      JWT.secret,
    ]) {
      expect(written).not.toContain(secret);
    }
    const sentSignatures = env.dp.requests
      .map((r) => /Signature=([0-9a-f]{64})/.exec(r.headers["authorization"] ?? "")?.[1])
      .filter(Boolean);
    expect(sentSignatures.length).toBeGreaterThan(0);
    for (const s of sentSignatures) expect(written).not.toContain(s!);
    expect(written).toContain("[redacted]");
  });

  it("JWTs minted for the data plane are honoured (the simulator enforces, it does not just refuse)", async () => {
    const { sendOnce } = await import("../../src/probe/http.js");
    const token = mintJwt({ iss: JWT.issuer, aud: JWT.audience, exp: Math.floor(Date.now() / 1000) + 600 }, JWT.secret);
    const ok = await sendOnce({
      method: "GET",
      url: `${env.dp.baseUrl("good", "prod")}/jwt`,
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: 5000,
      extraCa: env.pki.caCert,
    });
    expect(ok.status).toBe(200);
    const expired = mintJwt({ iss: JWT.issuer, aud: JWT.audience, exp: Math.floor(Date.now() / 1000) - 60 }, JWT.secret);
    const no = await sendOnce({
      method: "GET",
      url: `${env.dp.baseUrl("good", "prod")}/jwt`,
      headers: { authorization: `Bearer ${expired}` },
      timeoutMs: 5000,
      extraCa: env.pki.caCert,
    });
    expect(no.status).toBe(401);
  });
});

describe("an endpoint that echoes the request back", () => {
  it("gets no credential, signature or token into the exchanges, the request log or the verdicts", async () => {
    const before = env.dp.requests.length;
    const r = await runProbes(
      [target("echo", "/iam", { auth: "AWS_IAM", ...full }), target("echo", "/open", { auth: "NONE", ...full })],
      new Map(),
      options(),
    );
    const sent = env.dp.requests.slice(before);
    const signatures = sent.map((q) => /Signature=([0-9a-f]{64})/.exec(q.headers["authorization"] ?? "")?.[1]).filter(Boolean);
    expect(signatures.length).toBeGreaterThan(0);
    expect(sent.some((q) => q.headers["x-amz-security-token"] === PROBE_CREDS.sessionToken)).toBe(true);
    const written = JSON.stringify({ resources: r.resources, errors: r.errors, log: r.log });
    for (const secret of [PROBE_CREDS.accessKeyId, PROBE_CREDS.secretAccessKey, PROBE_CREDS.sessionToken, ...signatures])
      expect(written).not.toContain(secret!);
    // The echo was recorded, redacted: in the message, the body excerpt and the echoing response headers.
    const exchanges = r.resources.flatMap(
      (x) => x.raw["exchanges"] as unknown as { step: string; response?: RecordedResponse }[],
    );
    const signed = exchanges.find((x) => x.step === "signed")!.response!;
    expect(signed.message).toMatch(
      /^echo: authorization=AWS4-HMAC-SHA256 Credential=\[redacted\]\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=\[redacted\]; x-amz-security-token=\[redacted\];/,
    );
    expect(signed.headers["www-authenticate"]).toContain("Signature=[redacted]");
    expect(signed.headers["x-amzn-requestid"]).toBe("[redacted]");
    expect(signed.headers["location"]).toMatch(/X-Amz-Security-Token=\[redacted\]$/);
    const refused = exchanges.find((x) => x.step === "badSignature")!.response!;
    expect(refused.status).toBe(403);
    expect(refused.bodyExcerpt).toContain("Credential=[redacted]/");
  });
});

describe("prober safety", () => {
  it("an exhausted budget makes checks error, never pass", async () => {
    const r = await runProbes([target("good", "/iam", { auth: "AWS_IAM", ...full })], new Map(), options({ budget: 2 }));
    const d = r.resources[0]!.derived;
    expect(d["sigv4Outcome"]).toBeNull();
    expect(d["corsOutcome"]).toBeNull();
    expect(r.errors.some((e) => e.errorName === "ProbeBudgetExhausted")).toBe(true);
    expect(r.requestsSent).toBe(2);
  });

  it("refuses an untrusted certificate instead of ignoring it", async () => {
    const r = await runProbes([target("good", "/iam", { auth: "AWS_IAM" })], new Map(), options({ extraCa: undefined }));
    const d = r.resources[0]!.derived as Resource["derived"];
    expect(d["authOutcome"]).toBeNull();
    const x = (r.resources[0]!.raw["exchanges"] as { step: string; error?: { kind: string } }[]).find(
      (e) => e.step === "unsigned",
    );
    expect(x?.error?.kind).toBe("tls-cert");
  });

  it("NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not turn certificate checks off", async () => {
    const before = env.dp.requests.length;
    const saved = process.env["NODE_TLS_REJECT_UNAUTHORIZED"];
    process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = "0";
    let r: ProbeRunResult;
    try {
      r = await runProbes([target("good", "/iam", { auth: "AWS_IAM", ...full })], new Map(), options({ extraCa: undefined }));
    } finally {
      if (saved === undefined) delete process.env["NODE_TLS_REJECT_UNAUTHORIZED"];
      else process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = saved;
    }
    const d = r.resources[0]!.derived;
    for (const outcome of ["authOutcome", "sigv4Outcome", "corsOutcome", "wafOutcome"]) expect(d[outcome]).toBeNull();
    const exchanges = r.resources[0]!.raw["exchanges"] as { step: string; response?: unknown; error?: { kind: string } }[];
    expect(exchanges.filter((x) => x.response && x.step !== "plainHttp")).toEqual([]);
    // Legacy handshakes are refused by the server before any certificate; every other HTTPS request by us.
    const https = exchanges.filter((x) => !["plainHttp", "tls10", "tls11"].includes(x.step));
    expect(https.length).toBeGreaterThan(3);
    for (const x of https) expect(x.error?.kind).toBe("tls-cert");
    // Not one request got past the handshake.
    expect(env.dp.requests.slice(before).filter((q) => q.listener !== "http")).toEqual([]);
  });

  it("without credentials, SigV4 checks are inconclusive rather than passed", async () => {
    const r = await runProbes([target("good", "/iam", { auth: "AWS_IAM" })], new Map(), options({ credentials: undefined }));
    expect(r.resources[0]!.derived["sigv4Outcome"]).toBeNull();
    expect(r.errors).toContainEqual(expect.objectContaining({ operation: "ProbeSigV4", errorName: "ProbeNotRun" }));
  });
});

describe("prober stopped early", () => {
  it("keeps the endpoints that finished, records the others as not finished, and logs requests still unanswered", async () => {
    // A loopback server that accepts connections and never answers: its endpoint is still in progress at the stop.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const done = target("good", "/iam", { auth: "AWS_IAM" });
      const hung: ProbeTarget = {
        ...target("good", "/hung", { auth: "NONE" }),
        id: "hung",
        baseUrl: `https://127.0.0.1:${port}/prod`,
      };
      const controller = new AbortController();
      // Stop once the data plane's endpoint has finished (the silent one never can), whatever the machine's load.
      let finished!: () => void;
      const doneFinished = new Promise<void>((r) => (finished = r));
      const progress = {
        planned: () => undefined,
        finished: (endpoint: string) => endpoint.endsWith("/iam") && finished(),
        close: () => undefined,
      };
      const running = runProbes([done, hung], new Map(), options({ signal: controller.signal, timeoutMs: 60_000, progress }));
      await doneFinished;
      await new Promise((r) => setImmediate(r)); // its result is kept once the promise it was told from settles
      controller.abort({ errorName: "ScanInterrupted", message: "the run was interrupted (SIGINT) during probing" });
      const r = await running;
      expect(r.resources.map((x) => x.arn)).toEqual(["tollgate:probe:good GET /iam"]);
      expect(r.resources[0]!.derived["authOutcome"]).toBe("enforced");
      expect(r.errors).toContainEqual({
        account: "111122223333",
        region: "us-east-1",
        service: "probe",
        operation: "*",
        errorName: "ScanInterrupted",
        message: "not probed: the run was interrupted (SIGINT) during probing",
        resourceArn: "tollgate:probe:hung",
      });
      const unanswered = r.log.filter((e) => e.target === "hung");
      expect(unanswered).toHaveLength(1);
      expect(unanswered[0]).toMatchObject({ status: null, error: expect.stringMatching(/^stopped: .*no answer recorded$/) });
    } finally {
      silent.close();
    }
  });

  it("a run already stopped sends nothing and records every endpoint as not finished", async () => {
    const controller = new AbortController();
    controller.abort({ errorName: "MaxDurationReached", message: "--max-duration 1s was reached during collection" });
    const r = await runProbes([target("good", "/iam", { auth: "AWS_IAM" })], new Map(), options({ signal: controller.signal }));
    expect(r.requestsSent).toBe(0);
    expect(r.log).toEqual([]);
    expect(r.resources).toEqual([]);
    expect(r.errors).toEqual([
      expect.objectContaining({ errorName: "MaxDurationReached", resourceArn: "tollgate:probe:good GET /iam" }),
    ]);
  });
});
