import { DEFAULT_CALL_TIMEOUTS, type CallTimeouts } from "../aws/http.js";
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
 * Default concurrency: 64 calls in flight overall (more for many accounts: scaledGlobalConcurrency), so an
 * organisation's accounts proceed in parallel (a call
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

/** Accounts whose scan shares the default global concurrency (64): a larger scope gets 64 more per this many. */
export const ACCOUNTS_PER_GLOBAL_STEP = 25;
/** The most calls in flight a scan's default global concurrency grows to. */
export const MAX_SCALED_GLOBAL = 256;

/**
 * The global concurrency of a scan of `accounts` accounts when the settings name none: 64 per 25 accounts (at least
 * 64, at most 256). AWS throttles per account, region and API, which the per-service bounds and rate limits already
 * follow account by account; the global bound only shares the scanner's own sockets and CPU, so an organisation's
 * accounts should not queue behind a bound sized for one. Measured on the 50-account organisation (docs/scale.md):
 * 64 → 128 took a quarter off the wall time at 40 ms a call and more at 100 ms, for ~40 MB more peak memory.
 */
export function scaledGlobalConcurrency(accounts: number): number {
  const steps = Math.max(1, Math.ceil(accounts / ACCOUNTS_PER_GLOBAL_STEP));
  return Math.min(MAX_SCALED_GLOBAL, DEFAULT_CONCURRENCY.global * steps);
}

/**
 * A scan's global concurrency once its accounts are known: the settings' own when they name one, else
 * scaledGlobalConcurrency of the accounts this run scans (a shard's share of them).
 */
export function globalConcurrencyFor(s: Pick<ScanSettingsFile, "concurrency" | "shard">, accounts: number): number {
  return s.concurrency?.global ?? scaledGlobalConcurrency(Math.ceil(accounts / (s.shard?.count ?? 1)));
}

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
