import type { AwsClientSettings } from "../aws/clients.js";
import { isAwsCallFailure, toCollectionError } from "../aws/call-error.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { MAX_PAGES, type Listing } from "./paging.js";

/** Polling bounds for the IAM credential report. */
export interface ReportPolling {
  initialDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

/** Collection tunables. */
export interface CollectOptions {
  /** MaxItems for GetAccountAuthorizationDetails pages (AWS allows up to 1000). */
  authDetailsPageSize: number;
  /** Page size for regional list calls (API Gateway limit/maxResults, WAFv2 Limit; clamped per service). */
  regionalPageSize: number;
  /** Pages one listing may take before it is refused (PageLimitExceeded). */
  maxPages: number;
  reportPolling: ReportPolling;
}

/** Defaults: large pages to minimise calls; report polled with backoff for at most 5 minutes. */
export const DEFAULT_COLLECT_OPTIONS: CollectOptions = {
  authDetailsPageSize: 1000,
  regionalPageSize: 500,
  maxPages: MAX_PAGES,
  reportPolling: { initialDelayMs: 500, maxDelayMs: 5000, timeoutMs: 300_000 },
};

/** Everything a collector for one (account, region, service) unit needs; passed explicitly. */
export interface UnitContext {
  account: string;
  region: string;
  partition: string;
  settings: AwsClientSettings;
  clock: Clock;
  logger: Logger;
  options: CollectOptions;
  /** Waits, injectable so tests need not sleep. */
  sleep: (ms: number) => Promise<void>;
  /**
   * Runs an AWS call inside the scan's shared concurrency pool. Collectors wrap fan-out calls (one per API,
   * per web ACL, …) in it so one pool bounds global and per-service concurrency. Default: run directly.
   */
  limit?: <T>(service: string, fn: () => Promise<T>) => Promise<T>;
  /** Called on every SDK client a collector creates (rate-limiting middleware, request counting). */
  instrumentClient?: (client: InstrumentableClient, service: string) => void;
}

/** The part of an SDK v3 client that instrumentation may touch. */
export interface InstrumentableClient {
  middlewareStack: { add: (...args: never[]) => void; remove: (name: string) => boolean };
}

/** What a collector returns. */
export interface UnitResult {
  resources: Resource[];
  errors: CollectionError[];
}

/**
 * Runs one AWS call; a failed call is recorded (never swallowed into an empty result) and yields
 * `undefined`. Errors that are not AWS call failures are bugs and propagate.
 */
export async function attempt<T>(
  errors: CollectionError[],
  where: { account: string; region: string; service: string; operation: string; resourceArn?: string },
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (!isAwsCallFailure(e)) throw e;
    errors.push(toCollectionError(e, where));
    return undefined;
  }
}

/** Where a call is made, for `attempt`: the unit's account and region, one service, and optionally a resource. */
export function callSite(
  ctx: Pick<UnitContext, "account" | "region">,
  service: string,
): (
  operation: string,
  resourceArn?: string,
) => { account: string; region: string; service: string; operation: string; resourceArn?: string } {
  return (operation, resourceArn) => ({
    account: ctx.account,
    region: ctx.region,
    service,
    operation,
    ...(resourceArn ? { resourceArn } : {}),
  });
}

/** The collector's listings of `service`, each under the unit's page cap (for drain and tokenLoop). */
export function listingOf(ctx: Pick<UnitContext, "options">, service: string): (operation: string) => Listing {
  return (operation) => ({ service, operation, maxPages: ctx.options.maxPages });
}

/** A real sleep. */
export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
