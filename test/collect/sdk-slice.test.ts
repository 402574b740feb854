import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { OperationHook, Simulator } from "../../fixtures/simulator/server.js";
import { sliceBundle, sliceModule } from "../../scripts/sdk-slice.js";
import { SharedHttpHandler } from "../../src/aws/http.js";
import { sharedSdkConfig } from "../../src/aws/sdk-config.js";
import { awsClient } from "../../src/collect/clients.js";
import { discoverRegions, SDK_SLICES, SetupPackages, sliceHeader } from "../../src/collect/scope.js";
import { account, callerCredentials, ROOT, sim } from "../helpers/sim.js";

// Region discovery runs on a slice of the EC2 package the build cuts (scripts/sdk-slice.ts): the SDK's own
// statements that EC2Client and DescribeRegionsCommand need. It must behave as the whole package does.

const require = createRequire(import.meta.url);
const demo = account("demo");
const spec = SDK_SLICES.find((s) => s.package === "@aws-sdk/client-ec2")!;
const main = require.resolve(spec.package);
const version = (JSON.parse(readFileSync(join(dirname(main), "..", "package.json"), "utf8")) as { version: string }).version;

/** What the tests use of the package and of the slice. */
interface Ec2 {
  EC2Client: typeof EC2Client;
  DescribeRegionsCommand: typeof DescribeRegionsCommand;
}

describe("sliceBundle", () => {
  const bundle = [
    'const { a, b } = require("x");',
    'const unused = require("y");',
    "const _k = 'K';",
    "const _u = 'U';",
    "class Base {}",
    "var Base$ = [_k];",
    "const registry = new a();",
    "registry.register(Base$, Base);",
    "function helper() { return _k; }",
    "class Kept { m() { return helper() + registry; } }",
    "class Dropped { m() { return _u + unused; } }",
    "exports.Kept = Kept;",
    "exports.Dropped = Dropped;",
    "b(Dropped);",
  ].join("\n");

  it("keeps an export, what it reads transitively, and registrations on kept objects; drops the rest", () => {
    const out = sliceBundle(bundle, ["Kept"]);
    expect(out.split("\n").filter(Boolean)).toEqual([
      'const { a, b } = require("x");',
      "const _k = 'K';",
      "class Base {}",
      "var Base$ = [_k];",
      "const registry = new a();",
      "registry.register(Base$, Base);",
      "function helper() { return _k; }",
      "class Kept { m() { return helper() + registry; } }",
      "exports.Kept = Kept;",
    ]);
  });

  it("refuses an export the bundle does not have", () => {
    expect(() => sliceBundle(bundle, ["Missing"])).toThrow(/does not export Missing/);
  });
});

describe("the EC2 slice against the whole EC2 package", () => {
  let s: Simulator;
  let dir: string;
  let slicePath: string;
  let full: Ec2;
  let sliced: Ec2;
  const http = new SharedHttpHandler(4);
  const settings = () => ({
    credentials: callerCredentials(demo),
    maxAttempts: 1,
    userAgent: "tollgate-test",
    http,
    sdk: sharedSdkConfig(),
  });

  beforeAll(async () => {
    s = await sim([demo]);
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    // Inside the repository, as the build's is: the slice resolves the package from where it lies.
    mkdirSync(join(ROOT, "test-results"), { recursive: true });
    dir = mkdtempSync(join(ROOT, "test-results", "sdk-slice-"));
    slicePath = join(dir, "client-ec2.cjs");
    writeFileSync(slicePath, sliceModule(spec, readFileSync(main, "utf8"), version));
    full = require(spec.package) as Ec2;
    sliced = require(slicePath) as Ec2;
  });
  afterAll(async () => {
    delete process.env["AWS_ENDPOINT_URL"];
    http.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is a small part of the package and records the version it was cut from", () => {
    expect(readFileSync(slicePath, "utf8").length).toBeLessThan(readFileSync(main, "utf8").length / 50);
    expect((sliced as unknown as { sdkVersion: string }).sdkVersion).toBe(version);
    expect(Object.keys(sliced).sort()).toEqual(["DescribeRegionsCommand", "EC2Client", "sdkVersion"]);
  });

  it("sends the same request on the wire and reads the same answer", async () => {
    const seen: object[] = [];
    const record: OperationHook = ({ request: r }) => {
      // Everything but what differs from one request to the next (time, signature, invocation id).
      const headers = Object.fromEntries(
        Object.entries(r.headers).filter(([k]) => !["x-amz-date", "authorization", "amz-sdk-invocation-id"].includes(k)),
      );
      seen.push({ method: r.method, path: r.rawPath, query: r.query, headers, body: r.body.toString("utf8") });
      return undefined;
    };
    s.hooks.push(record);
    try {
      const answers = [];
      for (const pkg of [full, sliced]) {
        const client = awsClient(pkg.EC2Client, settings(), "us-east-1", "ec2");
        const out = await client.send(new pkg.DescribeRegionsCommand({ AllRegions: false }));
        answers.push({ ...out, $metadata: { ...out.$metadata, requestId: undefined } });
      }
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual(seen[0]);
      expect((seen[0] as { body: string }).body).toContain("Action=DescribeRegions");
      expect(answers[1]).toEqual(answers[0]);
    } finally {
      s.hooks.splice(s.hooks.indexOf(record), 1);
    }
  });

  it("fails the same way (an access denial, a server error)", async () => {
    for (const fault of [{ accessDenied: 1 }, { serverError: 1 }]) {
      const errors = [];
      for (const pkg of [full, sliced]) {
        // The same draw for both (a server error is one of several, picked at random).
        const injector = createFaultInjector({ seed: 1, rules: [{ operation: "ec2:DescribeRegions", ...fault }] });
        s.hooks.push(injector.hook);
        try {
          const client = awsClient(pkg.EC2Client, settings(), "us-east-1", "ec2");
          const e = (await client.send(new pkg.DescribeRegionsCommand({})).catch((x: unknown) => x)) as Error & {
            $fault?: string;
            $metadata?: { httpStatusCode?: number };
            Code?: string;
          };
          errors.push({
            name: e.name,
            message: e.message,
            fault: e.$fault,
            status: e.$metadata?.httpStatusCode,
            code: e.Code,
            ctor: e.constructor.name,
            base: Object.getPrototypeOf(e.constructor).name,
          });
        } finally {
          s.hooks.splice(s.hooks.indexOf(injector.hook), 1);
        }
      }
      expect(errors[1]).toEqual(errors[0]);
      expect(errors[0]!.fault).toBe("accessDenied" in fault ? "client" : "server");
    }
  });

  it("resolves the same endpoints: regions of every partition, FIPS, dual-stack, a configured endpoint", async () => {
    const cases = [];
    for (const Region of ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "ap-southeast-7"])
      for (const UseFIPS of [false, true])
        for (const UseDualStack of [false, true]) cases.push({ Region, UseFIPS, UseDualStack });
    cases.push({ Region: "us-east-1", UseFIPS: false, UseDualStack: false, Endpoint: "https://ec2.example.test" });
    cases.push({ Region: "us-east-1", UseFIPS: true, UseDualStack: false, Endpoint: "https://ec2.example.test" });
    const resolve = (pkg: Ec2, params: object) => {
      const client = new pkg.EC2Client({ region: "us-east-1" });
      try {
        const e = client.config.endpointProvider(params as never);
        return { url: e.url.href, properties: e.properties, headers: e.headers };
      } catch (x) {
        return { error: (x as Error).message };
      } finally {
        client.destroy();
      }
    };
    for (const c of cases) expect(resolve(sliced, c), JSON.stringify(c)).toEqual(resolve(full, c));
    expect(resolve(full, cases[2]!).url).toBe("https://ec2-fips.us-east-1.amazonaws.com/");
  });

  it("region discovery uses it when the build cut it from the installed package, and releases it", async () => {
    const packages = new SetupPackages([{ ...spec, module: slicePath }]);
    const before = Object.keys(require.cache).filter((f) => f === slicePath).length;
    expect(await discoverRegions(settings(), demo.accountId, "us-east-1", packages)).toEqual({
      regions: [...demo.regions].sort(),
    });
    expect(packages.ec2().EC2Client).toBe(require(slicePath).EC2Client);
    packages.release();
    // This file required it itself before: the release leaves a module it did not load.
    expect(Object.keys(require.cache).filter((f) => f === slicePath)).toHaveLength(before);
  });

  it("a slice cut from another version of the package is not used", async () => {
    const stale = join(dir, "stale.cjs");
    writeFileSync(stale, sliceModule(spec, readFileSync(main, "utf8"), "0.0.0"));
    const packages = new SetupPackages([{ ...spec, module: stale }]);
    expect(packages.ec2().EC2Client).not.toBe(require(stale).EC2Client);
    packages.release();
  });

  it("a stale slice is recognised without running it (its code may not match the installed SDK)", () => {
    const broken = join(dir, "broken.cjs");
    writeFileSync(broken, sliceHeader(spec.package, "0.0.0") + "\nthrow new Error('the stale slice ran');\n");
    const packages = new SetupPackages([{ ...spec, module: broken }]);
    expect(typeof packages.ec2().EC2Client).toBe("function");
    packages.release();
  });
});
