/**
 * Pure verdicts of the backend-layer checks: Lambda function URLs (authentication, CORS with a hostile origin) and
 * AppSync GraphQL endpoints (a request without credentials). As for API Gateway, an answer that does not prove
 * the behaviour is `null` (rules report `error`), never a pass.
 */
import type { JsonObject } from "../model/json.js";
import { EVIL_ORIGIN, type ProbeCheck, type ProbeExchange, type ProbeObservations } from "./types.js";
import type { CheckVerdict } from "./verdict.js";

type Lookup = (step: ProbeExchange["step"]) => ProbeExchange | undefined;

const isAuthReject = (s: number) => s === 401 || s === 403;

function describe(x: ProbeExchange | undefined): string {
  if (!x) return "not sent";
  if (x.response) return `HTTP ${x.response.status}${x.response.message ? ` "${x.response.message}"` : ""}`;
  return `${x.error?.kind ?? "no response"}${x.error?.message ? ` (${x.error.message})` : ""}`;
}

/** The verdict of a check left out by design (skipped) or unable to run; undefined when it ran. */
function notRunVerdict(o: ProbeObservations, check: ProbeCheck, facts: JsonObject): CheckVerdict | undefined {
  const byDesign = o.skipped[check];
  if (byDesign) return { outcome: null, reason: byDesign, skipped: true, facts };
  const failed = o.notRun?.[check];
  return failed ? { outcome: null, reason: failed, facts } : undefined;
}

/**
 * Whether the function behind a URL ran for an unsigned request: a 2xx/3xx is its answer, and so is a 4xx other
 * than Lambda's own refusals (401/403 authentication, 429 throttling) or a 502 (the function failed). Other
 * statuses (413, 5xx) do not tell.
 */
function functionAnswered(status: number): boolean | null {
  if (isAuthReject(status)) return false;
  if (status >= 200 && status < 400) return true;
  if (status >= 400 && status < 500 && status !== 429 && status !== 413) return true;
  return status === 502 ? true : null;
}

/**
 * Function URL authentication, from one unsigned GET: an AWS_IAM URL must refuse it (401/403: `enforced`; the
 * function answering: `not-enforced`); a NONE URL that answers is `public` (confirmed live), one that refuses is
 * `refused` (its resource policy does not let everyone invoke it).
 */
export function urlAuthVerdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  const u = get("unsigned");
  const status = u?.response?.status;
  const answered = status === undefined ? null : functionAnswered(status);
  const facts: JsonObject = { unsignedStatus: status ?? null, unsignedAllowed: answered };
  const notRun = notRunVerdict(o, "urlAuth", facts);
  if (notRun) return notRun;
  if (!u?.response) return { outcome: null, reason: `the unsigned request got no response: ${describe(u)}`, facts };
  if (answered === null)
    return {
      outcome: null,
      reason: `the unsigned request got ${describe(u)}: neither the function's answer nor a refusal`,
      facts,
    };
  if (o.target.expect.auth === "NONE") return { outcome: answered ? "public" : "refused", facts };
  return { outcome: answered ? "not-enforced" : "enforced", facts };
}

/**
 * Function URL CORS with a hostile origin: a preflight and a GET from EVIL_ORIGIN. Reflecting it with
 * credentials, or `*` with credentials, is what the configuration rule fails; absence needs both answered.
 */
export function urlCorsVerdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  const xs = (["corsPreflight", "corsEvilOrigin"] as const).map((s) => get(s));
  const answered = xs.filter((x): x is ProbeExchange => x?.response !== undefined);
  const acao = (x: ProbeExchange) => x.response?.headers["access-control-allow-origin"]?.trim();
  const creds = (x: ProbeExchange) => x.response?.headers["access-control-allow-credentials"]?.trim().toLowerCase() === "true";
  const reflects = answered.filter((x) => acao(x) === EVIL_ORIGIN);
  const anyWithCreds = answered.filter((x) => acao(x) === "*" && creds(x));
  const facts: JsonObject = {
    corsReflectsEvilOrigin: reflects.length > 0,
    corsAllowsCredentialsWithReflection: reflects.some(creds),
    corsAnyOriginWithCredentials: anyWithCreds.length > 0,
  };
  if (reflects.some(creds)) return { outcome: "reflects-with-credentials", facts };
  if (anyWithCreds.length) return { outcome: "any-origin-with-credentials", facts };
  if (reflects.length) return { outcome: "reflects", facts };
  const unknown: JsonObject = {
    corsReflectsEvilOrigin: null,
    corsAllowsCredentialsWithReflection: null,
    corsAnyOriginWithCredentials: null,
  };
  const notRun = notRunVerdict(o, "urlCors", unknown);
  if (notRun) return notRun;
  const missing = xs.find((x) => !x?.response);
  if (missing !== undefined || !xs.length)
    return { outcome: null, reason: `a CORS probe got no response: ${describe(missing)}`, facts: unknown };
  return { outcome: "no-reflection", facts };
}

/**
 * AppSync without credentials, from one read-only `query { __typename }` POST (opt-in): every AppSync
 * authentication type requires credentials, so a 2xx is `not-enforced` and a 401/403 `enforced`.
 */
export function appsyncAuthVerdict(o: ProbeObservations, get: Lookup): CheckVerdict {
  const x = get("graphqlUnauthenticated");
  const status = x?.response?.status;
  const facts: JsonObject = {
    unauthenticatedGraphqlStatus: status ?? null,
    unauthenticatedGraphqlAllowed: status === undefined ? null : status >= 200 && status < 300,
  };
  const notRun = notRunVerdict(o, "appsyncAuth", facts);
  if (notRun) return notRun;
  if (status === undefined)
    return { outcome: null, reason: `the request without credentials got no response: ${describe(x)}`, facts };
  if (status >= 200 && status < 300) return { outcome: "not-enforced", facts };
  if (isAuthReject(status)) return { outcome: "enforced", facts };
  return { outcome: null, reason: `the request without credentials got ${describe(x)}, neither served nor refused`, facts };
}
