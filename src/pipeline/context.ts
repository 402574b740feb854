import type { RunStop } from "./lifecycle.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";

/** What every stage of a run is given: the run's stop (signals, `--max-duration`), its logger and its clock. */
export interface StageContext {
  stop: RunStop;
  log: Logger;
  clock: Clock;
}
