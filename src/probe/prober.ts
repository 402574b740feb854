import { hostAllowed } from "./hosts.js";
import { randomBytes } from "node:crypto";
import pLimit from "p-limit";
import type { ProbeProgress } from "../collect/progress.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { Logger } from "../util/logger.js";
import { stopReasonOf, whenAborted } from "../util/stop.js";
import { sendOnce, type NodeTlsVersion, type WireResult, type WireSend } from "./http.js";
import { HostRateLimiter, realSleep, RequestBudget, type Now, type Sleep } from "./limits.js";
import { scrubContext, type ScrubContext } from "../secrets/scrub.js";
import { ProbeRedactor, RECORDED_RESPONSE_HEADERS } from "./redact.js";
import { corruptSignature, signRequest, type SigningCredentials } from "./sign.js";
import {
  CHECK_OPERATIONS,
  PROBE_CHECKS,
  SAFE_METHODS,
  type ProbeCheck,
  type ProbeExchange,
  type ProbeObservations,
  type ProbeStep,
  type ProbeTarget,
  type RecordedResponse,
  type ThrottleObservation,
} from "./types.js";
import { deriveVerdicts, EVIL_ORIGIN } from "./verdict.js";

/** Thrown inside a target's steps once the run has stopped, so no further request is sent for it. */
class ProbeStopped extends Error {}

/** The inventory resource type of probe results. */
export const PROBE_RESOURCE_TYPE = "aws.apigateway.probe" as const;

/** Defaults, documented in docs/probes.md. */
export const PROBE_DEFAULTS = {
  timeoutMs: 5000,
  ratePerSecond: 5,
  budget: 500,
  throttleBudget: 50,
  maxThrottleBudget: 500,
  concurrency: 4,
} as const;

/** Harmless markers WAF managed SQLi/XSS rule groups match; they do nothing on an API that ignores them. */
export const WAF_MARKERS = { wafSqli: "' OR '1'='1", wafXss: "<script>tollgate</script>" } as const;

/** What the prober needs. */
export interface ProbeOptions {
  /** Signing credentials (the scanner's own); absent → SigV4 checks are inconclusive. */
  credentials?: SigningCredentials | undefined;
  /** Extra trusted CA (PEM), added to Node's defaults. */
  extraCa?: string | undefined;
  timeoutMs?: number;
  /** Requests per second per host (token bucket). */
  ratePerSecond?: number;
  /** Total requests in the whole run. */
  budget?: number;
  /** Send throttling bursts (opt-in), and how many requests per burst. */
  throttling?: { budget: number } | undefined;
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

/** What a probe run produced: inventory resources and errors, plus the request log. */
export interface ProbeRunResult {
  resources: Resource[];
  errors: CollectionError[];
  log: ProbeLogEntry[];
  requestsSent: number;
}

/** The pseudo-ARN of a target's probe resource. */
export function probeArn(t: ProbeTarget): string {
  return `tollgate:probe:${t.id}`;
}

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

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path.startsWith("/") ? path : `/${path}`}`;
}

/** The response as recorded: chosen headers, the error message and an excerpt, all redacted before they are cut. */
function recordResponse(r: WireResult, redact: ProbeRedactor): RecordedResponse | undefined {
  if (r.status === undefined || !r.headers) return undefined;
  const headers: Record<string, string> = {};
  for (const h of RECORDED_RESPONSE_HEADERS) if (r.headers[h] !== undefined) headers[h] = redact.text(r.headers[h]);
  const out: RecordedResponse = { status: r.status, headers };
  const text = r.body?.toString("utf8") ?? "";
  try {
    const j = JSON.parse(text) as unknown;
    const m =
      j && typeof j === "object"
        ? ((j as Record<string, unknown>)["message"] ?? (j as Record<string, unknown>)["Message"])
        : undefined;
    if (typeof m === "string") out.message = redact.text(m).slice(0, 300);
  } catch {
    /* not JSON: no message */
  }
  // Success bodies are the API's data: never copied into reports. Error bodies are short and diagnostic.
  if (r.status >= 300 && text) out.bodyExcerpt = redact.text(text).slice(0, 200);
  return out;
}

interface StepSpec {
  step: ProbeStep;
  method: string;
  url: string;
  headers?: Record<string, string>;
  sign?: "valid" | "corrupt" | "stale";
  tlsVersion?: { min: NodeTlsVersion; max: NodeTlsVersion };
  ciphers?: string;
}

/** Legacy handshakes need OpenSSL's security level 0: Node 20's default level refuses to offer TLS 1.0/1.1. */
const LEGACY_CIPHERS = "DEFAULT@SECLEVEL=0";

/**
 * Runs the live probes on every target and returns `aws.apigateway.probe` resources (raw = redacted requests
 * and responses, derived = verdict facts) and inventory errors for checks that could not run or conclude.
 * Only GET/HEAD/OPTIONS unless a target opts in; a per-request timeout, a per-host rate limit and a run budget.
 */
export async function runProbes(
  targets: ProbeTarget[],
  sources: Map<string, "inventory" | "endpoints-file">,
  opts: ProbeOptions,
): Promise<ProbeRunResult> {
  const timeoutMs = opts.timeoutMs ?? PROBE_DEFAULTS.timeoutMs;
  const budget = new RequestBudget(opts.budget ?? PROBE_DEFAULTS.budget);
  const limiter = new HostRateLimiter(
    opts.ratePerSecond ?? PROBE_DEFAULTS.ratePerSecond,
    Math.max(1, Math.floor(opts.ratePerSecond ?? PROBE_DEFAULTS.ratePerSecond)),
    opts.now,
    opts.sleep ?? realSleep,
  );
  const send = opts.send ?? sendOnce;
  const clock = opts.clock ?? (() => new Date());
  const random = opts.random ?? (() => randomBytes(6).toString("hex"));
  const log: ProbeLogEntry[] = [];
  const redact = new ProbeRedactor(opts.secrets ?? scrubContext(), opts.credentials);
  const inFlight = new Set<ProbeLogEntry>();
  const baselines = new Map<string, Promise<ProbeExchange>>();

  async function exchange(target: ProbeTarget, spec: StepSpec): Promise<ProbeExchange> {
    const url = new URL(spec.url);
    // Defence in depth behind the pre-flight check in run.ts: nothing leaves for a host outside the allow-list.
    if (opts.allowedHosts && !hostAllowed(url.hostname, opts.allowedHosts)) {
      throw new Error(`probe to ${url.hostname} refused: not in --probe-hosts ${opts.allowedHosts.join(",")}`);
    }
    const headers: Record<string, string> = { "user-agent": opts.userAgent, accept: "application/json", ...spec.headers };
    const base = {
      step: spec.step,
      request: { method: spec.method, url: redact.text(spec.url), headers: redact.headers(headers) },
    };
    if (!budget.take()) {
      return { ...base, error: { kind: "budget", message: `request budget of ${budget.total} exhausted` }, elapsedMs: 0 };
    }
    if (spec.sign && opts.credentials) {
      const signingDate = spec.sign === "stale" ? new Date(clock().getTime() - 20 * 60_000) : clock();
      const query: Record<string, string> = {};
      url.searchParams.forEach((v, k) => (query[k] = v));
      const signed = await signRequest(
        { method: spec.method, host: url.host, path: url.pathname, query, headers },
        opts.credentials,
        { region: target.region ?? "us-east-1", signingDate },
      );
      Object.assign(headers, signed);
      if (spec.sign === "corrupt") headers["authorization"] = corruptSignature(headers["authorization"]!);
      base.request.headers = redact.headers(headers);
    }
    await limiter.acquire(url.host);
    if (opts.signal?.aborted) throw new ProbeStopped();
    // Logged as sent now, so a request still unanswered when the run stops is in probes.json all the same.
    const pending: ProbeLogEntry = {
      target: target.id,
      step: spec.step,
      request: base.request,
      status: null,
      error: null,
      elapsedMs: 0,
      tls: null,
    };
    inFlight.add(pending);
    const r = await send({
      method: spec.method,
      url: spec.url,
      headers,
      timeoutMs,
      ...(opts.extraCa ? { extraCa: opts.extraCa } : {}),
      ...(spec.tlsVersion ? { tlsVersion: spec.tlsVersion } : {}),
      ...(spec.ciphers ? { ciphers: spec.ciphers } : {}),
    }).finally(() => inFlight.delete(pending));
    const response = recordResponse(r, redact);
    const error = r.error ? { ...r.error, message: redact.text(r.error.message) } : undefined;
    const x: ProbeExchange = {
      ...base,
      ...(response ? { response } : {}),
      ...(error ? { error } : {}),
      elapsedMs: r.elapsedMs,
      ...(r.tls ? { tls: r.tls } : {}),
    };
    log.push({
      target: target.id,
      step: spec.step,
      request: x.request,
      status: response?.status ?? null,
      error: error ? `${error.kind}: ${error.message}` : null,
      elapsedMs: r.elapsedMs,
      tls: r.tls ?? null,
    });
    return x;
  }

  async function throttleBurst(target: ProbeTarget, url: string, method: string, n: number): Promise<ThrottleObservation> {
    // The burst deliberately bypasses the per-host rate limit (it must exceed the configured limit), but it
    // is opt-in, capped, and still spends the run budget.
    const statuses: Record<string, number> = {};
    let first: number | null = null;
    let errors = 0;
    let sent = 0;
    const limit = pLimit(10);
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        limit(async () => {
          if (first !== null || !budget.take()) return;
          sent += 1;
          const headers: Record<string, string> = { "user-agent": opts.userAgent };
          // IAM routes get signed burst requests: refused unsigned requests may not count against the limit.
          if (target.expect.auth === "AWS_IAM" && opts.credentials) {
            const u = new URL(url);
            const query: Record<string, string> = {};
            u.searchParams.forEach((v, k) => (query[k] = v));
            Object.assign(
              headers,
              await signRequest({ method, host: u.host, path: u.pathname, query, headers }, opts.credentials, {
                region: target.region ?? "us-east-1",
                signingDate: clock(),
              }),
            );
          }
          const r = await send({
            method,
            url,
            headers,
            timeoutMs,
            ...(opts.extraCa ? { extraCa: opts.extraCa } : {}),
          });
          if (r.status === undefined) errors += 1;
          else statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
          if (r.status === 429 && (first === null || i + 1 < first)) first = i + 1;
        }),
      ),
    );
    log.push({
      target: target.id,
      step: "throttle",
      request: { method, url: redact.text(url), headers: redact.headers({ "user-agent": opts.userAgent }) },
      status: first !== null ? 429 : null,
      error: null,
      elapsedMs: 0,
      tls: null,
    });
    return { sent, statuses, firstThrottledAt: first, errors };
  }

  async function probeTarget(target: ProbeTarget): Promise<ProbeObservations> {
    const e = target.expect;
    const allowed = new Set<string>([...SAFE_METHODS, ...(target.allowMethods ?? [])]);
    const method = target.method === "ANY" ? "GET" : target.method.toUpperCase();
    const methodOk = allowed.has(method);
    const url = joinUrl(target.baseUrl, concretePath(target.path));
    const skipped: ProbeObservations["skipped"] = {};
    const notRun: NonNullable<ProbeObservations["notRun"]> = {};
    const exchanges: ProbeExchange[] = [];
    const signed = Boolean(opts.credentials);
    const iam = e.auth === "AWS_IAM";
    const run = async (spec: StepSpec) => exchanges.push(await exchange(target, spec));
    const source = sources.get(target.id) ?? "endpoints-file";
    const t = e.throttle;
    // A burst can only show throttling where it exceeds the configured burst plus a second of refill.
    const burstApplies = Boolean(opts.throttling && t && t.burstLimit + t.rateLimit < opts.throttling.budget);

    const unreachable = opts.notProbed?.get(target.id);
    if (unreachable) {
      // Nothing is sent; the verdicts mark each check that would apply as skipped (the others not applicable).
      for (const c of PROBE_CHECKS) if (c !== "throttle" || (burstApplies && methodOk)) skipped[c] = unreachable;
      return { target, source, exchanges, signed, skipped };
    }
    if (!methodOk) {
      const why = `${method} is not sent without opt-in (allowMethods in the endpoints file); only ${[...SAFE_METHODS].join(", ")} are safe by default`;
      // CORS too: a preflight alone cannot show the absence of a reflection on the method itself.
      for (const c of ["auth", "sigv4", "apiKey", "cors", "waf"] as const) skipped[c] = why;
    }
    const probeMethod = methodOk ? method : "GET";
    const baseKey = `${target.baseUrl}|${probeMethod}`;
    if (!baselines.has(baseKey)) {
      baselines.set(
        baseKey,
        exchange(target, {
          step: "baseline",
          method: probeMethod,
          url: joinUrl(target.baseUrl, `/tollgate-nonexistent-${random()}`),
        }),
      );
    }
    exchanges.push(await baselines.get(baseKey)!);
    if (methodOk) {
      await run({ step: "unsigned", method, url });
      if (iam && signed) {
        await run({ step: "signed", method, url, sign: "valid" });
        await run({ step: "badSignature", method, url, sign: "corrupt" });
        await run({ step: "staleDate", method, url, sign: "stale" });
      } else if (iam) notRun.sigv4 = "no AWS credentials to sign with";
    }
    if (e.httpsOnly !== false) {
      const httpBase =
        target.httpBaseUrl ??
        (() => {
          const u = new URL(target.baseUrl);
          u.protocol = "http:";
          u.port = "";
          return u.toString().replace(/\/+$/, "");
        })();
      await run({ step: "plainHttp", method: "GET", url: joinUrl(httpBase, concretePath(target.path)) });
    }
    if (e.minTls === "TLS_1_2" || e.minTls === "TLS_1_3") {
      const legacy: [ProbeStep, NodeTlsVersion][] = [
        ["tls10", "TLSv1"],
        ["tls11", "TLSv1.1"],
        ...(e.minTls === "TLS_1_3" ? ([["tls12", "TLSv1.2"]] as [ProbeStep, NodeTlsVersion][]) : []),
      ];
      for (const [step, v] of legacy) {
        await run({ step, method: "HEAD", url, tlsVersion: { min: v, max: v }, ciphers: LEGACY_CIPHERS });
      }
    }
    await run({
      step: "corsPreflight",
      method: "OPTIONS",
      url,
      headers: {
        origin: EVIL_ORIGIN,
        "access-control-request-method": method,
        "access-control-request-headers": "authorization",
      },
    });
    if (methodOk) {
      const sign = iam && signed ? ({ sign: "valid" } as const) : {};
      await run({ step: "corsEvilOrigin", method, url, headers: { origin: EVIL_ORIGIN }, ...sign });
      await run({ step: "corsNullOrigin", method, url, headers: { origin: "null" }, ...sign });
      if (e.wafSqliXss !== undefined) {
        for (const [step, marker] of Object.entries(WAF_MARKERS) as [ProbeStep, string][]) {
          const u = new URL(url);
          u.searchParams.set("tollgate_probe", marker);
          await run({ step, method, url: u.toString(), ...sign });
        }
      }
    }
    let throttle: ThrottleObservation | undefined;
    if (opts.throttling && t && methodOk && burstApplies) {
      throttle = await throttleBurst(target, url, method, opts.throttling.budget);
      if (throttle.sent < t.burstLimit + 1 && throttle.firstThrottledAt === null) {
        notRun.throttle = `request budget exhausted after ${throttle.sent} burst requests`;
        throttle = undefined;
      }
    }
    return { target, source, exchanges, signed, skipped, notRun, ...(throttle ? { throttle } : {}) };
  }

  const limit = pLimit(opts.concurrency ?? PROBE_DEFAULTS.concurrency);
  const progress = opts.progress;
  progress?.planned(targets.length);
  const signal = opts.signal;
  const stopped = signal ? whenAborted(signal).then(() => undefined) : new Promise<undefined>(() => undefined);
  const observations = await Promise.all(
    targets.map((t) => {
      const probed = limit(async () => {
        if (signal?.aborted) return undefined;
        const o = await probeTarget(t);
        progress?.finished(`${t.method} ${joinUrl(t.baseUrl, t.path)}`, o.exchanges.length + (o.throttle?.sent ?? 0));
        return o;
      }).catch((e: unknown) => {
        if (e instanceof ProbeStopped) return undefined;
        throw e;
      });
      // A stop does not wait for targets in progress: they are recorded as not finished.
      return signal ? Promise.race([probed, stopped]) : probed;
    }),
  );
  progress?.close();
  const resources: Resource[] = [];
  const errors: CollectionError[] = [];
  const unfinished = targets.filter((_, i) => observations[i] === undefined);
  if (unfinished.length && signal) {
    const why = stopReasonOf(signal);
    for (const t of unfinished)
      errors.push({
        account: t.account ?? opts.defaultAccount ?? "000000000000",
        region: t.region ?? "global",
        service: "probe",
        operation: "*",
        errorName: why.errorName,
        message: `not probed: ${why.message}`,
        resourceArn: probeArn(t),
      });
    for (const entry of inFlight) log.push({ ...entry, error: `stopped: ${why.message}; no answer recorded` });
    inFlight.clear();
  }
  for (const o of observations) {
    if (!o) continue;
    const { derived, verdicts, skipped } = deriveVerdicts(o);
    const t = o.target;
    const account = t.account ?? opts.defaultAccount ?? "000000000000";
    const region = t.region ?? "global";
    const arn = probeArn(t);
    resources.push({
      type: PROBE_RESOURCE_TYPE,
      arn,
      account,
      region,
      name: `${t.method} ${joinUrl(t.baseUrl, t.path)}`,
      raw: {
        target: JSON.parse(JSON.stringify(t)) as JsonObject,
        exchanges: JSON.parse(JSON.stringify(o.exchanges)) as JsonValue,
        ...(o.throttle ? { throttle: JSON.parse(JSON.stringify(o.throttle)) as JsonObject } : {}),
        skipped: o.skipped as JsonObject,
        ...(o.notRun && Object.keys(o.notRun).length ? { notRun: o.notRun as JsonObject } : {}),
      },
      derived,
      ...(Object.keys(skipped).length ? { skipped } : {}),
    });
    for (const [check, v] of Object.entries(verdicts) as [ProbeCheck, (typeof verdicts)[ProbeCheck]][]) {
      // Left out by design is not a coverage gap: the rules report `skipped` from the resource's `skipped`.
      if (v.outcome !== null || v.skipped) continue;
      const budgetHit = o.exchanges.some((x) => x.error?.kind === "budget");
      const failed = o.exchanges.find((x) => x.error && x.error.kind !== "budget");
      errors.push({
        account,
        region,
        service: "probe",
        operation: CHECK_OPERATIONS[check],
        errorName: budgetHit
          ? "ProbeBudgetExhausted"
          : o.notRun?.[check]
            ? "ProbeNotRun"
            : failed
              ? "ProbeRequestFailed"
              : "ProbeInconclusive",
        message: v.reason ?? "inconclusive",
        resourceArn: arn,
      });
    }
  }
  const notProbed = resources.reduce((n, r) => n + Object.keys(r.skipped ?? {}).length, 0);
  opts.logger?.info(
    `Probes: ${targets.length - (opts.notProbed?.size ?? 0)} endpoint(s), ${budget.spent} request(s), ${errors.length} inconclusive check(s), ${notProbed} not probed by design` +
      (unfinished.length ? `, ${unfinished.length} endpoint(s) not finished` : ""),
  );
  // A copy: answers that arrive after a stop must not change what was reported.
  return { resources, errors, log: [...log], requestsSent: budget.spent };
}
