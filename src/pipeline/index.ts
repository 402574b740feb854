// The run of Tollgate as named stages with typed inputs and outputs (see docs/architecture.md):
// setup → collect → enrich → probe → evaluate → correlate → triage → report. The CLI commands, bench/, the demo and
// the tests call these functions; each stage is a plain function, composed in run.ts.
import type { ScanOptions } from "../collect/scan.js";
import type { Inventory } from "../model/inventory.js";
import { enrichStage, type EnrichData } from "./enrich.js";
import { loadRunData } from "./setup.js";

export { collectStage } from "./collect.js";
export type { StageContext } from "./context.js";
export { exitCodeFor, isIncomplete, withOutputFailures, type ExitPolicy, type OutputOptions } from "./exit-code.js";
export { RunStop, SignalRouter, type RunPhase } from "./lifecycle.js";
export { reportInput, ruleMetas, type ComplianceSource, type ReportInputSource } from "./report-input.js";
export { enrichStage, savedForm, type EnrichData, type Enriched } from "./enrich.js";
export { correlateStage, evaluateStage, triageStage, type RuleResults, type Triaged } from "./evaluate.js";
export { markIncomplete, probeStage, type ProbeContext } from "./probe.js";
export {
  saveInventoryStage,
  writeReportFiles,
  writeStage,
  type Evaluated,
  type ReportFilesOptions,
  type WriteStageOptions,
  type WrittenReports,
} from "./report.js";
export {
  finishRun,
  inventoryPipeline,
  judge,
  judgeAndReport,
  partialInventoryPath,
  scanPipeline,
  type KeepPlan,
  type ProbePlan,
  type RunPlan,
  type RunResult,
} from "./run.js";
export {
  configProfile,
  loadRunData,
  loadSetup,
  restrictToInventory,
  type RunData,
  type RunSetup,
  type SetupOptions,
} from "./setup.js";

/**
 * collect → enrich without stops, probes or reports: the inventory rules evaluate, with its derived facts (tests
 * and tools that judge an account directly). `data` defaults to the data every run loads.
 */
export async function scan(opts: ScanOptions, data?: Partial<EnrichData>): Promise<Inventory> {
  // Imported here: the collectors' AWS clients and credential providers stay out of the offline commands.
  const { startScan } = await import("../collect/scan.js");
  const collected = await startScan(opts).done;
  return enrichStage(collected, await loadRunData(data).loaded).inventory;
}
