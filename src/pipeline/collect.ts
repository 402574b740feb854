import type { ScanRun } from "../collect/scan.js";
import type { Inventory } from "../model/inventory.js";
import { stopReasonOf, whenAborted } from "../util/stop.js";
import type { StageContext } from "./context.js";
import { stageBoundary } from "./memory.js";

/**
 * The collect stage: waits for the scan (src/collect: raw SDK output, failed calls, collection time), or for a
 * stop (signal, `--max-duration`), whichever comes first. On a stop it returns the snapshot of what was collected,
 * every unfinished unit recorded as an error named after the stop.
 */
export async function collectStage(run: ScanRun, ctx: Pick<StageContext, "stop">): Promise<Inventory> {
  const inventory = await collected(run, ctx);
  // The SDK's parsed answers are garbage now: collected before the enrich stage allocates (see stageBoundary).
  stageBoundary();
  return inventory;
}

async function collected(run: ScanRun, { stop }: Pick<StageContext, "stop">): Promise<Inventory> {
  stop.enter("collection");
  const signal = stop.stageSignal();
  if (!signal) return run.snapshot(stop.reason);
  const done = run.done;
  const outcome = await Promise.race([done, whenAborted(signal).then(() => "stopped" as const)]);
  if (outcome !== "stopped") return outcome;
  // The abandoned scan may still fail later; that no longer matters to this run.
  done.catch(() => undefined);
  return run.snapshot(stopReasonOf(signal));
}
