import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type GetFindingsCommandOutput,
} from "@aws-sdk/client-securityhub";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { AwsClientSettings } from "../aws/clients.js";
import { assumedRoleCredentials, getCallerIdentity, roleArnIn, sessionName } from "../aws/identity.js";
import { awsClient } from "../collect/clients.js";
import { tokenLoop } from "../collect/paging.js";
import { InputError } from "../errors.js";
import type { RuleMeta } from "../model/rule-meta.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { skipReason } from "../report/common.js";
import { archivedCopy, asffId, ASFF_ID_PREFIX, parseAsffId, productArn, type AsffFinding } from "./asff.js";
import { toBatches, TokenBucket } from "./batches.js";
import { archiveTargets, planImport, type ImportGroup, type PlanOptions } from "./import-plan.js";
import type { ExportInput } from "./findings-file.js";
import { planArchive } from "./scope.js";

// The pure plan lives in import-plan.ts so the reporters (--formats asff) do not load the Security Hub client.
export { archiveTargets, planImport, type ImportGroup, type PlanOptions } from "./import-plan.js";

/** Credentials for one account's Security Hub. */
export type Credentials = AwsCredentialIdentityProvider | AwsCredentialIdentity;
/** Resolves the credentials to import into `account` with; throws InputError when there are none. */
export type CredentialsFor = (account: string) => Credentials;

/** Exit code of an export that Security Hub did not fully accept (documented in the README). */
export const EXPORT_FAILED_EXIT = 5;

/** A finding Security Hub still refused after the retries. */
export interface FailedFinding {
  id: string;
  account: string;
  region: string;
  errorCode: string;
  errorMessage: string;
}

/** What an export did. */
export interface ExportResult {
  imported: number;
  archived: number;
  /** Absent findings kept ACTIVE because their scope was not re-checked completely. */
  kept: number;
  failed: FailedFinding[];
  /** Calls that failed outright (after the SDK's retries). */
  callErrors: ExportCallError[];
}

/** A Security Hub call that failed outright (after the SDK's retries). */
export interface ExportCallError {
  account: string;
  region: string;
  operation: string;
  errorName: string;
  message: string;
  /**
   * Set when the error refuses the caller in the whole account (access denied, credentials that do not work) or
   * Region (Security Hub not enabled there): nothing more was sent there, and `skippedFindings` were not imported.
   */
  stopped?: "account" | "region";
  skippedFindings?: number;
}

// Errors every further call in the same account would meet too: the caller lacks the permission, or its credentials
// do not work. A denial by a Region-scoped SCP looks the same; the one line names the Region it came from.
const ACCOUNT_REFUSALS = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "CredentialsProviderError",
]);
// Security Hub is not enabled (the account is not subscribed) in this Region.
const REGION_REFUSALS = new Set(["InvalidAccessException"]);

/** A refusal of the whole account or Region, thrown out of the batch loop so nothing more is tried there. */
class ScopeRefused extends Error {
  constructor(
    readonly error: unknown,
    readonly scope: "account" | "region",
    /** Findings of the group imported before the refusal. */
    readonly imported: number,
  ) {
    super((error as Error).message);
  }
}

/** One line for a failed call; for a refusal, what was left unsent because of it. */
export function describeCallError(e: ExportCallError): string {
  const error = `${e.errorName}: ${e.message}`;
  if (!e.stopped) return `Security Hub call failed: ${e.account}/${e.region} ${e.operation}: ${error}`;
  const where = e.stopped === "account" ? `account ${e.account}` : `${e.account}/${e.region}`;
  return (
    `Security Hub refused the caller in ${where} (${e.operation} in ${e.region}): ${error}. Nothing more was sent ` +
    `there: ${e.skippedFindings ?? 0} finding(s) not imported, nothing archived`
  );
}

function refusalScope(e: unknown): "account" | "region" | undefined {
  const name = errName(e);
  if (ACCOUNT_REFUSALS.has(name)) return "account";
  if (REGION_REFUSALS.has(name)) return "region";
  return undefined;
}

/** Options of `exportToSecurityHub`. */
export interface SecurityHubExportOptions extends Omit<PlanOptions, "updatedAt"> {
  input: ExportInput;
  rules: RuleMeta[];
  /** Client settings (credentials are replaced per account by `credentialsFor`). */
  settings: AwsClientSettings;
  credentialsFor: CredentialsFor;
  /** Archive earlier findings that are resolved (default true). */
  archive: boolean;
  clock: Clock;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per finding that Security Hub puts in FailedFindings (default 4), and the first backoff (ms). */
  findingAttempts?: number;
  retryBaseMs?: number;
  /** BatchImportFindings requests per second per account and Region (default 10; AWS allows 10, burst 30). */
  importRate?: number;
}

/** The role an export assumes in accounts other than the caller's (`--role-name`, `--external-id`). */
export interface ExportRole {
  roleName: string;
  externalId?: string;
}

/**
 * Credentials per account: the caller's own for its account; for any other account an assumed role (see
 * src/aws/identity.ts) when a role is given, else a clear refusal (Security Hub only accepts findings from the
 * account they are about).
 */
export function credentialsResolver(opts: {
  /** The caller's client settings: its credentials, the configured STS endpoint, timeouts, retries. */
  settings: AwsClientSettings;
  callerAccount: string;
  partition: string;
  /** Region of the role's STS calls. */
  region: string;
  role?: ExportRole | undefined;
  clock: Clock;
}): CredentialsFor {
  const cache = new Map<string, Credentials>();
  const session = sessionName("securityhub", opts.clock);
  return (account) => {
    if (account === opts.callerAccount) return opts.settings.credentials;
    const role = opts.role;
    if (!role)
      throw new InputError(
        `the findings include account ${account}, but the credentials are for account ${opts.callerAccount}; Security Hub ` +
          `only accepts findings imported by their own account. Pass --role-name ROLE to assume ${roleArnIn(opts.partition, account, "ROLE")}, or export that account with its own credentials`,
      );
    let c = cache.get(account);
    if (!c) {
      c = assumedRoleCredentials(opts.settings, account, {
        roleName: role.roleName,
        ...(role.externalId ? { externalId: role.externalId } : {}),
        sessionName: session,
        region: opts.region,
        partition: opts.partition,
        clock: opts.clock,
      });
      cache.set(account, c);
    }
    return c;
  };
}

function errName(e: unknown): string {
  return (e as { name?: string }).name ?? "Error";
}

/** Checks with sts:GetCallerIdentity that each credential set really is the account it imports into. */
async function verifyAccounts(accounts: string[], opts: SecurityHubExportOptions): Promise<Map<string, Credentials>> {
  const out = new Map<string, Credentials>();
  for (const account of accounts) {
    const credentials = opts.credentialsFor(account);
    let id;
    try {
      id = await getCallerIdentity({ ...opts.settings, credentials }, opts.homeRegion);
    } catch (e) {
      throw new InputError(
        `cannot verify the credentials for account ${account} with sts:GetCallerIdentity: ${errName(e)}: ${(e as Error).message}`,
      );
    }
    if (id.account !== account)
      throw new InputError(
        `the credentials for account ${account} belong to account ${id.account || "unknown"} (${id.arn || "?"}); refusing to import: Security Hub would reject every finding`,
      );
    out.set(account, credentials);
  }
  return out;
}

/** Imports findings in batches at a bounded rate; retries FailedFindings with backoff; returns what still failed. */
async function importFindings(
  client: SecurityHubClient,
  bucket: TokenBucket,
  group: ImportGroup,
  opts: SecurityHubExportOptions,
): Promise<{ imported: number; failed: FailedFinding[] }> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = opts.findingAttempts ?? 4;
  const base = opts.retryBaseMs ?? 500;
  let pending = group.findings;
  let imported = 0;
  let failures = new Map<string, { code: string; message: string }>();
  for (let attempt = 1; attempt <= attempts && pending.length; attempt++) {
    if (attempt > 1) await sleep(base * 2 ** (attempt - 2));
    failures = new Map();
    for (const batch of toBatches(pending)) {
      await bucket.take();
      // Throttling (LimitExceededException, TooManyRequestsException, 429) is retried by the SDK with backoff;
      // anything still failing here fails the whole batch, which is recorded per finding.
      try {
        const res = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
        imported += res.SuccessCount ?? 0;
        for (const f of res.FailedFindings ?? [])
          failures.set(f.Id ?? "?", { code: f.ErrorCode ?? "Unknown", message: f.ErrorMessage ?? "" });
      } catch (e) {
        // A refusal of the whole account or Region: no retry, no further batch (one attempt, one line).
        const scope = refusalScope(e);
        if (scope) throw new ScopeRefused(e, scope, imported);
        for (const f of batch) failures.set(f.Id ?? "?", { code: errName(e), message: (e as Error).message });
      }
    }
    pending = pending.filter((f) => failures.has(f.Id ?? "?"));
    if (pending.length && attempt < attempts)
      opts.logger.info(
        `Security Hub ${group.account}/${group.region}: ${pending.length} finding(s) failed; retrying (attempt ${attempt + 1}/${attempts})`,
      );
  }
  return {
    imported,
    failed: [...failures].map(([id, f]) => ({
      id,
      account: group.account,
      region: group.region,
      errorCode: f.code,
      errorMessage: f.message,
    })),
  };
}

/** Reads the ACTIVE findings Tollgate imported earlier into one account and Region (all pages). */
async function activeTollgateFindings(
  client: SecurityHubClient,
  bucket: TokenBucket,
  { account, region }: { account: string; region: string },
  product: string,
) {
  return tokenLoop(
    { service: "securityhub", operation: "GetFindings" },
    async (token): Promise<GetFindingsCommandOutput> => {
      await bucket.take();
      return client.send(
        new GetFindingsCommand({
          Filters: {
            ProductArn: [{ Value: product, Comparison: "EQUALS" }],
            // Our Id prefix, not the GeneratorId: other custom tools share the account's default product.
            Id: [{ Value: ASFF_ID_PREFIX, Comparison: "PREFIX" }],
            RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
            AwsAccountId: [{ Value: account, Comparison: "EQUALS" }],
            Region: [{ Value: region, Comparison: "EQUALS" }],
          },
          MaxResults: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      );
    },
    (p) => p.Findings,
  );
}

/** Exports a run's findings to each account's own Security Hub, then archives resolved ones within complete scopes. */
export async function exportToSecurityHub(opts: SecurityHubExportOptions): Promise<ExportResult> {
  const updatedAt = opts.clock().toISOString();
  const groups = planImport(opts.input, opts.rules, { ...opts, updatedAt });
  const targets = opts.archive ? archiveTargets(opts.input, opts.homeRegion) : [];
  const accounts = [...new Set([...groups.map((g) => g.account), ...targets.map((t) => t.account)])].sort();
  // Every account is verified before anything is imported: a mismatch must not leave a half-done export.
  const creds = await verifyAccounts(accounts, opts);
  const result: ExportResult = { imported: 0, archived: 0, kept: 0, failed: [], callErrors: [] };
  /** Accounts (key: id) and Regions (key: `id|region`) that refused the caller: nothing more is sent there. */
  const stopped = new Map<string, ExportCallError>();
  const stopOf = (account: string, region: string) => stopped.get(account) ?? stopped.get(`${account}|${region}`);
  /** Records a refusal of the whole account or Region (one entry, one line); false for any other error. */
  const refuse = (e: unknown, account: string, region: string, operation: string): boolean => {
    const error = e instanceof ScopeRefused ? e.error : e;
    const scope = e instanceof ScopeRefused ? e.scope : refusalScope(e);
    if (!scope) return false;
    const entry: ExportCallError = {
      account,
      region,
      operation,
      errorName: errName(error),
      message: (error as Error).message,
      stopped: scope,
      skippedFindings: 0,
    };
    stopped.set(scope === "account" ? account : `${account}|${region}`, entry);
    result.callErrors.push(entry);
    return true;
  };
  const clients = new Map<string, SecurityHubClient>();
  const buckets = new Map<string, { imports: TokenBucket; reads: TokenBucket }>();
  const clientFor = (account: string, region: string) => {
    const key = `${account}|${region}`;
    let c = clients.get(key);
    if (!c) {
      c = awsClient(SecurityHubClient, { ...opts.settings, credentials: creds.get(account)! }, region, "securityhub");
      clients.set(key, c);
      // Per account and Region, as the quotas are: BatchImportFindings 10/s, GetFindings 3/s.
      buckets.set(key, { imports: new TokenBucket(opts.importRate ?? 10, opts.importRate ?? 10), reads: new TokenBucket(3, 3) });
    }
    return { client: c, ...buckets.get(key)! };
  };
  try {
    /** Imports a group unless its account or Region refused the caller (then, or on this very group). */
    const importUnlessRefused = async (g: ImportGroup, operation: string) => {
      const stop = stopOf(g.account, g.region);
      if (stop) return { imported: 0, failed: [], skipped: g.findings.length };
      const { client, imports } = clientFor(g.account, g.region);
      try {
        return { ...(await importFindings(client, imports, g, opts)), skipped: 0 };
      } catch (e) {
        if (!(e instanceof ScopeRefused) || !refuse(e, g.account, g.region, operation)) throw e;
        return { imported: e.imported, failed: [], skipped: g.findings.length - e.imported };
      }
    };
    for (const g of groups) {
      const r = await importUnlessRefused(g, "BatchImportFindings");
      if (r.skipped) {
        stopOf(g.account, g.region)!.skippedFindings! += r.skipped;
        result.imported += r.imported;
        continue;
      }
      result.imported += r.imported;
      result.failed.push(...r.failed);
      opts.logger.info(`Security Hub ${g.account}/${g.region}: imported ${r.imported} of ${g.findings.length} finding(s)`);
    }
    const currentIds = new Set(groups.flatMap((g) => g.findings.map((f) => f.Id ?? "")));
    // A check skipped this run says nothing about what an earlier run found there: keep it, never archive it.
    const notRechecked = new Map(
      opts.input.findings.filter((f) => f.status === "skipped").map((f) => [asffId(f), `not checked this run: ${skipReason(f)}`]),
    );
    const ruleTypes = new Map(opts.rules.map((r) => [r.id, r.resourceType]));
    for (const t of targets) {
      if (stopOf(t.account, t.region)) continue;
      const { client, reads } = clientFor(t.account, t.region);
      const product = productArn(opts.input.metadata.partition, t.region, t.account);
      let existing: AsffFinding[];
      try {
        existing = await activeTollgateFindings(client, reads, t, product);
      } catch (e) {
        if (refuse(e, t.account, t.region, "GetFindings")) continue;
        // Without the list nothing can be archived safely; say so and fail the export rather than claim success.
        result.callErrors.push({
          account: t.account,
          region: t.region,
          operation: "GetFindings",
          errorName: errName(e),
          message: (e as Error).message,
        });
        continue;
      }
      const plan = planArchive(
        { ...opts.input, ruleResourceTypes: ruleTypes },
        existing.map((f) => ({ id: f.Id ?? "", scope: parseAsffId(f.Id ?? "") })),
        currentIds,
        notRechecked,
      );
      result.kept += plan.kept.length;
      for (const k of plan.kept.slice(0, 5))
        opts.logger.info(`Security Hub ${t.account}/${t.region}: kept ${k.id} ACTIVE: ${k.reason}`);
      if (!plan.archive.length) continue;
      const toArchive = new Set(plan.archive);
      const archived = existing
        .filter((f) => toArchive.has(f.Id ?? ""))
        .map((f) => {
          // UpdatedAt must be later than the stored one or Security Hub ignores the update.
          const stored = Date.parse(f.UpdatedAt ?? "") || 0;
          const at = new Date(Math.max(Date.parse(updatedAt), stored + 1000)).toISOString();
          return archivedCopy(f, at);
        });
      const r = await importUnlessRefused({ account: t.account, region: t.region, findings: archived }, "BatchImportFindings");
      result.archived += r.imported;
      if (r.skipped) continue;
      result.failed.push(...r.failed);
      opts.logger.info(`Security Hub ${t.account}/${t.region}: archived ${r.imported} resolved finding(s)`);
    }
  } finally {
    for (const c of clients.values()) c.destroy();
  }
  return result;
}
