/**
 * Pure verdict derivation: what the responses the prober saw mean, check by check. A check whose answer
 * cannot be told apart from a non-enforcing endpoint, a missing route or a failed request is `null`
 * (rules then report `error`), never a pass.
 */
import type { JsonObject, JsonValue } from "../model/json.js";
import {
  EVIL_ORIGIN,
  KIND_CHECKS,
  type ProbeCheck,
  type ProbeExchange,
  type ProbeObservations,
  type RecordedResponse,
} from "./types.js";
import { appsyncAuthVerdict, urlAuthVerdict, urlCorsVerdict } from "./verdict-backend.js";

export { EVIL_ORIGIN } from "./types.js";

/** Outcome of one check: a verdict word, or null when it could not be determined (with the reason). */
export interface CheckVerdict {
  outcome: string | null;
  /** Why the outcome is null (or a note for the report). */
  reason?: string;
  /** The outcome is null because the check was left out by design (rules report `skipped`, not `error`). */
  skipped?: boolean;
  /** Facts for rules and the report. */
  facts: JsonObject;
}

const is2xx = (s: number | undefined) => s !== undefined && s >= 200 && s < 300;
const isAuthReject = (s: number | undefined) => s === 401 || s === 403;

/** API Gateway's answer to a path/method it does not know (and to IAM routes without a signature). */
export function isMissingAuthToken(r: RecordedResponse | undefined): boolean {
  if (!r || r.status !== 403) return false;
  return r.message === "Missing Authentication Token" || /^MissingAuthenticationToken/i.test(r.headers["x-amzn-errortype"] ?? "");
}

/** Whether two responses are indistinguishable (status, error type and message). */
export function sameResponse(a: RecordedResponse | undefined, b: RecordedResponse | undefined): boolean {
  if (!a || !b) return false;
  const et = (r: RecordedResponse) => (r.headers["x-amzn-errortype"] ?? "").split(":")[0];
  return a.status === b.status && et(a) === et(b) && (a.message ?? "") === (b.message ?? "");
}

function describe(x: ProbeExchange | undefined): string {
  if (!x) return "not sent";
  if (x.response) return `HTTP ${x.response.status}${x.response.message ? ` "${x.response.message}"` : ""}`;
  return `${x.error?.kind ?? "no response"}${x.error?.message ? ` (${x.error.message})` : ""}`;
}

type Lookup = (step: ProbeExchange["step"]) => ProbeExchange | undefined;

/** The verdict of a check that was not run: left out by design (skipped) or unable to run; undefined when it ran. */
function notRunVerdict(o: ProbeObservations, check: ProbeCheck, facts: JsonObject): CheckVerdict | undefined {
  const byDesign = o.skipped[check];
  if (byDesign) return { outcome: null, reason: byDesign, skipped: true, facts };
  const failed = o.notRun?.[check];
  return failed ? { outcome: null, reason: failed, facts } : undefined;
}

/** Whether the route is shown to exist: some request to it is answered differently from a nonexistent path. */
export function routeKnown(get: Lookup): boolean | null {
  const base = get("baseline")?.response;
  if (!base) return null;
  // Not the preflight: stage-level CORS (HTTP APIs) answers preflights for any path, deployed or not.
  for (const step of ["unsigned", "signed", "corsEvilOrigin"] as const) {
    const r = get(step)?.response;
    if (r && !sameResponse(r, base)) return true;
  }
  return false;
}

function authVerdict(o: ProbeObservations, get: Lookup, known: boolean | null): CheckVerdict {
  const u = get("unsigned");
  if (o.target.expect.auth === "NONE") {
    // No authorizer to judge (the outcome stays not-applicable, so no auth rule changes); whether the open
    // entry served the request is recorded for the exposure-path analysis, which raises a path shown live.
    const r = u?.response;
    return {
      outcome: "not-applicable",
      facts: { unsignedStatus: r?.status ?? null, unsignedAllowed: r ? is2xx(r.status) : null },
    };
  }
  const base = get("baseline");
  const facts: JsonObject = {
    unsignedStatus: u?.response?.status ?? null,
    unsignedAllowed: u?.response ? is2xx(u.response.status) : null,
    missingAuthTokenBaseline: base?.response ? isMissingAuthToken(base.response) : null,
  };
  const notRun = notRunVerdict(o, "auth", facts);
  if (notRun) return notRun;
  if (!u?.response) return { outcome: null, reason: `the unauthenticated request got no response: ${describe(u)}`, facts };
  if (is2xx(u.response.status)) return { outcome: "not-enforced", facts };
  if (!isAuthReject(u.response.status)) {
    return { outcome: null, reason: `the unauthenticated request got ${describe(u)}, neither accepted nor refused`, facts };
  }
  if (known !== true) {
    return {
      outcome: null,
      reason:
        known === null
          ? `the nonexistent-path baseline got ${describe(base)}, so a refusal cannot be told from an unknown route`
          : `the path answers exactly like a nonexistent path (${describe(u)}): route not deployed or unknown, not proof of enforcement`,
      facts: { ...facts, routeStatus: "unknown" },
    };
  }
  return { outcome: "enforced", facts };
}

function sigv4Verdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  if (o.target.expect.auth !== "AWS_IAM") return { outcome: "not-applicable", facts: {} };
  const s = get("signed");
  const bad = get("badSignature");
  const stale = get("staleDate");
  const rejected = (x: ProbeExchange | undefined) => (x?.response ? isAuthReject(x.response.status) : null);
  const facts: JsonObject = {
    signedStatus: s?.response?.status ?? null,
    signedAccepted: s?.response ? !isAuthReject(s.response.status) : null,
    badSignatureRejected: rejected(bad),
    staleDateRejected: rejected(stale),
  };
  const notRun = notRunVerdict(o, "sigv4", facts);
  if (notRun) return notRun;
  if (is2xx(bad?.response?.status) || is2xx(stale?.response?.status)) return { outcome: "not-verified", facts };
  if (facts["signedAccepted"] !== true) {
    return {
      outcome: null,
      reason: `the scanner's own signed request got ${describe(s)}, so a verified signature cannot be told from a blanket refusal (grant the scanner execute-api:Invoke, or supply an API key)`,
      facts,
    };
  }
  if (facts["badSignatureRejected"] === true && facts["staleDateRejected"] === true) return { outcome: "verified", facts };
  return {
    outcome: null,
    reason: `corrupted signature got ${describe(bad)}, stale X-Amz-Date got ${describe(stale)}: neither accepted nor refused`,
    facts,
  };
}

function apiKeyVerdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  if (o.target.expect.apiKeyRequired !== true) return { outcome: "not-applicable", facts: {} };
  // Probes never send an API key, so the request that got past authentication (signed for IAM) is the keyless one.
  const x = o.target.expect.auth === "AWS_IAM" && o.signed ? get("signed") : get("unsigned");
  const base = get("baseline")?.response;
  const facts: JsonObject = { noApiKeyStatus: x?.response?.status ?? null, apiKeyEnforced: null };
  const notRun = notRunVerdict(o, "apiKey", facts);
  if (notRun) return notRun;
  if (!x?.response) return { outcome: null, reason: `the request without x-api-key got no response: ${describe(x)}`, facts };
  if (is2xx(x.response.status)) return { outcome: "not-enforced", facts: { ...facts, apiKeyEnforced: false } };
  if (x.response.status === 403 && !isMissingAuthToken(x.response) && base && !sameResponse(x.response, base)) {
    return { outcome: "enforced", facts: { ...facts, apiKeyEnforced: true } };
  }
  return {
    outcome: null,
    reason: `the request without x-api-key got ${describe(x)}, which does not show whether the key is checked (authentication may have refused it first)`,
    facts,
  };
}

function httpsVerdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  if (o.target.expect.httpsOnly === false) return { outcome: "not-applicable", facts: {} };
  const p = get("plainHttp");
  const httpsAnswered = Boolean(get("baseline")?.response ?? get("unsigned")?.response);
  const facts: JsonObject = { plainHttpStatus: p?.response?.status ?? null, plainHttpServed: null };
  const notRun = notRunVerdict(o, "https", facts);
  if (notRun) return notRun;
  if (p?.response) {
    const loc = p.response.headers["location"] ?? "";
    if (p.response.status >= 300 && p.response.status < 400 && loc.startsWith("https://")) {
      return { outcome: "redirects-to-https", facts: { ...facts, plainHttpServed: false } };
    }
    return { outcome: "served", facts: { ...facts, plainHttpServed: true } };
  }
  // Refused, reset or silent on plain HTTP while HTTPS answers: that is the HTTPS-only behaviour.
  if (p?.error && ["refused", "reset", "timeout"].includes(p.error.kind) && httpsAnswered) {
    return { outcome: "not-served", facts: { ...facts, plainHttpServed: false } };
  }
  return {
    outcome: null,
    reason: `plain HTTP got ${describe(p)} and HTTPS ${httpsAnswered ? "answered" : "did not answer either"}`,
    facts,
  };
}

const LEGACY_STEPS = { TLS_1_0: [], TLS_1_2: ["tls10", "tls11"], TLS_1_3: ["tls10", "tls11", "tls12"] } as const;

function tlsVerdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  const modern = get("unsigned") ?? get("baseline");
  const facts: JsonObject = {
    negotiatedTls: modern?.tls ? { protocol: modern.tls.protocol, cipher: modern.tls.cipher } : null,
    tlsLegacyAccepted: null,
  };
  const min = o.target.expect.minTls;
  if (!min || min === "TLS_1_0") return { outcome: "not-applicable", facts };
  const notRun = notRunVerdict(o, "tls", facts);
  if (notRun) return notRun;
  const results: JsonObject = {};
  let unknown: string | undefined;
  let accepted = false;
  for (const step of LEGACY_STEPS[min]) {
    const x = get(step);
    if (x?.tls || x?.response) {
      accepted = true;
      results[step] = x.tls?.protocol ?? "accepted";
    } else if (x?.error?.kind === "tls-alert" || (x?.error?.kind === "reset" && modern?.tls)) {
      results[step] = "refused";
    } else {
      results[step] = null;
      unknown ??= `${step} handshake: ${describe(x)}`;
    }
  }
  facts["legacyHandshakes"] = results;
  if (accepted) return { outcome: "legacy-accepted", facts: { ...facts, tlsLegacyAccepted: true } };
  if (unknown) return { outcome: null, reason: unknown, facts };
  if (!modern?.tls) return { outcome: null, reason: "no modern handshake succeeded, so refusals prove nothing", facts };
  return { outcome: "legacy-refused", facts: { ...facts, tlsLegacyAccepted: false } };
}

function corsVerdict(o: ProbeObservations, get: Lookup, known: boolean | null): CheckVerdict {
  const xs = (["corsPreflight", "corsEvilOrigin", "corsNullOrigin"] as const).map((s) => get(s)).filter((x) => x !== undefined);
  const acao = (x: ProbeExchange) => x.response?.headers["access-control-allow-origin"];
  const creds = (x: ProbeExchange) => x.response?.headers["access-control-allow-credentials"]?.trim().toLowerCase() === "true";
  const reflects = xs.filter((x) => x.step !== "corsNullOrigin" && acao(x) === EVIL_ORIGIN);
  const nulls = xs.filter((x) => x.step === "corsNullOrigin" && acao(x) === "null");
  const withCreds = [...reflects, ...nulls].filter(creds);
  const allowed = o.target.expect.cors?.allowOrigins ?? [];
  const facts: JsonObject = {
    corsReflectsEvilOrigin: reflects.length > 0,
    corsAllowsNullOrigin: nulls.length > 0,
    corsAllowsCredentialsWithReflection: withCreds.length > 0,
    corsReflectionConfigured: allowed.includes("*") || allowed.includes(EVIL_ORIGIN),
  };
  // A reflection seen on any response is proof enough; absence needs every probe answered by a known route.
  if (withCreds.length) return { outcome: "reflects-with-credentials", facts };
  if (reflects.length || nulls.length) return { outcome: "reflects", facts };
  const nulled: JsonObject = {
    corsReflectsEvilOrigin: null,
    corsAllowsNullOrigin: null,
    corsAllowsCredentialsWithReflection: null,
    corsReflectionConfigured: facts["corsReflectionConfigured"]!,
  };
  const notRun = notRunVerdict(o, "cors", nulled);
  if (notRun) return notRun;
  const missing = xs.find((x) => !x.response);
  if (!xs.length || missing)
    return { outcome: null, reason: `a CORS probe got no response: ${describe(missing)}`, facts: nulled };
  if (known !== true) {
    return { outcome: null, reason: "the CORS probes were answered like a nonexistent path (route unknown)", facts: nulled };
  }
  return { outcome: "no-reflection", facts };
}

function wafVerdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  const expected = o.target.expect.wafSqliXss;
  if (expected === undefined) return { outcome: "not-applicable", facts: {} };
  const facts: JsonObject = { wafBlocksMarker: null, wafConfigured: expected };
  const notRun = notRunVerdict(o, "waf", facts);
  if (notRun) return notRun;
  const signedControl = o.target.expect.auth === "AWS_IAM" && o.signed;
  const control = (signedControl ? get("signed") : get("unsigned"))?.response;
  if (!control) return { outcome: null, reason: "the control request (same request without the marker) got no response", facts };
  let blocked = 0;
  for (const step of ["wafSqli", "wafXss"] as const) {
    const m = get(step);
    const r = m?.response;
    if (!r) return { outcome: null, reason: `${step} got ${describe(m)}`, facts };
    if (is2xx(r.status) || (sameResponse(r, control) && r.status !== 403)) {
      return { outcome: "not-blocked", facts: { ...facts, wafBlocksMarker: false } };
    }
    if (r.status === 403 && !sameResponse(r, control)) blocked += 1;
    else
      return {
        outcome: null,
        reason: `${step} got ${describe(m)}, the control got HTTP ${control.status}: not distinguishable`,
        facts,
      };
  }
  return blocked === 2 ? { outcome: "blocked", facts: { ...facts, wafBlocksMarker: true } } : { outcome: null, facts };
}

function throttleVerdict(o: ProbeObservations): CheckVerdict {
  // Only run with --probe-throttling on a target whose configured limit the burst can exceed.
  if (!o.throttle && !o.skipped.throttle && !o.notRun?.throttle) return { outcome: "not-applicable", facts: {} };
  const t = o.throttle;
  const facts: JsonObject = {
    throttleObserved: null,
    observedThreshold: t?.firstThrottledAt ?? null,
    throttleRequestsSent: t?.sent ?? 0,
  };
  const notRun = notRunVerdict(o, "throttle", facts);
  if (notRun) return notRun;
  if (!t) return { outcome: null, reason: "the throttling burst was not sent", facts };
  if (t.firstThrottledAt !== null) return { outcome: "throttled", facts: { ...facts, throttleObserved: true } };
  if (t.errors > 0) return { outcome: null, reason: `${t.errors} of ${t.sent} burst requests got no response`, facts };
  return { outcome: "not-throttled", facts: { ...facts, throttleObserved: false } };
}

/**
 * Verdicts of every check plus the facts rules read (`derived` of the probe resource) and the facts left out
 * by design (`skipped`: `/derived/<check>Outcome` → reason, the probe resource's `skipped`). Pure.
 */
export function deriveVerdicts(o: ProbeObservations): {
  derived: JsonObject;
  verdicts: Record<ProbeCheck, CheckVerdict>;
  skipped: Record<string, string>;
} {
  const get: Lookup = (step) => o.exchanges.find((x) => x.step === step);
  const known = routeKnown(get);
  const kind = o.target.kind ?? "apigateway";
  const applies = new Set<ProbeCheck>(KIND_CHECKS[kind]);
  const na: CheckVerdict = { outcome: "not-applicable", facts: {} };
  const checks: Record<ProbeCheck, () => CheckVerdict> = {
    auth: () => authVerdict(o, get, known),
    sigv4: () => sigv4Verdict(o, get),
    apiKey: () => apiKeyVerdict(o, get),
    https: () => httpsVerdict(o, get),
    tls: () => tlsVerdict(o, get),
    cors: () => corsVerdict(o, get, known),
    waf: () => wafVerdict(o, get),
    throttle: () => throttleVerdict(o),
    urlAuth: () => urlAuthVerdict(o, get),
    urlCors: () => urlCorsVerdict(o, get),
    appsyncAuth: () => appsyncAuthVerdict(o, get),
  };
  // Checks of other kinds of endpoint are not applicable (an API Gateway check never judges a function URL).
  const verdicts = Object.fromEntries(
    Object.entries(checks).map(([c, v]) => [c, applies.has(c as ProbeCheck) ? v() : na]),
  ) as Record<ProbeCheck, CheckVerdict>;
  const derived: JsonObject = { probeKind: kind, routeKnown: known };
  const reasons: JsonObject = {};
  const skipped: Record<string, string> = {};
  for (const [check, v] of Object.entries(verdicts) as [ProbeCheck, CheckVerdict][]) {
    derived[`${check}Outcome`] = v.outcome;
    Object.assign(derived, v.facts);
    if (v.reason) reasons[check] = v.reason;
    if (v.outcome === null && v.skipped) skipped[`/derived/${check}Outcome`] = v.reason ?? "not checked by design";
  }
  derived["reasons"] = reasons;
  const t = o.target;
  derived["configExpectation"] = {
    source: o.source,
    resourceArn: t.arn ?? null,
    relatedArns: (t.relatedArns ?? []) as JsonValue,
    ...(JSON.parse(JSON.stringify(t.expect)) as JsonObject),
  };
  return { derived, verdicts, skipped };
}
