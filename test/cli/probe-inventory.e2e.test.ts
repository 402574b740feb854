// End to end on loopback only: the control-plane simulator and the data plane both serve an account file;
// `tollgate scan` collects it and probes every API it found through the invoke/domain URL templates, with
// --probe-hosts 127.0.0.1 so any other host would be refused before a request is sent.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { loopbackProbeArgs, startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv } from "../helpers/sim.js";

const tmp = mkdtempSync(join(tmpdir(), "tollgate-probe-inv-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Finding {
  ruleId: string;
  resourceArn: string;
  status: string;
  severity: string;
  probe?: {
    confirmed?: boolean;
    configFindings?: { ruleId: string; relation: string; status: string }[];
  };
}

async function scanWithProbes(a: AccountFile, name: string, extra: string[] = []) {
  const pki: TestPki = generateTestPki();
  const dp: DataPlane = await startDataPlane({ ...dataPlaneConfig([a]), pki });
  const s = await sim([a]);
  cleanups.push(
    () => pki.dispose(),
    () => dp.close(),
    () => s.close(),
  );
  const out = join(tmp, name);
  const args = ["scan", ...loopbackProbeArgs(dp, pki.caFile), "--out", out, ...extra];
  const r = await runCli(args, simEnv(s, a));
  const read = <T>(f: string) => JSON.parse(readFileSync(join(out, f), "utf8")) as T;
  return { r, out, dp, read, args, env: simEnv(s, a) };
}

// Whole scans with probes: a loaded CI machine can take several times the usual ~10 s.
describe("scan probes the collected inventory against the loopback data plane", { timeout: 120_000 }, () => {
  it("demo account: the contradictions are found, every request stayed on 127.0.0.1, no secret is written", async () => {
    const demo = account("demo");
    const { r, out, dp, read } = await scanWithProbes(demo, "demo");
    expect(r.code).toBe(1);
    const { findings } = read<{ findings: Finding[] }>("findings.json");
    const find = (rule: string, arn: string) => findings.find((f) => f.ruleId === rule && f.resourceArn === arn);

    // Configured COGNITO_USER_POOLS, deployed open (dataplane.misbehave auth-not-deployed): critical, and it
    // contradicts the passing configuration finding.
    const open = find("aws.apigateway.probe.auth-enforced", "tollgate:probe:a1b2c3d4e5/prod GET /orders");
    expect(open?.status).toBe("fail");
    expect(open?.severity).toBe("critical");
    expect(open?.probe?.configFindings).toContainEqual(
      expect.objectContaining({
        ruleId: "aws.apigateway.method.authorization-required",
        status: "pass",
        relation: "contradicts",
      }),
    );
    // An API-key-only method (authorization NONE, apiKeyRequired): the key is enforced.
    expect(find("aws.apigateway.probe.api-key-enforced", "tollgate:probe:p9q8r7s6t5/live GET /payments")?.status).toBe("pass");
    // A JWT route enforces its authorizer.
    expect(find("aws.apigateway.probe.auth-enforced", "tollgate:probe:h1t2t3p4a5/$default GET /products")?.status).toBe("pass");
    // The stage without WAF: the injection marker passed (GET / needs no key), confirming the failing
    // configuration finding. (payments-eu/live has no keyless GET: there the marker test is inconclusive.)
    const noWaf = find("aws.apigateway.stage.waf-associated", "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev");
    expect(noWaf?.status).toBe("fail");
    expect(noWaf?.probe?.confirmed).toBe(true);
    // CORS reflected with credentials on the HTTP API (misbehave cors-reflect-credentials).
    expect(
      find("aws.apigateway.probe.cors-no-credentialed-reflection", "tollgate:probe:h1t2t3p4a5/$default GET /products")?.status,
    ).toBe("fail");
    // The custom domain with a TLS 1.2 policy refuses TLS 1.0/1.1 handshakes.
    expect(find("aws.apigateway.probe.legacy-tls-refused", "tollgate:probe:api.example.com/ GET /orders")?.status).toBe("pass");
    // Unsafe methods are not sent: their request-level checks are skipped by design, never pass and never a
    // coverage gap (the plain-HTTP check is a GET that only needs the listener, and runs).
    const post = findings.filter(
      (f) => f.resourceArn === "tollgate:probe:a1b2c3d4e5/prod POST /orders" && f.ruleId !== "aws.apigateway.probe.https-only",
    );
    expect(post.length).toBeGreaterThan(0);
    expect(new Set(post.map((f) => f.status))).toEqual(new Set(["skipped"]));
    expect(dp.requests.some((x) => x.method === "POST" || x.method === "DELETE")).toBe(false);
    // The private and WebSocket APIs' checks are skipped with their reason too.
    for (const arn of ["tollgate:probe:f6g7h8i9j0/v1 ANY /", "tollgate:probe:w1s2k3t4a5/prod GET /"])
      expect(find("aws.apigateway.probe.auth-enforced", arn)?.status).toBe("skipped");
    const { coverage } = read<{ coverage: { resourceArn?: string }[] }>("findings.json");
    expect(coverage.filter((c) => /POST|f6g7h8i9j0|w1s2k3t4a5/.test(c.resourceArn ?? ""))).toEqual([]);

    // Private and WebSocket APIs are not probed, with the reason recorded.
    const log = read<{ requests: { request: { url: string } }[]; notProbed: { arn: string; reason: string }[] }>("probes.json");
    expect(log.notProbed.map((n) => n.arn)).toEqual([
      "arn:aws:apigateway:us-east-1::/apis/w1s2k3t4a5",
      "arn:aws:apigateway:us-east-1::/restapis/f6g7h8i9j0",
    ]);
    expect(dp.requests.some((x) => x.url.includes("f6g7h8i9j0") || x.url.includes("w1s2k3t4a5"))).toBe(false);
    // Loopback only: every URL in probes.json, and the data plane saw every request that was answered.
    expect(log.requests.length).toBeGreaterThan(50);
    for (const x of log.requests) expect(new URL(x.request.url).hostname).toBe("127.0.0.1");
    expect(dp.requests.length).toBeGreaterThan(0);

    const texts = [r.stdout, r.stderr, ...readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"))];
    const caller = demo.callers[0]!;
    for (const secret of [caller.secretAccessKey, ...(demo.regional?.["us-east-1"]?.dataplane?.apiKeys ?? [])])
      for (const t of texts) expect(t).not.toContain(secret);
  });

  it("clean account with POST and DELETE methods: the unsafe verbs are skipped, not errors, and the scan exits 0", async () => {
    const { r, read, dp, out } = await scanWithProbes(account("clean"), "clean");
    expect(r.stderr).toContain("Probing");
    expect(r.code).toBe(0);
    const doc = read<{ findings: (Finding & { message: string })[]; coverage: unknown[]; summary: Record<string, number> }>(
      "findings.json",
    );
    const { findings } = doc;
    // Every probe check of POST and DELETE that needs the verb itself is skipped with the reason; nothing errors.
    expect(doc.coverage).toEqual([]);
    expect(findings.filter((f) => f.status === "error")).toEqual([]);
    for (const verb of ["POST", "DELETE"]) {
      const f = findings.find(
        (x) =>
          x.ruleId === "aws.apigateway.probe.auth-enforced" &&
          x.resourceArn === `tollgate:probe:reports.example.org/ ${verb} /reports`,
      );
      expect(f?.status).toBe("skipped");
      expect(f?.message).toContain(`${verb} is not sent without opt-in`);
    }
    expect(doc.summary["skipped"]).toBe(findings.filter((f) => f.status === "skipped").length);
    expect(doc.summary["skipped"]).toBeGreaterThanOrEqual(4);
    expect(dp.requests.some((x) => x.method === "POST" || x.method === "DELETE")).toBe(false);
    // Every report and the console list them as not probed; JUnit marks them <skipped>; SARIF leaves them out.
    expect(r.stderr).toMatch(/\d+ not probed/);
    expect(r.stderr).toContain("POST is not sent without opt-in");
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain(`### Not probed (${doc.summary["skipped"]})`);
    expect(readFileSync(join(out, "junit.xml"), "utf8")).toContain('<skipped message="Not probed: POST is not sent');
    expect(readFileSync(join(out, "results.sarif"), "utf8")).not.toContain("POST /reports");
    const probes = findings.filter((f) => f.resourceArn.startsWith("tollgate:probe:"));
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((f) => f.status === "fail")).toEqual([]);
    expect(
      findings.find(
        (f) =>
          f.resourceArn === "tollgate:probe:reports.example.org/ GET /reports" &&
          f.ruleId === "aws.apigateway.probe.signature-verified",
      )?.status,
    ).toBe("pass");
    // The disabled execute-api endpoint is not probed.
    expect(dp.requests.every((x) => x.url.startsWith("/_domain/"))).toBe(true);
  });

  it("--probe-hosts: endpoints the scan found outside the allow-list get no request, are listed, and report error (exit 3)", async () => {
    // Both hosts are loopback: even a broken guard could not send a probe off this machine.
    const { r, dp, read } = await scanWithProbes(account("clean"), "hosts", ["--probe-hosts", "127.0.0.2"]);
    expect(dp.requests.length).toBe(0);
    // Nothing collected is thrown away: the endpoints are refused, the rest of the run goes on.
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--probe-hosts 127\.0\.0\.2: \d+ endpoint\(s\) found in the inventory are outside it/);
    expect(r.stderr).toMatch(/refused: .* \(127\.0\.0\.1\)/);
    const f = read<{ findings: Finding[]; coverage: { errorName: string }[] }>("findings.json");
    expect(f.coverage.some((c) => c.errorName === "ProbeHostRefused")).toBe(true);
    const probeFindings = f.findings.filter((x) => x.resourceArn.startsWith("tollgate:probe:"));
    expect(probeFindings.length).toBeGreaterThan(0);
    expect(probeFindings.every((x) => x.status === "error")).toBe(true);
    expect(f.findings.some((x) => x.ruleId.startsWith("aws.iam.") && x.status === "pass")).toBe(true);
  });
});
