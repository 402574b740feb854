import type { ProbeProgress } from "../collect/progress.js";
import { refreshExposurePaths } from "../enrich/paths.js";
import type { Inventory } from "../model/inventory.js";
import { probeInventory, type PreparedProbes, type ProbeLog } from "../probe/run.js";
import type { SigningCredentialSource } from "../probe/sign.js";
import type { Logger } from "../util/logger.js";
import type { StageContext } from "./context.js";

/** What probing needs besides the inventory: signing credentials, the User-Agent and the progress display. */
export interface ProbeContext {
  credentials?: SigningCredentialSource | undefined;
  logger: Logger;
  userAgent: string;
  progress?: ProbeProgress;
}

/** An inventory that some stop left incomplete: `complete: false`, so exports never archive on its strength. */
export function markIncomplete(inventory: Inventory): Inventory {
  return inventory.metadata.complete ? { ...inventory, metadata: { ...inventory.metadata, complete: false } } : inventory;
}

/**
 * The probe stage: probes the enriched inventory's endpoints (and the endpoints file) through src/probe, adding
 * the probe resources and errors. A stop ends it early, keeping the results that finished; a run already stopped
 * probes nothing, and every endpoint is recorded as not probed.
 */
export async function probeStage(
  inventory: Inventory,
  probes: PreparedProbes,
  ctx: ProbeContext,
  { stop }: Pick<StageContext, "stop">,
): Promise<{ inventory: Inventory; log?: ProbeLog }> {
  if (!probes.enabled) return { inventory };
  stop.enter("probing");
  const probed = await probeInventory(inventory, probes, { ...ctx, signal: stop.signal });
  // Exposure paths read probe outcomes (an entry shown open raises its paths' severity): recomputed with them.
  const inv = probed.inventory;
  const result = {
    ...probed,
    inventory: { ...inv, resources: refreshExposurePaths(inv.resources, inv.errors, inv.metadata.services) },
  };
  return stop.stopped ? { ...result, inventory: markIncomplete(result.inventory) } : result;
}
