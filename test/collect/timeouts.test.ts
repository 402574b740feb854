import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { HttpRequest } from "@smithy/protocol-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector, type FaultRule } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { BoundedHttpHandler, DEFAULT_CALL_TIMEOUTS } from "../../src/aws/http.js";
import { collectApiGateway } from "../../src/collect/apigateway.js";
import { collectIam } from "../../src/collect/iam.js";
import { scan } from "../../src/pipeline/index.js";
import { resolveTuning } from "../../src/collect/tuning.js";
import { scanSettingsProblems } from "../../src/config/scan-settings.js";
import { memberAccount } from "../helpers/accounts.js";
import { runCli } from "../helpers/cli.js";
import { account, callerCredentials, scanOptions, sim, SIM_NOW, simEnv, unitContext } from "../helpers/sim.js";

const demo = account("demo");
const clean = account("clean");
const MEMBER = "640000000004";
const member = memberAccount(MEMBER, "TIMEOUTMEMBER", { roleName: "TollgateAudit", trustedAccount: clean.accountId });
const tmp = mkdtempSync(join(tmpdir(), "tollgate-timeouts-"));
let s: Simulator;

beforeAll(async () => {
  s = await sim([demo, clean, member], { now: () => SIM_NOW });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

async function withFault<T>(rule: FaultRule, fn: () => Promise<T>): Promise<T> {
  const faults = createFaultInjector({ rules: [rule] });
  s.hooks.push(faults.hook);
  try {
    return await fn();
  } finally {
    s.hooks.splice(s.hooks.indexOf(faults.hook), 1);
  }
}

// Short enough to keep the tests quick, long enough that a healthy call on a busy machine never reaches it.
const FAST = { connectMs: 2000, requestMs: 1500 };

describe("every AWS call is bounded in time", () => {
  it.each(["hang", "stall-body"] as const)(
    "%s: a client without the shared pool times out, retries like a transient fault, then records the error",
    async (mode) => {
      s.counts.clear();
      const ctx = unitContext(demo, {
        maxAttempts: 3,
        settings: { credentials: callerCredentials(demo), maxAttempts: 3, userAgent: "tollgate-test", timeouts: FAST },
      });
      const out = await withFault({ operation: "iam:GetAccountSummary", [mode]: 1 }, () => collectIam(ctx));
      expect(out.errors).toEqual([
        expect.objectContaining({ service: "iam", operation: "GetAccountSummary", errorName: "TimeoutError" }),
      ]);
      expect(s.counts.get("iam:GetAccountSummary")).toBe(3);
      // Everything else of the unit was read.
      expect(out.resources.filter((r) => r.type === "aws.iam.user").length).toBeGreaterThan(0);
    },
  );

  it("one hung call does not hang the scan: the shared pool times it out and the scan finishes, incomplete", async () => {
    const inv = await withFault({ operation: "apigateway:GetStages", hang: 1 }, () =>
      scan(
        scanOptions(demo, {
          scan: { regions: ["us-east-1"], maxAttempts: 2, requestTimeoutMs: FAST.requestMs },
        }),
      ),
    );
    const stages = inv.errors.filter((e) => e.operation === "GetStages");
    expect(stages.length).toBeGreaterThan(0);
    expect(stages.map((e) => e.errorName)).toEqual(stages.map(() => "TimeoutError"));
    // No other call timed out (the demo account's one malformed policy is its own, designed error).
    expect(inv.errors.filter((e) => e.operation !== "GetStages").map((e) => e.errorName)).toEqual(["MalformedPolicyDocument"]);
    expect(inv.resources.some((r) => r.type === "aws.apigateway.method")).toBe(true);
    expect(inv.resources.some((r) => r.type === "aws.iam.user")).toBe(true);
  });

  it("a page that stalls mid-body is cut at the deadline, and recorded for its API", async () => {
    const ctx = unitContext(demo, {
      region: "us-east-1",
      settings: { credentials: callerCredentials(demo), maxAttempts: 1, userAgent: "tollgate-test", timeouts: FAST },
    });
    const out = await withFault({ operation: "apigateway:GetResources", "stall-body": 1 }, () => collectApiGateway(ctx));
    const errs = out.errors.filter((e) => e.operation === "GetResources");
    expect(errs.length).toBe(2);
    expect(errs.every((e) => e.errorName === "TimeoutError" && e.resourceArn)).toBe(true);
  });

  it("an answer that trickles in (never silent for long) is cut when the attempt's time is up", async () => {
    // A server that sends its headers, then one byte every 50 ms forever: no idle timeout ever fires.
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const t = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(t));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const handler = new BoundedHttpHandler({ connectMs: 1000, requestMs: 400 });
    try {
      const { response } = await handler.handle(
        new HttpRequest({
          protocol: "http:",
          hostname: "127.0.0.1",
          port: (server.address() as AddressInfo).port,
          method: "GET",
          path: "/",
          headers: { host: "127.0.0.1" },
        }),
      );
      const read = (async () => {
        for await (const _chunk of response.body as Readable) void _chunk;
      })();
      await expect(read).rejects.toMatchObject({ name: "TimeoutError" });
    } finally {
      handler.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("defaults, the config file's scan section and the flags", async () => {
    expect(resolveTuning({}).timeouts).toEqual(DEFAULT_CALL_TIMEOUTS);
    expect(resolveTuning({ connectTimeoutMs: 500, requestTimeoutMs: 900 }).timeouts).toEqual({ connectMs: 500, requestMs: 900 });
    expect(scanSettingsProblems({ requestTimeoutMs: 0 })).toEqual([{ pointer: "/requestTimeoutMs", message: "must be >= 1" }]);
    const bad = await runCli(["scan", "--no-probe", "--out", join(tmp, "bad"), "--request-timeout", "soon"], simEnv(s, clean));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--request-timeout");
  });

  it("tollgate scan --request-timeout: a hung call ends as a coverage gap, exit 3", async () => {
    const out = join(tmp, "hung");
    const r = await withFault({ operation: "apigateway:GetAccount", hang: 1 }, () =>
      runCli(
        [
          "scan",
          "--no-probe",
          "--out",
          out,
          "--regions",
          "us-east-1",
          "--request-timeout",
          String(FAST.requestMs),
          "--max-attempts",
          "2",
        ],
        simEnv(s, clean),
      ),
    );
    expect(r.code).toBe(3);
    const f = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as {
      coverage: { operation: string; errorName: string }[];
    };
    expect(f.coverage).toEqual([expect.objectContaining({ operation: "GetAccount", errorName: "TimeoutError" })]);
  });

  it("the credential chain's own STS call (a role_arn profile) is bounded too: a hung AssumeRole ends the run", async () => {
    const dir = mkdtempSync(join(tmp, "profile-"));
    const c = clean.callers[0]!;
    writeFileSync(
      join(dir, "config"),
      `[profile base]\nregion = us-east-1\n\n[profile member]\nrole_arn = arn:aws:iam::${MEMBER}:role/TollgateAudit\n` +
        `source_profile = base\nregion = us-east-1\nendpoint_url = ${s.endpoint}\n`,
    );
    writeFileSync(
      join(dir, "credentials"),
      `[base]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n`,
    );
    const env = {
      PATH: process.env["PATH"],
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    };
    s.counts.clear();
    const r = await withFault({ operation: "sts:AssumeRole", hang: 1 }, () =>
      runCli(
        ["scan", "--no-probe", "--profile", "member", "--out", join(dir, "out"), "--request-timeout", String(FAST.requestMs)],
        env,
      ),
    );
    // Nothing could be collected without the role: exit 3, naming the timeout.
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/cannot identify the caller .*TimeoutError: .*1500 ms requestTimeout.*nothing was collected/);
    expect(s.counts.get("sts:AssumeRole")).toBeGreaterThan(0);
  });
});
