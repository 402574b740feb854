import { EXIT } from "../errors.js";
import { loadInventory } from "../inventory/io.js";
import type { Severity } from "../model/severity.js";
import { loadFrameworks } from "../engine/frameworks.js";
import type { ConsoleFormat } from "../model/output.js";
import { consoleOutput } from "../report/console.js";
import {
  inventoryPipeline,
  loadRunData,
  loadSetup,
  restrictToInventory,
  type OutputOptions,
  type SetupOptions,
} from "../pipeline/index.js";
import { writeReportFiles } from "../pipeline/report.js";
import { fromFindingsFile, loadFindingsFile, type ReportFormat } from "../report/index.js";
import { scrubContext } from "../secrets/load.js";
import { systemClock, type Clock } from "../util/clock.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { RunStop, SignalRouter } from "../pipeline/lifecycle.js";
import { checkOutputs, runOutputs } from "./preflight.js";

// The commands: parse flags → load the setup (config, rules, frameworks, data; once) → call the pipeline
// (src/pipeline) → exit code. The offline ones are here (`evaluate`, `report`, and what all share); `scan` and
// `probe`, which reach AWS, in aws-commands.ts. Everything here is about flags, files and the process; the run
// itself is the pipeline's.

/** Options shared by scan, probe, evaluate and merge. */
export interface ReportOptions extends OutputOptions {
  /** Extra rule pack folders (`--rule-pack`, repeatable). */
  rulePack?: string[];
  quiet?: boolean;
  /** Config file (default: tollgate.config.yaml/.yml/.json in the working directory). */
  config?: string;
  /** Rule profile name or file; overrides the config's `profile`. */
  profileRules?: string;
  /** An earlier findings.json: failing findings are classified new/unchanged and only new ones gate. */
  baseline?: string;
  /** `--services`: collect and evaluate only these services. */
  services?: string[];
  /** `--rules`: rule ids, aliases or globs to evaluate. */
  rules?: string[];
  /** `--exclude-rules`: rule ids, aliases or globs not to evaluate. */
  excludeRules?: string[];
  /** `--severity`: minimum severity of the rules evaluated. */
  severity?: Severity;
  /** `--framework`: only the rules mapped to this framework. */
  framework?: string;
}

/** What a command needs from its caller besides its options: the clock, the environment and the signal router. */
export interface CommandEnv {
  clock?: Clock;
  /** Environment variables the setup reads (TOLLGATE_SECRET_HASH_KEY); default the process's. */
  vars?: Readonly<Record<string, string | undefined>>;
  /** Routes SIGINT/SIGTERM to the run in progress (installed once by the CLI; none: signals are not handled). */
  router?: SignalRouter;
}

/** The setup's options of a command: its flags and the environment it runs in (see CommandEnv). */
export function setupOptions<T extends SetupOptions>(opts: T, env: CommandEnv): T {
  return { ...opts, env: env.vars ?? process.env };
}

/** The RunStop of a command: signals through the CLI's router (none outside the CLI), and `--max-duration`. */
export function runStop(env: CommandEnv, log: Logger, maxDurationMs?: number): RunStop {
  return new RunStop({ log, router: env.router ?? new SignalRouter(), ...(maxDurationMs ? { maxDurationMs } : {}) });
}

/** `tollgate evaluate --inventory FILE`: offline, no credentials; the facts are derived afresh from what AWS said. */
export async function evaluateCommand(opts: ReportOptions & { inventory: string }, env: CommandEnv = {}): Promise<number> {
  const clock = env.clock ?? systemClock;
  const log = stderrLogger({ quiet: opts.quiet });
  const loaded = await loadSetup(setupOptions(opts, env));
  await checkOutputs(runOutputs(opts));
  const data = loadRunData();
  const inventory = await loadInventory(opts.inventory, scrubContext(loaded.secretHashKey));
  const setup = restrictToInventory(loaded, inventory, opts.inventory);
  const stop = runStop(env, log);
  return stop.finish((await inventoryPipeline(inventory, { setup, data, output: opts }, { stop, log, clock })).code);
}

/**
 * `tollgate report --from findings.json`: re-renders saved results, no AWS. It judges nothing (exit 0), except
 * that a report it could not write makes its output incomplete (3).
 */
export async function reportCommand(
  opts: {
    from: string;
    formats: ReportFormat[];
    console: ConsoleFormat;
    out: string;
    quiet?: boolean;
  },
  env: CommandEnv = {},
): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  await checkOutputs(runOutputs(opts));
  const input = fromFindingsFile(await loadFindingsFile(opts.from));
  const stop = runStop(env, log);
  stop.enter("writing");
  // The built-in frameworks, read once, for report.html's framework view.
  const written = await writeReportFiles(input, { dir: opts.out, formats: opts.formats, frameworks: loadFrameworks() }, log);
  const out = consoleOutput(opts.console, input);
  if (out) process.stdout.write(out);
  return stop.finish(written.failures.length ? EXIT.incomplete : EXIT.ok);
}
