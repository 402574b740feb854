import pLimit from "p-limit";
import type { AwsClientSettings } from "../aws/clients.js";
import { isAwsCallFailure, toCollectionError } from "../aws/call-error.js";
import { loadIamAnalysisData, type IamAnalysisData } from "../analysis/iam/index.js";
import { enrich } from "../enrich/index.js";
import { SharedHttpHandler } from "../aws/http.js";
import { InputError } from "../errors.js";
import { scrubContext, scrubError, scrubResource } from "../secrets/scrub.js";
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
import { createCallPool } from "./pool.js";
import { silentProgress, type ScanProgress, type UnitRef } from "./progress.js";
import { addRateLimitMiddleware, rateLimitPlugin, RateLimiters } from "./rate-limit.js";
import { COLLECTORS, type ServiceCollector } from "./registry.js";
import { assumeRoleIn, callerIdentity, sessionName, type AccountAccess, type CallerIdentity } from "../aws/identity.js";
import { discoverRegions, listOrganizationAccounts } from "./scope.js";
import { inShard, sortUnits, type ScanUnit } from "./shard.js";
import { resolveTuning, type ScanSettingsFile } from "./tuning.js";

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
  /** IAM analysis data already loaded (tests, repeated scans); loaded once per scan otherwise. */
  iamAnalysis?: IamAnalysisData;
  /** Key of the change-detection hash of redacted secret values (TOLLGATE_SECRET_HASH_KEY); none: no hash. */
  secretHashKey?: SecretHashKey | undefined;
}

/** A running scan. */
export interface ScanRun {
  /** The complete inventory, once every unit has run. */
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

/** Starts a scan: accounts (own, listed, or the organisation's), their regions, and every collector unit. */
export function startScan(opts: ScanOptions): ScanRun {
  const started = opts.clock();
  const scope = opts.scan ?? {};
  const tuning = resolveTuning(scope);
  // Calls in flight never exceed the global concurrency, so neither need the pool's sockets.
  const http = new SharedHttpHandler(tuning.concurrency.global, tuning.timeouts);
  const base: AwsClientSettings = { ...opts.settings, maxAttempts: tuning.maxAttempts, http, timeouts: tuning.timeouts };
  const collectors = opts.collectors ?? COLLECTORS;
  const progress = opts.progress ?? silentProgress;
  const options: CollectOptions = { ...DEFAULT_COLLECT_OPTIONS, ...opts.collect };
  const sleep = opts.sleep ?? realSleep;
  const pool = createCallPool(tuning.concurrency);
  // Units are bounded separately from calls: a unit waiting on its own calls must not hold a call slot.
  const unitLimit = pLimit(tuning.concurrency.global);
  const limiters = new RateLimiters(tuning.rateLimits);
  /** An account's STS bucket: STS is called in the home region only. */
  const stsBucket = (account: string) => ({ account, region: opts.homeRegion, service: "sts" });
  const secrets = scrubContext(opts.secretHashKey);

  // Loaded while collection runs; enrichers receive it explicitly and stay pure. Until it is loaded (an early
  // interruption) access facts are not derived, so the rules needing them report error, never pass.
  let iamAnalysis = opts.iamAnalysis;
  const analysisLoaded = iamAnalysis
    ? Promise.resolve()
    : loadIamAnalysisData().then((d) => {
        iamAnalysis = d;
      });
  // Attach a handler now so a load failure surfaces where it is awaited, not as an unhandled rejection.
  analysisLoaded.catch(() => undefined);

  const resources: Resource[] = [];
  const errors: CollectionError[] = [];
  const callers: Record<string, string> = {};
  const scannedAccounts = new Set<string>();
  const scannedRegions = new Set<string>();
  /** Accounts whose setup (role, regions) has not finished. */
  const settingUp = new Set<string>();
  /** Units planned and not finished. */
  const pending = new Map<string, UnitRef>();
  /** (account, region) units assigned to this run (this shard's share when sharded). */
  const assigned = new Map<string, ScanUnit>();
  let identity: CallerIdentity | undefined;
  let ended = false;

  const build = (complete: boolean, extra: CollectionError[]): Inventory => {
    const enriched = enrich([...resources], {
      now: started,
      errors: [...errors, ...extra],
      ...(iamAnalysis ? { iamAnalysis } : {}),
      // Only a restricted scan says what it left out; joins across the registry stay as they are otherwise.
      ...(opts.collectors ? { services: collectors.map((c) => c.service) } : {}),
    });
    return {
      kind: "tollgate-inventory",
      formatVersion: INVENTORY_FORMAT_VERSION,
      metadata: {
        toolVersion: opts.toolVersion,
        collectedAt: started.toISOString(),
        finishedAt: opts.clock().toISOString(),
        partition: identity?.partition ?? "aws",
        accounts: [...scannedAccounts].sort(),
        regions: [...scannedRegions].sort(),
        services: collectors.map((c) => c.service),
        complete,
        callers: { ...callers },
        ...(scope.shard ? { shard: { ...scope.shard } } : {}),
        units: sortUnits([...assigned.values()]),
        ...(opts.selection ? { selection: opts.selection } : {}),
      },
      resources: enriched.resources,
      errors: [...errors, ...extra, ...enriched.errors],
    };
  };

  const runUnit = async (access: AccountAccess, collector: ServiceCollector, region: string): Promise<void> => {
    const unit: UnitRef = { account: access.account, region, service: collector.service };
    await unitLimit(async () => {
      if (ended) return;
      progress.started(unit);
      let calls = 0;
      const ctx: UnitContext = {
        account: access.account,
        region,
        partition: identity!.partition,
        settings: access.settings,
        clock: opts.clock,
        logger: opts.logger,
        options,
        sleep,
        limit: (service, fn) => pool.limit(service, fn, { account: access.account, region }),
        instrumentClient: (client, service) =>
          addRateLimitMiddleware(client, limiters, { account: access.account, region, service: quotaService(service) }, () => {
            calls += 1;
            progress.call(unit);
          }),
      };
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
      if (ended) return;
      // Every collector's output passes here: secret values are replaced before anything is kept or written.
      for (const r of result.resources) resources.push(scrubResource(r, secrets));
      for (const e of result.errors) errors.push(scrubError(e, secrets));
      pending.delete(unitKey(unit));
      progress.finished(unit, { resources: result.resources.length, errors: result.errors.length, calls });
    });
  };

  const scanAccount = async (access: AccountAccess, regions: string[]): Promise<void> => {
    // Sharding partitions (account, region) units, so all services of a region (which enrichers join) stay together.
    const units: [ServiceCollector, string][] = collectors.flatMap((c) =>
      (c.regional ? regions : ["global"])
        .filter((r) => inShard({ account: access.account, region: r }, scope.shard))
        .map((r): [ServiceCollector, string] => [c, r]),
    );
    for (const [, r] of units) assigned.set(`${access.account}|${r}`, { account: access.account, region: r });
    for (const [c, r] of units)
      pending.set(unitKey({ account: access.account, region: r, service: c.service }), {
        account: access.account,
        region: r,
        service: c.service,
      });
    progress.planned(units.length);
    settingUp.delete(access.account);
    await Promise.all(units.map(([c, r]) => runUnit(access, c, r)));
  };

  const setUpAccount = async (account: string, id: CallerIdentity): Promise<void> => {
    let access: AccountAccess;
    if (account === id.account) {
      access = { account, settings: base, callerArn: id.arn };
    } else {
      const assumed = await pool.limit("sts", () =>
        assumeRoleIn(base, account, {
          roleName: scope.roleName!,
          ...(scope.externalId ? { externalId: scope.externalId } : {}),
          region: opts.homeRegion,
          partition: id.partition,
          sessionName: sessionName("scan", () => started),
          clock: opts.clock,
          rateLimit: {
            caller: rateLimitPlugin(limiters, stsBucket(id.account)),
            member: rateLimitPlugin(limiters, stsBucket(account)),
          },
        }),
      );
      if ("error" in assumed) {
        // Every rule of this account reports error; the other accounts carry on.
        errors.push(assumed.error);
        settingUp.delete(account);
        opts.logger.warn(`account ${account}: ${assumed.error.message}`);
        return;
      }
      access = assumed;
    }
    let regions = scope.regions;
    if (!regions?.length) {
      const found = await pool.limit("ec2", () => discoverRegions(access.settings, account, opts.homeRegion));
      if (found.error) {
        errors.push(found.error);
        opts.logger.warn(
          `account ${account}: region discovery failed (${found.error.errorName}); scanning ${found.regions.length} default regions`,
        );
      }
      regions = found.regions;
    }
    const mine = regions.filter((r) => inShard({ account, region: r }, scope.shard));
    if (!mine.length && !inShard({ account, region: "global" }, scope.shard)) {
      // Nothing of this account belongs to this shard.
      settingUp.delete(account);
      return;
    }
    scannedAccounts.add(account);
    callers[account] = access.callerArn;
    for (const r of mine) scannedRegions.add(r);
    await scanAccount(access, regions);
  };

  const run = async (): Promise<Inventory> => {
    if (scope.accounts?.length && scope.org) throw new InputError("use either --accounts or --org, not both");
    const id = await callerIdentity(base, opts.homeRegion);
    identity = id;
    // The call above counts against the caller's STS quota like the AssumeRole calls after it; its bucket
    // could only be known from its answer, so the token is taken now.
    await limiters.acquire(stsBucket(id.account), "GetCallerIdentity");
    opts.logger.info(`Scanning account ${id.account} as ${id.arn}`);
    let accounts = [id.account];
    if (scope.org) {
      settingUp.add(id.account);
      try {
        accounts = await pool.limit("organizations", () => listOrganizationAccounts(base, id.partition));
        opts.logger.info(`Organisation: ${accounts.length} ACTIVE accounts`);
      } catch (e) {
        if (!isAwsCallFailure(e)) throw e;
        // Without the list the scope is unknown: scan the caller's account and say the scan is incomplete.
        const err = toCollectionError(e, {
          account: id.account,
          region: "global",
          service: "organizations",
          operation: "ListAccounts",
        });
        errors.push(err);
        opts.logger.warn(`cannot list the organisation's accounts (${err.errorName}); scanning ${id.account} only`);
      }
    } else if (scope.accounts?.length) {
      accounts = [...new Set(scope.accounts)];
    }
    if (accounts.some((a) => a !== id.account) && !scope.roleName) {
      throw new InputError("scanning other accounts needs --role-name (the role to assume in each account)");
    }
    for (const a of accounts) settingUp.add(a);
    await Promise.all(accounts.map((a) => setUpAccount(a, id)));
    await analysisLoaded;
    ended = true;
    progress.close();
    return build(true, []);
  };

  return {
    done: run().finally(() => http.close()),
    snapshot: (reason) => {
      ended = true;
      progress.close();
      const interrupted = (u: { account: string; region: string; service: string }): CollectionError => ({
        ...u,
        operation: "*",
        errorName: reason?.errorName ?? "ScanInterrupted",
        message: reason?.message ?? "the scan was interrupted before this finished",
      });
      const extra = [
        ...[...settingUp].map((account) => interrupted({ account, region: "global", service: "*" })),
        ...[...pending.values()].map(interrupted),
      ];
      if (!identity && !extra.length) extra.push(interrupted({ account: "unknown", region: "global", service: "*" }));
      return build(false, extra);
    },
  };
}

/** Collects the inventory of every account and region in scope, then derives facts with the collection clock. */
export function scan(opts: ScanOptions): Promise<Inventory> {
  return startScan(opts).done;
}
