import { describe, expect, it } from "vitest";
import { HostRateLimiter, RequestBudget } from "../../src/probe/limits.js";
import { redactHeaders } from "../../src/probe/redact.js";
import type { ProbeExchange, ProbeObservations, ProbeTarget, RecordedResponse } from "../../src/probe/types.js";
import { deriveVerdicts, isMissingAuthToken } from "../../src/probe/verdict.js";

const MAT: RecordedResponse = {
  status: 403,
  headers: { "x-amzn-errortype": "MissingAuthenticationTokenException" },
  message: "Missing Authentication Token",
};
const UNAUTH: RecordedResponse = {
  status: 401,
  headers: { "x-amzn-errortype": "UnauthorizedException" },
  message: "Unauthorized",
};
const OK: RecordedResponse = { status: 200, headers: {} };

function x(step: ProbeExchange["step"], response?: RecordedResponse, error?: ProbeExchange["error"]): ProbeExchange {
  return {
    step,
    request: { method: "GET", url: "https://h/p", headers: {} },
    ...(response ? { response } : {}),
    ...(error ? { error } : {}),
    elapsedMs: 1,
    ...(response ? { tls: { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256" } } : {}),
  };
}

function obs(
  expect: ProbeTarget["expect"],
  exchanges: ProbeExchange[],
  extra: Partial<ProbeObservations> = {},
): ProbeObservations {
  return {
    target: { id: "t", baseUrl: "https://h", path: "/p", method: "GET", expect },
    source: "endpoints-file",
    exchanges,
    signed: true,
    skipped: {},
    ...extra,
  };
}

describe("verdicts", () => {
  it("a 403 Missing Authentication Token identical to the nonexistent-path baseline is not enforcement", () => {
    const { derived } = deriveVerdicts(obs({ auth: "AWS_IAM" }, [x("baseline", MAT), x("unsigned", MAT), x("signed", MAT)]));
    expect(derived["authOutcome"]).toBeNull();
    expect(derived["routeStatus"]).toBe("unknown");
    expect(derived["missingAuthTokenBaseline"]).toBe(true);
    expect(isMissingAuthToken(MAT)).toBe(true);
  });

  it("the same 403 counts as enforced once a signed request proves the route exists", () => {
    const { derived } = deriveVerdicts(
      obs({ auth: "AWS_IAM" }, [
        x("baseline", MAT),
        x("unsigned", MAT),
        x("signed", OK),
        x("badSignature", { ...MAT, message: "sig" }),
        x("staleDate", { ...MAT, message: "expired" }),
      ]),
    );
    expect(derived).toMatchObject({ authOutcome: "enforced", sigv4Outcome: "verified", routeKnown: true });
  });

  it("an endpoint without authorization (NONE): no auth verdict, but whether the unsigned request was served is recorded", () => {
    const served = deriveVerdicts(obs({ auth: "NONE" }, [x("baseline", MAT), x("unsigned", OK)]));
    expect(served.derived).toMatchObject({ authOutcome: "not-applicable", unsignedStatus: 200, unsignedAllowed: true });
    expect(served.verdicts.auth.reason).toBeUndefined();
    const refused = deriveVerdicts(obs({ auth: "NONE" }, [x("baseline", MAT), x("unsigned", UNAUTH)]));
    expect(refused.derived).toMatchObject({ authOutcome: "not-applicable", unsignedStatus: 401, unsignedAllowed: false });
    // Not sent (an unsafe method left out by design): unknown, and not a skipped auth check either.
    const notSent = deriveVerdicts(obs({ auth: "NONE" }, [x("baseline", MAT)], { skipped: { auth: "DELETE not sent" } }));
    expect(notSent.derived).toMatchObject({ authOutcome: "not-applicable", unsignedStatus: null, unsignedAllowed: null });
    expect(notSent.skipped).toEqual({});
  });

  it("a 2xx to an unauthenticated request is not-enforced whatever the baseline", () => {
    expect(deriveVerdicts(obs({ auth: "JWT" }, [x("unsigned", OK)])).derived["authOutcome"]).toBe("not-enforced");
  });

  it("a 401 that differs from the baseline is enforced; a 500 is inconclusive", () => {
    expect(deriveVerdicts(obs({ auth: "JWT" }, [x("baseline", MAT), x("unsigned", UNAUTH)])).derived["authOutcome"]).toBe(
      "enforced",
    );
    const r = deriveVerdicts(obs({ auth: "JWT" }, [x("baseline", MAT), x("unsigned", { status: 500, headers: {} })]));
    expect(r.derived["authOutcome"]).toBeNull();
    expect(r.verdicts.auth.reason).toMatch(/neither accepted nor refused/);
  });

  it("a timeout is never a pass", () => {
    const { derived } = deriveVerdicts(
      obs({ auth: "AWS_IAM", minTls: "TLS_1_2" }, [
        x("baseline", undefined, { kind: "timeout", message: "t" }),
        x("unsigned", undefined, { kind: "timeout", message: "t" }),
        x("tls10", undefined, { kind: "timeout", message: "t" }),
        x("tls11", undefined, { kind: "timeout", message: "t" }),
        x("plainHttp", undefined, { kind: "timeout", message: "t" }),
      ]),
    );
    expect(derived).toMatchObject({
      authOutcome: null,
      tlsOutcome: null,
      httpsOutcome: null,
      corsOutcome: null,
      sigv4Outcome: null,
    });
  });

  it("legacy TLS refused only with a server alert after a modern handshake; local OpenSSL refusal is inconclusive", () => {
    const alert = { kind: "tls-alert", message: "alert protocol version" } as const;
    expect(
      deriveVerdicts(
        obs({ auth: "NONE", minTls: "TLS_1_2" }, [x("unsigned", OK), x("tls10", undefined, alert), x("tls11", undefined, alert)]),
      ).derived["tlsOutcome"],
    ).toBe("legacy-refused");
    expect(
      deriveVerdicts(
        obs({ auth: "NONE", minTls: "TLS_1_2" }, [
          x("unsigned", OK),
          x("tls10", undefined, { kind: "tls-local", message: "no protocols available" }),
          x("tls11", undefined, alert),
        ]),
      ).derived["tlsOutcome"],
    ).toBeNull();
  });

  it("plain HTTP refused counts as not served only when HTTPS answered", () => {
    const refused = { kind: "refused", message: "ECONNREFUSED" } as const;
    expect(
      deriveVerdicts(obs({ auth: "NONE" }, [x("unsigned", OK), x("plainHttp", undefined, refused)])).derived["httpsOutcome"],
    ).toBe("not-served");
    expect(deriveVerdicts(obs({ auth: "NONE" }, [x("plainHttp", undefined, refused)])).derived["httpsOutcome"]).toBeNull();
  });

  it("WAF markers answered exactly like the control are not blocked; an extra 403 is blocked", () => {
    const forbidden: RecordedResponse = {
      status: 403,
      headers: { "x-amzn-errortype": "ForbiddenException" },
      message: "Forbidden",
    };
    expect(
      deriveVerdicts(obs({ auth: "JWT", wafSqliXss: true }, [x("unsigned", UNAUTH), x("wafSqli", UNAUTH), x("wafXss", UNAUTH)]))
        .derived["wafOutcome"],
    ).toBe("not-blocked");
    expect(
      deriveVerdicts(
        obs({ auth: "JWT", wafSqliXss: true }, [x("unsigned", UNAUTH), x("wafSqli", forbidden), x("wafXss", forbidden)]),
      ).derived["wafOutcome"],
    ).toBe("blocked");
    // API key missing and WAF both answer 403 Forbidden: indistinguishable, so not a pass.
    expect(
      deriveVerdicts(
        obs({ auth: "NONE", wafSqliXss: true }, [x("unsigned", forbidden), x("wafSqli", forbidden), x("wafXss", forbidden)]),
      ).derived["wafOutcome"],
    ).toBeNull();
  });

  it("a check left out by design is skipped (a skip record, no outcome); one that could not run is not", () => {
    const why = "POST is not sent without opt-in";
    const { derived, verdicts, skipped } = deriveVerdicts(
      obs({ auth: "AWS_IAM", cors: null }, [x("baseline", MAT), x("corsPreflight", MAT)], {
        skipped: { auth: why, cors: why, apiKey: why },
        notRun: { sigv4: "no AWS credentials to sign with" },
      }),
    );
    expect(derived["authOutcome"]).toBeNull();
    expect(verdicts.auth).toMatchObject({ skipped: true, reason: why });
    // Only checks that would apply are skipped: no API key is required here, so that one is not applicable.
    expect(derived["apiKeyOutcome"]).toBe("not-applicable");
    expect(skipped).toEqual({ "/derived/authOutcome": why, "/derived/corsOutcome": why });
    // Meant to run and could not: an error (no skip record), whose reason still reaches the report.
    expect(derived["sigv4Outcome"]).toBeNull();
    expect(verdicts.sigv4.skipped).toBeUndefined();
    expect((derived["reasons"] as Record<string, string>)["sigv4"]).toBe("no AWS credentials to sign with");
  });

  it("a reflection seen on the preflight is a fail even when the rest of the CORS check was skipped", () => {
    const evil = { status: 200, headers: { "access-control-allow-origin": "https://evil.example" } };
    const { derived, skipped } = deriveVerdicts(
      obs({ auth: "NONE" }, [x("baseline", MAT), x("corsPreflight", evil)], { skipped: { cors: "POST not sent" } }),
    );
    expect(derived["corsOutcome"]).toBe("reflects");
    expect(skipped).toEqual({});
  });

  it("records the configuration expectation for correlation", () => {
    const { derived } = deriveVerdicts(obs({ auth: "NONE", apiKeyRequired: true }, []));
    expect(derived["configExpectation"]).toEqual({
      source: "endpoints-file",
      resourceArn: null,
      relatedArns: [],
      auth: "NONE",
      apiKeyRequired: true,
    });
  });
});

describe("limits and redaction", () => {
  it("the token bucket spaces requests per host without real time", async () => {
    let t = 0;
    const slept: number[] = [];
    const limiter = new HostRateLimiter(
      5,
      1,
      () => t,
      async (ms) => {
        slept.push(ms);
        t += ms;
      },
    );
    for (let i = 0; i < 3; i++) await limiter.acquire("h");
    await limiter.acquire("other");
    expect(slept).toEqual([200, 200]);
  });

  it("the budget refuses once spent", () => {
    const b = new RequestBudget(2);
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false]);
    expect(b.spent).toBe(2);
  });

  it("redacts credentials but keeps the signed-header shape", () => {
    const h = redactHeaders({
      Authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAXXXX/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
        "a".repeat(64),
      "X-Amz-Security-Token": "tok",
      "x-api-key": "key",
      "user-agent": "tollgate",
    });
    expect(h).toEqual({
      authorization:
        "AWS4-HMAC-SHA256 Credential=[redacted]/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=[redacted]",
      "x-amz-security-token": "[redacted]",
      "x-api-key": "[redacted]",
      "user-agent": "tollgate",
    });
  });
});

describe("CORS verdicts and helpers", () => {
  const reflected = (creds: boolean): RecordedResponse => ({
    status: 200,
    headers: {
      "access-control-allow-origin": "https://evil.example",
      ...(creds ? { "access-control-allow-credentials": "true" } : {}),
    },
  });
  it("reflection with credentials on any response is proof, even when other probes failed", () => {
    const { derived } = deriveVerdicts(
      obs({ auth: "NONE" }, [
        x("corsPreflight", undefined, { kind: "timeout", message: "t" }),
        x("corsEvilOrigin", reflected(true)),
      ]),
    );
    expect(derived).toMatchObject({ corsOutcome: "reflects-with-credentials", corsAllowsCredentialsWithReflection: true });
  });
  it("no CORS headers on answers identical to the nonexistent path is unknown, not safe", () => {
    const { derived } = deriveVerdicts(
      obs(
        { auth: "AWS_IAM" },
        [x("baseline", MAT), x("unsigned", MAT), x("corsPreflight", MAT), x("corsEvilOrigin", MAT), x("corsNullOrigin", MAT)],
        { signed: false },
      ),
    );
    expect(derived["corsOutcome"]).toBeNull();
  });
  it("no reflection on a route shown to exist is safe", () => {
    const { derived } = deriveVerdicts(
      obs({ auth: "NONE" }, [
        x("baseline", MAT),
        x("unsigned", OK),
        x("corsPreflight", MAT),
        x("corsEvilOrigin", OK),
        x("corsNullOrigin", OK),
      ]),
    );
    expect(derived).toMatchObject({ corsOutcome: "no-reflection", corsReflectsEvilOrigin: false, corsAllowsNullOrigin: false });
  });
});

describe("transport helpers", () => {
  it("classifies socket and TLS errors", async () => {
    const { classifyError } = await import("../../src/probe/http.js");
    const err = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(classifyError(err("ECONNREFUSED", "connect ECONNREFUSED")).kind).toBe("refused");
    expect(classifyError(err("EPROTO", "ssl3_read_bytes:tlsv1 alert protocol version")).kind).toBe("tls-alert");
    expect(classifyError(err("ERR_SSL_NO_PROTOCOLS_AVAILABLE", "no protocols available")).kind).toBe("tls-local");
    expect(classifyError(err("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify")).kind).toBe("tls-cert");
    expect(classifyError(err("ECONNRESET", "socket hang up")).kind).toBe("reset");
  });
  it("fills path parameters with a harmless placeholder", async () => {
    const { concretePath } = await import("../../src/probe/prober.js");
    expect(concretePath("/pets/{id}/toys/{proxy+}")).toBe("/pets/tollgate-probe/toys/tollgate-probe");
    expect(concretePath("/a b/c")).toBe("/a%20b/c");
  });
});
