import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { OrganizationsClient, paginateListAccounts } from "@aws-sdk/client-organizations";
import { iamRegion, type AwsClientSettings } from "../aws/clients.js";
import { isAwsCallFailure, toCollectionError } from "../aws/call-error.js";
import type { CollectionError } from "../model/inventory.js";
import { awsClient } from "./clients.js";
import { drain } from "./paging.js";
import { FALLBACK_REGIONS } from "./tuning.js";

/** What a scan uses of the EC2 client package: region discovery only. */
interface Ec2Package {
  EC2Client: typeof EC2Client;
  DescribeRegionsCommand: typeof DescribeRegionsCommand;
}

/** What a scan uses of the Organizations client package: the account listing only. */
interface OrganizationsPackage {
  OrganizationsClient: typeof OrganizationsClient;
  paginateListAccounts: typeof paginateListAccounts;
}

/** A slice of an SDK client package the build cuts (scripts/build-sdk-slices.ts): its package, kept exports, file. */
export interface SdkSlice {
  package: string;
  exports: readonly string[];
  /** Where the build writes it (dist/src/collect/generated/; absent when running from the sources). */
  module: string;
}

/**
 * The EC2 package cut down to what region discovery calls: its client and DescribeRegions, with everything they
 * need (runtime configuration, endpoint rules, auth, the DescribeRegions schemas), 17 KB of the 2 MB bundle.
 */
export const SDK_SLICES: readonly SdkSlice[] = [
  {
    package: "@aws-sdk/client-ec2",
    exports: ["EC2Client", "DescribeRegionsCommand"],
    module: join(dirname(fileURLToPath(import.meta.url)), "generated", "client-ec2.cjs"),
  },
];

/** One package loaded by SetupPackages: what to drop when it is released. */
interface LoadedPackage {
  exports: unknown;
  /** Its entries in the module cache (the package's own files only; shared SDK modules stay). */
  files: string[];
  /** The schema registries its modules added to the SDK's global TypeRegistry (keyed by namespace). */
  registries: string[];
  /** That global map (the instance the package registered into). */
  registryMap: Map<string, unknown> | undefined;
}

/**
 * The EC2 and Organizations client packages, loaded for a scan's set-up calls (region discovery, the organisation's
 * accounts) and released once they are over, so that V8 can reclaim them before the stages that need the memory.
 *
 * The EC2 package is one 2 MB bundle of every EC2 operation's schema: importing it grows a process by about 40 MB
 * of memory (9 MB of it live JavaScript objects) for the one DescribeRegions call a scan makes per account. An
 * `import()` can never be unloaded (the ES module map keeps every module), but the SDK's packages are CommonJS to
 * Node (their `main`), so they are loaded here with `require` and released by deleting their module-cache entries
 * and the schema registries they added to the SDK's global `TypeRegistry` (its `registries` map holds the package's
 * error classes, whose closures hold the whole bundle), and detaching the shared modules they loaded first from them;
 * a test checks that nothing else keeps them. Loading on first
 * use also keeps them out of commands that never call them (evaluate, probe of a saved inventory).
 */
export class SetupPackages {
  readonly #loaded = new Map<string, LoadedPackage>();
  readonly #slices: readonly SdkSlice[];
  #users = 0;

  /** `slices`: the build's slices of packages to use in their place (default SDK_SLICES; tests give their own). */
  constructor(slices: readonly SdkSlice[] = SDK_SLICES) {
    this.#slices = slices;
  }

  /** The EC2 client package, or the build's slice of it (loaded on first use until released). */
  ec2(): Ec2Package {
    return this.#load("@aws-sdk/client-ec2") as Ec2Package;
  }

  /** The Organizations client package (loaded on first use until released). */
  organizations(): OrganizationsPackage {
    return this.#load("@aws-sdk/client-organizations") as OrganizationsPackage;
  }

  /** Users (accounts being set up) still to come: the last one's `userDone` releases the packages. */
  expectUsers(n: number): void {
    this.#users = n;
  }

  /** One user is done with the packages; releases them when it was the last. */
  userDone(): void {
    this.#users -= 1;
    if (this.#users === 0) this.release();
  }

  /** Drops every package loaded (a later use loads it again). Clients built from them must have been destroyed. */
  release(): void {
    if (!this.#loaded.size) return;
    const { cache } = createRequire(import.meta.url);
    const dropped = new Set<NodeJS.Module>();
    for (const p of this.#loaded.values()) {
      for (const f of p.files) {
        const m = cache[f];
        if (m) dropped.add(m);
        delete cache[f];
      }
      for (const r of p.registries) p.registryMap?.delete(r);
    }
    // A shared SDK module the package loaded first stays cached, and names it as its parent (the module that first
    // required it): that link alone would keep the whole package.
    for (const m of Object.values(cache)) if (m?.parent && dropped.has(m.parent)) m.parent = null;
    this.#loaded.clear();
  }

  #load(name: string): unknown {
    const known = this.#loaded.get(name);
    if (known) return known.exports;
    // A require of its own: the module it creates as the parent keeps a list of its children, and must not outlive this.
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve(`${name}/package.json`)) + sep;
    const registryMap = schemaRegistries(createRequire(require.resolve(name)));
    const filesBefore = new Set(Object.keys(require.cache));
    const registriesBefore = new Set(registryMap?.keys());
    const slice = this.#usableSlice(name, require);
    const exports: unknown = require(slice ?? name);
    this.#loaded.set(name, {
      exports,
      files: Object.keys(require.cache).filter((f) => (f.startsWith(root) || f === slice) && !filesBefore.has(f)),
      registries: [...(registryMap?.keys() ?? [])].filter((r) => !registriesBefore.has(r)),
      registryMap,
    });
    return exports;
  }

  /** The build's slice of `name`, when there is one cut from the installed version of the package. */
  #usableSlice(name: string, require: NodeJS.Require): string | undefined {
    const slice = this.#slices.find((x) => x.package === name);
    if (!slice || !existsSync(slice.module)) return undefined;
    const { version } = require(`${name}/package.json`) as { version: string };
    const cut = (require(slice.module) as { sdkVersion?: string }).sdkVersion;
    // Cut from another version (packages updated without a build): the package itself, as the slice may not match.
    return cut === version ? slice.module : undefined;
  }
}

/** The SDK's global map of schema registries (`TypeRegistry.registries` of @smithy/core/schema), as a package sees it. */
function schemaRegistries(require: NodeJS.Require): Map<string, unknown> | undefined {
  try {
    const { TypeRegistry } = require("@smithy/core/schema") as { TypeRegistry?: { registries?: unknown } };
    return TypeRegistry?.registries instanceof Map ? (TypeRegistry.registries as Map<string, unknown>) : undefined;
  } catch {
    // Another SDK version without it: nothing registered there to drop.
    return undefined;
  }
}

/** The organisation's ACTIVE accounts (organizations:ListAccounts, paginated), sorted. */
export async function listOrganizationAccounts(
  settings: AwsClientSettings,
  partition: string,
  packages: SetupPackages,
): Promise<string[]> {
  const { OrganizationsClient, paginateListAccounts } = packages.organizations();
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
export async function discoverRegions(
  settings: AwsClientSettings,
  account: string,
  region: string,
  packages: SetupPackages,
): Promise<DiscoveredRegions> {
  const { DescribeRegionsCommand, EC2Client } = packages.ec2();
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
  } finally {
    client.destroy();
  }
}
