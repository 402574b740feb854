import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { AwsClientSettings } from "../aws/clients.js";
import { assumedRoleCredentials, getCallerIdentity, roleArnIn, sessionName } from "../aws/identity.js";
import { InputError } from "../errors.js";
import type { Clock } from "../util/clock.js";

// Which credentials import into which account: the caller's own, or a role assumed in the others, each checked to be
// the account it imports into before anything is sent.

/** Credentials for one account's Security Hub. */
export type Credentials = AwsCredentialIdentityProvider | AwsCredentialIdentity;
/** Resolves the credentials to import into `account` with; throws InputError when there are none. */
export type CredentialsFor = (account: string) => Credentials;

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

/** What verifyAccounts needs: the caller's client settings, how to get each account's credentials, the STS Region. */
export interface AccountCheck {
  settings: AwsClientSettings;
  credentialsFor: CredentialsFor;
  homeRegion: string;
}

/** Checks with sts:GetCallerIdentity that each credential set really is the account it imports into. */
export async function verifyAccounts(accounts: string[], opts: AccountCheck): Promise<Map<string, Credentials>> {
  const out = new Map<string, Credentials>();
  for (const account of accounts) {
    const credentials = opts.credentialsFor(account);
    let id;
    try {
      id = await getCallerIdentity({ ...opts.settings, credentials }, opts.homeRegion);
    } catch (e) {
      throw new InputError(
        `cannot verify the credentials for account ${account} with sts:GetCallerIdentity: ${(e as { name?: string }).name ?? "Error"}: ${(e as Error).message}`,
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
