import { DEFAULT_CALL_TIMEOUTS, type CallTimeouts } from "../aws/http.js";
import { checkRegion } from "../aws/regions.js";
import { InputError } from "../errors.js";
import { DURATION_HINT, parseDuration } from "../util/duration.js";
import type { Shard } from "./shard.js";

/** A client-side token bucket: `rps` tokens per second, at most `burst` saved up. */
export interface RateLimit {
  rps: number;
  burst: number;
}

/**
 * The `scan` section of `tollgate.config.yaml` (and what the CLI flags fill in). Shared with the config-file
 * loader: keep these names.
 */
export interface ScanSettingsFile {
  /** Regions to scan; default: the account's enabled regions (ec2:DescribeRegions). */
  regions?: string[];
  /** Accounts to scan by assuming `roleName` in each. */
  accounts?: string[];
  /** Role assumed in each scanned account (other than the caller's own). */
  roleName?: string;
  /** `sts:ExternalId` passed to AssumeRole. */
  externalId?: string;
  /** List the organisation's ACTIVE accounts and scan them all. */
  org?: boolean;
  /** Attempts per AWS call, retries included. */
  maxAttempts?: number;
  /** Milliseconds to establish a connection to AWS (`--connect-timeout`). */
  connectTimeoutMs?: number;
  /** Milliseconds one attempt of an AWS call may take, up to the answer's last byte (`--request-timeout`). */
  requestTimeoutMs?: number;
  /** Concurrent AWS calls, overall and per service. */
  concurrency?: { global?: number; perService?: Record<string, number> };
  /** Token buckets keyed by `service` or `service:Operation`. */
  rateLimits?: Record<string, RateLimit>;
  /** Scan only shard `index` of `count` of the (account, region) units (`--shard i/n`); CLI only. */
  shard?: Shard;
  /** Bound for collection and probing (`--max-duration`), e.g. `30m`; when reached the scan stops and saves. */
  maxDuration?: string;
}

/** Fully resolved tuning: every default applied. */
export interface ScanTuning {
  maxAttempts: number;
  timeouts: CallTimeouts;
  concurrency: { global: number; perService: Record<string, number> };
  rateLimits: Record<string, RateLimit>;
}

/** Default attempts per call: adaptive retries need room to back off under sustained throttling. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Default concurrency: 64 calls in flight overall, so an organisation's accounts proceed in parallel (a call
 * mostly waits on the network); per (account, region), services with tight quotas get fewer. STS and EC2 are only
 * called to set accounts up, bounded across all accounts: 10 at once keeps AssumeRole at STS's rate even while a
 * busy event loop delays each set-up step.
 */
export const DEFAULT_CONCURRENCY: ScanTuning["concurrency"] = {
  global: 64,
  perService: {
    apigateway: 4,
    iam: 2,
    cloudtrail: 4,
    wafv2: 4,
    config: 4,
    organizations: 1,
    sts: 10,
    ec2: 10,
    lambda: 4,
    "cognito-idp": 4,
    "cognito-identity": 2,
    appsync: 2,
  },
};

/**
 * Default client-side rate limits, per (account, region, service) bucket (IAM: per account). Documented
 * quotas where AWS publishes them, conservative assumptions elsewhere; sources in docs/scanning.md.
 */
export const DEFAULT_RATE_LIMITS: Record<string, RateLimit> = {
  // API Gateway control plane: 10 rps, burst 40; GetResources 5 per 2 seconds (documented, not adjustable).
  apigateway: { rps: 10, burst: 40 },
  "apigateway:GetResources": { rps: 2.5, burst: 5 },
  // CloudTrail: Get/Describe/List 10 TPS; LookupEvents 2 TPS (documented).
  cloudtrail: { rps: 10, burst: 10 },
  "cloudtrail:LookupEvents": { rps: 2, burst: 2 },
  // Not published: assumptions, see docs/scanning.md.
  iam: { rps: 5, burst: 10 },
  sts: { rps: 10, burst: 10 },
  wafv2: { rps: 5, burst: 10 },
  config: { rps: 5, burst: 10 },
  ec2: { rps: 10, burst: 20 },
  organizations: { rps: 2, burst: 5 },
  // Lambda: control plane 15 rps, GetPolicy 15 rps of its own (documented; one service bucket of 30 with 15 per
  // operation). Cognito user pools: 15 rps per read category (documented). Identity pools, AppSync: assumptions.
  lambda: { rps: 30, burst: 30 },
  "lambda:ListFunctions": { rps: 15, burst: 15 },
  "lambda:ListFunctionUrlConfigs": { rps: 15, burst: 15 },
  "lambda:GetPolicy": { rps: 15, burst: 15 },
  "cognito-idp": { rps: 15, burst: 15 },
  "cognito-identity": { rps: 5, burst: 5 },
  appsync: { rps: 5, burst: 10 },
};

/**
 * Regions enabled by default in every commercial account (no opt-in needed): the scope used when region
 * discovery fails. Opt-in regions are only scanned when discovery sees them or `--regions` names them.
 */
export const FALLBACK_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "sa-east-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-south-1",
];

const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;
const ACCOUNT = /^[0-9]{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// IAM: 2-1224 characters, alphanumerics and + = , . @ : / -
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const KEYS = new Set([
  "regions",
  "accounts",
  "roleName",
  "externalId",
  "org",
  "maxAttempts",
  "connectTimeoutMs",
  "requestTimeoutMs",
  "concurrency",
  "rateLimits",
  "shard",
  "maxDuration",
]);

function positiveInt(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new InputError(`${where}: must be a positive integer`);
  return v;
}

function positiveNumber(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new InputError(`${where}: must be a positive number`);
  return v;
}

function stringList(v: unknown, where: string, pattern: RegExp, what: string): string[] {
  if (!Array.isArray(v)) throw new InputError(`${where}: must be a list of ${what}`);
  return v.map((s, i) => {
    if (typeof s !== "string" || !pattern.test(s)) throw new InputError(`${where}/${i}: ${JSON.stringify(s)} is not ${what}`);
    return s;
  });
}

/**
 * Validates a `scan` section (from a config file or the CLI); throws an InputError naming the JSON pointer
 * under `source` (e.g. `tollgate.config.yaml#/scan`).
 */
export function validateScanSettings(data: unknown, source = "scan settings"): ScanSettingsFile {
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new InputError(`${source}: must be an object`);
  const s = data as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!KEYS.has(k)) throw new InputError(`${source}/${k}: unknown setting`);
  const out: ScanSettingsFile = {};
  if (s["regions"] !== undefined) {
    out.regions = stringList(s["regions"], `${source}/regions`, REGION, "a region name");
    out.regions.forEach((r, i) => checkRegion(r, `${source}/regions/${i}`));
  }
  if (s["accounts"] !== undefined)
    out.accounts = stringList(s["accounts"], `${source}/accounts`, ACCOUNT, "a 12-digit account id");
  if (s["roleName"] !== undefined) {
    if (typeof s["roleName"] !== "string" || !ROLE_NAME.test(s["roleName"]))
      throw new InputError(`${source}/roleName: must be an IAM role name (1-64 of letters, digits, + = , . @ _ -)`);
    out.roleName = s["roleName"];
  }
  if (s["externalId"] !== undefined) {
    if (typeof s["externalId"] !== "string" || !EXTERNAL_ID.test(s["externalId"]))
      throw new InputError(`${source}/externalId: must be 2-1224 of letters, digits, + = , . @ : / -`);
    out.externalId = s["externalId"];
  }
  if (s["org"] !== undefined) {
    if (typeof s["org"] !== "boolean") throw new InputError(`${source}/org: must be true or false`);
    out.org = s["org"];
  }
  if (s["maxAttempts"] !== undefined) out.maxAttempts = positiveInt(s["maxAttempts"], `${source}/maxAttempts`);
  for (const k of ["connectTimeoutMs", "requestTimeoutMs"] as const)
    if (s[k] !== undefined) out[k] = positiveInt(s[k], `${source}/${k}`);
  if (s["concurrency"] !== undefined) {
    const c = s["concurrency"];
    if (c === null || typeof c !== "object" || Array.isArray(c)) throw new InputError(`${source}/concurrency: must be an object`);
    const cc = c as Record<string, unknown>;
    out.concurrency = {};
    for (const k of Object.keys(cc))
      if (k !== "global" && k !== "perService") throw new InputError(`${source}/concurrency/${k}: unknown setting`);
    if (cc["global"] !== undefined) out.concurrency.global = positiveInt(cc["global"], `${source}/concurrency/global`);
    if (cc["perService"] !== undefined) {
      const ps = cc["perService"];
      if (ps === null || typeof ps !== "object" || Array.isArray(ps))
        throw new InputError(`${source}/concurrency/perService: must be an object`);
      out.concurrency.perService = Object.fromEntries(
        Object.entries(ps).map(([k, v]) => [k, positiveInt(v, `${source}/concurrency/perService/${k}`)]),
      );
    }
  }
  if (s["rateLimits"] !== undefined) {
    const rl = s["rateLimits"];
    if (rl === null || typeof rl !== "object" || Array.isArray(rl))
      throw new InputError(`${source}/rateLimits: must be an object`);
    out.rateLimits = Object.fromEntries(
      Object.entries(rl).map(([k, v]) => {
        const where = `${source}/rateLimits/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        if (v === null || typeof v !== "object") throw new InputError(`${where}: must be { rps, burst }`);
        const o = v as Record<string, unknown>;
        const rps = positiveNumber(o["rps"], `${where}/rps`);
        const burst = positiveNumber(o["burst"], `${where}/burst`);
        if (burst < 1) throw new InputError(`${where}/burst: must be at least 1`);
        return [k, { rps, burst }];
      }),
    );
  }
  if (s["shard"] !== undefined) {
    const sh = s["shard"] as Record<string, unknown> | null;
    const index = sh?.["index"];
    const count = sh?.["count"];
    if (
      typeof index !== "number" ||
      typeof count !== "number" ||
      !Number.isInteger(index) ||
      !Number.isInteger(count) ||
      count < 1 ||
      index < 1 ||
      index > count
    )
      throw new InputError(`${source}/shard: must be { index, count } with 1 <= index <= count`);
    out.shard = { index, count };
  }
  if (s["maxDuration"] !== undefined) {
    if (typeof s["maxDuration"] !== "string" || parseDuration(s["maxDuration"]) === undefined)
      throw new InputError(`${source}/maxDuration: must be ${DURATION_HINT}, got ${JSON.stringify(s["maxDuration"])}`);
    out.maxDuration = s["maxDuration"];
  }
  if (out.org && out.accounts?.length) throw new InputError(`${source}: use either accounts or org, not both`);
  return out;
}

/** The timeouts of every AWS call: the settings' own, else the defaults. */
export function callTimeouts(s: Pick<ScanSettingsFile, "connectTimeoutMs" | "requestTimeoutMs">): CallTimeouts {
  return {
    connectMs: s.connectTimeoutMs ?? DEFAULT_CALL_TIMEOUTS.connectMs,
    requestMs: s.requestTimeoutMs ?? DEFAULT_CALL_TIMEOUTS.requestMs,
  };
}

/** Applies the defaults to a scan section; overrides replace defaults key by key. */
export function resolveTuning(s: ScanSettingsFile): ScanTuning {
  return {
    maxAttempts: s.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    timeouts: callTimeouts(s),
    concurrency: {
      global: s.concurrency?.global ?? DEFAULT_CONCURRENCY.global,
      perService: { ...DEFAULT_CONCURRENCY.perService, ...(s.concurrency?.perService ?? {}) },
    },
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...(s.rateLimits ?? {}) },
  };
}
