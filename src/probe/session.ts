/**
 * The request machinery of one probe run: every request goes through `exchange` (allow-list, budget, signing,
 * per-host rate limit, redaction, request log) or, for the opt-in throttling burst, `throttleBurst`.
 */
import { randomBytes } from "node:crypto";
import pLimit from "p-limit";
import type { ProbeProgress } from "../collect/progress.js";
import type { Logger } from "../util/logger.js";
import { scrubContext } from "../secrets/load.js";
import type { ScrubContext } from "../secrets/scrub.js";
import { hostAllowed } from "./hosts.js";
import { sendOnce, type NodeTlsVersion, type WireResult, type WireSend } from "./http.js";
import { HostRateLimiter, realSleep, RequestBudget, type Now, type Sleep } from "./limits.js";
import { ProbeRedactor, RECORDED_RESPONSE_HEADERS } from "./redact.js";
import { corruptSignature, signRequest, type SigningCredentials, type SigningCredentialSource } from "./sign.js";
import type { ExchangeError, ProbeExchange, ProbeStep, ProbeTarget, RecordedResponse, ThrottleObservation } from "./types.js";

/** Defaults, documented in docs/probes.md. */
export const PROBE_DEFAULTS = {
  timeoutMs: 5000,
  ratePerSecond: 5,
  budget: 500,
  throttleBudget: 50,
  maxThrottleBudget: 500,
  concurrency: 4,
} as const;

/** What the prober needs. */
export interface ProbeOptions {
  /**
   * The scanner's own signing credentials, asked before every signature (refreshed as they near their expiry);
   * absent → SigV4 checks are inconclusive.
   */
  credentials?: SigningCredentialSource | undefined;
  /** Extra trusted CA (PEM), added to Node's defaults. */
  extraCa?: string | undefined;
  timeoutMs?: number;
  /** Requests per second per host (token bucket). */
  ratePerSecond?: number;
  /** Total requests in the whole run. */
  budget?: number;
  /** Send throttling bursts (opt-in), and how many requests per burst. */
  throttling?: { budget: number } | undefined;
  /** `--probe-appsync`: send the read-only GraphQL query (a POST) to AppSync endpoints; off by default. */
  appsyncPost?: boolean;
  /** `User-Agent` sent with every request. */
  userAgent: string;
  /** Account for targets that do not name one (12 digits). */
  defaultAccount?: string;
  /** Wall clock, for signing dates. */
  clock?: () => Date;
  /** Monotonic clock and sleep for the rate limiter (injected in tests). */
  now?: Now;
  sleep?: Sleep;
  /** Random suffix for the nonexistent-path baseline. */
  random?: () => string;
  /** Transport (injected in tests). */
  send?: (req: WireSend) => Promise<WireResult>;
  concurrency?: number;
  logger?: Logger;
  /** `--probe-hosts` globs: a request to any other host is a bug and throws instead of being sent. */
  allowedHosts?: readonly string[];
  /**
   * Targets sent nothing by design, by id, with the reason (private or WebSocket APIs): each of their checks
   * that would apply is `skipped`, so the report says what was not probed and why.
   */
  notProbed?: ReadonlyMap<string, string>;
  /** Secret patterns for what endpoints send back (default: rules/data/secret-patterns.json). */
  secrets?: ScrubContext;
  /**
   * Stops the run early (Ctrl-C, `--max-duration`): targets not finished by then are recorded as errors named
   * after the signal's StopReason, so their probe rules report `error`; requests still in flight are logged
   * without an answer. What finished is kept.
   */
  signal?: AbortSignal;
  /** Told of each endpoint finished, for the console's progress display. */
  progress?: ProbeProgress | undefined;
}

/** One line of probes.json: a request sent, redacted, and what came back. */
export interface ProbeLogEntry {
  target: string;
  step: ProbeStep;
  request: ProbeExchange["request"];
  status: number | null;
  error: string | null;
  elapsedMs: number;
  tls: { protocol: string; cipher: string } | null;
}

/** One request of a probe step, before signing. */
export interface StepSpec {
  step: ProbeStep;
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Request body (opt-in POST probes only, e.g. a read-only GraphQL query). */
  body?: string;
  sign?: "valid" | "corrupt" | "stale";
  /** SigV4 service name when signing (default `execute-api`). */
  service?: string;
  tlsVersion?: { min: NodeTlsVersion; max: NodeTlsVersion };
  ciphers?: string;
}

/** Thrown inside a target's steps once the run has stopped, so no further request is sent for it. */
export class ProbeStopped extends Error {}

/** The state one probe run shares across its targets. */
export interface ProbeSession {
  opts: ProbeOptions;
  timeoutMs: number;
  budget: RequestBudget;
  limiter: HostRateLimiter;
  send: (req: WireSend) => Promise<WireResult>;
  clock: () => Date;
  random: () => string;
  redact: ProbeRedactor;
  /** Every request sent, redacted, in order. */
  log: ProbeLogEntry[];
  /** Requests sent and not answered yet (logged without an answer if the run stops). */
  inFlight: Set<ProbeLogEntry>;
  /** Nonexistent-path baselines, shared by the targets of one base URL and method. */
  baselines: Map<string, Promise<ProbeExchange>>;
}

/** Opens a probe run's session with the options' defaults filled in. */
export function openSession(opts: ProbeOptions): ProbeSession {
  const rate = opts.ratePerSecond ?? PROBE_DEFAULTS.ratePerSecond;
  return {
    opts,
    timeoutMs: opts.timeoutMs ?? PROBE_DEFAULTS.timeoutMs,
    budget: new RequestBudget(opts.budget ?? PROBE_DEFAULTS.budget),
    limiter: new HostRateLimiter(rate, Math.max(1, Math.floor(rate)), opts.now, opts.sleep ?? realSleep),
    send: opts.send ?? sendOnce,
    clock: opts.clock ?? (() => new Date()),
    random: opts.random ?? (() => randomBytes(6).toString("hex")),
    redact: new ProbeRedactor(opts.secrets ?? scrubContext()),
    log: [],
    inFlight: new Set(),
    baselines: new Map(),
  };
}

/** The response as recorded: chosen headers, the error message and an excerpt, all redacted before they are cut. */
function recordResponse(r: WireResult, redact: ProbeRedactor): RecordedResponse | undefined {
  if (r.status === undefined || !r.headers) return undefined;
  const headers: Record<string, string> = {};
  for (const h of RECORDED_RESPONSE_HEADERS) if (r.headers[h] !== undefined) headers[h] = redact.text(r.headers[h]);
  const out: RecordedResponse = { status: r.status, headers };
  const text = r.body?.toString("utf8") ?? "";
  const m = jsonMessage(text);
  if (m !== undefined) out.message = redact.text(m).slice(0, 300);
  // Success bodies are the API's data: never copied into reports. Error bodies are short and diagnostic.
  if (r.status >= 300 && text) out.bodyExcerpt = redact.text(text).slice(0, 200);
  return out;
}

/** `message`/`Message` of a JSON body, or of its first GraphQL error (`errors[0].message`); undefined otherwise. */
function jsonMessage(text: string): string | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!j || typeof j !== "object" || Array.isArray(j)) return undefined;
  const o = j as Record<string, unknown>;
  const m = o["message"] ?? o["Message"];
  if (typeof m === "string") return m;
  const first = Array.isArray(o["errors"]) ? (o["errors"][0] as Record<string, unknown> | undefined) : undefined;
  return typeof first?.["message"] === "string" ? first["message"] : undefined;
}

/** The query parameters of a URL as a record, for signing. */
function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  return query;
}

/**
 * The scanner's signing credentials now, from their source (which refreshes them), remembered by the redactor before
 * any request carries them. Credentials that cannot be had are the request's error: it is not sent unsigned.
 */
async function currentCredentials(s: ProbeSession): Promise<SigningCredentials | { error: ExchangeError }> {
  try {
    const credentials = await s.opts.credentials!();
    s.redact.remember(credentials);
    return credentials;
  } catch (e) {
    const why = s.redact.text(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    return { error: { kind: "credentials", message: `no signing credentials (${why}); the request was not sent` } };
  }
}

/**
 * Signs the request's headers in place (valid, corrupted or with a stale date) with the scanner's credentials; the
 * error instead when there are none to sign with.
 */
async function signInPlace(
  s: ProbeSession,
  target: ProbeTarget,
  spec: StepSpec,
  headers: Record<string, string>,
): Promise<ExchangeError | undefined> {
  const credentials = await currentCredentials(s);
  if ("error" in credentials) return credentials.error;
  const url = new URL(spec.url);
  const signingDate = spec.sign === "stale" ? new Date(s.clock().getTime() - 20 * 60_000) : s.clock();
  const signed = await signRequest(
    {
      method: spec.method,
      host: url.host,
      path: url.pathname,
      query: queryOf(url),
      headers,
      ...(spec.body ? { body: spec.body } : {}),
    },
    credentials,
    { region: target.region ?? "us-east-1", signingDate, ...(spec.service ? { service: spec.service } : {}) },
  );
  Object.assign(headers, signed);
  if (spec.sign === "corrupt") headers["authorization"] = corruptSignature(headers["authorization"]!);
  return undefined;
}

/** Sends one request (logged as pending while in flight, so a stop still leaves it in probes.json). */
async function sendLogged(s: ProbeSession, pending: ProbeLogEntry, req: WireSend): Promise<WireResult> {
  s.inFlight.add(pending);
  try {
    return await s.send(req);
  } finally {
    s.inFlight.delete(pending);
  }
}

/**
 * Sends one probe request and records it: refused (throws) for a host outside `--probe-hosts`, a `budget` error
 * once the run budget is spent, signed when the spec asks and credentials exist, rate-limited per host; what is
 * recorded and logged is redacted.
 */
export async function exchange(s: ProbeSession, target: ProbeTarget, spec: StepSpec): Promise<ProbeExchange> {
  const url = new URL(spec.url);
  // Defence in depth behind the pre-flight check in run.ts: nothing leaves for a host outside the allow-list.
  if (s.opts.allowedHosts && !hostAllowed(url.hostname, s.opts.allowedHosts)) {
    throw new Error(`probe to ${url.hostname} refused: not in --probe-hosts ${s.opts.allowedHosts.join(",")}`);
  }
  const headers: Record<string, string> = { "user-agent": s.opts.userAgent, accept: "application/json", ...spec.headers };
  const base = {
    step: spec.step,
    request: { method: spec.method, url: s.redact.text(spec.url), headers: s.redact.headers(headers) },
  };
  if (!s.budget.take()) {
    return { ...base, error: { kind: "budget", message: `request budget of ${s.budget.total} exhausted` }, elapsedMs: 0 };
  }
  if (spec.sign && s.opts.credentials) {
    const error = await signInPlace(s, target, spec, headers);
    if (error) return { ...base, error, elapsedMs: 0 };
    base.request.headers = s.redact.headers(headers);
  }
  await s.limiter.acquire(url.host);
  if (s.opts.signal?.aborted) throw new ProbeStopped();
  const pending: ProbeLogEntry = {
    target: target.id,
    step: spec.step,
    request: base.request,
    status: null,
    error: null,
    elapsedMs: 0,
    tls: null,
  };
  const r = await sendLogged(s, pending, {
    method: spec.method,
    url: spec.url,
    headers,
    timeoutMs: s.timeoutMs,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(s.opts.extraCa ? { extraCa: s.opts.extraCa } : {}),
    ...(spec.tlsVersion ? { tlsVersion: spec.tlsVersion } : {}),
    ...(spec.ciphers ? { ciphers: spec.ciphers } : {}),
  });
  const response = recordResponse(r, s.redact);
  const error = r.error ? { ...r.error, message: s.redact.text(r.error.message) } : undefined;
  s.log.push({
    ...pending,
    status: response?.status ?? null,
    error: error ? `${error.kind}: ${error.message}` : null,
    elapsedMs: r.elapsedMs,
    tls: r.tls ?? null,
  });
  return {
    ...base,
    ...(response ? { response } : {}),
    ...(error ? { error } : {}),
    elapsedMs: r.elapsedMs,
    ...(r.tls ? { tls: r.tls } : {}),
  };
}

/** One throttling burst: `n` requests of `method` to `url`. */
export interface Burst {
  url: string;
  method: string;
  n: number;
}

/**
 * Headers of one burst request: signed for IAM routes (refused unsigned requests may not count against the limit);
 * undefined when the credentials to sign it cannot be had (the request is then not sent).
 */
async function burstHeaders(s: ProbeSession, target: ProbeTarget, burst: Burst): Promise<Record<string, string> | undefined> {
  const headers: Record<string, string> = { "user-agent": s.opts.userAgent };
  if (target.expect.auth !== "AWS_IAM" || !s.opts.credentials) return headers;
  const credentials = await currentCredentials(s);
  if ("error" in credentials) return undefined;
  const u = new URL(burst.url);
  const signed = await signRequest(
    { method: burst.method, host: u.host, path: u.pathname, query: queryOf(u), headers },
    credentials,
    { region: target.region ?? "us-east-1", signingDate: s.clock() },
  );
  return { ...headers, ...signed };
}

/**
 * Sends the opt-in throttling burst and summarises it (one log line, not one per request). The burst deliberately
 * bypasses the per-host rate limit (it must exceed the configured limit), but it is capped and spends the run budget.
 */
export async function throttleBurst(s: ProbeSession, target: ProbeTarget, burst: Burst): Promise<ThrottleObservation> {
  const statuses: Record<string, number> = {};
  let first: number | null = null;
  let errors = 0;
  let sent = 0;
  const limit = pLimit(10);
  const one = async (i: number) => {
    if (first !== null || !s.budget.take()) return;
    sent += 1;
    const headers = await burstHeaders(s, target, burst);
    // Not sent without the credentials to sign it: a request without an answer, so the burst concludes nothing.
    if (!headers) {
      errors += 1;
      return;
    }
    const r = await s.send({
      method: burst.method,
      url: burst.url,
      headers,
      timeoutMs: s.timeoutMs,
      ...(s.opts.extraCa ? { extraCa: s.opts.extraCa } : {}),
    });
    if (r.status === undefined) errors += 1;
    else statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
    if (r.status === 429 && (first === null || i + 1 < first)) first = i + 1;
  };
  await Promise.all(Array.from({ length: burst.n }, (_, i) => limit(() => one(i))));
  s.log.push({
    target: target.id,
    step: "throttle",
    request: {
      method: burst.method,
      url: s.redact.text(burst.url),
      headers: s.redact.headers({ "user-agent": s.opts.userAgent }),
    },
    status: first !== null ? 429 : null,
    error: null,
    elapsedMs: 0,
    tls: null,
  });
  return { sent, statuses, firstThrottledAt: first, errors };
}
