import { endpointUrls, loadAwsConfig, type AwsConfig } from "../aws/config.js";
import { withCredentialAdvice } from "../aws/credential-errors.js";
import { apiGatewayEmulator } from "../aws/emulator.js";
import { signingCredentials, stsRegion } from "../aws/identity.js";
import { chooseProbeProgress, chooseProgress } from "../collect/progress.js";
import { COLLECTORS } from "../collect/registry.js";
import { startScan, type ScanRun } from "../collect/scan.js";
import type { Shard } from "../collect/shard.js";
import { callTimeouts, DEFAULT_MAX_ATTEMPTS, type ScanSettingsFile } from "../collect/tuning.js";
import { scanSettingsFromFlagValues } from "../config/scan-settings.js";
import { InputError } from "../errors.js";
import { loadInventory } from "../inventory/io.js";
import { INVENTORY_FORMAT_VERSION, type Inventory } from "../model/inventory.js";
import {
  enrichStage,
  finishRun,
  loadRunData,
  loadSetup,
  restrictToInventory,
  scanPipeline,
  type ProbePlan,
  type RunResult,
  type RunSetup,
  type StageContext,
} from "../pipeline/index.js";
import {
  assertProbePlanUsable,
  planProbes,
  prepareProbes,
  probeUserAgent,
  type PreparedProbes,
  type ProbeCliOptions,
} from "../probe/run.js";
import type { SecretHashKey } from "../secrets/redaction.js";
import { scrubContext } from "../secrets/load.js";
import { systemClock } from "../util/clock.js";
import { stderrLogger } from "../util/logger.js";
import { toolVersion } from "../version.js";
import { runStop, setupOptions, type CommandEnv, type ReportOptions } from "./commands.js";
import { runSecurityHubExport, type SecurityHubOptions } from "./export.js";
import { checkOutputs, checkScanScope, maxDurationMs, runOutputs } from "./preflight.js";

// The commands that reach AWS, `scan` and `probe`, apart from the offline ones (commands.ts) so that `evaluate` and
// `report` load no AWS client, credential provider or Security Hub export (#19 start-up).

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
  if (opts.maxDuration !== undefined) raw["maxDuration"] = opts.maxDuration;
  // The config file's validator, naming the flag; --shard (flag only) was checked by its option parser.
  return { ...scanSettingsFromFlagValues(raw), ...(opts.shard ? { shard: opts.shard } : {}) };
}

/** The probe progress display on stderr (none under --quiet). */
const probeProgress = (opts: { quiet?: boolean | undefined }) =>
  chooseProbeProgress({ quiet: opts.quiet, stream: process.stderr, env: process.env });

/** The scan's settings: the config file's scan section with the command-line flags over it, key by key. */
function scanSettingsOf(opts: ScanCommandOptions, setup: RunSetup): ScanSettingsFile {
  return { ...(setup.config.scan ?? {}), ...scanSettingsFromFlags(opts) };
}

/** Starts collecting (src/collect) with the run's AWS configuration, settings and selection. */
function startCollection(
  run: { opts: ScanCommandOptions; setup: RunSetup; settings: ScanSettingsFile; aws: AwsConfig; secretHashKey?: SecretHashKey },
  ctx: Pick<StageContext, "clock" | "log">,
): ScanRun {
  const { opts, setup, settings, aws, secretHashKey } = run;
  const version = toolVersion();
  const scan = startScan({
    settings: {
      credentials: aws.credentials,
      endpoints: endpointUrls(aws),
      maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      userAgent: `tollgate/${version}`,
    },
    scan: settings,
    homeRegion: stsRegion({ configured: aws.region?.value, scope: settings.regions }),
    clock: ctx.clock,
    logger: ctx.log,
    toolVersion: version,
    progress: chooseProgress({ quiet: opts.quiet, stream: process.stderr, env: process.env }),
    secretHashKey,
    // --services: the other services' calls are never made; their rules are not evaluated.
    ...(setup.filters.services ? { collectors: COLLECTORS.filter((c) => setup.filters.services!.includes(c.service)) } : {}),
    selection: setup.selection,
  });
  return { ...scan, done: withCredentialAdvice(aws, scan.done) };
}

/** Live probes of a run: signed with the run's credentials (refreshed as they expire), shown on the probe progress display. */
function probePlan(
  prepared: PreparedProbes,
  aws: AwsConfig,
  opts: { quiet?: boolean | undefined },
  { log, clock }: Pick<StageContext, "log" | "clock">,
): ProbePlan {
  return {
    prepared,
    credentials: () => signingCredentials(aws.credentials, { log, clock }),
    context: { logger: log, userAgent: probeUserAgent(toolVersion()), progress: probeProgress(opts) },
  };
}

/** `tollgate scan`: collect, probe, evaluate, report. A stop (signal, `--max-duration`) saves what it has and exits 3. */
export async function scanCommand(opts: ScanCommandOptions, env: CommandEnv = {}): Promise<number> {
  const clock = env.clock ?? systemClock;
  const log = stderrLogger({ quiet: opts.quiet });
  // Everything the scan needs is checked before its first AWS call; bad input exits 2 naming the file or flag.
  const setup = await loadSetup(setupOptions(opts, env));
  const probes = prepareProbes(opts);
  const { secretHashKey } = setup;
  const settings = scanSettingsOf(opts, setup);
  const deadline = maxDurationMs(settings, opts.maxDuration ? "--max-duration" : (setup.config.file ?? "config"));
  if (opts.probeOnly) {
    const { maxDuration } = settings;
    return probeCommand({ ...opts, probe: true, ...(maxDuration ? { maxDuration } : {}) }, env);
  }
  checkScanScope(settings);
  await checkOutputs(runOutputs(opts));
  // The standard AWS configuration (profile, region, endpoints, credentials), checked before any call.
  const aws = await loadAwsConfig({
    ...(opts.profile ? { profile: opts.profile } : {}),
    logger: log,
    timeouts: callTimeouts(settings),
  });
  const emulator = probes.enabled ? await apiGatewayEmulator(aws) : undefined;
  if (emulator) probes.emulator = emulator;

  const stop = runStop(env, log, deadline);
  const ctx: StageContext = { stop, log, clock };
  // Loads while collection runs; the enrich stage waits for it.
  const data = loadRunData();
  const scan = startCollection({ opts, setup, settings, aws, secretHashKey }, ctx);
  const result = await scanPipeline(
    scan,
    {
      setup,
      data,
      output: opts,
      probes: probePlan(probes, aws, opts, ctx),
      keep: { saveInventory: opts.saveInventory, partialOnStop: true },
    },
    ctx,
  );
  if (!opts.securityhub) return stop.finish(result.code);
  if (stop.stopped || result.failures.length) {
    log.warn("Security Hub import skipped: the run was stopped or its reports were not all written");
    return stop.finish(result.code);
  }
  return stop.finish(await importToSecurityHub(result, { opts, settings, aws }, ctx));
}

/**
 * `scan --securityhub`: imports the findings after the reports are on disk, so a failed import never loses the
 * scan's results. Failing findings (1) keep precedence so CI gates on them still trip; otherwise a failed export
 * is not a success.
 */
async function importToSecurityHub(
  result: RunResult,
  run: { opts: ScanCommandOptions; settings: ScanSettingsFile; aws: AwsConfig },
  { log, clock }: Pick<StageContext, "log" | "clock">,
): Promise<number> {
  const { opts, settings, aws } = run;
  const shCode = await runSecurityHubExport(
    { input: result.input, rules: result.input.rules, log, clock },
    {
      ...opts.securityhubOptions,
      // The scan's role (and its external id) reaches the other accounts' hubs too.
      ...(settings.roleName ? { roleName: settings.roleName } : {}),
      ...(settings.externalId ? { externalId: settings.externalId } : {}),
      aws,
      maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      ...(settings.connectTimeoutMs ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
      ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
      outDir: opts.out,
    },
  );
  return result.code === 1 || shCode === 0 ? result.code : shCode;
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
async function probeBaseInventory(opts: ProbeCommandOptions, setup: RunSetup, now: string): Promise<Inventory> {
  if (opts.inventory) return loadInventory(opts.inventory, scrubContext(setup.secretHashKey));
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
  const loaded = await loadSetup(setupOptions(opts, env));
  const probes = prepareProbes({ ...opts, probe: true });
  if (!opts.inventory && !opts.probeEndpoints) {
    throw new InputError("probe: give --probe-endpoints FILE and/or --inventory FILE (targets are never guessed)");
  }
  const deadline = maxDurationMs(opts, "--max-duration");
  await checkOutputs(runOutputs(opts));
  const base = await probeBaseInventory(opts, loaded, clock().toISOString());
  const setup = opts.inventory ? restrictToInventory(loaded, base, opts.inventory) : loaded;
  // The targets come from the facts of what the saved inventory holds (stages, methods, routes, domains).
  const enriched = enrichStage(base, await loadRunData().loaded);
  // Read before planning: an inventory read from an emulator is not probed at AWS's default URLs.
  const aws = await loadAwsConfig({ ...(opts.profile ? { profile: opts.profile } : {}), logger: log });
  const emulator = await apiGatewayEmulator(aws);
  if (emulator) probes.emulator = emulator;
  assertProbePlanUsable(planProbes(enriched.inventory, probes), probes);

  const stop = runStop(env, log, deadline);
  const result = await finishRun(
    enriched,
    {
      setup,
      output: opts,
      probes: probePlan(probes, aws, opts, { log, clock }),
      keep: { saveInventory: opts.saveInventory, partialOnStop: true },
    },
    { stop, log, clock },
  );
  return stop.finish(result.code);
}
