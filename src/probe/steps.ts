/**
 * What is sent to one endpoint, as named steps: the nonexistent-path baseline, the authentication requests,
 * plain HTTP, legacy TLS handshakes, CORS with a hostile origin, WAF markers and the opt-in throttling burst.
 * Each step adds its exchanges (or the reason a check was skipped or could not run) to the target's run.
 */
import type { NodeTlsVersion } from "./http.js";
import { exchange, throttleBurst, type ProbeSession, type StepSpec } from "./session.js";
import {
  EVIL_ORIGIN,
  KIND_CHECKS,
  SAFE_METHODS,
  type ProbeExchange,
  type ProbeObservations,
  type ProbeStep,
  type ProbeTarget,
  type ThrottleObservation,
} from "./types.js";

/** Harmless markers WAF managed SQLi/XSS rule groups match; they do nothing on an API that ignores them. */
export const WAF_MARKERS = { wafSqli: "' OR '1'='1", wafXss: "<script>tollgate</script>" } as const;

/** Legacy handshakes need OpenSSL's security level 0: Node 20's default level refuses to offer TLS 1.0/1.1. */
const LEGACY_CIPHERS = "DEFAULT@SECLEVEL=0";

/** Fills path parameters (`{id}`, `{proxy+}`) with a harmless placeholder and percent-encodes the rest. */
export function concretePath(path: string): string {
  return path
    .split("/")
    .map((seg) => (/^\{[^}]+\}$/.test(seg) ? "tollgate-probe" : encodeURIComponent(decodeURIComponentSafe(seg))))
    .join("/");
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `base` + `path` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path.startsWith("/") ? path : `/${path}`}`;
}

/** One target being probed: what its steps need and what they have found so far. */
export interface TargetRun {
  s: ProbeSession;
  target: ProbeTarget;
  source: ProbeObservations["source"];
  /** The configured method as sent (`ANY` → GET). */
  method: string;
  /** The method may be sent (safe, or opted in). */
  methodOk: boolean;
  /** The endpoint URL with path parameters filled in. */
  url: string;
  iam: boolean;
  signed: boolean;
  /** A throttling burst can exceed the configured limit (burst plus a second of refill). */
  burstApplies: boolean;
  exchanges: ProbeExchange[];
  skipped: ProbeObservations["skipped"];
  notRun: NonNullable<ProbeObservations["notRun"]>;
  throttle?: ThrottleObservation;
}

/** Sends one step's request and keeps the exchange. */
async function run(r: TargetRun, spec: StepSpec): Promise<void> {
  r.exchanges.push(await exchange(r.s, r.target, spec));
}

/** The run of one target before any request. */
export function startTarget(s: ProbeSession, target: ProbeTarget, source: ProbeObservations["source"]): TargetRun {
  const allowed = new Set<string>([...SAFE_METHODS, ...(target.allowMethods ?? [])]);
  const method = target.method === "ANY" ? "GET" : target.method.toUpperCase();
  const t = target.expect.throttle;
  const throttling = s.opts.throttling;
  return {
    s,
    target,
    source,
    method,
    methodOk: allowed.has(method),
    url: joinUrl(target.baseUrl, concretePath(target.path)),
    iam: target.expect.auth === "AWS_IAM",
    signed: Boolean(s.opts.credentials),
    burstApplies: Boolean(throttling && t && t.burstLimit + t.rateLimit < throttling.budget),
    exchanges: [],
    skipped: {},
    notRun: {},
  };
}

/** The target's observations as the verdicts read them. */
export function observationsOf(r: TargetRun, withNotRun = true): ProbeObservations {
  return {
    target: r.target,
    source: r.source,
    exchanges: r.exchanges,
    signed: r.signed,
    skipped: r.skipped,
    ...(withNotRun ? { notRun: r.notRun } : {}),
    ...(r.throttle ? { throttle: r.throttle } : {}),
  };
}

/** An unreachable target is sent nothing: each check that would apply is skipped with the reason. */
function skipAll(r: TargetRun, reason: string): ProbeObservations {
  for (const c of KIND_CHECKS[r.target.kind ?? "apigateway"])
    if (c !== "throttle" || (r.burstApplies && r.methodOk)) r.skipped[c] = reason;
  return observationsOf(r, false);
}

/** A method that is not safe and not opted in: the checks that would send it are skipped. */
function skipUnsafeMethod(r: TargetRun): void {
  if (r.methodOk) return;
  const why = `${r.method} is not sent without opt-in (allowMethods in the endpoints file); only ${[...SAFE_METHODS].join(", ")} are safe by default`;
  // CORS too: a preflight alone cannot show the absence of a reflection on the method itself.
  for (const c of ["auth", "sigv4", "apiKey", "cors", "waf"] as const) r.skipped[c] = why;
}

/** A request to a path that cannot exist, shared by the targets of one base URL and method. */
async function baselineStep(r: TargetRun): Promise<void> {
  const probeMethod = r.methodOk ? r.method : "GET";
  const key = `${r.target.baseUrl}|${probeMethod}`;
  const { baselines } = r.s;
  if (!baselines.has(key)) {
    const url = joinUrl(r.target.baseUrl, `/tollgate-nonexistent-${r.s.random()}`);
    baselines.set(key, exchange(r.s, r.target, { step: "baseline", method: probeMethod, url }));
  }
  r.exchanges.push(await baselines.get(key)!);
}

/** Unsigned, then (IAM) signed, corrupted-signature and stale-date requests. */
async function authSteps(r: TargetRun): Promise<void> {
  if (!r.methodOk) return;
  const { method, url } = r;
  await run(r, { step: "unsigned", method, url });
  if (r.iam && r.signed) {
    await run(r, { step: "signed", method, url, sign: "valid" });
    await run(r, { step: "badSignature", method, url, sign: "corrupt" });
    await run(r, { step: "staleDate", method, url, sign: "stale" });
  } else if (r.iam) r.notRun.sigv4 = "no AWS credentials to sign with";
}

/** The same path over plain HTTP (execute-api endpoints are HTTPS-only). */
async function plainHttpStep(r: TargetRun): Promise<void> {
  const { target } = r;
  if (target.expect.httpsOnly === false) return;
  const httpBase = target.httpBaseUrl ?? plainHttpBase(target.baseUrl);
  await run(r, { step: "plainHttp", method: "GET", url: joinUrl(httpBase, concretePath(target.path)) });
}

/** `https://host:port/x` → `http://host/x`. */
function plainHttpBase(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.protocol = "http:";
  u.port = "";
  return u.toString().replace(/\/+$/, "");
}

/** Handshakes below the configured minimum TLS (HEAD requests pinned to TLS 1.0, 1.1 and, for TLS 1.3, 1.2). */
async function legacyTlsSteps(r: TargetRun): Promise<void> {
  const min = r.target.expect.minTls;
  if (min !== "TLS_1_2" && min !== "TLS_1_3") return;
  const legacy: [ProbeStep, NodeTlsVersion][] = [
    ["tls10", "TLSv1"],
    ["tls11", "TLSv1.1"],
    ...(min === "TLS_1_3" ? ([["tls12", "TLSv1.2"]] as [ProbeStep, NodeTlsVersion][]) : []),
  ];
  for (const [step, v] of legacy)
    await run(r, { step, method: "HEAD", url: r.url, tlsVersion: { min: v, max: v }, ciphers: LEGACY_CIPHERS });
}

/** Signed like a legitimate caller where the endpoint wants SigV4 and credentials exist. */
function asCaller(r: TargetRun): { sign?: "valid" } {
  return r.iam && r.signed ? { sign: "valid" } : {};
}

/** A preflight and the method itself from a hostile and a `null` origin. */
async function corsSteps(r: TargetRun): Promise<void> {
  const { method, url } = r;
  await run(r, {
    step: "corsPreflight",
    method: "OPTIONS",
    url,
    headers: { origin: EVIL_ORIGIN, "access-control-request-method": method, "access-control-request-headers": "authorization" },
  });
  if (!r.methodOk) return;
  await run(r, { step: "corsEvilOrigin", method, url, headers: { origin: EVIL_ORIGIN }, ...asCaller(r) });
  await run(r, { step: "corsNullOrigin", method, url, headers: { origin: "null" }, ...asCaller(r) });
}

/** The method with a SQL-injection and an XSS marker in the query string. */
async function wafSteps(r: TargetRun): Promise<void> {
  if (!r.methodOk || r.target.expect.wafSqliXss === undefined) return;
  for (const [step, marker] of Object.entries(WAF_MARKERS) as [ProbeStep, string][]) {
    const u = new URL(r.url);
    u.searchParams.set("tollgate_probe", marker);
    await run(r, { step, method: r.method, url: u.toString(), ...asCaller(r) });
  }
}

/** The opt-in burst above the configured limit; too few requests (budget spent) leaves the check not run. */
async function throttleStep(r: TargetRun): Promise<void> {
  const t = r.target.expect.throttle;
  const throttling = r.s.opts.throttling;
  if (!throttling || !t || !r.methodOk || !r.burstApplies) return;
  const observed = await throttleBurst(r.s, r.target, { url: r.url, method: r.method, n: throttling.budget });
  if (observed.sent < t.burstLimit + 1 && observed.firstThrottledAt === null)
    r.notRun.throttle = `request budget exhausted after ${observed.sent} burst requests`;
  else r.throttle = observed;
}

/** The read-only GraphQL query AppSync probes send: it names no field of the API's schema and changes nothing. */
export const GRAPHQL_PROBE_QUERY = JSON.stringify({ query: "query { __typename }" });

/**
 * A Lambda function URL: one unsigned GET (an AWS_IAM URL must refuse it; a NONE URL that answers is public), then
 * a preflight and a GET from a hostile origin. There is no nonexistent-path baseline: every path reaches the function.
 */
async function functionUrlSteps(r: TargetRun): Promise<void> {
  const { url } = r;
  await run(r, { step: "unsigned", method: "GET", url });
  await run(r, {
    step: "corsPreflight",
    method: "OPTIONS",
    url,
    headers: { origin: EVIL_ORIGIN, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
  });
  await run(r, { step: "corsEvilOrigin", method: "GET", url, headers: { origin: EVIL_ORIGIN } });
}

/** An AppSync endpoint: one read-only query without credentials, only with the opt-in (it is a POST). */
async function appsyncSteps(r: TargetRun): Promise<void> {
  if (!r.s.opts.appsyncPost) {
    r.skipped.appsyncAuth = "a GraphQL request is a POST: AppSync probes are opt-in (--probe-appsync)";
    return;
  }
  await run(r, {
    step: "graphqlUnauthenticated",
    method: "POST",
    url: r.url,
    headers: { "content-type": "application/json" },
    body: GRAPHQL_PROBE_QUERY,
  });
}

/** An API Gateway method/route: every step in order. */
async function apiGatewaySteps(r: TargetRun): Promise<void> {
  skipUnsafeMethod(r);
  await baselineStep(r);
  await authSteps(r);
  await plainHttpStep(r);
  await legacyTlsSteps(r);
  await corsSteps(r);
  await wafSteps(r);
  await throttleStep(r);
}

/** Probes one target with the steps of its kind, sequentially (the rate limit spaces them). */
export async function probeTarget(
  s: ProbeSession,
  target: ProbeTarget,
  source: ProbeObservations["source"],
): Promise<ProbeObservations> {
  const r = startTarget(s, target, source);
  const unreachable = s.opts.notProbed?.get(target.id);
  if (unreachable) return skipAll(r, unreachable);
  const kind = target.kind ?? "apigateway";
  if (kind === "lambda-url") await functionUrlSteps(r);
  else if (kind === "appsync") await appsyncSteps(r);
  else await apiGatewaySteps(r);
  return observationsOf(r);
}
