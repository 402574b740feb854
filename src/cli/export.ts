import { dirname, join } from "node:path";
import type { AwsClientSettings } from "../aws/clients.js";
import { endpointUrls, loadAwsConfig, type AwsConfig } from "../aws/config.js";
import { withCredentialAdvice } from "../aws/credential-errors.js";
import { callerIdentity, findingsHomeRegion } from "../aws/identity.js";
import { callTimeouts } from "../collect/tuning.js";
import { builtInRuleDirs, loadRules } from "../engine/rules.js";
import { toBatches } from "../export/batches.js";
import { planImport } from "../export/import-plan.js";
import { loadExportInput, type ExportInput } from "../export/findings-file.js";
import {
  credentialsResolver,
  describeCallError,
  EXPORT_FAILED_EXIT,
  exportToSecurityHub,
  type ExportResult,
} from "../export/securityhub.js";
import type { RuleMeta } from "../model/rule-meta.js";
import { renderReport } from "../report/render.js";
import { systemClock, type Clock } from "../util/clock.js";
import { escapeForTerminal, escapeJsonForTerminal } from "../util/escape.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { checkOutputs } from "./preflight.js";
import { stableStringify } from "../util/stable-json.js";
import { toolVersion } from "../version.js";
import { loadFrameworks } from "../engine/frameworks.js";
import { ruleMetas } from "../pipeline/report-input.js";

/** Options of `tollgate export` (file formats). */
export interface ExportFileOptions {
  from: string;
  format: "ocsf" | "asff";
  out?: string;
  /** Extra rule pack folders (`--rule-pack`). */
  rulePack?: string[];
  homeRegion?: string;
  onlyFailed?: boolean;
  quiet?: boolean;
}

/** Options of the Security Hub export, shared by `export securityhub` and `scan --securityhub`. */
export interface SecurityHubOptions {
  dryRun?: boolean;
  onlyFailed?: boolean;
  /** False with `--no-archive`. */
  archive?: boolean;
  homeRegion?: string;
  /** Role to assume in accounts other than the caller's (`--role-name`), with its `--external-id`. */
  roleName?: string;
  externalId?: string;
  profile?: string;
  /** The run's AWS configuration, when a scan already read it (else read here, with `profile`). */
  aws?: AwsConfig;
  maxAttempts?: number;
  /** Per-call timeouts in milliseconds (defaults: DEFAULT_CALL_TIMEOUTS). */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** Options of `tollgate export securityhub`. */
export interface ExportSecurityHubOptions extends SecurityHubOptions {
  from: string;
  out?: string;
  /** Extra rule pack folders (`--rule-pack`). */
  rulePack?: string[];
  quiet?: boolean;
}

/** The rules' metadata, with compliance references from the built-in frameworks (each read once per export). */
function metasFor(extraRuleDirs: string[] | undefined): RuleMeta[] {
  return ruleMetas(loadRules([...builtInRuleDirs(), ...(extraRuleDirs ?? [])]), { frameworks: loadFrameworks() });
}

/** Region for findings of global services (see `findingsHomeRegion`); `configured` defaults to the environment's. */
function homeRegionOf(input: ExportInput, explicit: string | undefined, configured?: string): string {
  return findingsHomeRegion({
    flag: explicit,
    scope: input.metadata.regions,
    configured: configured ?? process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"],
  });
}

/** `tollgate export --from findings.json --format ocsf|asff`: writes the converted findings (stdout or --out FILE). */
export async function exportFileCommand(opts: ExportFileOptions, clock: Clock = systemClock): Promise<number> {
  // Checked before the (possibly large) findings file is read.
  await checkOutputs([opts.out ? { path: opts.out, kind: "file", flag: "--out" } : undefined]);
  const input = await loadExportInput(opts.from);
  const rules = metasFor(opts.rulePack);
  const { text } = renderReport(
    opts.format,
    { ...input, rules },
    {
      asff: {
        homeRegion: homeRegionOf(input, opts.homeRegion),
        onlyFailed: opts.onlyFailed ?? false,
        updatedAt: clock().toISOString(),
      },
    },
  );
  if (opts.out) {
    await writeFileAtomic(opts.out, text);
    stderrLogger({ quiet: opts.quiet }).info(`Wrote ${opts.out}`);
  } else process.stdout.write(escapeJsonForTerminal(text));
  return 0;
}

/** What a Security Hub export sends (findings and their rules' metadata), with the run's logger and clock. */
export interface ExportJob {
  input: ExportInput;
  rules: RuleMeta[];
  log: Logger;
  clock: Clock;
}

/** A Security Hub export's options, with the folder a dry run writes asff.json into. */
export type SecurityHubRunOptions = SecurityHubOptions & { outDir: string };

/** Writes `asff.json` into `outDir`: the exact BatchImportFindings requests an import would send (archiving not included). */
export async function writeDryRun({ input, rules, clock }: Omit<ExportJob, "log">, opts: SecurityHubRunOptions): Promise<string> {
  const groups = planImport(input, rules, {
    homeRegion: homeRegionOf(input, opts.homeRegion),
    onlyFailed: opts.onlyFailed ?? false,
    updatedAt: clock().toISOString(),
  });
  const batches = groups.flatMap((g) =>
    toBatches(g.findings).map((b) => ({ account: g.account, region: g.region, request: { Findings: b } })),
  );
  const path = join(opts.outDir, "asff.json");
  await writeFileAtomic(path, stableStringify({ kind: "tollgate-asff-batches", formatVersion: 1, batches }) + "\n");
  return path;
}

/** Runs a Security Hub export of the job's findings; returns 0, or EXPORT_FAILED_EXIT when anything was refused or failed. */
export async function runSecurityHubExport(job: ExportJob, opts: SecurityHubRunOptions): Promise<number> {
  const { input, rules, log, clock } = job;
  if (opts.dryRun) {
    const path = await writeDryRun(job, opts);
    log.info(`Dry run: wrote ${path} (nothing imported; archiving needs the hub and is not part of a dry run)`);
    return 0;
  }
  const aws =
    opts.aws ??
    (await loadAwsConfig({ ...(opts.profile ? { profile: opts.profile } : {}), logger: log, timeouts: callTimeouts(opts) }));
  const homeRegion = homeRegionOf(input, opts.homeRegion, aws.region?.value);
  const settings: AwsClientSettings = {
    credentials: aws.credentials,
    endpoints: endpointUrls(aws),
    maxAttempts: opts.maxAttempts ?? 8,
    userAgent: `tollgate/${toolVersion()}`,
    timeouts: callTimeouts(opts),
  };
  const caller = await withCredentialAdvice(aws, callerIdentity(settings, homeRegion));
  const result = await exportToSecurityHub({
    input,
    rules,
    settings,
    credentialsFor: credentialsResolver({
      settings,
      callerAccount: caller.account,
      partition: caller.partition,
      region: homeRegion,
      role: opts.roleName ? { roleName: opts.roleName, ...(opts.externalId ? { externalId: opts.externalId } : {}) } : undefined,
      clock,
    }),
    homeRegion,
    onlyFailed: opts.onlyFailed ?? false,
    archive: opts.archive ?? true,
    clock,
    logger: log,
  });
  return reportResult(result, log);
}

function reportResult(r: ExportResult, log: Logger): number {
  const unsent = r.callErrors.reduce((n, e) => n + (e.skippedFindings ?? 0), 0);
  log.info(
    `Security Hub: ${r.imported} imported, ${r.archived} archived, ${r.kept} kept active (scope not re-checked), ${r.failed.length} failed` +
      (unsent ? `, ${unsent} not sent (refused)` : ""),
  );
  for (const f of r.failed.slice(0, 50))
    process.stderr.write(
      `error: ${escapeForTerminal(`Security Hub refused ${f.id} in ${f.account}/${f.region}: ${f.errorCode}: ${f.errorMessage}`)}\n`,
    );
  if (r.failed.length > 50) process.stderr.write(`error: … and ${r.failed.length - 50} more refused findings\n`);
  for (const e of r.callErrors) process.stderr.write(`error: ${escapeForTerminal(describeCallError(e))}\n`);
  return r.failed.length || r.callErrors.length ? EXPORT_FAILED_EXIT : 0;
}

/** `tollgate export securityhub --from findings.json`. */
export async function exportSecurityHubCommand(opts: ExportSecurityHubOptions, clock: Clock = systemClock): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  const outDir = opts.out ?? dirname(opts.from);
  await checkOutputs([
    opts.dryRun ? { path: outDir, kind: "dir", flag: opts.out ? "--out" : "--dry-run (the folder of --from)" } : undefined,
  ]);
  const input = await loadExportInput(opts.from);
  const rules = metasFor(opts.rulePack);
  return runSecurityHubExport({ input, rules, log, clock }, { ...opts, outDir });
}
