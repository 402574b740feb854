import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { endpointUrls, loadAwsConfig } from "../aws/config.js";
import { withCredentialAdvice } from "../aws/credential-errors.js";
import { chooseProgress } from "../collect/progress.js";
import { startScan } from "../collect/scan.js";
import type { Shard } from "../collect/shard.js";
import { DEFAULT_MAX_ATTEMPTS, validateScanSettings, type ScanSettingsFile } from "../collect/tuning.js";
import { loadConfig } from "../config/load.js";
import type { TollgateConfig } from "../config/types.js";
import { classifyAgainstBaseline, readBaseline } from "../engine/baseline.js";
import { evaluate } from "../engine/evaluate.js";
import { loadProfile, type Profile } from "../engine/profiles.js";
import { builtInRuleDirs, loadRuleSet, type RuleSet } from "../engine/rules.js";
import { applySuppressions } from "../engine/suppress.js";
import { EXIT, InputError, OutputError } from "../errors.js";
import { loadInventory, parseInventory, saveInventory } from "../inventory/io.js";
import { mergeShardFindings, mergeShardInventories } from "../inventory/merge.js";
import type { Finding } from "../model/finding.js";
import { INVENTORY_FORMAT_VERSION, type Inventory } from "../model/inventory.js";
import type { ReportInput } from "../model/report.js";
import type { Severity } from "../model/severity.js";
import { fromFindingsFile, loadFindingsFile, renderReport, type ReportFormat } from "../report/index.js";
import { parseFindingsFile } from "../report/load.js";
import { secretHashKeyFromEnv } from "../secrets/redaction.js";
import { scrubContext } from "../secrets/scrub.js";
import { systemClock, type Clock } from "../util/clock.js";
import { escapeJsonForTerminal } from "../util/escape.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { toolVersion } from "../version.js";
import { correlate } from "../probe/correlate.js";
import { PROBE_RESOURCE_TYPE } from "../probe/prober.js";
import { prepareProbes, probeInventory, probeUserAgent, resolveSigningCredentials, type ProbeCliOptions } from "../probe/run.js";
import { runSecurityHubExport, type SecurityHubOptions } from "./export.js";
import type { StdoutFormat } from "./options.js";
import { exitCodeFor, reportInput, summarize, textTable, withOutputFailures, writeReportFiles } from "./run-report.js";

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
export interface ScanCommandOptions extends ReportOptions, ProbeCliOptions {
  /** Probe only: no collection (targets from `--inventory` and/or `--probe-endpoints`). */
  probeOnly?: boolean;
  inventory?: string;
  regions?: string[];
  accounts?: string[];
  roleName?: string;
  externalId?: string;
  org?: boolean;
  profile?: string;
  saveInventory?: string;
  maxAttempts?: number;
  /** `i/n`: scan only this shard of the (account, region) units. */
  shard?: Shard;
  /** Import the findings into Security Hub after the reports are written. */
  securityhub?: boolean;
  /** Security Hub options (`--securityhub-*`), used with `securityhub`. */
  securityhubOptions?: Omit<SecurityHubOptions, "profile" | "aws" | "maxAttempts">;
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
  if (opts.shard) raw["shard"] = opts.shard;
  // Same validation as the config file, with flag names in the message.
  return validateScanSettings(raw, "command line");
}

/** Where an interrupted scan leaves its partial inventory. */
export function partialInventoryPath(opts: Pick<ScanCommandOptions, "saveInventory" | "out">): string {
  return opts.saveInventory ?? join(opts.out, "inventory.partial.json");
}

/**
 * Evaluates, applies suppressions and the baseline, writes reports and prints what was asked; returns the
 * exit code (suppressed and, with a baseline, unchanged failures do not count) and what was reported.
 */
async function reportRun(
  inventory: Inventory,
  setup: RunSetup,
  opts: ReportOptions,
  log: Logger,
  clock: Clock,
): Promise<{ code: number; input: ReportInput }> {
  const { rules, aliases, knownIds } = setup.ruleSet;
  // The baseline is read before evaluating, so a bad file is refused (exit 2) before any output is written.
  const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
  if (baseline?.skipped)
    log.warn(`${opts.baseline}: ${baseline.skipped} baseline entries lack ruleId/resourceArn/account/region/status; ignored`);
  // Probe results confirm or contradict configuration findings; without probe resources this changes nothing.
  let findings = correlate(
    evaluate(inventory, rules),
    inventory.resources.filter((r) => r.type === PROBE_RESOURCE_TYPE),
  );
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
  const input: ReportInput = {
    ...reportInput(inventory, findings, rules, knownIds),
    ...(fixed ? { fixed } : {}),
    ...(notes.length ? { suppressionNotes: notes } : {}),
  };
  const written = await writeReportFiles(opts.out, input, log);
  summarize(input, inventory, log);
  if (fixed) {
    const count = (b: string) => findings.filter((f) => f.baseline === b).length;
    log.info(`Against the baseline: ${count("new")} new, ${count("unchanged")} unchanged, ${fixed.length} fixed`);
  }
  if (opts.format === "json" || opts.format === "sarif") {
    process.stdout.write(
      escapeJsonForTerminal(renderReport(opts.format, input, { toolVersion: inventory.metadata.toolVersion }).text),
    );
  } else if (opts.format === "text") process.stdout.write(textTable(findings));
  return { code: withOutputFailures(exitCodeFor(findings, inventory, opts.failOn), written.failures), input };
}

/**
 * Saves the inventory to `path`; a file that cannot be written (disk full, permission) is reported on stderr and
 * returned, never thrown, so the reports of the run are still written.
 */
async function saveInventoryReported(
  path: string,
  inventory: Inventory,
  log: Logger,
  what = "inventory",
): Promise<OutputError[]> {
  try {
    await saveInventory(path, inventory);
    log.info(`Saved ${what} to ${path}`);
    return [];
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    log.warn(e.message);
    return [e];
  }
}

/** `tollgate scan`: collect, evaluate, report. SIGINT/SIGTERM save the partial inventory and exit 3. */
export async function scanCommand(opts: ScanCommandOptions, clock: Clock = systemClock): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  // Config, profile, rules and probe options load first: bad input is refused before any AWS call is made.
  const setup = loadSetup(opts);
  const probes = prepareProbes(opts);
  const secretHashKey = secretHashKeyFromEnv();
  if (opts.probeOnly) return probeCommand({ ...opts, probe: true }, clock);
  // The config file's scan section, with the command-line flags over it key by key.
  const scanSettings: ScanSettingsFile = { ...(setup.config.scan ?? {}), ...scanSettingsFromFlags(opts) };
  // The standard AWS configuration (profile, region, endpoints, credentials), checked before any call.
  const aws = await loadAwsConfig({ ...(opts.profile ? { profile: opts.profile } : {}), logger: log });
  const homeRegion = aws.region?.value ?? scanSettings.regions?.[0] ?? "us-east-1";
  const version = toolVersion();
  const credentials = aws.credentials;
  const run = startScan({
    settings: {
      credentials,
      endpoints: endpointUrls(aws),
      maxAttempts: scanSettings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      userAgent: `tollgate/${version}`,
    },
    scan: scanSettings,
    homeRegion,
    clock,
    logger: log,
    toolVersion: version,
    progress: chooseProgress({ quiet: opts.quiet, stream: process.stderr, env: process.env }),
    secretHashKey,
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal means "stop now", even while the partial inventory is being written.
    if (interrupted) process.exit(130);
    interrupted = true;
    const path = partialInventoryPath(opts);
    log.warn(`${signal}: scan interrupted; writing the partial inventory to ${path} (a second signal exits at once)`);
    saveInventory(path, run.snapshot()).then(
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
  let collected: Inventory;
  try {
    collected = await withCredentialAdvice(aws, run.done);
  } finally {
    if (!interrupted) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
  if (interrupted) return new Promise<number>(() => undefined); // the signal handler exits
  // Live probes run on the collected API endpoints (and --probe-endpoints) unless --no-probe.
  const inventory = probes.enabled
    ? await probeInventory(collected, probes, {
        credentials: await resolveSigningCredentials(credentials, log),
        logger: log,
        userAgent: probeUserAgent(version),
        outDir: opts.out,
      })
    : collected;
  const saveFailures = opts.saveInventory ? await saveInventoryReported(opts.saveInventory, inventory, log) : [];
  const reported = await reportRun(inventory, setup, opts, log, clock);
  const code = withOutputFailures(reported.code, saveFailures);
  const input = reported.input;
  if (!opts.securityhub) return code;
  // After the reports are on disk, so a failed import never loses the scan's results.
  const shCode = await runSecurityHubExport(
    input,
    input.rules,
    {
      ...opts.securityhubOptions,
      aws,
      maxAttempts: scanSettings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      outDir: opts.out,
    },
    log,
    clock,
  );
  // Failing findings (1) keep precedence so CI gates on them still trip; otherwise a failed export is not a success.
  return code === 1 || shCode === 0 ? code : shCode;
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
  const setup = loadSetup(opts);
  const probes = prepareProbes({ ...opts, probe: true });
  const secrets = scrubContext(secretHashKeyFromEnv());
  if (!opts.inventory && !opts.probeEndpoints) {
    throw new InputError("probe: give --probe-endpoints FILE and/or --inventory FILE (targets are never guessed)");
  }
  const version = toolVersion();
  const now = clock().toISOString();
  const base: Inventory = opts.inventory
    ? loadInventory(opts.inventory, secrets)
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
  const aws = await loadAwsConfig({ ...(opts.profile ? { profile: opts.profile } : {}), logger: log });
  const credentials = await resolveSigningCredentials(aws.credentials, log);
  const inventory = await probeInventory(base, probes, {
    credentials,
    logger: log,
    userAgent: probeUserAgent(version),
    outDir: opts.out,
  });
  const saveFailures = opts.saveInventory ? await saveInventoryReported(opts.saveInventory, inventory, log) : [];
  return withOutputFailures((await reportRun(inventory, setup, opts, log, clock)).code, saveFailures);
}

/** `tollgate evaluate --inventory FILE`: offline, no credentials. */
export async function evaluateCommand(opts: ReportOptions & { inventory: string }, clock: Clock = systemClock): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  const setup = loadSetup(opts);
  const inventory = loadInventory(opts.inventory, scrubContext(secretHashKeyFromEnv()));
  return (await reportRun(inventory, setup, opts, log, clock)).code;
}

/**
 * `tollgate merge A B C…`: one report set from the shard files of a sharded scan, either all inventories
 * (`--save-inventory`; evaluated here, with this run's config and rules) or all findings files (as evaluated by
 * each shard).
 */
export async function mergeCommand(
  opts: ReportOptions & { inventories: string[]; saveInventory?: string },
  clock: Clock = systemClock,
): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  const texts = opts.inventories.map((f) => {
    try {
      return readFileSync(f, "utf8");
    } catch (e) {
      throw new InputError(`${f}: cannot read: ${(e as Error).message}`);
    }
  });
  const kinds = texts.map((t, i) => {
    // Both formats are written with 2-space indentation: a top-level key is the only one indented by exactly two.
    const m = /(?:^\{|\n) {0,2}"kind"\s*:\s*"(tollgate-inventory|tollgate-findings)"/.exec(t);
    if (!m) throw new InputError(`${opts.inventories[i]}: neither a Tollgate inventory nor a findings file (/kind)`);
    return m[1]!;
  });
  if (new Set(kinds).size > 1) throw new InputError("merge: give either shard inventories or shard findings files, not both");
  const warnMissing = (missing: number[], count: number) => {
    if (missing.length)
      log.warn(
        `shard(s) ${missing.join(", ")} of ${count} missing: the merged result is incomplete (nothing they cover was checked)`,
      );
  };
  if (kinds[0] === "tollgate-findings") {
    if (opts.saveInventory) throw new InputError("--save-inventory: findings files carry no inventory to save");
    const { input, missing } = mergeShardFindings(
      texts.map((t, i) => ({
        input: fromFindingsFile(parseFindingsFile(t, opts.inventories[i]!)),
        source: opts.inventories[i]!,
      })),
    );
    const m = input.metadata.merged!;
    log.info(`Merged findings of shards ${m.shards.join(", ")} of ${m.count}: ${input.findings.length} findings`);
    warnMissing(missing, m.count);
    const written = await writeReportFiles(opts.out, input, log);
    return withOutputFailures(
      exitCodeFor(input.findings, { metadata: input.metadata, errors: input.coverage } as Inventory, opts.failOn),
      written.failures,
    );
  }
  const setup = loadSetup(opts);
  const secrets = scrubContext(secretHashKeyFromEnv());
  const { inventory, missing } = mergeShardInventories(
    texts.map((t, i) => ({ inventory: parseInventory(t, opts.inventories[i]!, secrets), source: opts.inventories[i]! })),
  );
  texts.length = 0; // the parsed inventories are all that is needed from here
  const m = inventory.metadata.merged!;
  log.info(`Merged shards ${m.shards.join(", ")} of ${m.count}: ${inventory.resources.length} resources`);
  warnMissing(missing, m.count);
  const saveFailures = opts.saveInventory
    ? await saveInventoryReported(opts.saveInventory, inventory, log, "merged inventory")
    : [];
  return withOutputFailures((await reportRun(inventory, setup, opts, log, clock)).code, saveFailures);
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
  return withOutputFailures(0, written.failures);
}
