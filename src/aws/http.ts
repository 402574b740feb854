import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * One keep-alive connection pool for every SDK client of a run. Collectors build a client per (account,
 * region, service) unit, and each client would otherwise open its own pool: 1,150 clients (and as many TLS
 * handshakes) for a 50-account organisation. Endpoints are untouched; this only decides how sockets are reused.
 * Clients call `destroy()` when their unit ends, which must not close sockets other clients are using, so
 * `destroy()` does nothing here and the run calls `close()` once at its end.
 */
export class SharedHttpHandler extends NodeHttpHandler {
  constructor(maxSockets: number) {
    super({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    });
  }

  /** A client ending its unit; the pool outlives it. */
  override destroy(): void {}

  /** Closes every socket of the pool: once, when the run no longer calls AWS. */
  close(): void {
    super.destroy();
  }
}
