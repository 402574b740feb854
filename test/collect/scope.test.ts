import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { SharedHttpHandler } from "../../src/aws/http.js";
import { sharedSdkConfig } from "../../src/aws/sdk-config.js";
import { startScan } from "../../src/collect/scan.js";
import { discoverRegions, listOrganizationAccounts, SetupPackages } from "../../src/collect/scope.js";
import { account, callerCredentials, scanOptions, sim } from "../helpers/sim.js";

// The EC2 and Organizations client packages are loaded for the scan's set-up calls and released after them
// (src/collect/scope.ts): nothing may keep them, or the memory they cost stays for the whole run.

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const require = createRequire(import.meta.url);
const demo = account("demo");

/** The module-cache entries of an SDK package (its own files). */
const cached = (pkg: string): string[] => Object.keys(require.cache).filter((f) => f.includes(`/@aws-sdk/${pkg}/`));

/** True once `ref`'s target has been collected (WeakRef targets live at least until the current job ends). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5 && ref.deref() !== undefined; i++) {
    await new Promise((r) => setTimeout(r, 10));
    gc();
  }
  return ref.deref() === undefined;
}

describe("region discovery's EC2 package and the organisation listing's package are released", () => {
  let s: Simulator;
  beforeAll(async () => {
    s = await sim([demo]);
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  });
  afterAll(async () => {
    delete process.env["AWS_ENDPOINT_URL"];
    await s.close();
  });

  it("after release nothing keeps them: not the module cache, the SDK's schema registries or the run's shared SDK config", async () => {
    expect(cached("client-ec2"), "loaded before the test: this file must not import it").toEqual([]);
    const http = new SharedHttpHandler(4);
    // The settings a scan gives its clients: the shared handler and the run's shared SDK config.
    const settings = {
      credentials: callerCredentials(demo),
      maxAttempts: 1,
      userAgent: "tollgate-test",
      http,
      sdk: sharedSdkConfig(),
    };
    const packages = new SetupPackages();
    const ec2 = new WeakRef(packages.ec2() as object);
    const organizations = new WeakRef(packages.organizations() as object);
    const found = await discoverRegions(settings, demo.accountId, "us-east-1", packages);
    expect(found).toEqual({ regions: [...demo.regions].sort() });
    // The demo account is not an organisation's management account: the call fails, and is still made.
    await expect(listOrganizationAccounts(settings, "aws", packages)).rejects.toThrow();
    expect(cached("client-ec2")).toHaveLength(1);
    packages.release();
    expect(cached("client-ec2")).toEqual([]);
    expect(cached("client-organizations")).toEqual([]);
    expect(await collected(ec2)).toBe(true);
    expect(await collected(organizations)).toBe(true);
    // Loaded again on a later use, and it works.
    expect(await discoverRegions(settings, demo.accountId, "us-east-1", packages)).toEqual(found);
    packages.release();
    http.close();
    // The run's settings are still alive here (kept by `settings`): they hold nothing of the released packages.
    expect(settings.sdk.endpointLookups.size).toBeGreaterThan(0);
  });

  it("two scans in one process share a package: the first one's release leaves it to the second", () => {
    const first = new SetupPackages();
    const second = new SetupPackages();
    const loaded = first.organizations();
    expect(second.organizations()).toBe(loaded);
    first.release();
    expect(cached("client-organizations").length).toBeGreaterThan(0);
    expect(second.organizations()).toBe(loaded);
    second.release();
    expect(cached("client-organizations")).toEqual([]);
  });

  it("a scan releases the EC2 package once every account has its regions, before its units finish", async () => {
    const run = startScan(scanOptions(demo));
    const inventory = await run.done;
    expect(inventory.metadata.regions).toEqual([...demo.regions].sort());
    expect(inventory.errors).toEqual([]);
    expect(cached("client-ec2")).toEqual([]);
  });
});
