// Function-URL probes in exposure-path severity, end to end: an account file → the simulator → the built CLI's scan
// with its probes against the simulated data plane → the path findings. The same scan without probes judges the
// configuration only, so the two runs show what the probe changes (as the demo's probe-confirmed API route does).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../../fixtures/simulator/account-file.js";
import { dataPlaneConfig } from "../../../fixtures/simulator/dataplane-config.js";
import { loopbackProbeArgs, startDataPlane, type DataPlane } from "../../../fixtures/simulator/dataplane.js";
import type { Simulator } from "../../../fixtures/simulator/server.js";
import { generateTestPki, type TestPki } from "../../../fixtures/simulator/tls.js";
import { cleanAccount } from "../../helpers/accounts.js";
import { runCli } from "../../helpers/cli.js";
import { sim, simEnv } from "../../helpers/sim.js";

const ACCOUNT = "770000000007";
const fnArn = (n: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${n}`;
const lambdaTrust = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
const publicUrl = (fn: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "FunctionURLAllowPublicAccess",
      Effect: "Allow",
      Principal: "*",
      Action: "lambda:InvokeFunctionUrl",
      Resource: fnArn(fn),
      Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } },
    },
  ],
});
const fn = (name: string, role: string, extra: Record<string, unknown>) => ({
  FunctionName: name,
  Runtime: "nodejs22.x",
  Handler: "index.handler",
  Role: `arn:aws:iam::${ACCOUNT}:role/${role}`,
  ...extra,
});

function urlAccount(): AccountFile {
  const a = cleanAccount(ACCOUNT, "PATHSURLPROBE");
  a.iam.roles = [
    ...(a.iam.roles ?? []),
    { name: "url-admin", trustPolicy: lambdaTrust, attachedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
    {
      name: "url-reader",
      trustPolicy: lambdaTrust,
      inlinePolicies: {
        read: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] },
      },
    },
  ];
  const east = a.regional!["us-east-1"]!;
  east.lambda = {
    ...east.lambda,
    functions: [
      ...(east.lambda?.functions ?? []),
      // AWS_IAM on the URL, but the deployed URL serves unsigned requests: only the probe can tell.
      fn("admin-iam-open", "url-admin", { urls: [{ AuthType: "AWS_IAM" }] }),
      // The same role behind an AWS_IAM URL that refuses them: no path, probed or not.
      fn("admin-iam-good", "url-admin", { urls: [{ AuthType: "AWS_IAM" }] }),
      // A public URL to a role that reads every bucket: high from the configuration, critical once answered live.
      fn("reader-public", "url-reader", { policy: publicUrl("reader-public"), urls: [{ AuthType: "NONE" }] }),
    ],
  } as typeof east.lambda;
  east.dataplane = { misbehave: { "admin-iam-open": ["auth-not-deployed"] } };
  return a;
}

interface FindingLike {
  ruleId: string;
  resourceArn: string;
  status: string;
  severity: string;
  message: string;
}

const account = urlAccount();
let s: Simulator;
let pki: TestPki;
let dp: DataPlane;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-url-paths-"));

beforeAll(async () => {
  s = await sim([account]);
  pki = generateTestPki();
  dp = await startDataPlane({ ...dataPlaneConfig([account]), pki });
});
afterAll(async () => {
  await dp.close();
  pki.dispose();
  await s.close();
});

async function scan(name: string, probeArgs: string[]): Promise<FindingLike[]> {
  const out = join(tmp, name);
  const r = await runCli(["scan", ...probeArgs, "--formats", "json", "--out", out], simEnv(s, account), 240_000);
  expect(r.code, r.stderr).toBe(1);
  return (JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as { findings: FindingLike[] }).findings;
}
const at = (fs: FindingLike[], rule: string, arn: string) =>
  fs.find((f) => f.ruleId === `aws.path.exposure.${rule}` && f.resourceArn === arn);

describe("function-URL probes raise exposure paths", () => {
  it("configuration only (--no-probe): the AWS_IAM URLs are no path, the public URL is high", async () => {
    const fs = await scan("no-probe", ["--no-probe"]);
    expect(at(fs, "no-admin", `${fnArn("admin-iam-open")}/url`)?.status).toBe("pass");
    expect(at(fs, "no-admin", `${fnArn("admin-iam-good")}/url`)?.status).toBe("pass");
    expect(at(fs, "no-wildcard-data-access", `${fnArn("reader-public")}/url`)).toMatchObject({
      status: "fail",
      severity: "high",
    });
  }, 300_000);

  it("probed: the AWS_IAM URL that served an unsigned request is a critical admin path; the public URL is confirmed (critical)", async () => {
    const fs = await scan("probed", loopbackProbeArgs(dp, pki.caFile));
    const open = at(fs, "no-admin", `${fnArn("admin-iam-open")}/url`);
    expect(open).toMatchObject({ status: "fail", severity: "critical" });
    expect(open?.message).toMatch(/function URL AuthType AWS_IAM, but probe .*: an unsigned request was served/);
    expect(open?.message).toContain("url-admin");
    // The probe's own finding says the same thing from the other side.
    expect(fs.find((f) => f.ruleId === "aws.lambda.probe.url-auth-enforced" && f.status === "fail")?.message).toBeDefined();
    expect(at(fs, "no-admin", `${fnArn("admin-iam-good")}/url`)?.status).toBe("pass");
    const pub = at(fs, "no-wildcard-data-access", `${fnArn("reader-public")}/url`);
    expect(pub).toMatchObject({ status: "fail", severity: "critical" });
    expect(pub?.message).toMatch(/function URL AuthType NONE, and probe .*: the function answered an unsigned request/);
  }, 300_000);
});
