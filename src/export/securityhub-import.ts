import { BatchImportFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { AwsClientSettings } from "../aws/clients.js";
import { awsClient } from "../collect/clients.js";
import type { Logger } from "../util/logger.js";
import { toBatches, TokenBucket } from "./batches.js";
import type { ImportGroup } from "./import-plan.js";
import type { Credentials } from "./securityhub-accounts.js";

// Importing into Security Hub: batches at a bounded rate per account and Region, FailedFindings retried with backoff,
// and an account or Region that refuses the caller left alone from then on (one error, what was not sent counted).

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

export function errName(e: unknown): string {
  return (e as { name?: string }).name ?? "Error";
}

/** How imports are paced and retried. */
export interface ImportPacing {
  logger: Logger;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Attempts per finding that Security Hub puts in FailedFindings (default 4), and the first backoff (ms). */
  findingAttempts?: number | undefined;
  retryBaseMs?: number | undefined;
  /** BatchImportFindings requests per second per account and Region (default 10; AWS allows 10, burst 30). */
  importRate?: number | undefined;
}

/** What a HubSession works with: the client settings, each verified account's credentials, and the pacing. */
export interface HubSessionOptions extends ImportPacing {
  /** Client settings (credentials are replaced per account). */
  settings: AwsClientSettings;
  /** The verified credentials of every account the export touches. */
  credentials: Map<string, Credentials>;
}

/** What importUnlessRefused did with one group. */
interface GroupImport {
  imported: number;
  failed: FailedFinding[];
  /** Findings not sent because the account or Region refused the caller (before or during this group). */
  skipped: number;
}

/**
 * The calls of one export: a client and rate limits per account and Region (as the quotas are: BatchImportFindings
 * 10/s, GetFindings 3/s), the refusals met so far, and the result. `close` destroys the clients.
 */
export class HubSession {
  readonly result: ExportResult = { imported: 0, archived: 0, kept: 0, failed: [], callErrors: [] };
  /** Accounts (key: id) and Regions (key: `id|region`) that refused the caller: nothing more is sent there. */
  private readonly stopped = new Map<string, ExportCallError>();
  private readonly clients = new Map<string, { client: SecurityHubClient; imports: TokenBucket; reads: TokenBucket }>();

  constructor(readonly opts: HubSessionOptions) {}

  /** The refusal that stopped sending to this account or Region, if any. */
  stopOf(account: string, region: string): ExportCallError | undefined {
    return this.stopped.get(account) ?? this.stopped.get(`${account}|${region}`);
  }

  /** Records a refusal of the whole account or Region (one entry, one line); false for any other error. */
  refuse(e: unknown, where: { account: string; region: string; operation: string }): boolean {
    const error = e instanceof ScopeRefused ? e.error : e;
    const scope = e instanceof ScopeRefused ? e.scope : refusalScope(e);
    if (!scope) return false;
    const entry: ExportCallError = {
      ...where,
      errorName: errName(error),
      message: (error as Error).message,
      stopped: scope,
      skippedFindings: 0,
    };
    this.stopped.set(scope === "account" ? where.account : `${where.account}|${where.region}`, entry);
    this.result.callErrors.push(entry);
    return true;
  }

  /** The client of an account and Region, with its import and read rate limits. */
  clientFor(account: string, region: string): { client: SecurityHubClient; imports: TokenBucket; reads: TokenBucket } {
    const key = `${account}|${region}`;
    let c = this.clients.get(key);
    if (!c) {
      const settings = { ...this.opts.settings, credentials: this.opts.credentials.get(account)! };
      const rate = this.opts.importRate ?? 10;
      c = {
        client: awsClient(SecurityHubClient, settings, region, "securityhub"),
        imports: new TokenBucket(rate, rate),
        reads: new TokenBucket(3, 3),
      };
      this.clients.set(key, c);
    }
    return c;
  }

  /** Imports a group unless its account or Region refused the caller (then, or on this very group). */
  async importUnlessRefused(g: ImportGroup): Promise<GroupImport> {
    if (this.stopOf(g.account, g.region)) return { imported: 0, failed: [], skipped: g.findings.length };
    const { client, imports } = this.clientFor(g.account, g.region);
    try {
      return { ...(await importFindings(client, imports, g, this.opts)), skipped: 0 };
    } catch (e) {
      if (
        !(e instanceof ScopeRefused) ||
        !this.refuse(e, { account: g.account, region: g.region, operation: "BatchImportFindings" })
      )
        throw e;
      return { imported: e.imported, failed: [], skipped: g.findings.length - e.imported };
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.client.destroy();
  }
}

/** The import step: every group of the plan, in order; what a refusal left unsent is counted on its error. */
export async function importAll(session: HubSession, groups: readonly ImportGroup[]): Promise<void> {
  const { result } = session;
  for (const g of groups) {
    const r = await session.importUnlessRefused(g);
    result.imported += r.imported;
    if (r.skipped) {
      session.stopOf(g.account, g.region)!.skippedFindings! += r.skipped;
      continue;
    }
    result.failed.push(...r.failed);
    session.opts.logger.info(`Security Hub ${g.account}/${g.region}: imported ${r.imported} of ${g.findings.length} finding(s)`);
  }
}

/** Imports findings in batches at a bounded rate; retries FailedFindings with backoff; returns what still failed. */
async function importFindings(
  client: SecurityHubClient,
  bucket: TokenBucket,
  group: ImportGroup,
  opts: ImportPacing,
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
