import pLimit, { type LimitFunction } from "p-limit";
import type { ScanTuning } from "./tuning.js";

/** The scan's shared pool of AWS calls: a global bound and a bound per service. */
export interface CallPool {
  /** Runs `fn` once a per-service slot and a global slot are free. */
  limit<T>(service: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Creates the pool. The per-service slot is taken first so a throttled service cannot hold global slots
 * while it waits for its own.
 */
export function createCallPool(concurrency: ScanTuning["concurrency"]): CallPool {
  const global = pLimit(concurrency.global);
  const perService = new Map<string, LimitFunction>();
  return {
    limit<T>(service: string, fn: () => Promise<T>): Promise<T> {
      let l = perService.get(service);
      if (!l) {
        l = pLimit(concurrency.perService[service] ?? concurrency.global);
        perService.set(service, l);
      }
      return l(() => global(fn));
    },
  };
}
