import type { ProbeProgress } from "../collect/progress.js";
import type { ScanRun } from "../collect/scan.js";
import { classifyAgainstBaseline } from "../engine/baseline.js";
import { evaluateStepwise } from "../engine/evaluate.js";
import { applySuppressions } from "../engine/suppress.js";
import { OutputError } from "../errors.js";
import { saveInventory } from "../inventory/io.js";
import type { Finding } from "../model/finding.js";
import type { CollectionError, Inventory } from "../model/inventory.js";
import type { ReportInput } from "../model/report.js";
import { correlate, probeLinks } from "../probe/correlate.js";
import { PROBE_RESOURCE_TYPE } from "../probe/prober.js";
import { probeInventory, writeProbeLog, type PreparedProbes, type ProbeLog } from "../probe/run.js";
import type { SigningCredentials } from "../probe/sign.js";
import type { ReportFormat } from "../report/index.js";
import type { Clock } from "../util/clock.js";
import type { FailOn } from "../report/common.js";
import type { Logger } from "../util/logger.js";
import { stopReasonOf, whenAborted, type StopReason } from "../util/stop.js";
import type { RunStop } from "./lifecycle.js";
import type { ConsoleFormat } from "./options.js";
import type { RunSetup } from "./commands.js";
import { consoleOutput, reportInput, summarize, writeReportFiles } from "./run-report.js";

// The stages of a run, each a named function with explicit inputs, so the CLI commands (and later the pipeline
// module) compose them. Each stage that can stop early takes the RunStop and keeps what it has when it does.

/**
 * Collection: waits for the scan, or for a stop (signal, `--max-duration`), whichever comes first. On a stop it
 * returns the snapshot of what was collected, every unfinished unit recorded as an error named after the stop.
 */
export async function collectStage(run: ScanRun, stop: RunStop): Promise<Inventory> {
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

/** An inventory that some stop left incomplete: `complete: false`, so exports never archive on its strength. */
function markIncomplete(inventory: Inventory): Inventory {
  return inventory.metadata.complete ? { ...inventory, metadata: { ...inventory.metadata, complete: false } } : inventory;
}

/**
 * Probing: probes the inventory's endpoints (and the endpoints file). A stop ends it early, keeping the results
 * that finished; a run already stopped probes nothing, and every endpoint is recorded as not probed.
 */
export async function probeStage(
  inventory: Inventory,
  probes: PreparedProbes,
  ctx: { credentials?: SigningCredentials | undefined; logger: Logger; userAgent: string; progress?: ProbeProgress },
  stop: RunStop,
): Promise<{ inventory: Inventory; log?: ProbeLog }> {
  if (!probes.enabled) return { inventory };
  stop.enter("probing");
  const result = await probeInventory(inventory, probes, { ...ctx, signal: stop.signal });
  return stop.stopped ? { ...result, inventory: markIncomplete(result.inventory) } : result;
}

/** The evaluated run: report input, and whether evaluation itself was stopped before its last rule. */
export interface Evaluated {
  input: ReportInput;
  /** Rules not evaluated because the run was stopped during evaluation (empty otherwise). */
  notEvaluated: string[];
}

// Evaluation yields to the event loop at least this often, so a signal is handled within a rule or two.
const EVALUATION_SLICE_MS = 20;

/**
 * Evaluation: rules (in id order), probe correlation, suppressions, then the baseline. A stop during evaluation
 * ends it after the rule in progress: the findings of the rules evaluated are kept, the run is marked incomplete
 * and the rules left out are named in a coverage entry, so nothing missing reads as a pass.
 */
export async function evaluateStage(
  inventory: Inventory,
  setup: RunSetup,
  stop: RunStop,
  log: Logger,
  clock: Clock,
): Promise<Evaluated> {
  stop.enter("evaluation");
  const { aliases, knownIds } = setup.ruleSet;
  const { rules } = setup;
  log.info(`Evaluating ${rules.length} rule(s) on ${inventory.resources.length} resource(s)`);
  const signal = stop.stageSignal();
  const raw: Finding[] = [];
  const evaluated: string[] = [];
  let slice = performance.now();
  for (const id of evaluateStepwise(inventory, rules, raw)) {
    evaluated.push(id);
    if (performance.now() - slice >= EVALUATION_SLICE_MS) {
      await new Promise((r) => setImmediate(r));
      slice = performance.now();
    }
    if (signal?.aborted) break;
  }
  const done = new Set(evaluated);
  const notEvaluated = rules.map((r) => r.id).filter((id) => !done.has(id));
  const ran = notEvaluated.length ? rules.filter((r) => done.has(r.id)) : rules;
  let findings = correlate(
    raw,
    inventory.resources.filter((r) => r.type === PROBE_RESOURCE_TYPE),
    probeLinks(rules),
  );
  const suppressed = applySuppressions(findings, setup.config.suppressions, clock(), aliases);
  findings = suppressed.findings;
  // A suppression whose rule was not evaluated matched nothing for that reason: not worth calling it stale.
  const stale = notEvaluated.length ? [] : suppressed.stale;
  for (const w of [...suppressed.expired, ...stale]) log.warn(w);
  let fixed: Finding[] | undefined;
  if (setup.baseline) {
    const aliasOf = new Map<string, string>();
    for (const [id, list] of aliases) for (const a of list) aliasOf.set(a, id);
    const outcome = classifyAgainstBaseline(findings, setup.baseline, { aliasOf, evaluatedRules: done });
    findings = outcome.findings;
    fixed = outcome.fixed;
  }
  const notes = [...suppressed.expired, ...stale];
  const evaluatedInventory =
    signal && notEvaluated.length
      ? markIncomplete({
          ...inventory,
          errors: [...inventory.errors, evaluationGap(inventory, notEvaluated, stopReasonOf(signal))],
        })
      : inventory;
  return {
    input: {
      ...reportInput(evaluatedInventory, findings, ran, knownIds, setup.selection),
      ...(fixed ? { fixed } : {}),
      ...(notes.length ? { suppressionNotes: notes } : {}),
    },
    notEvaluated,
  };
}

/** The coverage entry of an evaluation stopped before its last rule. */
function evaluationGap(inventory: Inventory, notEvaluated: string[], why: StopReason): CollectionError {
  const shown = notEvaluated.slice(0, 5).join(", ") + (notEvaluated.length > 5 ? `, … (${notEvaluated.length - 5} more)` : "");
  return {
    account: inventory.metadata.accounts[0] ?? "unknown",
    region: "global",
    service: "tollgate",
    operation: "Evaluate",
    errorName: why.errorName,
    message: `${why.message}: ${notEvaluated.length} rule(s) not evaluated: ${shown}`,
  };
}

/** Options of writeStage. */
export interface WriteStageOptions {
  out: string;
  /** What to print on stdout once the files are written (`--console`). */
  console: ConsoleFormat;
  /** Report formats to write (`--formats`). */
  formats: readonly ReportFormat[];
  /** The probe run's log, written as probes.json beside the reports. */
  probeLog?: ProbeLog | undefined;
  /** The run's --fail-on, so report.html's verdict is the exit code's. */
  failOn?: FailOn;
}

/**
 * Writing: probes.json, every report (each atomically; a file that cannot be written is reported and the others
 * are still written), the summary on stderr and the stdout format. Returns the files that could not be written.
 */
export async function writeStage(
  evaluated: Evaluated,
  opts: WriteStageOptions,
  stop: RunStop,
  log: Logger,
): Promise<OutputError[]> {
  stop.enter("writing");
  log.info(`Writing the reports to ${opts.out}`);
  const { input } = evaluated;
  const failures: OutputError[] = [];
  const { probeLog } = opts;
  if (probeLog) failures.push(...(await reportingFailure(log, () => writeProbeLog(opts.out, probeLog))));
  const written = await writeReportFiles(opts.out, input, log, opts.formats, opts.failOn);
  failures.push(...written.failures);
  summarize(input, log);
  if (input.fixed) {
    const count = (b: string) => input.findings.filter((f) => f.baseline === b).length;
    log.summary(`Against the baseline: ${count("new")} new, ${count("unchanged")} unchanged, ${input.fixed.length} fixed`);
  }
  if (evaluated.notEvaluated.length)
    log.warn(`evaluation was stopped: ${evaluated.notEvaluated.length} rule(s) were not evaluated (see findings.json coverage)`);
  const out = consoleOutput(opts.console, input);
  if (out) process.stdout.write(out);
  return failures;
}

/**
 * Runs one write; a file that cannot be written (disk full, permission) is reported on stderr and returned, never
 * thrown, so the run's other files are still written.
 */
async function reportingFailure(log: Logger, write: () => Promise<unknown>): Promise<OutputError[]> {
  try {
    await write();
    return [];
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    log.warn(e.message);
    return [e];
  }
}

/** Saves the inventory to `path` (see reportingFailure: a failure is reported and returned, not thrown). */
export function saveInventoryStage(path: string, inventory: Inventory, log: Logger, what = "inventory"): Promise<OutputError[]> {
  return reportingFailure(log, async () => {
    await saveInventory(path, inventory);
    log.info(
      inventory.metadata.complete
        ? `Saved ${what} to ${path}`
        : `Saved the partial ${what} to ${path} (complete: false); evaluate it with \`tollgate evaluate --inventory ${path}\``,
    );
  });
}
