import pLimit, { type LimitFunction } from "p-limit";
import type { ScanTuning } from "./tuning.js";

/** The scan's shared pool of AWS calls: a global bound and a bound per (account, region, service). */
export interface CallPool {
  /**
   * Runs `fn` once a per-service slot and a global slot are free. With `where`, the per-service bound applies per
   * (account, region), like AWS quotas, so one account's calls never queue behind another's rate limit.
   */
  limit<T>(service: string, fn: () => Promise<T>, where?: { account: string; region: string }): Promise<T>;
  /** Raises (or lowers) the global bound; calls already queued start as slots free up. */
  setGlobal(concurrency: number): void;
}

/**
 * Creates the pool. The per-service slot is taken first so a throttled service cannot hold global slots
 * while it waits for its own.
 */
export function createCallPool(concurrency: ScanTuning["concurrency"]): CallPool {
  const global = pLimit(concurrency.global);
  const perService = new Map<string, LimitFunction>();
  return {
    limit<T>(service: string, fn: () => Promise<T>, where?: { account: string; region: string }): Promise<T> {
      const key = where ? `${where.account}|${where.region}|${service}` : service;
      let l = perService.get(key);
      if (!l) {
        l = pLimit(concurrency.perService[service] ?? concurrency.global);
        perService.set(key, l);
      }
      return l(() => global(fn));
    },
    setGlobal(n: number): void {
      global.concurrency = n;
    },
  };
}

/**
 * Raises every bound on a scan's calls in flight to `n` when it is higher than the unit pool's: the call pool's global
 * bound, the unit pool's and the connection pool's sockets (calls already queued start as slots free up).
 */
export function raiseGlobal(
  n: number,
  pool: CallPool,
  units: LimitFunction,
  http: { setMaxSockets(maxSockets: number): void },
): void {
  if (n <= units.concurrency) return;
  pool.setGlobal(n);
  units.concurrency = n;
  http.setMaxSockets(n);
}
