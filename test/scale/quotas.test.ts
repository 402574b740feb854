import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APIGatewayClient, GetResourcesCommand } from "@aws-sdk/client-api-gateway";
import { CloudTrailClient, DescribeTrailsCommand } from "@aws-sdk/client-cloudtrail";
import { IAMClient, GetAccountSummaryCommand } from "@aws-sdk/client-iam";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { createQuotaLimiter } from "../../fixtures/simulator/quotas.js";
import { account, callerCredentials, sim } from "../helpers/sim.js";

const demo = account("demo");
const cfg = (s: Simulator) => ({
  endpoint: s.endpoint,
  region: "us-east-1",
  credentials: callerCredentials(demo),
  maxAttempts: 1,
});

async function outcomes(n: number, call: () => Promise<unknown>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      await call().then(
        () => "ok",
        (e: Error) => e.name,
      ),
    );
  return out;
}

describe("simulator AWS-like quotas", () => {
  let s: Simulator;
  let t = 0;
  beforeAll(async () => {
    s = await sim([demo]);
    // A frozen clock: no refill, so the burst is exactly what is allowed.
    s.hooks.push(createQuotaLimiter(undefined, () => t).hook);
  });
  afterAll(() => s.close());

  it("API Gateway GetResources: 5 then TooManyRequestsException (429), refilled at 2.5 per second", async () => {
    const c = new APIGatewayClient(cfg(s));
    const call = () => c.send(new GetResourcesCommand({ restApiId: "a1b2c3d4e5" }));
    expect(await outcomes(6, call)).toEqual(["ok", "ok", "ok", "ok", "ok", "TooManyRequestsException"]);
    t += 1000;
    expect(await outcomes(3, call)).toEqual(["ok", "ok", "TooManyRequestsException"]);
  });

  it("CloudTrail answers ThrottlingException after its burst of 10; IAM answers Throttling (awsQuery) after 10", async () => {
    const ct = new CloudTrailClient(cfg(s));
    const r = await outcomes(11, () => ct.send(new DescribeTrailsCommand({})));
    expect(r.slice(0, 10).every((x) => x === "ok")).toBe(true);
    expect(r[10]).toBe("ThrottlingException");
    const iam = new IAMClient(cfg(s));
    const ri = await outcomes(11, () => iam.send(new GetAccountSummaryCommand({})));
    expect(ri[10]).toBe("Throttling");
  });
});
