import { dirname, isAbsolute, join } from "node:path";
import { defaultCredentials } from "../aws/clients.js";
import { scan } from "../collect/scan.js";
import { loadConfig } from "../config/load.js";
import type { TollgateConfig } from "../config/types.js";
import { classifyAgainstBaseline, readBaseline } from "../engine/baseline.js";
import { evaluate } from "../engine/evaluate.js";
import { loadProfile, type Profile } from "../engine/profiles.js";
import { builtInRuleDirs, loadRuleSet, type RuleSet } from "../engine/rules.js";
import { applySuppressions } from "../engine/suppress.js";
import { loadInventory, saveInventory } from "../inventory/io.js";
import type { Finding } from "../model/finding.js";
import type { Inventory } from "../model/inventory.js";
import type { Severity } from "../model/severity.js";
import { renderBasicSarif, renderFindingsJson } from "../report/basic.js";
import { systemClock, type Clock } from "../util/clock.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { toolVersion } from "../version.js";
import type { StdoutFormat } from "./options.js";
import { exitCodeFor, reportInput, summarize, textTable, writeReportFiles } from "./run-report.js";

/** Options shared by scan and evaluate. */
export interface ReportOptions {
  out: string;
  failOn: Severity;
  format: StdoutFormat;
  rules?: string[];
  quiet?: boolean;
  /** Config file (default: tollgate.config.yaml/.yml/.json in the working directory). */
  config?: string;
  /** Rule profile name or file; overrides the config's `profile`. */
  profileRules?: string;
  /** An earlier findings.json: failing findings are classified new/unchanged and only new ones gate. */
  baseline?: string;
}

/** Config, profile and rules for a run, loaded (and validated) before anything else happens. */
export interface RunSetup {
  config: TollgateConfig;
  profile: Profile;
  ruleSet: RuleSet;
}

/** The config's profile; a profile file path is taken relative to the config file, not the working directory. */
export function configProfile(config: TollgateConfig): string | undefined {
  const p = config.profile;
  if (p === undefined || /^[a-z0-9-]+$/.test(p) || isAbsolute(p) || !config.file) return p;
  return join(dirname(config.file), p);
}

/** Loads the config file, the selected profile and the rules with the profile's overrides. */
export function loadSetup(opts: Pick<ReportOptions, "config" | "profileRules" | "rules">): RunSetup {
  const config = loadConfig(opts.config);
  const profile = loadProfile(opts.profileRules ?? configProfile(config) ?? "default");
  const ruleSet = loadRuleSet(
    [...builtInRuleDirs(), ...(opts.rules ?? [])],
    profile.overrides,
    `profile ${profile.id} (${profile.file})`,
  );
  return { config, profile, ruleSet };
}

/** Options of `tollgate scan`. */
export interface ScanCommandOptions extends ReportOptions {
  regions?: string[];
  profile?: string;
  saveInventory?: string;
  maxAttempts: number;
}

/**
 * Evaluates, applies suppressions and the baseline, writes reports and prints what was asked; returns the
 * exit code (suppressed and, with a baseline, unchanged failures do not count).
 */
function report(inventory: Inventory, setup: RunSetup, opts: ReportOptions, log: Logger, clock: Clock): number {
  const { rules, aliases, knownIds } = setup.ruleSet;
  // The baseline is read before evaluating, so a bad file is refused (exit 2) before any output is written.
  const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
  if (baseline?.skipped)
    log.warn(`${opts.baseline}: ${baseline.skipped} baseline entries lack ruleId/resourceArn/account/region/status; ignored`);
  let findings = evaluate(inventory, rules);
  const suppressed = applySuppressions(findings, setup.config.suppressions, clock(), aliases);
  findings = suppressed.findings;
  for (const w of suppressed.expired) log.warn(w);
  for (const w of suppressed.stale) log.warn(w);
  let fixed: Finding[] | undefined;
  if (baseline) {
    const aliasOf = new Map<string, string>();
    for (const [id, list] of aliases) for (const a of list) aliasOf.set(a, id);
    const outcome = classifyAgainstBaseline(findings, baseline.findings, {
      aliasOf,
      evaluatedRules: new Set(rules.map((r) => r.id)),
    });
    findings = outcome.findings;
    fixed = outcome.fixed;
  }
  const notes = [...suppressed.expired, ...suppressed.stale];
  const input = {
    ...reportInput(inventory, findings, rules, knownIds),
    ...(fixed ? { fixed } : {}),
    ...(notes.length ? { suppressionNotes: notes } : {}),
  };
  const written = writeReportFiles(opts.out, input);
  summarize(findings, inventory, log);
  const nSuppressed = findings.filter((f) => f.suppression).length;
  if (nSuppressed || setup.config.suppressions.length) log.info(`Suppressed: ${nSuppressed} failing finding(s)`);
  if (fixed) {
    const count = (b: string) => findings.filter((f) => f.baseline === b).length;
    log.info(`Against the baseline: ${count("new")} new, ${count("unchanged")} unchanged, ${fixed.length} fixed`);
  }
  log.info(`Wrote ${written.join(", ")}`);
  if (opts.format === "json") process.stdout.write(renderFindingsJson(input));
  else if (opts.format === "sarif") process.stdout.write(renderBasicSarif(input));
  else if (opts.format === "text") process.stdout.write(textTable(findings));
  return exitCodeFor(findings, inventory, opts.failOn);
}

/** `tollgate scan`: collect, evaluate, report. */
export async function scanCommand(opts: ScanCommandOptions, clock: Clock = systemClock): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  // Config, profile and rules load first: bad input is refused before any AWS call is made.
  const setup = loadSetup(opts);
  const regions = opts.regions?.length
    ? opts.regions
    : [process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? "us-east-1"];
  const version = toolVersion();
  const inventory = await scan({
    settings: {
      credentials: defaultCredentials(opts.profile ? { profile: opts.profile } : {}),
      maxAttempts: opts.maxAttempts,
      userAgent: `tollgate/${version}`,
    },
    regions,
    clock,
    logger: log,
    toolVersion: version,
  });
  if (opts.saveInventory) {
    saveInventory(opts.saveInventory, inventory);
    log.info(`Saved inventory to ${opts.saveInventory}`);
  }
  return report(inventory, setup, opts, log, clock);
}

/** `tollgate evaluate --inventory FILE`: offline, no credentials. */
export function evaluateCommand(opts: ReportOptions & { inventory: string }, clock: Clock = systemClock): number {
  const log = stderrLogger({ quiet: opts.quiet });
  const setup = loadSetup(opts);
  const inventory = loadInventory(opts.inventory);
  return report(inventory, setup, opts, log, clock);
}
