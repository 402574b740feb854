import { clientConfig } from "../aws/clients.js";
import type { InstrumentableClient, UnitContext } from "./context.js";

/** Constructor shape shared by the AWS SDK v3 clients. */
export type ClientClass<C> = new (config: ReturnType<typeof clientConfig>) => C;

/**
 * Creates an SDK client for a collector: standard config (credentials, adaptive retries, user agent; endpoint
 * left to AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>) plus the scan's instrumentation. Every collector
 * builds its clients here, so rate limits and counting apply everywhere.
 */
export function createClient<C extends InstrumentableClient>(
  Ctor: ClientClass<C>,
  ctx: UnitContext,
  service: string,
  region: string,
): C {
  const client = new Ctor(clientConfig(ctx.settings, region));
  ctx.instrumentClient?.(client, service);
  return client;
}

/** Runs `fn` in the scan's concurrency pool when there is one. */
export function limited<T>(ctx: UnitContext, service: string, fn: () => Promise<T>): Promise<T> {
  return ctx.limit ? ctx.limit(service, fn) : fn();
}
