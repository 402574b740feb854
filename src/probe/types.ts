import type { JsonObject } from "../model/json.js";

/** Authorization types API Gateway methods and routes can be configured with. */
/** The inventory resource type of probe results. */
export const PROBE_RESOURCE_TYPE = "aws.apigateway.probe" as const;

export const PROBE_AUTH_TYPES = ["NONE", "AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM", "JWT"] as const;
/** A configured authorization type. */
export type ProbeAuthType = (typeof PROBE_AUTH_TYPES)[number];

/** Authentication types of an AppSync GraphQL API (its default and additional providers). */
export const APPSYNC_AUTH_TYPES = ["API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA"] as const;
/** An AppSync authentication type. */
export type AppSyncAuthType = (typeof APPSYNC_AUTH_TYPES)[number];

/** What a target is: an API Gateway method/route (the default), a Lambda function URL or an AppSync GraphQL endpoint. */
export const PROBE_KINDS = ["apigateway", "lambda-url", "appsync"] as const;
/** A target kind. */
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** Minimum TLS versions a domain/endpoint security policy can require. */
export const TLS_VERSIONS = ["TLS_1_0", "TLS_1_2", "TLS_1_3"] as const;
/** A minimum TLS version. */
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** The Origin the CORS probes send; never a real site. */
export const EVIL_ORIGIN = "https://evil.example";

/** HTTP methods probes may send without an explicit opt-in: they do not change state on a well-behaved API. */
export const SAFE_METHODS = ["GET", "HEAD", "OPTIONS"] as const;

/** What the configuration says an endpoint should enforce; the probes check the live endpoint against it. */
export interface ProbeExpectation {
  /**
   * Configured authorization; anything but NONE must reject unauthenticated requests. A function URL is NONE or
   * AWS_IAM; an AppSync API names its default authentication type (all of them require credentials).
   */
  auth: ProbeAuthType | AppSyncAuthType;
  /** AppSync: every authentication provider the API accepts (default first). */
  authProviders?: AppSyncAuthType[];
  /** The method requires an `x-api-key`. */
  apiKeyRequired?: boolean;
  /** Configured CORS policy, or null/absent when none is configured. */
  cors?: { allowOrigins: string[]; allowCredentials?: boolean } | null;
  /** Minimum TLS version of the domain's security policy. */
  minTls?: TlsVersion;
  /** The stage's web ACL has managed SQL-injection/XSS rules. */
  wafSqliXss?: boolean;
  /** Effective throttling of the stage/route, or null when unthrottled. */
  throttle?: { rateLimit: number; burstLimit: number } | null;
  /** Plain HTTP must not be served (default true: execute-api endpoints are HTTPS-only). */
  httpsOnly?: boolean;
}

/** One endpoint to probe: a deployed method/route and the behaviour its configuration implies. */
export interface ProbeTarget {
  /** Stable id, unique in a run (e.g. `restapi/abc123/prod/GET /pets`). */
  id: string;
  /** What the endpoint is (default `apigateway`): decides which requests are sent and which checks apply. */
  kind?: ProbeKind;
  /** ARN of the configuration resource (method, route) the probe confirms or contradicts. */
  arn?: string;
  /** Other configuration resources the probe speaks for (stage, web ACL, domain), for correlation. */
  relatedArns?: string[];
  /** 12-digit account id of the API. */
  account?: string;
  /** Region of the API. */
  region?: string;
  /** `https://host[:port]/stage`, no trailing slash. */
  baseUrl: string;
  /** Plain-HTTP base URL for the http:// check (default: baseUrl with `http:` and port 80). */
  httpBaseUrl?: string;
  /** Resource path, `/pets/{id}`; path parameters are filled with a harmless placeholder. */
  path: string;
  /** HTTP method of the method/route (`ANY` probes with GET). */
  method: string;
  /** Methods besides GET/HEAD/OPTIONS the user allows for this endpoint (opt-in, endpoints file only). */
  allowMethods?: string[];
  /** What the configuration says. */
  expect: ProbeExpectation;
}

/** The file given to `--probe-endpoints`. */
export interface ProbeEndpointsFile {
  /** Schema pointer for editors. */
  $schema?: string;
  /** Endpoints to probe. */
  endpoints: ProbeTarget[];
}

/** A request as recorded: secrets already redacted. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** A response as recorded: selected headers and a short body excerpt only. */
export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** `message` of a JSON error body (API Gateway's `{"message": …}`), when there is one. */
  message?: string;
  /** First bytes of a non-2xx body, for the report. */
  bodyExcerpt?: string;
}

/** Why a request did not produce a response. */
export interface ExchangeError {
  /**
   * What went wrong; `tls-alert` is the server refusing a handshake, `tls-local` our own OpenSSL refusing,
   * `credentials` the signing credentials that could not be had (refreshed) for a signed request, which is then not sent.
   */
  kind:
    | "timeout"
    | "refused"
    | "reset"
    | "tls-alert"
    | "tls-local"
    | "tls-cert"
    | "budget"
    | "unsafe-method"
    | "network"
    | "credentials";
  /** Node error code when there was one. */
  code?: string;
  message: string;
}

/** The probe steps; each names one request. */
export const PROBE_STEPS = [
  "baseline",
  "unsigned",
  "signed",
  "badSignature",
  "staleDate",
  "noApiKey",
  "plainHttp",
  "tls10",
  "tls11",
  "tls12",
  "corsPreflight",
  "corsEvilOrigin",
  "corsNullOrigin",
  "wafSqli",
  "wafXss",
  "throttle",
  "graphqlUnauthenticated",
] as const;
/** One probe step. */
export type ProbeStep = (typeof PROBE_STEPS)[number];

/** One request sent and what came back. */
export interface ProbeExchange {
  step: ProbeStep;
  request: RecordedRequest;
  response?: RecordedResponse;
  error?: ExchangeError;
  /** Wall time of the exchange (evidence only; never used for verdicts). */
  elapsedMs: number;
  /** Negotiated TLS protocol and cipher, for https. */
  tls?: { protocol: string; cipher: string };
}

/** Throttle burst summary (the individual requests are summarised, not all recorded). */
export interface ThrottleObservation {
  sent: number;
  statuses: Record<string, number>;
  /** 1-based index of the first 429, or null when none came back. */
  firstThrottledAt: number | null;
  errors: number;
}

/** Everything the prober saw for one target; input of the pure verdict derivation. */
export interface ProbeObservations {
  target: ProbeTarget;
  /** Where the target came from. */
  source: "inventory" | "endpoints-file";
  exchanges: ProbeExchange[];
  /** Whether signing credentials were available. */
  signed: boolean;
  /** Whether `--probe-throttling` was on, and the throttle burst result. */
  throttle?: ThrottleObservation;
  /** Checks not run by design, with the reason (unsafe method without opt-in, API not reachable): `skipped`. */
  skipped: Partial<Record<ProbeCheck, string>>;
  /** Checks meant to run that could not (no credentials to sign with, budget spent), with the reason: `error`. */
  notRun?: Partial<Record<ProbeCheck, string>>;
}

/** The checks, each with its own outcome and inventory operation (errors on one do not touch the others). */
export const PROBE_CHECKS = [
  "auth",
  "sigv4",
  "apiKey",
  "https",
  "tls",
  "cors",
  "waf",
  "throttle",
  "urlAuth",
  "urlCors",
  "appsyncAuth",
] as const;
/** One check. */
export type ProbeCheck = (typeof PROBE_CHECKS)[number];

/** The inventory operation name of each check (RESOURCE_TYPE_SOURCES, rule `dependsOn`). */
export const CHECK_OPERATIONS: Record<ProbeCheck, string> = {
  auth: "ProbeAuth",
  sigv4: "ProbeSigV4",
  apiKey: "ProbeApiKey",
  https: "ProbeHttp",
  tls: "ProbeTls",
  cors: "ProbeCors",
  waf: "ProbeWaf",
  throttle: "ProbeThrottle",
  urlAuth: "ProbeFunctionUrlAuth",
  urlCors: "ProbeFunctionUrlCors",
  appsyncAuth: "ProbeAppSyncAuth",
};

/** The checks of each target kind; the others are `not-applicable` for it. */
export const KIND_CHECKS: Record<ProbeKind, readonly ProbeCheck[]> = {
  apigateway: ["auth", "sigv4", "apiKey", "https", "tls", "cors", "waf", "throttle"],
  "lambda-url": ["urlAuth", "urlCors"],
  appsync: ["appsyncAuth"],
};

/** Derived facts of one probe resource, as rules read them. */
export type ProbeDerived = JsonObject;
