import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { Readable } from "node:stream";
import type * as NodeHttpHandlerSdk from "@smithy/node-http-handler";
import { requireSdk } from "./sdk-require.js";

// Required, not imported: see requireSdk.
const { NodeHttpHandler } = requireSdk("@smithy/node-http-handler") as typeof NodeHttpHandlerSdk;
type NodeHttpHandler = InstanceType<typeof NodeHttpHandler>;

/** How long one attempt of an AWS call may take. */
export interface CallTimeouts {
  /** Establishing the TCP connection. */
  connectMs: number;
  /** One attempt, from sending the request to the last byte of the answer (also the longest silence on its socket). */
  requestMs: number;
}

/**
 * Defaults: a connection takes well under a second even through a proxy; an answer comes within seconds, and 60 s
 * (the AWS CLI's read timeout) leaves room for a multi-megabyte page on a slow link.
 */
export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = { connectMs: 10_000, requestMs: 60_000 };

const timeoutError = (ms: number): Error =>
  Object.assign(new Error(`the answer did not finish within the request timeout of ${ms} ms`), {
    name: "TimeoutError",
    code: "ETIMEDOUT",
  });

/**
 * An HTTP handler that bounds every attempt in time: the connection (`connectMs`), the wait for the answer and any
 * silence on the socket, and the whole attempt up to the answer's last byte (`requestMs`, so an answer that trickles
 * in cannot hold a call forever). A breach is a TimeoutError, which the SDK retries like any transient fault; the
 * last one is recorded as the call's error.
 */
export class BoundedHttpHandler extends NodeHttpHandler {
  constructor(
    private readonly timeouts: CallTimeouts = DEFAULT_CALL_TIMEOUTS,
    agents: { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent } = {},
  ) {
    super({
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.requestMs,
      // Without it the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
      socketTimeout: timeouts.requestMs,
      ...agents,
    });
  }

  override async handle(...args: Parameters<NodeHttpHandler["handle"]>): ReturnType<NodeHttpHandler["handle"]> {
    const started = Date.now();
    const out = await super.handle(...args);
    const body: unknown = out.response.body;
    if (body instanceof Readable) {
      const ms = this.timeouts.requestMs;
      const timer = setTimeout(() => body.destroy(timeoutError(ms)), Math.max(0, ms - (Date.now() - started)));
      // The timer must not keep the process alive for a body nobody reads any more.
      timer.unref();
      body.once("close", () => clearTimeout(timer));
    }
    return out;
  }
}

/**
 * One keep-alive connection pool for every SDK client of a run, with the run's timeouts. Collectors build a client
 * per (account, region, service) unit, and each client would otherwise open its own pool: 1,150 clients (and as
 * many TLS handshakes) for a 50-account organisation. Endpoints are untouched; this only decides how sockets are
 * reused. Clients call `destroy()` when their unit ends, which must not close sockets other clients are using, so
 * `destroy()` does nothing here and the run calls `close()` once at its end.
 */
export class SharedHttpHandler extends BoundedHttpHandler {
  private readonly agents: [HttpAgent, HttpsAgent];

  constructor(maxSockets: number, timeouts: CallTimeouts = DEFAULT_CALL_TIMEOUTS) {
    const agents: [HttpAgent, HttpsAgent] = [
      new HttpAgent({ keepAlive: true, maxSockets }),
      new HttpsAgent({ keepAlive: true, maxSockets }),
    ];
    super(timeouts, { httpAgent: agents[0], httpsAgent: agents[1] });
    this.agents = agents;
  }

  /** Sockets per host from now on (Node's agents read the bound at each request): the scan's global concurrency. */
  setMaxSockets(maxSockets: number): void {
    for (const agent of this.agents) agent.maxSockets = maxSockets;
  }

  /** A client ending its unit; the pool outlives it. */
  override destroy(): void {}

  /** Closes every socket of the pool: once, when the run no longer calls AWS. */
  close(): void {
    super.destroy();
  }
}
