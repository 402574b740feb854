import { iamRegion, type AwsClientSettings } from "../aws/clients.js";
import { isAwsCallFailure, toCollectionError } from "../aws/call-error.js";
import type { CollectionError } from "../model/inventory.js";
import { awsClient } from "./clients.js";
import { drain } from "./paging.js";
import { FALLBACK_REGIONS } from "./tuning.js";

// The EC2 and Organizations clients are imported when first called: loading the EC2 client (its shapes cover every
// EC2 operation) grows a process by about 80 MB of memory, which commands that import this module for other
// reasons (evaluate, probe of a saved inventory) never need, and a scan needs only for one call.

/** The organisation's ACTIVE accounts (organizations:ListAccounts, paginated), sorted. */
export async function listOrganizationAccounts(settings: AwsClientSettings, partition: string): Promise<string[]> {
  const { OrganizationsClient, paginateListAccounts } = await import("@aws-sdk/client-organizations");
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
  const { DescribeRegionsCommand, EC2Client } = await import("@aws-sdk/client-ec2");
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
