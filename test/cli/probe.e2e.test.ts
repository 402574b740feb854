import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { dataPlane, PROBE_API_KEY, PROBE_CREDS } from "../helpers/dataplane.js";

let env: Awaited<ReturnType<typeof dataPlane>>;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-probe-e2e-"));

const cliEnv: NodeJS.ProcessEnv = {
  PATH: process.env["PATH"],
  HOME: "/nonexistent",
  AWS_ACCESS_KEY_ID: PROBE_CREDS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: PROBE_CREDS.secretAccessKey,
  AWS_SESSION_TOKEN: PROBE_CREDS.sessionToken,
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/nonexistent/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

beforeAll(async () => {
  env = await dataPlane([
    {
      apiId: "shop",
      stage: "prod",
      waf: true,
      routes: [
        { method: "GET", path: "/orders", auth: "AWS_IAM" },
        { method: "GET", path: "/admin", auth: "AWS_IAM", misbehave: { authNotDeployed: true } },
      ],
    },
  ]);
});
afterAll(async () => {
  await env?.dispose();
});

function endpointsFile(name: string): string {
  const file = join(tmp, `${name}.json`);
  const common = {
    account: "111122223333",
    region: "us-east-1",
    baseUrl: env.dp.baseUrl("shop", "prod"),
    httpBaseUrl: env.dp.httpBaseUrl("shop", "prod"),
    method: "GET",
  };
  writeFileSync(
    file,
    JSON.stringify({
      endpoints: [
        { id: "orders", path: "/orders", ...common, expect: { auth: "AWS_IAM", minTls: "TLS_1_2", wafSqliXss: true } },
        { id: "admin", path: "/admin", ...common, expect: { auth: "AWS_IAM" } },
      ],
    }),
  );
  return file;
}

describe("tollgate probe end to end", () => {
  it("finds the open route (exit 1), writes the request log, and no file holds a secret", async () => {
    const out = join(tmp, "out");
    const args = ["probe", "--probe-endpoints", endpointsFile("ok"), "--ca-file", env.pki.caFile, "--out", out];
    const r = await runCli([...args, "--probe-rate", "1000", "--save-inventory", join(out, "inventory.json")], cliEnv);
    expect(r.stderr).toContain("Probing 2 endpoint(s)");
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toContain("probes.json");
    const findings = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as {
      findings: { ruleId: string; resourceArn: string; status: string; probe?: unknown }[];
    };
    const status = (rule: string, arn: string) =>
      findings.findings.find((f) => f.ruleId === rule && f.resourceArn === arn)?.status;
    expect(status("aws.apigateway.probe.auth-enforced", "tollgate:probe:admin")).toBe("fail");
    expect(status("aws.apigateway.probe.auth-enforced", "tollgate:probe:orders")).toBe("pass");
    expect(status("aws.apigateway.probe.signature-verified", "tollgate:probe:orders")).toBe("pass");
    expect(status("aws.apigateway.probe.legacy-tls-refused", "tollgate:probe:orders")).toBe("pass");
    expect(status("aws.apigateway.probe.waf-blocks-injection", "tollgate:probe:orders")).toBe("pass");
    expect(findings.findings.filter((f) => f.resourceArn.startsWith("tollgate:probe:")).every((f) => f.probe !== undefined)).toBe(
      true,
    );
    const log = JSON.parse(readFileSync(join(out, "probes.json"), "utf8")) as {
      requests: { step: string; error: string | null }[];
    };
    // Every request that reached the server is in the log; refused legacy handshakes never reach HTTP.
    const handshakesRefused = log.requests.filter((x) => ["tls10", "tls11"].includes(x.step) && x.error?.startsWith("tls-alert"));
    expect(handshakesRefused.length).toBe(2);
    expect(log.requests.length - handshakesRefused.length).toBe(env.dp.requests.length);
    // Every file the prober or the reports wrote, and the CLI's own output.
    const texts = [r.stdout, r.stderr, ...readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"))];
    const signatures = env.dp.requests
      .map((x) => /Signature=([0-9a-f]{64})/.exec(x.headers["authorization"] ?? "")?.[1])
      .filter(Boolean);
    expect(signatures.length).toBeGreaterThan(0);
    for (const secret of [
      PROBE_CREDS.secretAccessKey,
      PROBE_CREDS.sessionToken,
      PROBE_CREDS.accessKeyId,
      PROBE_API_KEY,
      ...signatures,
    ]) {
      for (const t of texts) expect(t).not.toContain(secret);
    }
  });

  it("the environment cannot turn certificate checks off or add a CA: only --ca-file does", async () => {
    const insecure = { ...cliEnv, NODE_TLS_REJECT_UNAUTHORIZED: "0", NODE_EXTRA_CA_CERTS: env.pki.caFile };
    const args = (out: string) => ["probe", "--probe-endpoints", endpointsFile("tls"), "--probe-rate", "1000", "--out", out];
    const before = env.dp.requests.length;
    const r = await runCli(args(join(tmp, "tls-env")), insecure);
    expect(r.stderr).toContain("probes ignore NODE_TLS_REJECT_UNAUTHORIZED");
    // Nothing verified, so nothing concluded: every check is a coverage gap (exit 3), the open route is not
    // even reached, and no HTTPS request got past the handshake.
    expect(r.code).toBe(3);
    const findings = JSON.parse(readFileSync(join(tmp, "tls-env", "findings.json"), "utf8")) as {
      findings: { ruleId: string; status: string }[];
    };
    const probeFindings = findings.findings.filter((f) => f.ruleId.startsWith("aws.apigateway.probe."));
    expect(probeFindings.length).toBeGreaterThan(0);
    expect(probeFindings.filter((f) => f.status === "pass" || f.status === "fail")).toEqual([]);
    expect(env.dp.requests.slice(before).filter((q) => q.listener !== "http")).toEqual([]);
    const log = JSON.parse(readFileSync(join(tmp, "tls-env", "probes.json"), "utf8")) as { requests: { error: string | null }[] };
    expect(log.requests.some((x) => x.error?.startsWith("tls-cert"))).toBe(true);
    // The same run with the CA given the supported way concludes (and finds the open route).
    const ok = await runCli([...args(join(tmp, "tls-ca")), "--ca-file", env.pki.caFile], insecure);
    expect(ok.code).toBe(1);
  });

  it("exit 2 with the JSON pointer for a bad endpoints file", async () => {
    const file = join(tmp, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [{ id: "x", baseUrl: "http://insecure", path: "/", method: "GET", expect: { auth: "NONE" } }],
      }),
    );
    const r = await runCli(["probe", "--probe-endpoints", file, "--out", join(tmp, "bad")], cliEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain("/endpoints/0/baseUrl");
  });

  it("exit 2 for a throttling budget above the hard maximum, before any request", async () => {
    const before = env.dp.requests.length;
    const r = await runCli(
      [
        "probe",
        "--probe-endpoints",
        endpointsFile("t"),
        "--probe-throttling",
        "--throttle-budget",
        "501",
        "--out",
        join(tmp, "t"),
      ],
      cliEnv,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--throttle-budget");
    expect(env.dp.requests.length).toBe(before);
  });

  it("exit 2 when probe has no targets to work on", async () => {
    const r = await runCli(["probe", "--out", join(tmp, "none")], cliEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--probe-endpoints");
  });
});

describe("tollgate scan with probes", () => {
  it("probes the endpoints file after collecting, and --no-probe sends nothing", async () => {
    const { account, sim, simEnv } = await import("../helpers/sim.js");
    // The clean account without its API Gateway APIs (the rest of each region stays, so it still scans clean):
    // the only probe targets are the endpoints file's (loopback) ones, so no probe can leave the machine.
    const clean = account("clean");
    for (const region of Object.values(clean.regional ?? {})) {
      delete (region as Record<string, unknown>)["apigateway"];
      delete (region as Record<string, unknown>)["apigatewayv2"];
    }
    const s = await sim([clean]);
    try {
      const scanEnv = simEnv(s, clean);
      const file = endpointsFile("scan");
      const out = join(tmp, "scan");
      const base = ["scan", "--probe-endpoints", file, "--ca-file", env.pki.caFile, "--probe-rate", "1000"];
      const before = env.dp.requests.length;
      const off = await runCli([...base, "--no-probe", "--out", join(tmp, "scan-off")], scanEnv);
      expect(env.dp.requests.length).toBe(before);
      expect(readdirSync(join(tmp, "scan-off"))).not.toContain("probes.json");
      expect(off.code).toBe(0);
      const on = await runCli([...base, "--out", out, "--save-inventory", join(out, "inventory.json")], scanEnv);
      expect(on.code).toBe(1);
      expect(env.dp.requests.length).toBeGreaterThan(before);
      const inv = JSON.parse(readFileSync(join(out, "inventory.json"), "utf8")) as {
        resources: { type: string; account: string }[];
        metadata: { services: string[] };
      };
      const probes = inv.resources.filter((r) => r.type === "aws.apigateway.probe");
      expect(probes.length).toBe(2);
      expect(inv.metadata.services).toContain("probe");
      // Probe results re-evaluate offline like any other inventory resource.
      const again = await runCli(["evaluate", "--inventory", join(out, "inventory.json"), "--out", join(tmp, "re")], scanEnv);
      expect(again.code).toBe(1);
    } finally {
      await s.close();
    }
  });
});

describe("tollgate scan --probe-only", () => {
  it("probes the endpoints file without collecting (no AWS endpoint is configured)", async () => {
    const out = join(tmp, "probe-only");
    const r = await runCli(
      [
        "scan",
        "--probe-only",
        "--probe-endpoints",
        endpointsFile("only"),
        "--ca-file",
        env.pki.caFile,
        "--probe-rate",
        "1000",
        "--out",
        out,
      ],
      cliEnv,
    );
    expect(r.stderr).not.toContain("Scanning account");
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toContain("probes.json");
  });
});
