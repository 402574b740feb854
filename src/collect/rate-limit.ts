import type { InstrumentableClient } from "./context.js";
import type { RateLimit } from "./tuning.js";

/**
 * A token bucket that hands out reservations: a caller that finds it empty takes a token "on credit" and is
 * told how long to wait, so concurrent callers queue in arrival order without a timer per bucket.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes one token at time `now` (ms); returns how many ms the caller must wait before using it. */
  reserve(now: number): number {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.rps);
    this.last = Math.max(this.last, now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.limit.rps) * 1000);
  }
}

/** Where a call is made, for choosing its buckets. */
export interface BucketScope {
  account: string;
  /** The unit's region, `global` for IAM: quotas are per account and region (IAM: per account). */
  region: string;
  service: string;
}

/** The scan's token buckets, created on first use per (account, region, service[:Operation]). */
export class RateLimiters {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: Record<string, RateLimit>,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private bucket(scope: BucketScope, key: string): TokenBucket | undefined {
    const limit = this.limits[key];
    if (!limit) return undefined;
    const id = `${scope.account}|${scope.region}|${key}`;
    let b = this.buckets.get(id);
    if (!b) {
      b = new TokenBucket(limit, this.now());
      this.buckets.set(id, b);
    }
    return b;
  }

  /**
   * Waits for a token from the operation's own bucket (when one is configured), then from the service bucket.
   * The narrower bucket goes first so a call waiting for it does not hold a service token that other calls
   * could use meanwhile (GetResources waits up to 400 ms; the other API Gateway calls keep going).
   */
  async acquire(scope: BucketScope, operation: string): Promise<void> {
    for (const key of [`${scope.service}:${operation}`, scope.service]) {
      const wait = this.bucket(scope, key)?.reserve(this.now()) ?? 0;
      if (wait > 0) await this.sleep(wait);
    }
  }
}

interface HandlerContext {
  commandName?: string;
}

type Next = (args: unknown) => Promise<unknown>;

/** Operation names by SDK command name (`GetRestApisCommand` → `GetRestApis`), computed once each. */
const operations = new Map<string, string>();
const operationOf = (commandName: string): string => {
  let op = operations.get(commandName);
  if (op === undefined) operations.set(commandName, (op = commandName.replace(/Command$/, "")));
  return op;
};

/** An SDK plugin (the shape `Pluggable` has), for clients Tollgate does not construct itself. */
export interface StackPlugin {
  applyToStack(stack: InstrumentableClient["middlewareStack"]): void;
}

/**
 * The rate-limit middleware as an SDK plugin. It sits in the finalizeRequest step after the retry middleware,
 * so every attempt (retries included) takes a token; `onAttempt` counts attempts for progress.
 */
export function rateLimitPlugin(
  limiters: RateLimiters,
  scope: BucketScope,
  onAttempt?: (operation: string) => void,
): StackPlugin {
  const middleware =
    (next: Next, context: HandlerContext) =>
    async (args: unknown): Promise<unknown> => {
      const operation = operationOf(context.commandName ?? "Unknown");
      await limiters.acquire(scope, operation);
      onAttempt?.(operation);
      return next(args);
    };
  return {
    // The structural stack type keeps collectors free of smithy generics; the stack accepts this shape.
    applyToStack: (stack) =>
      (stack.add as unknown as (m: typeof middleware, o: object) => void)(middleware, {
        step: "finalizeRequest",
        priority: "low",
        name: "tollgateRateLimitMiddleware",
        tags: ["TOLLGATE", "RATE_LIMIT"],
        // fromTemporaryCredentials applies its plugins again on every refresh of the same client; replacing
        // the identical middleware keeps that from failing as a duplicate.
        override: true,
      }),
  };
}

/** Adds the rate-limit middleware (rateLimitPlugin) to an SDK client. */
export function addRateLimitMiddleware(
  client: InstrumentableClient,
  limiters: RateLimiters,
  scope: BucketScope,
  onAttempt?: (operation: string) => void,
): void {
  rateLimitPlugin(limiters, scope, onAttempt).applyToStack(client.middlewareStack);
}
