import pLimit, { type LimitFunction } from "p-limit";
import type { AwsClientSettings } from "../aws/clients.js";
import { isAwsCallFailure, toCollectionError } from "../aws/call-error.js";
import { SharedHttpHandler } from "../aws/http.js";
import { sharedSdkConfig } from "../aws/sdk-config.js";
import { InputError } from "../errors.js";
import { scrubContext } from "../secrets/load.js";
import { scrubError, scrubResource, type ScrubContext } from "../secrets/scrub.js";
import type { SecretHashKey } from "../secrets/redaction.js";
import {
  INVENTORY_FORMAT_VERSION,
  type CollectionError,
  type Inventory,
  type Resource,
  type RunSelection,
} from "../model/inventory.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import type { StopReason } from "../util/stop.js";
import { DEFAULT_COLLECT_OPTIONS, realSleep, type CollectOptions, type UnitContext } from "./context.js";
import { createCallPool, raiseGlobal, type CallPool } from "./pool.js";
import { silentProgress, type ScanProgress, type UnitRef } from "./progress.js";
import { addRateLimitMiddleware, rateLimitPlugin, RateLimiters } from "./rate-limit.js";
import { COLLECTORS, type ServiceCollector } from "./registry.js";
import { assumeRoleIn, callerIdentity, sessionName, type AccountAccess, type CallerIdentity } from "../aws/identity.js";
import { discoverRegions, listOrganizationAccounts, SetupPackages } from "./scope.js";
import { inShard, sortUnits, type ScanUnit } from "./shard.js";
import { globalConcurrencyFor, resolveTuning, type ScanSettingsFile } from "./tuning.js";

/** What to scan and how. */
export interface ScanOptions {
  /** The scanner's own credentials (the master credentials for assumed roles). */
  settings: AwsClientSettings;
  /** Scope and tuning (`scan` section of the config file merged with CLI flags). */
  scan?: ScanSettingsFile;
  /** Region for STS and region discovery (AWS_REGION). */
  homeRegion: string;
  clock: Clock;
  logger: Logger;
  toolVersion: string;
  collect?: Partial<CollectOptions>;
  sleep?: (ms: number) => Promise<void>;
  progress?: ScanProgress;
  /** Collectors to run; default: every collector in the registry. */
  collectors?: ServiceCollector[];
  /** The run's filters, profile and config, recorded in the inventory's metadata (partial ones included). */
  selection?: RunSelection;
  /** Key of the change-detection hash of redacted secret values (TOLLGATE_SECRET_HASH_KEY); none: no hash. */
  secretHashKey?: SecretHashKey | undefined;
}

/** A running scan. */
export interface ScanRun {
  /** The complete inventory (what AWS said: raw SDK output and failed calls, no derived facts), once every unit has run. */
  done: Promise<Inventory>;
  /**
   * What was collected so far, marked `complete: false`; every unit (and account) that had not finished is
   * recorded as an error named after `reason` (default `ScanInterrupted`) so its rules report `error`, never
   * `pass`. Units still running are abandoned: nothing they return later is added.
   */
  snapshot(reason?: StopReason): Inventory;
}

/**
 * The quota a collector's calls count against: API Gateway v1 and v2 are one control plane (one SigV4 service)
 * whose 10 rps per account and region both share.
 */
const quotaService = (service: string): string => (service === "apigatewayv2" ? "apigateway" : service);

const unitKey = (u: UnitRef): string => `${u.account}|${u.region}|${u.service}`;

/** One scan's shared state: settings, pools and limiters, and what has been collected so far. */
interface ScanState {
  opts: ScanOptions;
  started: Date;
  scope: ScanSettingsFile;
  /** The scanner's own client settings (tuned), the base of assumed roles' settings. */
  base: AwsClientSettings;
  http: SharedHttpHandler;
  collectors: ServiceCollector[];
  progress: ScanProgress;
  options: CollectOptions;
  sleep: (ms: number) => Promise<void>;
  pool: CallPool;
  /** Units are bounded separately from calls: a unit waiting on its own calls must not hold a call slot. */
  unitLimit: LimitFunction;
  limiters: RateLimiters;
  secrets: ScrubContext;
  resources: Resource[];
  errors: CollectionError[];
  callers: Record<string, string>;
  scannedAccounts: Set<string>;
  scannedRegions: Set<string>;
  /** Accounts whose setup (role, regions) has not finished. */
  settingUp: Set<string>;
  /** The EC2 and Organizations packages of the set-up calls, released once every account in scope has its regions. */
  setupPackages: SetupPackages;
  /** Units planned and not finished. */
  pending: Map<string, UnitRef>;
  /** (account, region) units assigned to this run (this shard's share when sharded). */
  assigned: Map<string, ScanUnit>;
  identity?: CallerIdentity;
  /** Set once the scan is over or abandoned: nothing a unit returns afterwards is kept. */
  ended: boolean;
}

function scanState(opts: ScanOptions): ScanState {
  const scope = opts.scan ?? {};
  const tuning = resolveTuning(scope);
  // Calls in flight never exceed the global concurrency, so neither need the pool's sockets.
  const http = new SharedHttpHandler(tuning.concurrency.global, tuning.timeouts);
  return {
    opts,
    started: opts.clock(),
    scope,
    base: {
      ...opts.settings,
      maxAttempts: tuning.maxAttempts,
      http,
      timeouts: tuning.timeouts,
      sdk: opts.settings.sdk ?? sharedSdkConfig(),
    },
    http,
    collectors: opts.collectors ?? COLLECTORS,
    progress: opts.progress ?? silentProgress,
    options: { ...DEFAULT_COLLECT_OPTIONS, ...opts.collect },
    sleep: opts.sleep ?? realSleep,
    pool: createCallPool(tuning.concurrency),
    unitLimit: pLimit(tuning.concurrency.global),
    limiters: new RateLimiters(tuning.rateLimits),
    secrets: scrubContext(opts.secretHashKey),
    resources: [],
    errors: [],
    callers: {},
    scannedAccounts: new Set(),
    scannedRegions: new Set(),
    settingUp: new Set(),
    setupPackages: new SetupPackages(),
    pending: new Map(),
    assigned: new Map(),
    ended: false,
  };
}

/** An account's STS bucket: STS is called in the home region only. */
const stsBucket = (s: ScanState, account: string) => ({ account, region: s.opts.homeRegion, service: "sts" });

/** The inventory of what was collected so far (raw SDK output and failed calls), plus `extra` errors. */
function buildInventory(s: ScanState, complete: boolean, extra: CollectionError[]): Inventory {
  const { opts, scope } = s;
  return {
    kind: "tollgate-inventory",
    formatVersion: INVENTORY_FORMAT_VERSION,
    metadata: {
      toolVersion: opts.toolVersion,
      collectedAt: s.started.toISOString(),
      finishedAt: opts.clock().toISOString(),
      partition: s.identity?.partition ?? "aws",
      accounts: [...s.scannedAccounts].sort(),
      regions: [...s.scannedRegions].sort(),
      services: s.collectors.map((c) => c.service),
      complete,
      callers: { ...s.callers },
      ...(scope.shard ? { shard: { ...scope.shard } } : {}),
      units: sortUnits([...s.assigned.values()]),
      ...(opts.selection ? { selection: opts.selection } : {}),
    },
    resources: [...s.resources],
    errors: [...s.errors, ...extra],
  };
}

/** The context a collector unit runs with: its account's settings, the shared pools, and call counting. */
function unitContext(s: ScanState, access: AccountAccess, region: string, onCall: () => void): UnitContext {
  const { opts } = s;
  return {
    account: access.account,
    region,
    partition: s.identity!.partition,
    settings: access.settings,
    clock: opts.clock,
    logger: opts.logger,
    options: s.options,
    sleep: s.sleep,
    limit: (service, fn) => s.pool.limit(service, fn, { account: access.account, region }),
    instrumentClient: (client, service) =>
      addRateLimitMiddleware(client, s.limiters, { account: access.account, region, service: quotaService(service) }, onCall),
  };
}

/** One collector unit (account, region, service) to run. */
interface UnitRun {
  access: AccountAccess;
  collector: ServiceCollector;
  region: string;
}

/** Runs one collector unit and keeps its resources and errors, scrubbed of secret values. */
async function runUnit(s: ScanState, { access, collector, region }: UnitRun): Promise<void> {
  const unit: UnitRef = { account: access.account, region, service: collector.service };
  await s.unitLimit(async () => {
    if (s.ended) return;
    s.progress.started(unit);
    let calls = 0;
    const ctx = unitContext(s, access, region, () => {
      calls += 1;
      s.progress.call(unit);
    });
    let result;
    try {
      result = await collector.collect(ctx);
    } catch (e) {
      // A failure that escaped the collector's own recording (e.g. role credentials that stopped
      // refreshing) loses the whole unit: record it as such. Anything else is a bug and propagates.
      const name = (e as { name?: string }).name;
      if (!isAwsCallFailure(e) && name !== "CredentialsProviderError") throw e;
      result = {
        resources: [],
        errors: [toCollectionError(e, { account: access.account, region, service: collector.service, operation: "*" })],
      };
    }
    if (s.ended) return;
    // Every collector's output passes here: secret values are replaced before anything is kept or written.
    for (const r of result.resources) s.resources.push(scrubResource(r, s.secrets));
    for (const e of result.errors) s.errors.push(scrubError(e, s.secrets));
    s.pending.delete(unitKey(unit));
    s.progress.finished(unit, { resources: result.resources.length, errors: result.errors.length, calls });
  });
}

/** Plans and runs every collector unit of an account in this shard's share of its regions. */
async function scanAccount(s: ScanState, access: AccountAccess, regions: string[]): Promise<void> {
  const { account } = access;
  // Sharding partitions (account, region) units, so all services of a region (which enrichers join) stay together.
  const units: UnitRun[] = s.collectors.flatMap((collector) =>
    (collector.regional ? regions : ["global"])
      .filter((region) => inShard({ account, region }, s.scope.shard))
      .map((region) => ({ access, collector, region })),
  );
  for (const u of units) {
    s.assigned.set(`${account}|${u.region}`, { account, region: u.region });
    const ref = { account, region: u.region, service: u.collector.service };
    s.pending.set(unitKey(ref), ref);
  }
  s.progress.planned(units.length);
  s.settingUp.delete(account);
  await Promise.all(units.map((u) => runUnit(s, u)));
}

/** How the scan reaches `account`: the caller's own settings, or an assumed role's (undefined: not assumable). */
async function accountAccess(s: ScanState, account: string, id: CallerIdentity): Promise<AccountAccess | undefined> {
  if (account === id.account) return { account, settings: s.base, callerArn: id.arn };
  const { scope, opts } = s;
  const assumed = await s.pool.limit("sts", () =>
    assumeRoleIn(s.base, account, {
      roleName: scope.roleName!,
      ...(scope.externalId ? { externalId: scope.externalId } : {}),
      region: opts.homeRegion,
      partition: id.partition,
      sessionName: sessionName("scan", () => s.started),
      clock: opts.clock,
      rateLimit: {
        caller: rateLimitPlugin(s.limiters, stsBucket(s, id.account)),
        member: rateLimitPlugin(s.limiters, stsBucket(s, account)),
      },
    }),
  );
  if (!("error" in assumed)) return assumed;
  // Every rule of this account reports error; the other accounts carry on.
  s.errors.push(assumed.error);
  opts.logger.warn(`account ${account}: ${assumed.error.message}`);
  return undefined;
}

/** The regions to scan in an account: the configured ones, else those enabled (default regions if discovery fails). */
async function accountRegions(s: ScanState, access: AccountAccess): Promise<string[]> {
  const configured = s.scope.regions;
  if (configured?.length) return configured;
  const { account } = access;
  const found = await s.pool.limit("ec2", () => discoverRegions(access.settings, account, s.opts.homeRegion, s.setupPackages));
  if (found.error) {
    s.errors.push(found.error);
    s.opts.logger.warn(
      `account ${account}: region discovery failed (${found.error.errorName}); scanning ${found.regions.length} default regions`,
    );
  }
  return found.regions;
}

/** Sets up one account (role, regions) and scans the units of it that belong to this shard. */
async function setUpAccount(s: ScanState, account: string, id: CallerIdentity): Promise<void> {
  let access: AccountAccess | undefined;
  let regions: string[] = [];
  try {
    access = await accountAccess(s, account, id);
    if (access) regions = await accountRegions(s, access);
  } finally {
    // The last account to know its regions releases the set-up packages while the scan's units run on.
    s.setupPackages.userDone();
  }
  if (!access) {
    s.settingUp.delete(account);
    return;
  }
  const mine = regions.filter((r) => inShard({ account, region: r }, s.scope.shard));
  if (!mine.length && !inShard({ account, region: "global" }, s.scope.shard)) {
    // Nothing of this account belongs to this shard.
    s.settingUp.delete(account);
    return;
  }
  s.scannedAccounts.add(account);
  s.callers[account] = access.callerArn;
  for (const r of mine) s.scannedRegions.add(r);
  await scanAccount(s, access, regions);
}

/** The accounts in scope: the organisation's (the caller's only if it cannot be listed), the listed ones, or the caller's. */
async function accountsInScope(s: ScanState, id: CallerIdentity): Promise<string[]> {
  const { scope, opts } = s;
  if (scope.accounts?.length && !scope.org) return [...new Set(scope.accounts)];
  if (!scope.org) return [id.account];
  s.settingUp.add(id.account);
  try {
    const accounts = await s.pool.limit("organizations", () => listOrganizationAccounts(s.base, id.partition, s.setupPackages));
    opts.logger.info(`Organisation: ${accounts.length} ACTIVE accounts`);
    return accounts;
  } catch (e) {
    if (!isAwsCallFailure(e)) throw e;
    // Without the list the scope is unknown: scan the caller's account and say the scan is incomplete.
    const err = toCollectionError(e, {
      account: id.account,
      region: "global",
      service: "organizations",
      operation: "ListAccounts",
    });
    s.errors.push(err);
    opts.logger.warn(`cannot list the organisation's accounts (${err.errorName}); scanning ${id.account} only`);
    return [id.account];
  }
}

/** The whole scan: caller identity, accounts in scope, then every account at once. */
async function runScan(s: ScanState): Promise<Inventory> {
  const { scope, opts } = s;
  if (scope.accounts?.length && scope.org) throw new InputError("use either --accounts or --org, not both");
  const id = await callerIdentity(s.base, opts.homeRegion);
  s.identity = id;
  // The call above counts against the caller's STS quota like the AssumeRole calls after it; its bucket
  // could only be known from its answer, so the token is taken now.
  await s.limiters.acquire(stsBucket(s, id.account), "GetCallerIdentity");
  opts.logger.info(`Scanning account ${id.account} as ${id.arn}`);
  const accounts = await accountsInScope(s, id);
  raiseGlobal(globalConcurrencyFor(scope, accounts.length), s.pool, s.unitLimit, s.http);
  if (accounts.some((a) => a !== id.account) && !scope.roleName) {
    throw new InputError("scanning other accounts needs --role-name (the role to assume in each account)");
  }
  for (const a of accounts) s.settingUp.add(a);
  s.setupPackages.expectUsers(accounts.length);
  await Promise.all(accounts.map((a) => setUpAccount(s, a, id)));
  s.ended = true;
  s.progress.close();
  return buildInventory(s, true, []);
}

/**
 * What was collected so far, marked incomplete: every account still being set up and every unit not finished is
 * recorded as an error named after `reason`, and the scan is abandoned.
 */
function snapshot(s: ScanState, reason?: StopReason): Inventory {
  s.ended = true;
  s.progress.close();
  const interrupted = (u: { account: string; region: string; service: string }): CollectionError => ({
    ...u,
    operation: "*",
    errorName: reason?.errorName ?? "ScanInterrupted",
    message: reason?.message ?? "the scan was interrupted before this finished",
  });
  const extra = [
    ...[...s.settingUp].map((account) => interrupted({ account, region: "global", service: "*" })),
    ...[...s.pending.values()].map(interrupted),
  ];
  if (!s.identity && !extra.length) extra.push(interrupted({ account: "unknown", region: "global", service: "*" }));
  return buildInventory(s, false, extra);
}

/**
 * Starts a scan: accounts (own, listed, or the organisation's), their regions, and every collector unit. The
 * inventory holds what AWS said; derived facts are the enrich stage's (src/pipeline).
 */
export function startScan(opts: ScanOptions): ScanRun {
  const s = scanState(opts);
  return {
    done: runScan(s).finally(() => {
      s.http.close();
      s.setupPackages.release();
    }),
    snapshot: (reason) => snapshot(s, reason),
  };
}
