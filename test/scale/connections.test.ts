import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOrganization, SIZES } from "../../fixtures/generate/index.js";
import { createQuotaLimiter } from "../../fixtures/simulator/quotas.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { rateLimitPlugin, RateLimiters } from "../../src/collect/rate-limit.js";
import { scan } from "../../src/pipeline/index.js";
import { DEFAULT_RATE_LIMITS } from "../../src/collect/tuning.js";
import type { Inventory } from "../../src/model/inventory.js";
import { callerCredentials, scanOptions, sim, SIM_NOW } from "../helpers/sim.js";

const NOW = SIM_NOW;

describe("an organisation scan's connections and STS calls", () => {
  // 16 accounts: the caller identity and AssumeRole into 15 accounts exceed STS's burst of 10 in the caller's
  // account, and with 16 STS calls allowed at once they would all be sent together.
  const org = generateOrganization({
    accounts: 16,
    regions: ["us-east-1", "eu-west-1"],
    shape: { ...SIZES.small, users: 3, roles: 2, policies: 1, restApis: 1, resourcesPerApi: 2 },
  });
  const quotas = createQuotaLimiter();
  let s: Simulator;
  let inv: Inventory;
  beforeAll(async () => {
    s = await sim(org, { now: () => NOW });
    s.hooks.push(quotas.hook);
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    inv = await scan(
      scanOptions(org[0]!, {
        // The client's STS bucket is a little stricter than the simulated quota: with equal rates, a request
        // reserved at the bucket's edge can still arrive a hair early and be throttled once.
        scan: {
          org: true,
          roleName: "TollgateAudit",
          concurrency: { global: 16, perService: { sts: 16 } },
          rateLimits: { sts: { rps: 8, burst: 8 } },
        },
      }),
    );
  }, 120_000);
  afterAll(() => s.close());

  it("reuses one keep-alive pool across every client instead of opening one per client", () => {
    expect(inv.metadata.complete).toBe(true);
    expect(inv.metadata.accounts).toHaveLength(16);
    // 16 accounts × (IAM + 2 regions × 5 regional services) = 176 collector clients, plus STS and EC2 clients.
    const requests = [...s.counts.values()].reduce((a, b) => a + b, 0);
    expect(requests).toBeGreaterThan(400);
    // Calls in flight never exceed the global concurrency (16); the STS clients of the credential providers
    // and the scan's own setup calls share the same pool.
    expect(s.connections).toBeLessThanOrEqual(16 + 2);
  });

  it("rate-limits AssumeRole and the role check client-side, so STS never throttles the scan", () => {
    expect(s.counts.get("sts:AssumeRole")).toBe(15);
    expect([...quotas.stats.throttled.keys()].filter((k) => k.includes("sts"))).toEqual([]);
  });
});

describe("the rate-limit plugin on an assumed role's STS client", () => {
  const org = generateOrganization({
    accounts: 2,
    regions: ["us-east-1"],
    shape: { ...SIZES.small, users: 1, roles: 1, policies: 1, restApis: 1, resourcesPerApi: 1 },
  });
  let s: Simulator;
  beforeAll(async () => {
    s = await sim(org, { now: () => NOW });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  });
  afterAll(() => s.close());

  it("survives the credential refreshes that apply it again to the same client", async () => {
    const limiters = new RateLimiters(DEFAULT_RATE_LIMITS);
    const provider = fromTemporaryCredentials({
      params: { RoleArn: `arn:aws:iam::${org[1]!.accountId}:role/TollgateAudit`, RoleSessionName: "refresh-test" },
      masterCredentials: callerCredentials(org[0]!),
      clientConfig: { region: "us-east-1" },
      clientPlugins: [rateLimitPlugin(limiters, { account: org[0]!.accountId, region: "us-east-1", service: "sts" })] as never[],
    });
    const first = await provider();
    const second = await provider();
    expect(first.sessionToken).toBeTruthy();
    expect(second.sessionToken).toBeTruthy();
    expect(s.counts.get("sts:AssumeRole")).toBe(2);
  });
});
