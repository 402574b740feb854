import { clientConfig, reuseSigner, shareEndpointLookup, type AwsClientSettings, type AwsService } from "../aws/clients.js";
import type { InstrumentableClient, UnitContext } from "./context.js";
import { responseCheckPlugin } from "./response-check.js";

/** Constructor shape shared by the AWS SDK v3 clients. */
export type ClientClass<C> = new (config: ReturnType<typeof clientConfig>) => C;

/**
 * Builds every AWS SDK client Tollgate uses (collectors, account set-up, Security Hub export): the standard config
 * (credentials, adaptive retries, user agent, bounded HTTP handler, the service's configured endpoint) and the check of every answer against the operation's contract. `service` is the
 * service as Tollgate names it (`apigatewayv2` for API Gateway v2), the key of response-contracts.ts.
 */
export function awsClient<C extends InstrumentableClient>(
  Ctor: ClientClass<C>,
  settings: AwsClientSettings,
  region: string,
  service: AwsService,
): C {
  const client = new Ctor(clientConfig(settings, region, service));
  responseCheckPlugin(service).applyToStack(client.middlewareStack);
  // The SDK's logger middleware copies every answer through the output schema to hand it to the client's logger,
  // which Tollgate never sets (the SDK's no-op logger): a deep copy of each answer for nothing.
  client.middlewareStack.remove("loggerMiddleware");
  if (settings.sdk) shareEndpointLookup(client as { config?: unknown }, settings.sdk);
  reuseSigner(client as { config?: unknown });
  return client;
}

/** A collector's client: `awsClient` plus the scan's instrumentation (rate limits, call counting). */
export function createClient<C extends InstrumentableClient>(
  Ctor: ClientClass<C>,
  ctx: UnitContext,
  service: AwsService,
  region: string,
): C {
  const client = awsClient(Ctor, ctx.settings, region, service);
  ctx.instrumentClient?.(client, service);
  return client;
}

/** Runs `fn` in the scan's concurrency pool when there is one. */
export function limited<T>(ctx: UnitContext, service: string, fn: () => Promise<T>): Promise<T> {
  return ctx.limit ? ctx.limit(service, fn) : fn();
}
