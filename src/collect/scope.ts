import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { OrganizationsClient, paginateListAccounts } from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { clientConfig, iamRegion, partitionOfRegion, type AwsClientSettings } from "../aws/clients.js";
import { isAwsCallFailure, toCollectionError } from "../aws/call-error.js";
import { callerIdentityError } from "../aws/credential-errors.js";
import type { CollectionError } from "../model/inventory.js";
import { awsClient } from "./clients.js";
import type { InstrumentableClient } from "./context.js";
import { drain } from "./paging.js";
import type { StackPlugin } from "./rate-limit.js";
import { responseCheckPlugin } from "./response-check.js";
import { FALLBACK_REGIONS } from "./tuning.js";

/** An AWS credential set as a provider returns it. */
interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Refresh assumed-role credentials this long before they expire, so no call is signed with a dying session. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One credential provider shared by every client of an account. The SDK memoizes a provider per client only, and
 * every collector builds its own clients, so without this each client would call AssumeRole again (1,300 AssumeRole
 * calls for a 50-account organisation instead of 49, throttled by STS). A failed refresh is not cached.
 */
export function shareCredentials(provider: () => Promise<AwsCredentials>): () => Promise<AwsCredentials> {
  let current: Promise<AwsCredentials> | undefined;
  return () => {
    const seen = current;
    if (!seen) return refresh();
    return seen.then((c) => {
      if (!c.expiration || c.expiration.getTime() - Date.now() >= REFRESH_MARGIN_MS) return c;
      // Concurrent callers share one refresh: only the first to see the old set replaces it.
      return current === seen ? refresh() : current!;
    });
  };
  function refresh(): Promise<AwsCredentials> {
    const p = provider();
    current = p;
    p.catch(() => {
      if (current === p) current = undefined;
    });
    return p;
  }
}

/** Who the scanner is. */
export interface CallerIdentity {
  account: string;
  arn: string;
  partition: string;
}

async function getCallerIdentity(settings: AwsClientSettings, region: string, plugin?: StackPlugin): Promise<CallerIdentity> {
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

/** The organisation's ACTIVE accounts (organizations:ListAccounts, paginated), sorted. */
export async function listOrganizationAccounts(settings: AwsClientSettings, partition: string): Promise<string[]> {
  // Organizations is a global service served from the partition's home region.
  const client = awsClient(OrganizationsClient, settings, iamRegion(partition), "organizations");
  try {
    const accounts = await drain(
      { service: "organizations", operation: "ListAccounts" },
      paginateListAccounts({ client }, {}),
      (p) => p.Accounts,
    );
    const ids: string[] = [];
    for (const a of accounts) {
      // `State` supersedes the deprecated `Status`; accept either so older responses work.
      const state = a.State ?? a.Status;
      if (a.Id && state === "ACTIVE") ids.push(a.Id);
    }
    return [...new Set(ids)].sort();
  } finally {
    client.destroy();
  }
}

/** The result of region discovery: the regions to scan, and the error that forced the fallback list. */
export interface DiscoveredRegions {
  regions: string[];
  error?: CollectionError;
}

/**
 * The account's enabled regions (ec2:DescribeRegions with AllRegions false, allowed by the SecurityAudit
 * and ReadOnlyAccess policies). When discovery fails, FALLBACK_REGIONS (regions enabled by default) are
 * scanned and the failure is recorded, so the scan reports itself incomplete.
 */
export async function discoverRegions(settings: AwsClientSettings, account: string, region: string): Promise<DiscoveredRegions> {
  const client = awsClient(EC2Client, settings, region, "ec2");
  try {
    const out = await client.send(new DescribeRegionsCommand({ AllRegions: false }));
    const regions = (out.Regions ?? [])
      .filter((r) => r.OptInStatus !== "not-opted-in")
      .map((r) => r.RegionName ?? "")
      .filter(Boolean)
      .sort();
    if (regions.length) return { regions };
    return {
      regions: [...FALLBACK_REGIONS],
      error: {
        account,
        region: "global",
        service: "ec2",
        operation: "DescribeRegions",
        errorName: "EmptyRegionList",
        message: "DescribeRegions returned no region; scanning the default-enabled regions instead",
      },
    };
  } catch (e) {
    if (!isAwsCallFailure(e)) throw e;
    const err = toCollectionError(e, { account, region: "global", service: "ec2", operation: "DescribeRegions" });
    return {
      regions: [...FALLBACK_REGIONS],
      error: { ...err, message: `${err.message} (scanning the default-enabled regions instead)` },
    };
  }
}

/** Settings for scanning one account. */
export interface AccountAccess {
  account: string;
  settings: AwsClientSettings;
  /** ARN the scan acts as in this account. */
  callerArn: string;
}

/** How to reach member accounts. */
export interface RoleOptions {
  roleName: string;
  externalId?: string;
  /** Region for STS calls. */
  region: string;
  partition: string;
  /** Session name, visible in the member account's CloudTrail. */
  sessionName: string;
  /**
   * Client-side rate limits for the two STS calls: AssumeRole counts against the caller's account, the check
   * that follows against the member account's.
   */
  rateLimit?: { caller: StackPlugin; member: StackPlugin };
}

/**
 * Credentials for `account` by assuming `roleName` there with the scanner's credentials as master. The role
 * is assumed (and checked) at once with GetCallerIdentity, so a role that cannot be assumed is an error for
 * the whole account (`service: "*"`) and never a half-scanned account.
 */
export async function assumeRoleIn(
  base: AwsClientSettings,
  account: string,
  role: RoleOptions,
): Promise<AccountAccess | { error: CollectionError }> {
  const roleArn = `arn:${role.partition}:iam::${account}:role/${role.roleName}`;
  const credentials = fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      RoleSessionName: role.sessionName,
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
    },
    masterCredentials: base.credentials,
    // The same client settings as every other client (the master credentials take precedence over its own).
    clientConfig: clientConfig(base, role.region, "sts"),
    // The STS client of the provider checks AssumeRole's answers like every other client.
    clientPlugins: [responseCheckPlugin("sts"), ...(role.rateLimit ? [role.rateLimit.caller] : [])] as never[],
  });
  const settings: AwsClientSettings = { ...base, credentials: shareCredentials(credentials) };
  try {
    const id = await getCallerIdentity(settings, role.region, role.rateLimit?.member);
    return { account, settings, callerArn: id.arn };
  } catch (e) {
    const name = (e as { name?: string }).name ?? "Error";
    if (!isAwsCallFailure(e) && name !== "CredentialsProviderError") throw e;
    const err = toCollectionError(e, { account, region: "global", service: "*", operation: "AssumeRole" });
    return { error: { ...err, message: `cannot assume ${roleArn}: ${err.message}` } };
  }
}
