import { dirname, isAbsolute, join } from "node:path";
import { endpointUrls, loadAwsConfig } from "../aws/config.js";
import { withCredentialAdvice } from "../aws/credential-errors.js";
import { apiGatewayEmulator } from "../aws/emulator.js";
import { chooseProbeProgress, chooseProgress } from "../collect/progress.js";
import { COLLECTORS } from "../collect/registry.js";
import { startScan } from "../collect/scan.js";
import type { Shard } from "../collect/shard.js";
import { callTimeouts, DEFAULT_MAX_ATTEMPTS, validateScanSettings, type ScanSettingsFile } from "../collect/tuning.js";
import { loadConfig } from "../config/load.js";
import type { TollgateConfig } from "../config/types.js";
import { readBaseline, type BaselineFinding } from "../engine/baseline.js";
import { loadProfile, type Profile } from "../engine/profiles.js";
import { loadFrameworks } from "../engine/frameworks.js";
import { builtInRuleDirs, loadRuleSet, type Rule, type RuleSet } from "../engine/rules.js";
import {
  activeFilters,
  FLAG_SOURCE,
  ruleServices,
  selectRules,
  validateFilters,
  type FilterSource,
  type RuleFilters,
} from "../engine/selection.js";
import { EXIT, InputError, type OutputError } from "../errors.js";
import { loadInventory } from "../inventory/io.js";
import { mergeShardFindings, mergeShardInventories } from "../inventory/merge.js";
import { INVENTORY_FORMAT_VERSION, type Inventory, type RunSelection } from "../model/inventory.js";
import type { Severity } from "../model/severity.js";
import type { ReportInput } from "../model/report.js";
import {
  assertProbePlanUsable,
  planProbes,
  prepareProbes,
  probeUserAgent,
  type ProbeCliOptions,
  type ProbeLog,
} from "../probe/run.js";
import { resolveSigningCredentials, stsRegion } from "../aws/identity.js";
import { fromFindingsFile, loadFindingsFile, type ReportFormat } from "../report/index.js";
import { secretHashKeyFromEnv } from "../secrets/redaction.js";
import { scrubContext } from "../secrets/scrub.js";
import { systemClock, type Clock } from "../util/clock.js";
import { JsonStreamError, readTopLevelMember } from "../util/json-stream.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { toolVersion } from "../version.js";
import { runSecurityHubExport, type SecurityHubOptions } from "./export.js";
import { RunStop, SignalRouter } from "./lifecycle.js";
import type { ConsoleFormat } from "./options.js";
import { checkOutputs, checkScanScope, maxDurationMs, runOutputs } from "./preflight.js";
import {
  consoleOutput,
  exitCodeFor,
  isIncomplete,
  withOutputFailures,
  writeReportFiles,
  type OutputOptions,
} from "./run-report.js";
import { collectStage, evaluateStage, probeStage, saveInventoryStage, writeStage } from "./stages.js";

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

/** Config, profile, rules and baseline for a run, loaded (and validated) before anything else happens. */
export interface RunSetup {
  config: TollgateConfig;
  profile: Profile;
  ruleSet: RuleSet;
  /** The filters in force: the config's `filters` with the command-line flags over them, key by key. */
  filters: RuleFilters;
  /** The enabled rules the filters keep: what this run evaluates. */
  rules: Rule[];
  /** What the run records in its metadata: filters, profile and config file. */
  selection: RunSelection;
  /** The `--baseline` file's findings, when one was given. */
  baseline?: BaselineFinding[];
}

/** The config's profile; a profile file path is taken relative to the config file, not the working directory. */
export function configProfile(config: TollgateConfig): string | undefined {
  const p = config.profile;
  if (p === undefined || /^[a-z0-9-]+$/.test(p) || isAbsolute(p) || !config.file) return p;
  return join(dirname(config.file), p);
}

type SetupOptions = Pick<
  ReportOptions,
  "config" | "profileRules" | "rulePack" | "baseline" | "quiet" | "services" | "rules" | "excludeRules" | "severity" | "framework"
>;

/**
 * Loads the config file, the selected profile, the rules with the profile's overrides, the filters (the config's
 * `filters` under the flags) and the baseline: all of them before the run's first AWS call or output, so bad input
 * is refused (exit 2) before anything is collected. An unknown service or framework, or a rule pattern matching
 * nothing, names the flag or the config file's line and field.
 */
export async function loadSetup(opts: SetupOptions): Promise<RunSetup> {
  const config = loadConfig(opts.config);
  const profile = loadProfile(opts.profileRules ?? configProfile(config) ?? "default");
  const ruleSet = loadRuleSet(
    [...builtInRuleDirs(), ...(opts.rulePack ?? [])],
    profile.overrides,
    `profile ${profile.id} (${profile.file})`,
  );
  const frameworks = loadFrameworks();
  const fromFlags = activeFilters(opts);
  const fromConfig = activeFilters(config.filters ?? {});
  const configSource = Object.fromEntries(
    (Object.keys(FLAG_SOURCE) as (keyof RuleFilters)[]).map((k) => [
      k,
      `${config.file ?? "config"}${config.filterLines?.[k] ? `:${config.filterLines[k]}` : ""}: /filters/${k}`,
    ]),
  ) as FilterSource;
  validateFilters(fromConfig, ruleSet, frameworks, configSource);
  validateFilters(fromFlags, ruleSet, frameworks);
  const filters = { ...fromConfig, ...fromFlags };
  // Messages name each filter where it came from: the flag when given, else the config file's field.
  const source = Object.fromEntries(
    (Object.keys(FLAG_SOURCE) as (keyof RuleFilters)[]).map((k) => [k, k in fromFlags ? FLAG_SOURCE[k] : configSource[k]]),
  ) as FilterSource;
  const rules = selectRules(ruleSet.rules, filters, frameworks, source);
  const selection: RunSelection = {
    ...filters,
    profile: profile.id === "default" || profile.id === "strict" ? profile.id : `${profile.id} (${profile.file})`,
    ...(config.file ? { config: config.file } : {}),
  };
  const setup: RunSetup = { config, profile, ruleSet, filters, rules, selection };
  if (!opts.baseline) return setup;
  const baseline = await readBaseline(opts.baseline);
  if (baseline.skipped)
    stderrLogger({ quiet: opts.quiet }).warn(
      `${opts.baseline}: ${baseline.skipped} baseline entries lack ruleId/resourceArn/account/region/status; ignored`,
    );
  return { ...setup, baseline: baseline.findings };
}

/**
 * Narrows a setup to what a saved inventory holds: an inventory scanned with `--services` has nothing of the
 * other services, deliberately, so their rules are not evaluated (never reported as errors). Asking here for a
 * service that was not collected is bad input.
 */
export function restrictToInventory(setup: RunSetup, inventory: Inventory, name: string): RunSetup {
  const collected = inventory.metadata.selection?.services;
  if (!collected) return setup;
  const asked = setup.filters.services;
  const missing = (asked ?? []).filter((s) => !collected.includes(s));
  if (missing.length)
    throw new InputError(
      `--services ${missing.join(",")}: not collected in ${name}, which was scanned with --services ${collected.join(",")}`,
    );
  const services = asked ?? collected;
  const rules = setup.rules.filter((r) => ruleServices(r).some((s) => services.includes(s)));
  if (!rules.length) throw new InputError(`${name}: no selected rule covers its services (${collected.join(", ")})`);
  return { ...setup, rules, filters: { ...setup.filters, services }, selection: { ...setup.selection, services } };
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
  /** `--connect-timeout` and `--request-timeout`, in milliseconds. */
  connectTimeout?: number;
  requestTimeout?: number;
  /** `i/n`: scan only this shard of the (account, region) units. */
  shard?: Shard;
  /** `--max-duration`: bound for collection and probing, e.g. `30m`. */
  maxDuration?: string;
  /** Import the findings into Security Hub after the reports are written. */
  securityhub?: boolean;
  /** Security Hub options (`--securityhub-*`), used with `securityhub`. */
  securityhubOptions?: Omit<SecurityHubOptions, "profile" | "aws" | "maxAttempts" | "connectTimeoutMs" | "requestTimeoutMs">;
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
  if (opts.connectTimeout !== undefined) raw["connectTimeoutMs"] = opts.connectTimeout;
  if (opts.requestTimeout !== undefined) raw["requestTimeoutMs"] = opts.requestTimeout;
  if (opts.shard) raw["shard"] = opts.shard;
  if (opts.maxDuration !== undefined) raw["maxDuration"] = opts.maxDuration;
  // Same validation as the config file, with flag names in the message.
  return validateScanSettings(raw, "command line");
}

/** Where a stopped run leaves its inventory: the `--save-inventory` path, else `<out>/inventory.partial.json`. */
export function partialInventoryPath(opts: Pick<ScanCommandOptions, "saveInventory" | "out">): string {
  return opts.saveInventory ?? join(opts.out, "inventory.partial.json");
}

/** What a command needs from its caller besides its options: the clock and the process's signal router. */
export interface CommandEnv {
  clock?: Clock;
  /** Routes SIGINT/SIGTERM to the run in progress (installed once by the CLI; none: signals are not handled). */
  router?: SignalRouter;
}

/** The RunStop of a command: signals through the CLI's router (none outside the CLI), and `--max-duration`. */
function runStop(env: CommandEnv, log: Logger, maxDurationMs?: number): RunStop {
  return new RunStop({ log, router: env.router ?? new SignalRouter(), ...(maxDurationMs ? { maxDurationMs } : {}) });
}

/**
 * Evaluates (correlation, suppressions, baseline), writes the reports and the probe log, prints what was asked, and
 * returns the exit code (suppressed and, with a baseline, unchanged failures do not count; a file that could not be
 * written makes it 3) and what was reported.
 */
async function evaluateAndWrite(
  inventory: Inventory,
  setup: RunSetup,
  opts: ReportOptions,
  stop: RunStop,
  log: Logger,
  clock: Clock,
  probeLog?: ProbeLog,
): Promise<{ code: number; input: ReportInput; failures: OutputError[] }> {
  const evaluated = await evaluateStage(inventory, setup, stop, log, clock);
  const failures = await writeStage(
    evaluated,
    { out: opts.out, formats: opts.formats, console: opts.console, probeLog, failOn: opts.failOn },
    stop,
    log,
  );
  const code = exitCodeFor(evaluated.input.findings, isIncomplete(evaluated.input) || failures.length > 0, opts);
  return { code, input: evaluated.input, failures };
}

/**
 * Keeps the inventory of a run once probing is over: at `--save-inventory` when given; otherwise, for a stopped run,
 * at `<out>/inventory.partial.json` (marked `complete: false` when collection or probing did not finish). Called again
 * at the end for a run stopped later (evaluation, writing); saves at most once.
 */
function inventoryKeeper(opts: { saveInventory?: string; out: string }, log: Logger) {
  let saved = false;
  const failures: OutputError[] = [];
  return {
    failures,
    async keep(inventory: Inventory, stopped: boolean, what?: string): Promise<void> {
      if (saved || (!opts.saveInventory && !stopped)) return;
      saved = true;
      failures.push(...(await saveInventoryStage(partialInventoryPath(opts), inventory, log, what)));
    },
  };
}

/** The probe progress display on stderr (none under --quiet). */
const probeProgress = (opts: { quiet?: boolean | undefined }) =>
  chooseProbeProgress({ quiet: opts.quiet, stream: process.stderr, env: process.env });

/** `tollgate scan`: collect, probe, evaluate, report. A stop (signal, `--max-duration`) saves what it has and exits 3. */
export async function scanCommand(opts: ScanCommandOptions, env: CommandEnv = {}): Promise<number> {
  const clock = env.clock ?? systemClock;
  const log = stderrLogger({ quiet: opts.quiet });
  // Everything the scan needs is checked before its first AWS call; bad input exits 2 naming the file or flag.
  const setup = await loadSetup(opts);
  const probes = prepareProbes(opts);
  const secretHashKey = secretHashKeyFromEnv();
  // The config file's scan section, with the command-line flags over it key by key.
  const scanSettings: ScanSettingsFile = { ...(setup.config.scan ?? {}), ...scanSettingsFromFlags(opts) };
  const deadline = maxDurationMs(scanSettings, opts.maxDuration ? "--max-duration" : (setup.config.file ?? "config"));
  if (opts.probeOnly) {
    const { maxDuration } = scanSettings;
    return probeCommand({ ...opts, probe: true, ...(maxDuration ? { maxDuration } : {}) }, env);
  }
  checkScanScope(scanSettings);
  await checkOutputs(runOutputs(opts));
  // The standard AWS configuration (profile, region, endpoints, credentials), checked before any call.
  const aws = await loadAwsConfig({
    ...(opts.profile ? { profile: opts.profile } : {}),
    logger: log,
    timeouts: callTimeouts(scanSettings),
  });
  const emulator = probes.enabled ? await apiGatewayEmulator(aws) : undefined;
  if (emulator) probes.emulator = emulator;

  const stop = runStop(env, log, deadline);
  const homeRegion = stsRegion({ configured: aws.region?.value, scope: scanSettings.regions });
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
    // --services: the other services' calls are never made; their rules are not evaluated.
    ...(setup.filters.services ? { collectors: COLLECTORS.filter((c) => setup.filters.services!.includes(c.service)) } : {}),
    selection: setup.selection,
  });
  const collected = await collectStage({ ...run, done: withCredentialAdvice(aws, run.done) }, stop);
  // Live probes run on the collected API endpoints (and --probe-endpoints) unless --no-probe.
  const signing = probes.enabled && !stop.stopped ? await resolveSigningCredentials(credentials, log) : undefined;
  const probed = await probeStage(
    collected,
    probes,
    { credentials: signing, logger: log, userAgent: probeUserAgent(version), progress: probeProgress(opts) },
    stop,
  );
  const keeper = inventoryKeeper(opts, log);
  await keeper.keep(probed.inventory, stop.stopped);
  const result = await evaluateAndWrite(probed.inventory, setup, opts, stop, log, clock, probed.log);
  await keeper.keep(probed.inventory, stop.stopped);
  const code = withOutputFailures(result.code, keeper.failures, opts);
  if (!opts.securityhub) return stop.finish(code);
  if (stop.stopped || result.failures.length) {
    log.warn("Security Hub import skipped: the run was stopped or its reports were not all written");
    return stop.finish(code);
  }
  // After the reports are on disk, so a failed import never loses the scan's results.
  const shCode = await runSecurityHubExport(
    result.input,
    result.input.rules,
    {
      ...opts.securityhubOptions,
      // The scan's role (and its external id) reaches the other accounts' hubs too.
      ...(scanSettings.roleName ? { roleName: scanSettings.roleName } : {}),
      ...(scanSettings.externalId ? { externalId: scanSettings.externalId } : {}),
      aws,
      maxAttempts: scanSettings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      ...(scanSettings.connectTimeoutMs ? { connectTimeoutMs: scanSettings.connectTimeoutMs } : {}),
      ...(scanSettings.requestTimeoutMs ? { requestTimeoutMs: scanSettings.requestTimeoutMs } : {}),
      outDir: opts.out,
    },
    log,
    clock,
  );
  // Failing findings (1) keep precedence so CI gates on them still trip; otherwise a failed export is not a success.
  return stop.finish(code === 1 || shCode === 0 ? code : shCode);
}

/** Options of `tollgate probe`. */
export interface ProbeCommandOptions extends ReportOptions, ProbeCliOptions {
  inventory?: string;
  profile?: string;
  saveInventory?: string;
  /** `scan --probe-only --max-duration` (or the config's scan.maxDuration): bound for probing. */
  maxDuration?: string;
}

/** The inventory `probe` starts from: a saved one, or an empty one for endpoints-file targets only. */
async function probeBaseInventory(opts: ProbeCommandOptions, now: string): Promise<Inventory> {
  if (opts.inventory) return loadInventory(opts.inventory, scrubContext(secretHashKeyFromEnv()));
  return {
    kind: "tollgate-inventory",
    formatVersion: INVENTORY_FORMAT_VERSION,
    metadata: {
      toolVersion: toolVersion(),
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
}

/**
 * `tollgate probe` (and `scan --probe-only`): live probes only, on targets from a saved inventory and/or an
 * endpoints file, without collecting. The probe results are evaluated on their own (plus the saved inventory).
 * Every target is known up front, so one outside `--probe-hosts` is refused (exit 2) before any request.
 */
export async function probeCommand(opts: ProbeCommandOptions, env: CommandEnv = {}): Promise<number> {
  const clock = env.clock ?? systemClock;
  const log = stderrLogger({ quiet: opts.quiet });
  const loaded = await loadSetup(opts);
  const probes = prepareProbes({ ...opts, probe: true });
  if (!opts.inventory && !opts.probeEndpoints) {
    throw new InputError("probe: give --probe-endpoints FILE and/or --inventory FILE (targets are never guessed)");
  }
  const deadline = maxDurationMs(opts, "--max-duration");
  await checkOutputs(runOutputs(opts));
  const base = await probeBaseInventory(opts, clock().toISOString());
  const setup = opts.inventory ? restrictToInventory(loaded, base, opts.inventory) : loaded;
  // Read before planning: an inventory read from an emulator is not probed at AWS's default URLs.
  const aws = await loadAwsConfig({ ...(opts.profile ? { profile: opts.profile } : {}), logger: log });
  const emulator = await apiGatewayEmulator(aws);
  if (emulator) probes.emulator = emulator;
  assertProbePlanUsable(planProbes(base, probes), probes);

  const stop = runStop(env, log, deadline);
  const credentials = await resolveSigningCredentials(aws.credentials, log);
  const probed = await probeStage(
    base,
    probes,
    { credentials, logger: log, userAgent: probeUserAgent(toolVersion()), progress: probeProgress(opts) },
    stop,
  );
  const keeper = inventoryKeeper(opts, log);
  await keeper.keep(probed.inventory, stop.stopped);
  const result = await evaluateAndWrite(probed.inventory, setup, opts, stop, log, clock, probed.log);
  await keeper.keep(probed.inventory, stop.stopped);
  return stop.finish(withOutputFailures(result.code, keeper.failures, opts));
}

/** `tollgate evaluate --inventory FILE`: offline, no credentials. */
export async function evaluateCommand(opts: ReportOptions & { inventory: string }, env: CommandEnv = {}): Promise<number> {
  const clock = env.clock ?? systemClock;
  const log = stderrLogger({ quiet: opts.quiet });
  const loaded = await loadSetup(opts);
  await checkOutputs(runOutputs(opts));
  const inventory = await loadInventory(opts.inventory, scrubContext(secretHashKeyFromEnv()));
  const setup = restrictToInventory(loaded, inventory, opts.inventory);
  const stop = runStop(env, log);
  return stop.finish((await evaluateAndWrite(inventory, setup, opts, stop, log, clock)).code);
}

/**
 * `tollgate merge A B C…`: one report set from the shard files of a sharded scan, either all inventories
 * (`--save-inventory`; evaluated here, with this run's config and rules) or all findings files (as evaluated by
 * each shard).
 */
export async function mergeCommand(
  opts: ReportOptions & { inventories: string[]; saveInventory?: string },
  env: CommandEnv = {},
): Promise<number> {
  const clock = env.clock ?? systemClock;
  const log = stderrLogger({ quiet: opts.quiet });
  const kinds: string[] = [];
  for (const f of opts.inventories) kinds.push(await shardKind(f));
  if (new Set(kinds).size > 1) throw new InputError("merge: give either shard inventories or shard findings files, not both");
  const warnMissing = (missing: number[], count: number) => {
    if (missing.length)
      log.warn(
        `shard(s) ${missing.join(", ")} of ${count} missing: the merged result is incomplete (nothing they cover was checked)`,
      );
  };
  if (kinds[0] === "tollgate-findings") {
    if (opts.saveInventory) throw new InputError("--save-inventory: findings files carry no inventory to save");
    const given = Object.keys(activeFilters(opts)) as (keyof RuleFilters)[];
    if (given.length)
      throw new InputError(
        `${FLAG_SOURCE[given[0]!]}: findings files were evaluated by each shard; filters apply when merging inventories`,
      );
    await checkOutputs(runOutputs(opts));
    const shards = [];
    for (const source of opts.inventories) shards.push({ input: fromFindingsFile(await loadFindingsFile(source)), source });
    const { input, missing } = mergeShardFindings(shards);
    const m = input.metadata.merged!;
    log.info(`Merged findings of shards ${m.shards.join(", ")} of ${m.count}: ${input.findings.length} findings`);
    warnMissing(missing, m.count);
    const stop = runStop(env, log);
    const failures = await writeStage({ input, notEvaluated: [] }, opts, stop, log);
    return stop.finish(exitCodeFor(input.findings, isIncomplete(input) || failures.length > 0, opts));
  }
  const loaded = await loadSetup(opts);
  await checkOutputs(runOutputs(opts));
  const secrets = scrubContext(secretHashKeyFromEnv());
  const shards = [];
  for (const source of opts.inventories) shards.push({ inventory: await loadInventory(source, secrets), source });
  const { inventory, missing } = mergeShardInventories(shards);
  const setup = restrictToInventory(loaded, inventory, "the merged inventory");
  const m = inventory.metadata.merged!;
  log.info(`Merged shards ${m.shards.join(", ")} of ${m.count}: ${inventory.resources.length} resources`);
  warnMissing(missing, m.count);
  const stop = runStop(env, log);
  const saveFailures = opts.saveInventory ? await saveInventoryStage(opts.saveInventory, inventory, log, "merged inventory") : [];
  return stop.finish(
    withOutputFailures((await evaluateAndWrite(inventory, setup, opts, stop, log, clock)).code, saveFailures, opts),
  );
}

/** Whether a shard file is an inventory or a findings file, from its top-level `kind` (read without the rest). */
async function shardKind(path: string): Promise<"tollgate-inventory" | "tollgate-findings"> {
  let kind: unknown;
  try {
    kind = await readTopLevelMember(path, "kind");
  } catch (e) {
    if (e instanceof JsonStreamError) throw new InputError(`${path}: not valid JSON: ${e.message}`);
    if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string")
      throw new InputError(`${path}: cannot read: ${e.message}`);
    throw e;
  }
  if (kind !== "tollgate-inventory" && kind !== "tollgate-findings")
    throw new InputError(`${path}: neither a Tollgate inventory nor a findings file (/kind)`);
  return kind;
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
  const written = await writeReportFiles(opts.out, input, log, opts.formats);
  const out = consoleOutput(opts.console, input);
  if (out) process.stdout.write(out);
  return stop.finish(written.failures.length ? EXIT.incomplete : EXIT.ok);
}
