import { OutputError } from "../errors.js";
import { saveInventory } from "../inventory/io.js";
import type { Inventory } from "../model/inventory.js";
import type { Framework } from "../model/framework.js";
import type { ConsoleFormat } from "../model/output.js";
import type { ReportInput } from "../model/report.js";
import { writeProbeLog, type ProbeLog } from "../probe/run.js";
import type { FailOn } from "../report/common.js";
import { consoleOutput, summarize } from "../report/console.js";
import { DEFAULT_FORMATS, writeReports, type ReportFormat } from "../report/index.js";
import type { Logger } from "../util/logger.js";
import type { StageContext } from "./context.js";
import { stageBoundary } from "./memory.js";

/** The evaluated run: report input, and whether evaluation itself was stopped before its last rule. */
export interface Evaluated {
  input: ReportInput;
  /** Rules not evaluated because the run was stopped during evaluation (empty otherwise). */
  notEvaluated: string[];
}

/** Options of writeStage: where and what to write. */
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
  /** The frameworks loaded by the setup, for report.html's framework view. */
  frameworks: Framework[];
}

/**
 * The report stage: probes.json, every report (each atomically; a file that cannot be written is reported and the others
 * are still written), the summary on stderr and the stdout format. Returns the files that could not be written.
 */
export async function writeStage(
  evaluated: Evaluated,
  opts: WriteStageOptions,
  { stop, log }: Pick<StageContext, "stop" | "log">,
): Promise<OutputError[]> {
  stop.enter("writing");
  log.info(`Writing the reports to ${opts.out}`);
  const { input } = evaluated;
  const failures: OutputError[] = [];
  const { probeLog } = opts;
  if (probeLog) failures.push(...(await reportingFailure(log, () => writeProbeLog(opts.out, probeLog))));
  const written = await writeReportFiles(input, { ...opts, dir: opts.out }, log);
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

/** What writeReportFiles wrote, and the files it could not write (each already reported on stderr). */
export interface WrittenReports {
  files: string[];
  failures: OutputError[];
}

/** Options of writeReportFiles: the folder, the formats, and what report.html shows beside the findings. */
export interface ReportFilesOptions {
  dir: string;
  /** Default DEFAULT_FORMATS. */
  formats?: readonly ReportFormat[] | undefined;
  /** The frameworks loaded by the setup, scored in report.html's framework view. */
  frameworks: Framework[];
  /** Makes report.html's verdict the exit code's. */
  failOn?: FailOn | undefined;
}

/**
 * Writes the chosen formats into `dir`; prints renderer warnings (e.g. SARIF truncation) and every file that could
 * not be written (disk full, permission) on stderr. A failed file does not stop the others.
 */
export async function writeReportFiles(input: ReportInput, opts: ReportFilesOptions, log: Logger): Promise<WrittenReports> {
  const { files, warnings, failures } = await writeReports(
    opts.dir,
    opts.formats ?? DEFAULT_FORMATS,
    { ...input, frameworks: opts.frameworks },
    { toolVersion: input.metadata.toolVersion, ...(opts.failOn ? { failOn: opts.failOn } : {}) },
  );
  for (const w of warnings) log.warn(w);
  for (const f of failures) log.warn(f.message);
  if (files.length) log.info(`Wrote ${files.join(", ")}`);
  return { files, failures };
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
    // Its serialised text is garbage now (see stageBoundary).
    stageBoundary();
    log.info(
      inventory.metadata.complete
        ? `Saved ${what} to ${path}`
        : `Saved the partial ${what} to ${path} (complete: false); evaluate it with \`tollgate evaluate --inventory ${path}\``,
    );
  });
}
