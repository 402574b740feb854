import { join } from "node:path";
import { defaultCredentials } from "../aws/clients.js";
import { chooseProgress } from "../collect/progress.js";
import { startScan } from "../collect/scan.js";
import { DEFAULT_MAX_ATTEMPTS, validateScanSettings, type ScanSettingsFile } from "../collect/tuning.js";
import { evaluate } from "../engine/evaluate.js";
import { builtInRuleDirs, loadRules, type Rule } from "../engine/rules.js";
import { loadInventory, saveInventory, saveInventoryAsync } from "../inventory/io.js";
import type { Inventory } from "../model/inventory.js";
import type { Severity } from "../model/severity.js";
import { fromFindingsFile, loadFindingsFile, renderReport, type ReportFormat } from "../report/index.js";
import { systemClock, type Clock } from "../util/clock.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { toolVersion } from "../version.js";
import { runSecurityHubExport, type SecurityHubOptions } from "./export.js";
import { EXIT } from "../errors.js";
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
export interface ScanCommandOptions extends ReportOptions {
  regions?: string[];
  accounts?: string[];
  roleName?: string;
  externalId?: string;
  org?: boolean;
  profile?: string;
  saveInventory?: string;
  maxAttempts?: number;
  /** Import the findings into Security Hub after the reports are written. */
  securityhub?: boolean;
  /** Security Hub options (`--securityhub-*`), used with `securityhub`. */
  securityhubOptions?: Omit<SecurityHubOptions, "profile" | "maxAttempts">;
}

/** The scan settings the CLI flags give (the config file's `scan` section is merged under these). */
export function scanSettingsFromFlags(opts: ScanCommandOptions): ScanSettingsFile {
  const raw: Record<string, unknown> = {};
  if (opts.regions?.length) raw["regions"] = opts.regions;
  if (opts.accounts?.length) raw["accounts"] = opts.accounts;
  if (opts.roleName !== undefined) raw["roleName"] = opts.roleName;
  if (opts.externalId !== undefined) raw["externalId"] = opts.externalId;
  if (opts.org) raw["org"] = true;
  if (opts.maxAttempts !== undefined) raw["maxAttempts"] = opts.maxAttempts;
  // Same validation as the config file, with flag names in the message.
  return validateScanSettings(raw, "command line");
}

/** Where an interrupted scan leaves its partial inventory. */
export function partialInventoryPath(opts: Pick<ScanCommandOptions, "saveInventory" | "out">): string {
  return opts.saveInventory ?? join(opts.out, "inventory.partial.json");
}

function loadAllRules(opts: ReportOptions): Rule[] {
  return loadRules([...builtInRuleDirs(), ...(opts.rules ?? [])]);
}

/** Evaluates, writes reports and prints what was asked; returns the exit code and what was reported. */
async function reportRun(inventory: Inventory, rules: Rule[], opts: ReportOptions, log: Logger) {
  const findings = evaluate(inventory, rules);
  const input = reportInput(inventory, findings, rules);
  const written = await writeReportFiles(opts.out, input, log);
  summarize(findings, inventory, log);
  log.info(`Wrote ${written.join(", ")}`);
  if (opts.format === "json" || opts.format === "sarif") {
    process.stdout.write(renderReport(opts.format, input, { toolVersion: inventory.metadata.toolVersion }).text);
  } else if (opts.format === "text") process.stdout.write(textTable(findings));
  return { code: exitCodeFor(findings, inventory, opts.failOn), input };
}

/** Evaluates, writes reports and prints what was asked; returns the exit code. */
async function report(inventory: Inventory, rules: Rule[], opts: ReportOptions, log: Logger): Promise<number> {
  return (await reportRun(inventory, rules, opts, log)).code;
}

/** `tollgate scan`: collect, evaluate, report. SIGINT/SIGTERM save the partial inventory and exit 3. */
export async function scanCommand(
  opts: ScanCommandOptions,
  clock: Clock = systemClock,
  settingsFile: ScanSettingsFile = {},
): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  // Rules load first: a bad rule file is refused before any AWS call is made.
  const rules = loadAllRules(opts);
  const scanSettings: ScanSettingsFile = { ...settingsFile, ...scanSettingsFromFlags(opts) };
  const homeRegion = process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? scanSettings.regions?.[0] ?? "us-east-1";
  const version = toolVersion();
  const run = startScan({
    settings: {
      credentials: defaultCredentials(opts.profile ? { profile: opts.profile } : {}),
      maxAttempts: scanSettings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      userAgent: `tollgate/${version}`,
    },
    scan: scanSettings,
    homeRegion,
    clock,
    logger: log,
    toolVersion: version,
    progress: chooseProgress({ quiet: opts.quiet, stream: process.stderr, env: process.env }),
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal means "stop now", even while the partial inventory is being written.
    if (interrupted) process.exit(130);
    interrupted = true;
    const path = partialInventoryPath(opts);
    log.warn(`${signal}: scan interrupted; writing the partial inventory to ${path} (a second signal exits at once)`);
    saveInventoryAsync(path, run.snapshot()).then(
      () => {
        log.warn(
          `partial inventory saved to ${path} (complete: false); evaluate it with \`tollgate evaluate --inventory ${path}\``,
        );
        process.exit(EXIT.incomplete);
      },
      (e: unknown) => {
        log.warn(`cannot write the partial inventory: ${(e as Error).message}`);
        process.exit(EXIT.incomplete);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let inventory: Inventory;
  try {
    inventory = await run.done;
  } finally {
    if (!interrupted) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
  if (interrupted) return new Promise<number>(() => undefined); // the signal handler exits
  if (opts.saveInventory) {
    saveInventory(opts.saveInventory, inventory);
    log.info(`Saved inventory to ${opts.saveInventory}`);
  }
  const { code, input } = await reportRun(inventory, rules, opts, log);
  if (!opts.securityhub) return code;
  // After the reports are on disk, so a failed import never loses the scan's results.
  const shCode = await runSecurityHubExport(
    input,
    input.rules,
    {
      ...opts.securityhubOptions,
      ...(opts.profile ? { profile: opts.profile } : {}),
      maxAttempts: scanSettings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      outDir: opts.out,
    },
    log,
    clock,
  );
  // Failing findings (1) keep precedence so CI gates on them still trip; otherwise a failed export is not a success.
  return code === 1 || shCode === 0 ? code : shCode;
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
