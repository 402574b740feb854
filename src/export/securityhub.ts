import type { AwsClientSettings } from "../aws/clients.js";
import type { RuleMeta } from "../model/rule-meta.js";
import type { Clock } from "../util/clock.js";
import type { ExportInput } from "./findings-file.js";
import { archiveTargets, planImport, type PlanOptions } from "./import-plan.js";
import { archiveResolved } from "./securityhub-archive.js";
import { verifyAccounts, type CredentialsFor } from "./securityhub-accounts.js";
import { HubSession, importAll, type ExportResult, type ImportPacing } from "./securityhub-import.js";

// The Security Hub export, in named steps: plan (pure: ./import-plan.ts) → verify the accounts
// (./securityhub-accounts.ts) → import (./securityhub-import.ts) → archive what this run resolved
// (./securityhub-archive.ts). The pure plan lives apart so the reporters (--formats asff) do not load the client.
export { archiveTargets, planImport, type ImportGroup, type PlanOptions } from "./import-plan.js";
export { credentialsResolver, type Credentials, type CredentialsFor, type ExportRole } from "./securityhub-accounts.js";
export {
  describeCallError,
  EXPORT_FAILED_EXIT,
  type ExportCallError,
  type ExportResult,
  type FailedFinding,
} from "./securityhub-import.js";

/** Options of `exportToSecurityHub`. */
export interface SecurityHubExportOptions extends Omit<PlanOptions, "updatedAt">, ImportPacing {
  input: ExportInput;
  rules: RuleMeta[];
  /** Client settings (credentials are replaced per account by `credentialsFor`). */
  settings: AwsClientSettings;
  credentialsFor: CredentialsFor;
  /** Archive earlier findings that are resolved (default true). */
  archive: boolean;
  clock: Clock;
}

/** Exports a run's findings to each account's own Security Hub, then archives resolved ones within complete scopes. */
export async function exportToSecurityHub(opts: SecurityHubExportOptions): Promise<ExportResult> {
  const updatedAt = opts.clock().toISOString();
  const groups = planImport(opts.input, opts.rules, { ...opts, updatedAt });
  const targets = opts.archive ? archiveTargets(opts.input, opts.homeRegion) : [];
  const accounts = [...new Set([...groups.map((g) => g.account), ...targets.map((t) => t.account)])].sort();
  // Every account is verified before anything is imported: a mismatch must not leave a half-done export.
  const credentials = await verifyAccounts(accounts, opts);
  const session = new HubSession({ ...opts, credentials });
  try {
    await importAll(session, groups);
    await archiveResolved(session, { input: opts.input, rules: opts.rules, groups, targets, updatedAt });
  } finally {
    session.close();
  }
  return session.result;
}
