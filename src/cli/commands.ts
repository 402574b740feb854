import { defaultCredentials } from "../aws/clients.js";
import { scan } from "../collect/scan.js";
import { evaluate } from "../engine/evaluate.js";
import { builtInRuleDirs, loadRules, type Rule } from "../engine/rules.js";
import { loadInventory, saveInventory } from "../inventory/io.js";
import type { Inventory } from "../model/inventory.js";
import type { Severity } from "../model/severity.js";
import { fromFindingsFile, loadFindingsFile, renderReport, type ReportFormat } from "../report/index.js";
import { systemClock, type Clock } from "../util/clock.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { toolVersion } from "../version.js";
import { correlate } from "../probe/correlate.js";
import { PROBE_RESOURCE_TYPE } from "../probe/prober.js";
import { prepareProbes, probeInventory, probeUserAgent, resolveSigningCredentials, type ProbeCliOptions } from "../probe/run.js";
import { INVENTORY_FORMAT_VERSION } from "../model/inventory.js";
import { InputError } from "../errors.js";
import type { StdoutFormat } from "./options.js";
import { exitCodeFor, reportInput, summarize, textTable, writeReportFiles } from "./run-report.js";

/** Options shared by scan and evaluate. */
export interface ReportOptions {
  out: string;
  failOn: Severity;
  format: StdoutFormat;
  rules?: string[];
  quiet?: boolean;
}

/** Options of `tollgate scan`. */
export interface ScanCommandOptions extends ReportOptions, ProbeCliOptions {
  /** Probe only: no collection (targets from `--inventory` and/or `--probe-endpoints`). */
  probeOnly?: boolean;
  inventory?: string;
  regions?: string[];
  profile?: string;
  saveInventory?: string;
  maxAttempts: number;
}

function loadAllRules(opts: ReportOptions): Rule[] {
  return loadRules([...builtInRuleDirs(), ...(opts.rules ?? [])]);
}

/** Evaluates, writes reports and prints what was asked; returns the exit code. */
async function report(inventory: Inventory, rules: Rule[], opts: ReportOptions, log: Logger): Promise<number> {
  // Probe results confirm or contradict configuration findings; without probe resources this changes nothing.
  const findings = correlate(
    evaluate(inventory, rules),
    inventory.resources.filter((r) => r.type === PROBE_RESOURCE_TYPE),
  );
  const input = reportInput(inventory, findings, rules);
  const written = await writeReportFiles(opts.out, input, log);
  summarize(findings, inventory, log);
  log.info(`Wrote ${written.join(", ")}`);
  if (opts.format === "json" || opts.format === "sarif") {
    process.stdout.write(renderReport(opts.format, input, { toolVersion: inventory.metadata.toolVersion }).text);
  } else if (opts.format === "text") process.stdout.write(textTable(findings));
  return exitCodeFor(findings, inventory, opts.failOn);
}

/** `tollgate scan`: collect, evaluate, report. */
export async function scanCommand(opts: ScanCommandOptions, clock: Clock = systemClock): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  // Rules load first: a bad rule file is refused before any AWS call is made.
  const rules = loadAllRules(opts);
  // Probe options and files are checked before any AWS call, too.
  const probes = prepareProbes(opts);
  if (opts.probeOnly) return probeCommand({ ...opts, probe: true }, clock);
  const regions = opts.regions?.length
    ? opts.regions
    : [process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? "us-east-1"];
  const version = toolVersion();
  const credentials = defaultCredentials(opts.profile ? { profile: opts.profile } : {});
  const collected = await scan({
    settings: {
      credentials,
      maxAttempts: opts.maxAttempts,
      userAgent: `tollgate/${version}`,
    },
    regions,
    clock,
    logger: log,
    toolVersion: version,
  });
  const inventory = probes.enabled
    ? await probeInventory(collected, probes, {
        credentials: await resolveSigningCredentials(credentials, log),
        logger: log,
        userAgent: probeUserAgent(version),
        outDir: opts.out,
      })
    : collected;
  if (opts.saveInventory) {
    saveInventory(opts.saveInventory, inventory);
    log.info(`Saved inventory to ${opts.saveInventory}`);
  }
  return report(inventory, rules, opts, log);
}

/** Options of `tollgate probe`. */
export interface ProbeCommandOptions extends ReportOptions, ProbeCliOptions {
  inventory?: string;
  profile?: string;
  saveInventory?: string;
}

/**
 * `tollgate probe` (and `scan --probe-only`): live probes only, on targets from a saved inventory and/or an
 * endpoints file, without collecting. The probe results are evaluated on their own (plus the saved inventory).
 */
export async function probeCommand(opts: ProbeCommandOptions, clock: Clock = systemClock): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  const rules = loadAllRules(opts);
  const probes = prepareProbes({ ...opts, probe: true });
  if (!opts.inventory && !opts.probeEndpoints) {
    throw new InputError("probe: give --probe-endpoints FILE and/or --inventory FILE (targets are never guessed)");
  }
  const version = toolVersion();
  const now = clock().toISOString();
  const base: Inventory = opts.inventory
    ? loadInventory(opts.inventory)
    : {
        kind: "tollgate-inventory",
        formatVersion: INVENTORY_FORMAT_VERSION,
        metadata: {
          toolVersion: version,
          collectedAt: now,
          finishedAt: now,
          partition: "aws",
          accounts: [],
          regions: [],
          services: [],
          complete: true,
        },
        resources: [],
        errors: [],
      };
  const credentials = await resolveSigningCredentials(defaultCredentials(opts.profile ? { profile: opts.profile } : {}), log);
  const inventory = await probeInventory(base, probes, {
    credentials,
    logger: log,
    userAgent: probeUserAgent(version),
    outDir: opts.out,
  });
  if (opts.saveInventory) {
    saveInventory(opts.saveInventory, inventory);
    log.info(`Saved inventory to ${opts.saveInventory}`);
  }
  return report(inventory, rules, opts, log);
}

/** `tollgate evaluate --inventory FILE`: offline, no credentials. */
export async function evaluateCommand(opts: ReportOptions & { inventory: string }): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  const rules = loadAllRules(opts);
  const inventory = loadInventory(opts.inventory);
  return report(inventory, rules, opts, log);
}

/** `tollgate report --from findings.json`: re-renders saved results, no AWS. */
export async function reportCommand(opts: {
  from: string;
  format: ReportFormat[];
  out: string;
  quiet?: boolean;
}): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  const file = await loadFindingsFile(opts.from);
  const written = await writeReportFiles(opts.out, fromFindingsFile(file), log, opts.format);
  log.info(`Wrote ${written.join(", ")}`);
  return 0;
}
