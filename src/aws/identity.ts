// Who Tollgate acts as, in one place: the caller's identity, roles assumed in other accounts (external id, session
// name, duration, STS region, credentials shared and refreshed before they expire), the home region of a run, and
// the credentials that sign probes. Scan, probe and the Security Hub export all go through here, so a setting such as
// `--external-id` cannot be honoured by one of them and forgotten by another.
import type * as StsSdk from "@aws-sdk/client-sts";
import type * as CredentialProviders from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { awsClient } from "../collect/clients.js";
import type { InstrumentableClient } from "../collect/context.js";
import type { StackPlugin } from "../collect/rate-limit.js";
import { responseCheckPlugin } from "../collect/response-check.js";
import type { CollectionError } from "../model/inventory.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import type { SigningCredentialSource } from "../probe/sign.js";
import { isAwsCallFailure, toCollectionError } from "./call-error.js";
import { clientConfig, partitionOfRegion, type AwsClientSettings } from "./clients.js";
import { callerIdentityError } from "./credential-errors.js";
import { requireSdk } from "./sdk-require.js";

// Required, not imported: see requireSdk.
const { GetCallerIdentityCommand, STSClient } = requireSdk("@aws-sdk/client-sts") as typeof StsSdk;
const { fromTemporaryCredentials } = requireSdk("@aws-sdk/credential-providers") as typeof CredentialProviders;

/** Who the caller is, as sts:GetCallerIdentity says. */
export interface CallerIdentity {
  account: string;
  arn: string;
  partition: string;
}

/** Credentials as a provider returns them (with the expiry of temporary ones). */
type TimedCredentials = AwsCredentialIdentity & { expiration?: Date };

/** Refresh assumed-role credentials this long before they expire, so no call is signed with a dying session. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One credential provider shared by every client of an account. The SDK memoizes a provider per client only, and
 * every collector builds its own clients, so without this each client would call AssumeRole again (1,300 AssumeRole
 * calls for a 50-account organisation instead of 49, throttled by STS). A set within REFRESH_MARGIN_MS of its expiry
 * (by the run's clock) is refreshed; concurrent callers share one refresh; a failed refresh is not cached.
 */
export function shareCredentials(provider: () => Promise<TimedCredentials>, clock: Clock): () => Promise<TimedCredentials> {
  let current: Promise<TimedCredentials> | undefined;
  return () => {
    const seen = current;
    if (!seen) return refresh();
    return seen.then((c) => {
      if (!c.expiration || c.expiration.getTime() - clock().getTime() >= REFRESH_MARGIN_MS) return c;
      // Only the first caller to see the old set replaces it.
      return current === seen ? refresh() : current!;
    });
  };
  function refresh(): Promise<TimedCredentials> {
    const p = provider();
    current = p;
    p.catch(() => {
      if (current === p) current = undefined;
    });
    return p;
  }
}

/** sts:GetCallerIdentity with `settings`; the SDK's error as thrown (see `callerIdentity` for the explained one). */
export async function getCallerIdentity(
  settings: AwsClientSettings,
  region: string,
  plugin?: StackPlugin,
): Promise<CallerIdentity> {
  const sts = awsClient(STSClient, settings, region, "sts");
  if (plugin) plugin.applyToStack(sts.middlewareStack as unknown as InstrumentableClient["middlewareStack"]);
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    const arn = id.Arn ?? "";
    return { account: id.Account ?? "", arn, partition: arn.split(":")[1] ?? partitionOfRegion(region) };
  } finally {
    sts.destroy();
  }
}

/**
 * Identifies the caller, resolving the credentials on the way: a CallerIdentityError (exit 2 for credentials that do
 * not work, 3 when STS could not answer) that the CLI explains with the run's AWS configuration.
 */
export async function callerIdentity(settings: AwsClientSettings, region: string): Promise<CallerIdentity> {
  try {
    return await getCallerIdentity(settings, region);
  } catch (e) {
    throw callerIdentityError(e, region);
  }
}

/** The ARN of role `roleName` in `account`. */
export function roleArnIn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/** How Tollgate assumes a role in another account (scan, Security Hub export). */
export interface RoleOptions {
  roleName: string;
  /** `sts:ExternalId`, when the role's trust policy requires one (`--external-id`). */
  externalId?: string;
  /** Session name, visible in the member account's CloudTrail (see `sessionName`). */
  sessionName: string;
  /** Session length in seconds (STS's default, one hour, when absent); credentials are refreshed before the end. */
  durationSeconds?: number;
  /** Region of the STS calls (the run's home region). */
  region: string;
  partition: string;
  /** Decides when shared credentials are near their expiry. */
  clock: Clock;
  /**
   * Client-side rate limits for the two STS calls: AssumeRole counts against the caller's account, the check
   * that follows against the member account's.
   */
  rateLimit?: { caller: StackPlugin; member: StackPlugin };
}

/** A session name for `purpose` (`scan`, `securityhub`): Tollgate's name and the run's start, ≤ 64 characters. */
export function sessionName(purpose: string, clock: Clock): string {
  return `tollgate-${purpose}-${Math.floor(clock().getTime() / 1000)}`.slice(0, 64);
}

/**
 * Credentials of `roleName` in `account`, assumed with `base`'s credentials and client settings (endpoint, timeouts,
 * retries, user agent), AssumeRole's answers checked like every other call's, shared by every client that uses them
 * and refreshed before they expire. Lazy: nothing is called until a client needs them.
 */
export function assumedRoleCredentials(
  base: AwsClientSettings,
  account: string,
  role: RoleOptions,
): AwsCredentialIdentityProvider {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: roleArnIn(role.partition, account, role.roleName),
      RoleSessionName: role.sessionName,
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
      ...(role.durationSeconds ? { DurationSeconds: role.durationSeconds } : {}),
    },
    masterCredentials: base.credentials,
    // The same client settings as every other client (the master credentials take precedence over its own).
    clientConfig: clientConfig(base, role.region, "sts"),
    clientPlugins: [responseCheckPlugin("sts"), ...(role.rateLimit ? [role.rateLimit.caller] : [])] as never[],
  });
  return shareCredentials(provider, role.clock);
}

/** Settings for working in one account. */
export interface AccountAccess {
  account: string;
  settings: AwsClientSettings;
  /** ARN the run acts as in this account. */
  callerArn: string;
}

/**
 * Access to `account` by assuming the role there, checked at once with GetCallerIdentity (which must name `account`),
 * so a role that cannot be assumed is an error for the whole account (`service: "*"`), never a half-scanned account.
 */
export async function assumeRoleIn(
  base: AwsClientSettings,
  account: string,
  role: RoleOptions,
): Promise<AccountAccess | { error: CollectionError }> {
  const roleArn = roleArnIn(role.partition, account, role.roleName);
  const settings: AwsClientSettings = { ...base, credentials: assumedRoleCredentials(base, account, role) };
  const where = { account, region: "global", service: "*", operation: "AssumeRole" };
  try {
    const id = await getCallerIdentity(settings, role.region, role.rateLimit?.member);
    if (id.account !== account)
      return {
        error: {
          ...where,
          errorName: "AccountMismatch",
          message: `cannot assume ${roleArn}: the session belongs to account ${id.account || "unknown"} (${id.arn})`,
        },
      };
    return { account, settings, callerArn: id.arn };
  } catch (e) {
    const name = (e as { name?: string }).name ?? "Error";
    if (!isAwsCallFailure(e) && name !== "CredentialsProviderError") throw e;
    const err = toCollectionError(e, where);
    return { error: { ...err, message: `cannot assume ${roleArn}: ${err.message}` } };
  }
}

/** Where a run's home region may come from, most specific first. */
export interface HomeRegionSources {
  /** A flag naming it (`--securityhub-home-region`, `--home-region`). */
  flag?: string | undefined;
  /** The configured region: AWS_REGION, AWS_DEFAULT_REGION or the profile's `region` (see `loadAwsConfig`). */
  configured?: string | undefined;
  /** The regions in scope: `--regions` for a scan, the scanned regions of a findings file for an export. */
  scope?: readonly string[] | undefined;
}

/** The region every run falls back to, as the AWS CLI's global endpoints do. */
export const DEFAULT_HOME_REGION = "us-east-1";

/**
 * The region a scan calls STS and ec2:DescribeRegions in: the configured region (where the credentials are known to
 * work, as the AWS CLI would call), else the first region in scope, else us-east-1.
 */
export function stsRegion(from: HomeRegionSources): string {
  return from.flag ?? from.configured ?? from.scope?.[0] ?? DEFAULT_HOME_REGION;
}

/**
 * The region Security Hub receives findings of global services (IAM) in, and where an export calls STS: the flag,
 * else the first region of the findings (a region the run covered, so archiving sees it), else the configured one,
 * else us-east-1.
 */
export function findingsHomeRegion(from: HomeRegionSources): string {
  return from.flag ?? from.scope?.[0] ?? from.configured ?? DEFAULT_HOME_REGION;
}

/**
 * The credentials that sign probes: the run's credential chain, checked once up front (none: a warning, and probes
 * run unsigned, their SigV4 checks reporting error), then asked before every signature through shareCredentials, so
 * a set within REFRESH_MARGIN_MS of its expiry (by the run's clock) is fetched again: a probe run that outlives an
 * assumed-role session signs with the new session, never with a snapshot taken when it started.
 */
export async function signingCredentials(
  provider: AwsCredentialIdentityProvider | AwsCredentialIdentity | undefined,
  { log, clock }: { log: Logger; clock: Clock },
): Promise<SigningCredentialSource | undefined> {
  if (!provider) return undefined;
  const chain = typeof provider === "function" ? provider : () => Promise.resolve(provider);
  const shared = shareCredentials(() => chain(), clock);
  try {
    await shared();
  } catch (e) {
    log.warn(`no AWS credentials for signing probes (${(e as Error).name}); SigV4 checks will report error`);
    return undefined;
  }
  return async () => {
    const c = await shared();
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    };
  };
}
