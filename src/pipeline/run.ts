import { join } from "node:path";
import type { ScanRun } from "../collect/scan.js";
import type { OutputError } from "../errors.js";
import type { Inventory } from "../model/inventory.js";
import type { ReportInput } from "../model/report.js";
import type { PreparedProbes, ProbeLog } from "../probe/run.js";
import type { SigningCredentialSource } from "../probe/sign.js";
import { collectStage } from "./collect.js";
import type { StageContext } from "./context.js";
import { exitCodeFor, isIncomplete, withOutputFailures, type OutputOptions } from "./exit-code.js";
import { enrichStage, savedForm, type EnrichData, type Enriched } from "./enrich.js";
import { stageBoundary } from "./memory.js";
import { correlateStage, evaluateStage, evaluationGap, triageStage } from "./evaluate.js";
import { markIncomplete, probeStage, type ProbeContext } from "./probe.js";
import { reportInput } from "./report-input.js";
import { saveInventoryStage, writeStage, type Evaluated } from "./report.js";
import type { RunData, RunSetup } from "./setup.js";

/** How a run ended: its exit code, what it reported, and the reports it could not write. */
export interface RunResult {
  /** The exit code, a saved inventory that could not be written included. */
  code: number;
  input: ReportInput;
  /** Report files (and probes.json) that could not be written. */
  failures: OutputError[];
}

/** Live probes of a run: what to probe, and how to sign and label the requests. */
export interface ProbePlan {
  prepared: PreparedProbes;
  /** Where the signing credentials come from (refreshed: see SigningCredentialSource); called only when probes will be sent. */
  credentials: () => Promise<SigningCredentialSource | undefined>;
  context: Omit<ProbeContext, "credentials">;
}

/** Where the inventory is kept: `--save-inventory`, and for a stopped run `<out>/inventory.partial.json`. */
export interface KeepPlan {
  saveInventory?: string | undefined;
  /** Keep the inventory of a stopped run even without `--save-inventory` (scan and probe). */
  partialOnStop: boolean;
  /** How the saved file is named in messages (default `inventory`). */
  what?: string;
}

/** Everything a run needs besides its inventory: the setup, the data, probes, outputs and where to keep the inventory. */
export interface RunPlan {
  setup: RunSetup;
  data: RunData;
  output: OutputOptions;
  probes?: ProbePlan | undefined;
  keep?: KeepPlan | undefined;
}

/** Where a stopped run leaves its inventory: the `--save-inventory` path, else `<out>/inventory.partial.json`. */
export function partialInventoryPath(opts: { saveInventory?: string | undefined; out: string }): string {
  return opts.saveInventory ?? join(opts.out, "inventory.partial.json");
}

/**
 * evaluate → correlate → triage: the report input of an enriched inventory. A stop during evaluation keeps the
 * findings of the rules evaluated, marks the run incomplete and names the rules left out in a coverage entry, so
 * nothing missing reads as a pass.
 */
export async function judge(inventory: Inventory, setup: RunSetup, ctx: StageContext): Promise<Evaluated> {
  // Enrichment's (and probing's) working data has died: collected before the rules allocate (see stageBoundary).
  stageBoundary();
  const out = await judged(inventory, setup, ctx);
  // The same for evaluation's, before the reports are rendered.
  stageBoundary();
  return out;
}

async function judged(inventory: Inventory, setup: RunSetup, ctx: StageContext): Promise<Evaluated> {
  const { rules } = setup;
  const results = await evaluateStage(inventory, rules, ctx);
  const { notEvaluated } = results;
  const ran = notEvaluated.length ? rules.filter((r) => results.evaluated.has(r.id)) : rules;
  const correlated = correlateStage(results.findings, inventory, rules);
  const triaged = triageStage(correlated, setup, results, ctx);
  const why = ctx.stop.reason;
  const evaluatedInventory =
    notEvaluated.length && why
      ? markIncomplete({ ...inventory, errors: [...inventory.errors, evaluationGap(inventory, notEvaluated, why)] })
      : inventory;
  return {
    input: {
      ...reportInput({
        inventory: evaluatedInventory,
        findings: triaged.findings,
        rules: ran,
        frameworks: setup.frameworks,
        knownIds: setup.ruleSet.knownIds,
        selection: setup.selection,
      }),
      ...(triaged.fixed ? { fixed: triaged.fixed } : {}),
      ...(triaged.notes.length ? { suppressionNotes: triaged.notes } : {}),
    },
    notEvaluated,
  };
}

/**
 * judge → report: writes the reports (and probes.json), prints what was asked, and returns the exit code
 * (suppressed and, with a baseline, unchanged failures do not count; a file not written makes it 3).
 */
export async function judgeAndReport(
  inventory: Inventory,
  plan: Pick<RunPlan, "setup" | "output"> & { probeLog?: ProbeLog | undefined },
  ctx: StageContext,
): Promise<RunResult> {
  const evaluated = await judge(inventory, plan.setup, ctx);
  const { out, formats, console, failOn } = plan.output;
  const { frameworks } = plan.setup;
  const failures = await writeStage(evaluated, { out, formats, console, probeLog: plan.probeLog, failOn, frameworks }, ctx);
  const code = exitCodeFor(evaluated.input.findings, isIncomplete(evaluated.input) || failures.length > 0, plan.output);
  return { code, input: evaluated.input, failures };
}

/**
 * Keeps a run's inventory in its saved form (what AWS said; see savedForm) once probing is over, and again at the
 * end for a run stopped later (evaluation, writing); saves at most once.
 */
function inventoryKeeper(keep: KeepPlan | undefined, out: string, ctx: StageContext) {
  let saved = false;
  const failures: OutputError[] = [];
  return {
    failures,
    async keep(enriched: Enriched): Promise<void> {
      if (saved || !keep || (!keep.saveInventory && !(keep.partialOnStop && ctx.stop.stopped))) return;
      saved = true;
      const path = partialInventoryPath({ saveInventory: keep.saveInventory, out });
      const inventory = savedForm(enriched.inventory, enriched.derivationErrors);
      failures.push(...(await saveInventoryStage(path, inventory, ctx.log, keep.what)));
    },
  };
}

/**
 * enriched → probe → keep → judge → report → keep: how every run ends once its inventory has its facts (`probe`
 * plans its targets on the enriched inventory first, then comes here).
 */
export async function finishRun(enriched: Enriched, plan: Omit<RunPlan, "data">, ctx: StageContext): Promise<RunResult> {
  const { probes } = plan;
  let probed: { inventory: Inventory; log?: ProbeLog } = { inventory: enriched.inventory };
  if (probes?.prepared.enabled) {
    // Live probes run on the enriched inventory's endpoints (and the endpoints file) unless the run has stopped.
    const credentials = ctx.stop.stopped ? undefined : await probes.credentials();
    probed = await probeStage(enriched.inventory, probes.prepared, { ...probes.context, credentials }, ctx);
  }
  const withProbes: Enriched = { inventory: probed.inventory, derivationErrors: enriched.derivationErrors };
  const keeper = inventoryKeeper(plan.keep, plan.output.out, ctx);
  await keeper.keep(withProbes);
  const result = await judgeAndReport(probed.inventory, { ...plan, probeLog: probed.log }, ctx);
  await keeper.keep(withProbes);
  return { ...result, code: withOutputFailures(result.code, keeper.failures, plan.output) };
}

/** The data a stage may enrich with: all of it, or, once the run has stopped, what has loaded (never waited for). */
async function enrichData(data: RunData, ctx: StageContext): Promise<EnrichData> {
  return ctx.stop.stopped ? data.settled() : data.loaded;
}

/** A scan: collect → enrich → probe → evaluate → correlate → triage → report, keeping the inventory on the way. */
export async function scanPipeline(scan: ScanRun, plan: RunPlan, ctx: StageContext): Promise<RunResult> {
  const collected = await collectStage(scan, ctx);
  const enriched = enrichStage(collected, await enrichData(plan.data, ctx));
  return finishRun(enriched, plan, ctx);
}

/**
 * A saved (or merged) inventory: enrich → [probe] → evaluate → correlate → triage → report. The facts are
 * recomputed from what AWS said, so evaluating a saved scan gives the scan's findings.
 */
export async function inventoryPipeline(inventory: Inventory, plan: RunPlan, ctx: StageContext): Promise<RunResult> {
  const enriched = enrichStage(inventory, await enrichData(plan.data, ctx));
  return finishRun(enriched, plan, ctx);
}
