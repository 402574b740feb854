// A run's SDK clients share the settings each would otherwise resolve for itself from the environment and the shared
// files (#19: 1,850 clients in a 50-account organisation scan, each resolving them again). Against the simulator:
// the values are the SDK's own (same sources), read once per run, and the clients still honour them.
import { GetAccountSummaryCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import type { AwsClientSettings } from "../../src/aws/clients.js";
import { sharedSdkConfig } from "../../src/aws/sdk-config.js";
import { awsClient } from "../../src/collect/clients.js";
import { account, callerCredentials, sim } from "../helpers/sim.js";

const home = account("clean");
let s: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  s = await sim([home]);
});
afterAll(() => s.close());
afterEach(() => {
  for (const k of ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_SDK_UA_APP_ID"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const settings = (over: Partial<AwsClientSettings> = {}): AwsClientSettings => ({
  credentials: callerCredentials(home),
  maxAttempts: 1,
  userAgent: "tollgate-test",
  ...over,
});

/** GetAccountSummary through a client built as collectors build theirs; the user agent it sent, or the error. */
async function call(st: AwsClientSettings): Promise<{ userAgent?: string; error?: string }> {
  const iam = awsClient(IAMClient, st, "us-east-1", "iam");
  let userAgent: string | undefined;
  iam.middlewareStack.add(
    (next) => async (args) => {
      userAgent = (args.request as { headers: Record<string, string> }).headers["user-agent"];
      return next(args);
    },
    { step: "finalizeRequest", name: "captureUserAgent" },
  );
  try {
    await iam.send(new GetAccountSummaryCommand({}));
    return { ...(userAgent ? { userAgent } : {}) };
  } catch (e) {
    return { error: (e as Error).name };
  } finally {
    iam.destroy();
  }
}

describe("shared SDK settings (sharedSdkConfig)", () => {
  it("resolves a service's configured endpoint once per run: later clients use the first one's answer", async () => {
    process.env["AWS_ENDPOINT_URL_IAM"] = s.endpoint;
    const run = settings({ sdk: sharedSdkConfig() });
    expect(await call(run)).not.toHaveProperty("error");
    // The configuration changes under the run: its clients keep what the run resolved; a client outside it sees the
    // change (nothing listens on port 9 of the loopback).
    process.env["AWS_ENDPOINT_URL_IAM"] = "http://127.0.0.1:9";
    expect(await call(run)).not.toHaveProperty("error");
    expect((await call(settings())).error).toBeDefined();
  });

  it("a new run resolves again, from the sources the SDK reads (AWS_ENDPOINT_URL when no service-specific one)", async () => {
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    delete process.env["AWS_ENDPOINT_URL_IAM"];
    expect(await call(settings({ sdk: sharedSdkConfig() }))).not.toHaveProperty("error");
    process.env["AWS_ENDPOINT_URL_IAM"] = "http://127.0.0.1:9";
    expect((await call(settings({ sdk: sharedSdkConfig() }))).error).toBeDefined();
  });

  it("keeps the app id from AWS_SDK_UA_APP_ID in every client's user agent", async () => {
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    process.env["AWS_SDK_UA_APP_ID"] = "audit-pipeline";
    const run = settings({ sdk: sharedSdkConfig() });
    for (let i = 0; i < 2; i++) {
      const { userAgent, error } = await call(run);
      expect(error).toBeUndefined();
      expect(userAgent).toContain("app/audit-pipeline");
      expect(userAgent).toContain("tollgate-test");
    }
  });
});
