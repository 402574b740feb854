/** Sleeps; injected so tests never wait on real time. */
export type Sleep = (ms: number) => Promise<void>;
/** Milliseconds since some origin; injected with Sleep. */
export type Now = () => number;

/** Real sleep. */
export const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A token bucket per host: at most `ratePerSecond` requests per second on average, bursts of at most
 * `burst`. Keeps probes gentle on production endpoints; the clock and sleep are injected.
 */
export class HostRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: Now = () => performance.now(),
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Waits until a request to `host` may be sent. Callers for one host are served in order. */
  acquire(host: string): Promise<void> {
    const prev = this.queues.get(host) ?? Promise.resolve();
    const next = prev.then(() => this.take(host));
    this.queues.set(host, next);
    return next;
  }

  private async take(host: string): Promise<void> {
    for (;;) {
      const t = this.now();
      const b = this.buckets.get(host) ?? { tokens: this.burst, at: t };
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerSecond);
      b.at = t;
      this.buckets.set(host, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - b.tokens) / this.ratePerSecond) * 1000));
    }
  }
}

/** A total request budget for a scan: once spent, further probes are refused (and recorded as not run). */
export class RequestBudget {
  private used = 0;
  constructor(readonly total: number) {}

  /** Takes one request from the budget; false when it is exhausted. */
  take(): boolean {
    if (this.used >= this.total) return false;
    this.used += 1;
    return true;
  }

  /** Requests spent so far. */
  get spent(): number {
    return this.used;
  }
}
