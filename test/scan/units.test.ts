import { describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../fixtures/simulator/faults.js";
import { prng } from "../../src/util/prng.js";
import { wildcardMatch, isAllowed, trustAllows } from "../../fixtures/simulator/policy-eval.js";
import { chooseProgress, silentProgress, timing, ttyProgress } from "../../src/collect/progress.js";
import { RateLimiters, TokenBucket } from "../../src/collect/rate-limit.js";
import pLimit from "p-limit";
import { SharedHttpHandler } from "../../src/aws/http.js";
import { createCallPool, raiseGlobal } from "../../src/collect/pool.js";
import { DEFAULT_RATE_LIMITS, globalConcurrencyFor, resolveTuning, scaledGlobalConcurrency } from "../../src/collect/tuning.js";
import { scanSettingsProblems } from "../../src/config/scan-settings.js";

describe("token buckets", () => {
  it("a burst is free, then calls are spaced at 1/rps", () => {
    const b = new TokenBucket({ rps: 2.5, burst: 5 }, 0);
    const waits = Array.from({ length: 7 }, () => b.reserve(0));
    expect(waits).toEqual([0, 0, 0, 0, 0, 400, 800]);
    // After 2 s, 5 tokens have been refilled, 2 of which repay the reservations above.
    expect(b.reserve(2000)).toBe(0);
  });

  it("buckets are per account, region and service, and an operation bucket applies on top", async () => {
    const slept: number[] = [];
    const limiters = new RateLimiters(
      { apigateway: { rps: 10, burst: 1 }, "apigateway:GetResources": { rps: 1, burst: 1 } },
      () => 0,
      async (ms) => {
        slept.push(ms);
      },
    );
    const a = { account: "111111111111", region: "us-east-1", service: "apigateway" };
    await limiters.acquire(a, "GetResources");
    await limiters.acquire({ ...a, region: "eu-west-1" }, "GetResources");
    await limiters.acquire({ ...a, account: "222222222222" }, "GetRestApis");
    expect(slept).toEqual([]);
    await limiters.acquire(a, "GetResources");
    // The operation bucket is waited for first, then the service bucket.
    expect(slept).toEqual([1000, 100]);
  });
});

describe("scan settings", () => {
  it("defaults follow the documented quotas and overrides replace them key by key", () => {
    expect(DEFAULT_RATE_LIMITS["apigateway"]).toEqual({ rps: 10, burst: 40 });
    expect(DEFAULT_RATE_LIMITS["apigateway:GetResources"]).toEqual({ rps: 2.5, burst: 5 });
    const t = resolveTuning({
      maxAttempts: 3,
      concurrency: { perService: { iam: 1 } },
      rateLimits: { iam: { rps: 1, burst: 1 } },
    });
    expect(t.maxAttempts).toBe(3);
    expect(t.concurrency.global).toBe(64);
    expect(t.concurrency.perService["iam"]).toBe(1);
    expect(t.rateLimits["iam"]).toEqual({ rps: 1, burst: 1 });
    expect(t.rateLimits["cloudtrail"]).toEqual({ rps: 10, burst: 10 });
  });

  it("the default global concurrency grows with the accounts in scope: 64 per 25 accounts, at most 256", () => {
    expect([1, 25, 26, 50, 75, 100, 101, 5000].map(scaledGlobalConcurrency)).toEqual([64, 64, 128, 128, 192, 256, 256, 256]);
  });

  it("a global concurrency in the settings is kept; a shard scales with its share of the accounts", () => {
    expect(globalConcurrencyFor({}, 50)).toBe(128);
    expect(globalConcurrencyFor({ concurrency: { global: 16 } }, 50)).toBe(16);
    expect(globalConcurrencyFor({ shard: { index: 1, count: 2 } }, 50)).toBe(64);
  });

  it("raiseGlobal raises the unit pool and the sockets with the call pool, never lowers them", () => {
    const units = pLimit(64);
    const http = new SharedHttpHandler(64);
    const raised: number[] = [];
    const pool = { ...createCallPool({ global: 64, perService: {} }), setGlobal: (n: number) => raised.push(n) };
    raiseGlobal(32, pool, units, http);
    expect([raised, units.concurrency]).toEqual([[], 64]);
    raiseGlobal(128, pool, units, http);
    expect([raised, units.concurrency]).toEqual([[128], 128]);
    const agents = (http as unknown as { agents: { maxSockets: number }[] }).agents;
    expect(agents.map((a) => a.maxSockets)).toEqual([128, 128]);
    http.close();
  });

  it("raising the call pool's global bound starts calls already queued behind it", async () => {
    const pool = createCallPool({ global: 1, perService: { lambda: 4 } });
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const call = () =>
      pool.limit("lambda", async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((r) => gates.push(r));
        running -= 1;
      });
    const calls = [call(), call(), call()];
    await new Promise((r) => setTimeout(r, 10));
    expect(running).toBe(1);
    pool.setGlobal(3);
    await new Promise((r) => setTimeout(r, 10));
    expect(running).toBe(3);
    for (const g of gates) g();
    await Promise.all(calls);
    expect(most).toBe(3);
  });

  it("bad settings name the JSON pointer (the one scan-settings validator)", () => {
    const problems = (data: unknown) => scanSettingsProblems(data).map((p) => `${p.pointer}: ${p.message}`);
    expect(problems({ regions: ["us-east-1", "Mars"] })).toEqual([
      '/regions/1: must be a region name such as eu-west-1, got "Mars"',
    ]);
    expect(problems({ rateLimits: { "apigateway:GetResources": { rps: 0, burst: 5 } } })).toEqual([
      "/rateLimits/apigateway:GetResources/rps: must be > 0",
    ]);
    expect(problems({ concurrency: { global: 0 } })).toEqual(["/concurrency/global: must be >= 1"]);
    expect(problems({ org: true, accounts: ["111122223333"] })).toEqual(["/org: use either accounts or org, not both"]);
    expect(problems({ regoins: [] })).toEqual(["/regoins: unknown field (not allowed here)"]);
  });
});

describe("simulator policy evaluation", () => {
  it("matches IAM wildcards, actions case-insensitively", () => {
    expect(wildcardMatch("iam:Get*", "IAM:getAccountSummary", true)).toBe(true);
    expect(wildcardMatch("arn:aws:apigateway:*::/restapis/*", "arn:aws:apigateway:us-east-1::/restapis/a1/stages")).toBe(true);
    expect(wildcardMatch("iam:List?", "iam:ListXY", true)).toBe(false);
  });

  it("explicit Deny wins; NotAction allows everything else", () => {
    const docs = [
      { Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] },
      { Statement: [{ Effect: "Deny", Action: "ec2:DescribeRegions", Resource: "*" }] },
    ];
    expect(isAllowed(docs, "cloudtrail:DescribeTrails", "*")).toBe(true);
    expect(isAllowed(docs, "iam:GetAccountSummary", "*")).toBe(false);
    expect(isAllowed(docs, "ec2:DescribeRegions", "*")).toBe(false);
  });

  it("trust policies honour the principal and sts:ExternalId", () => {
    const trust = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "111122223333" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "x-1" } },
        },
      ],
    };
    const caller = { accountId: "111122223333", arn: "arn:aws:iam::111122223333:user/scanner" };
    expect(trustAllows(trust, caller, "x-1")).toBe(true);
    expect(trustAllows(trust, caller, undefined)).toBe(false);
    expect(trustAllows(trust, { ...caller, accountId: "999999999999" }, "x-1")).toBe(false);
  });
});

describe("fault specs", () => {
  it("the PRNG is deterministic per seed", () => {
    const a = prng(42);
    const b = prng(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it("invalid specs name the JSON pointer", () => {
    expect(() => parseFaultSpec({ rules: [{ operation: "*", throttle: 1.5 }] }, "f.json")).toThrow(
      "f.json: /rules/0/throttle: must be a probability between 0 and 1",
    );
    expect(() => parseFaultSpec({ rules: [{ operation: "*", throttle: 0.6, serverError: 0.6 }] }, "f.json")).toThrow(
      "f.json: /rules/0: probabilities add up to more than 1",
    );
    expect(parseFaultSpec({ seed: 1, rules: [{ operation: "iam:*", latencyMs: { min: 1, max: 5 } }] }, "f").rules).toHaveLength(
      1,
    );
  });

  it("answer and paging faults are probabilities like the others; members are wire names", () => {
    const rule = { operation: "iam:GetAccountSummary", "missing-member": 1, members: ["SummaryMap"] };
    expect(parseFaultSpec({ rules: [rule, { operation: "apigateway:*", "repeat-token": 0.5, hang: 0.5 }] }, "f").rules).toEqual([
      rule,
      { operation: "apigateway:*", "repeat-token": 0.5, hang: 0.5 },
    ]);
    expect(() => parseFaultSpec({ rules: [{ operation: "*", "empty-200": 0.6, "html-200": 0.6 }] }, "f.json")).toThrow(
      "f.json: /rules/0: probabilities add up to more than 1",
    );
    expect(() => parseFaultSpec({ rules: [{ operation: "*", "stall-body": 2 }] }, "f.json")).toThrow(
      "f.json: /rules/0/stall-body: must be a probability between 0 and 1",
    );
    expect(() => parseFaultSpec({ rules: [{ operation: "*", "missing-member": 1, members: "SummaryMap" }] }, "f.json")).toThrow(
      "f.json: /rules/0/members: must be a list of member names as they appear on the wire",
    );
  });
});

describe("progress displays", () => {
  it("on a terminal, redraws a live block in place and keeps units with errors printed", () => {
    const out: string[] = [];
    let t = 0;
    const p = ttyProgress({ write: (s: string) => out.push(s) }, { now: () => t });
    const u = { account: "111122223333", region: "eu-west-1", service: "apigateway" };
    p.planned(2);
    p.started(u);
    p.call(u);
    t = 65_000;
    p.finished(u, { resources: 3, errors: 1, calls: 1 });
    p.close();
    const text = out.join("");
    expect(text).toContain("111122223333 eu-west-1 apigateway: 3 resources, 1 error\n");
    // Closed with a unit left: the scan was stopped, and no time is left to estimate.
    expect(text).toContain("\x1b[2KCollecting stopped: 1/2 units (1 with errors), 1 call, 3 resources, 1:05 elapsed\n");
  });

  it("estimates the time left from the pace so far", () => {
    // Half the work took 1:05, so the other half should take about as long.
    expect(timing(65_000, 1, 2)).toBe("1:05 elapsed, about 1:05 left");
    expect(timing(3_725_000, 3, 4)).toBe("1:02:05 elapsed, about 20:42 left");
    expect(timing(4_000, 0, 4)).toBe("0:04 elapsed");
    expect(timing(4_000, 4, 4)).toBe("0:04 elapsed");
  });

  it("chooses none when quiet, plain lines in CI or without a TTY, live on a TTY", () => {
    const sink = { write: () => true, isTTY: true };
    expect(chooseProgress({ quiet: true, stream: sink, env: {} })).toBe(silentProgress);
    const lines: string[] = [];
    const plain = chooseProgress({ stream: { write: (s: string) => lines.push(s), isTTY: true }, env: { CI: "1" } });
    plain.planned(1);
    plain.finished({ account: "1", region: "global", service: "iam" }, { resources: 0, errors: 0, calls: 2 });
    expect(lines).toEqual(["[1/1] 1 global iam: 0 resources, 0 errors, 2 calls\n"]);
  });
});
