// The GitHub Action (action.yml) run step by step by a local runner with the Actions environment (GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH, RUNNER_TEMP, GITHUB_ACTION_PATH) against the simulator.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { fakeActions, fakeWorld, type FakeWorld } from "../helpers/actions-fakes.js";
import { GITHUB_OIDC, oidcAuditAccount } from "../helpers/oidc.js";
import { newJob, runCompositeAction, type JobState } from "../helpers/actions-runner.js";
import { runCommand } from "../helpers/cli.js";
import { account, ROOT, sim } from "../helpers/sim.js";

const AUDIT_ID = "640000000004";
const audit = oidcAuditAccount(AUDIT_ID, "ACTIONAUDIT", "tollgate-audit", [GITHUB_OIDC]);
const ROLE = `arn:aws:iam::${AUDIT_ID}:role/tollgate-audit`;
const demo = account("demo");
let s: Simulator;
let world: FakeWorld;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-action-"));

beforeAll(async () => {
  s = await sim([audit, demo]);
  world = fakeWorld(tmp);
});
afterAll(() => s.close());

/** A job on a runner: the simulator is the AWS endpoint; no credentials unless given. */
function job(
  env: Record<string, string> = {},
  permissions: Record<string, string> = { "id-token": "write", "security-events": "write" },
): JobState {
  return newJob({
    env: {
      PATH: process.env["PATH"]!,
      HOME: join(tmp, "home"),
      AWS_ENDPOINT_URL: s.endpoint,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...env,
    },
    permissions,
    handlers: fakeActions(world, s.endpoint),
  });
}

const demoCredentials = () => ({
  AWS_ACCESS_KEY_ID: demo.callers[0]!.accessKeyId,
  AWS_SECRET_ACCESS_KEY: demo.callers[0]!.secretAccessKey,
  AWS_REGION: "us-east-1",
});

const outcomes = (j: JobState) => Object.fromEntries(j.steps.map((st) => [st.name, st.outcome]));
const step = (j: JobState, name: string) => j.steps.find((st) => st.name === name)!;

describe("the GitHub Action (action.yml) in a simulated Actions job", () => {
  it("OIDC role, scan, summary, outputs and SARIF upload; a clean account with unsafe methods passes", async () => {
    const j = job();
    const before = world.sarifUploads.length;
    const r = await runCompositeAction(ROOT, { "role-to-assume": ROLE, regions: "us-east-1", "aws-region": "us-east-1" }, j);
    expect(step(j, "Scan").stderr).not.toContain("internal error");
    expect(r.failed).toBe(false);
    expect(outcomes(j)).toEqual({
      "Assume the audit role with GitHub OIDC": "success",
      "Install Tollgate": "success",
      Scan: "success",
      "Upload SARIF to code scanning": "success",
      "Fail on Tollgate's exit code": "skipped",
    });
    // Scanned as the role the OIDC token was exchanged for.
    expect(step(j, "Scan").stderr).toContain(`as arn:aws:sts::${AUDIT_ID}:assumed-role/tollgate-audit/tollgate-audit`);
    const o = r.outputs;
    expect(o).toMatchObject({
      "exit-code": "0",
      "exit-reason": "passed",
      critical: "0",
      high: "0",
      errors: "0",
      "coverage-gaps": "0",
      complete: "true",
    });
    expect(Number(o["passed"])).toBeGreaterThan(10);
    // The clean account's POST and DELETE methods are not probed by design, and that is not a failure.
    expect(Number(o["not-probed"])).toBeGreaterThan(0);
    const dir = join(j.workspace, "tollgate-reports");
    expect(o["report-dir"]).toBe(dir);
    for (const [k, f] of [
      ["findings", "findings.json"],
      ["sarif", "results.sarif"],
      ["html", "report.html"],
      ["summary", "summary.md"],
      ["junit", "junit.xml"],
    ] as const)
      expect(o[k]).toBe(join(dir, f));
    // summary.md is the job summary; the uploaded SARIF is the run's.
    expect(j.summary).toContain(readFileSync(join(dir, "summary.md"), "utf8"));
    expect(world.sarifUploads.slice(before).map((u) => u.file)).toEqual([join(dir, "results.sarif")]);
    // `tollgate` is on PATH for the job's later steps.
    const bin = j.paths.find((p) => existsSync(join(p, "tollgate")))!;
    const v = await runCommand(join(bin, "tollgate"), ["--version"], { env: { PATH: process.env["PATH"] } });
    expect(v.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
  });

  it("failing findings: summary and SARIF still published, then the job fails with exit 1", async () => {
    const j = job(demoCredentials());
    const r = await runCompositeAction(ROOT, { regions: "us-east-1", "upload-sarif": "true" }, j);
    expect(r.failed).toBe(true);
    expect(outcomes(j)).toMatchObject({
      Scan: "success",
      "Upload SARIF to code scanning": "success",
      "Fail on Tollgate's exit code": "failure",
    });
    expect(step(j, "Fail on Tollgate's exit code").exitCode).toBe(1);
    expect(step(j, "Fail on Tollgate's exit code").stdout).toContain("::error title=Tollgate::exit 1 (failing-findings)");
    // The demo account has a coverage gap: exit 1 outranks 3, and only `complete` says the run missed something.
    expect(r.outputs).toMatchObject({
      "exit-code": "1",
      "exit-reason": "failing-findings",
      complete: "false",
      new: "",
      fixed: "",
    });
    expect(Number(r.outputs["coverage-gaps"])).toBeGreaterThan(0);
    expect(Number(r.outputs["high"]) + Number(r.outputs["critical"])).toBeGreaterThan(0);
    expect(j.summary).toContain("Tollgate");
  });

  it("fail-on none is report-only: the same failing account passes the job", async () => {
    const j = job(demoCredentials());
    const r = await runCompositeAction(ROOT, { regions: "us-east-1", "fail-on": "none", "upload-sarif": "false" }, j);
    expect(r.failed).toBe(false);
    expect(r.outputs["exit-code"]).toBe("0");
    expect(Number(r.outputs["failed"])).toBeGreaterThan(0);
    expect(outcomes(j)["Upload SARIF to code scanning"]).toBe("skipped");
  });

  it("baseline: absent on the first run (a notice), then only new findings count", async () => {
    const j1 = job(demoCredentials());
    const baseline = join(j1.workspace, "baseline", "findings.json");
    const r1 = await runCompositeAction(
      ROOT,
      { regions: "us-east-1", baseline: "baseline/findings.json", "upload-sarif": "false" },
      j1,
    );
    expect(step(j1, "Scan").stdout).toContain("::notice title=Tollgate::baseline baseline/findings.json does not exist yet");
    expect(r1.outputs["exit-code"]).toBe("1");
    mkdirSync(dirname(baseline), { recursive: true });
    copyFileSync(r1.outputs["findings"]!, baseline);
    const j2 = newJob({
      workspace: j1.workspace,
      env: j1.env,
      permissions: j1.permissions,
      handlers: fakeActions(world, s.endpoint),
    });
    const r2 = await runCompositeAction(
      ROOT,
      { regions: "us-east-1", baseline: "baseline/findings.json", "upload-sarif": "false", "on-incomplete": "ignore" },
      j2,
    );
    expect(r2.outputs).toMatchObject({ "exit-code": "0", new: "0", fixed: "0" });
    expect(Number(r2.outputs["failed"])).toBeGreaterThan(0);
  });

  it("bad input: exit 2 named in the outputs and the summary, the job fails with 2, nothing is uploaded", async () => {
    const j = job(demoCredentials());
    // Reports an earlier run left in the workspace (a self-hosted runner's) are not this run's.
    const stale = join(j.workspace, "tollgate-reports");
    mkdirSync(stale, { recursive: true });
    for (const f of ["findings.json", "results.sarif", "summary.md", "report.html", "junit.xml"])
      writeFileSync(join(stale, f), "STALE REPORT");
    const r = await runCompositeAction(ROOT, { regions: "us-eats-1" }, j);
    expect(r.failed).toBe(true);
    expect(r.outputs).toMatchObject({
      "exit-code": "2",
      "exit-reason": "bad-input",
      findings: "",
      sarif: "",
      html: "",
      summary: "",
      junit: "",
      failed: "",
    });
    expect(step(j, "Scan").stderr).toContain('unknown region "us-eats-1" (did you mean us-east-1?)');
    expect(j.summary).toContain("No report was written: exit 2 (bad-input)");
    expect(j.summary).not.toContain("STALE");
    expect(outcomes(j)).toMatchObject({ "Upload SARIF to code scanning": "skipped", "Fail on Tollgate's exit code": "failure" });
    expect(step(j, "Fail on Tollgate's exit code").exitCode).toBe(2);
  });

  it("an input the action cannot read is bad input too, before Tollgate runs", async () => {
    const j = job(demoCredentials());
    const r = await runCompositeAction(ROOT, { "upload-sarif": "yes" }, j);
    expect(r.failed).toBe(true);
    expect(r.outputs).toMatchObject({ "exit-code": "2", "exit-reason": "bad-input" });
    expect(step(j, "Scan").stderr).toContain('::error title=Tollgate::input upload-sarif: must be true or false, got "yes"');
    expect(j.summary).toContain("Not run: input upload-sarif");
    expect(existsSync(join(j.workspace, "tollgate-reports"))).toBe(false);
  });

  it("config and formats: the config file's suppressions apply, and only the formats asked for are written", async () => {
    const j = job(demoCredentials());
    writeFileSync(
      join(j.workspace, "audit.yaml"),
      'suppressions:\n  - rule: "*"\n    reason: accepted for this test\n    expires: 2099-12-31\n',
    );
    const r = await runCompositeAction(
      ROOT,
      { regions: "us-east-1", config: "audit.yaml", formats: "junit", "upload-sarif": "false", "on-incomplete": "ignore" },
      j,
    );
    expect(r.outputs).toMatchObject({ "exit-code": "0", failed: "0", critical: "0", high: "0", sarif: "", html: "" });
    expect(Number(r.outputs["suppressed"])).toBeGreaterThan(0);
    // junit as asked; json and markdown always, since the outputs and the job summary come from them (and the
    // probe log, which every scan that probes keeps).
    expect([r.outputs["junit"], r.outputs["findings"], r.outputs["summary"]].every((p) => p !== "" && existsSync(p!))).toBe(true);
    expect(readdirSync(r.outputs["report-dir"]!).sort()).toEqual(["findings.json", "junit.xml", "probes.json", "summary.md"]);
    expect(outcomes(j)["Upload SARIF to code scanning"]).toBe("skipped");
  });

  it("a role to assume without `id-token: write` stops before the scan", async () => {
    const j = job({}, { "security-events": "write" });
    const r = await runCompositeAction(ROOT, { "role-to-assume": ROLE }, j);
    expect(r.failed).toBe(true);
    expect(outcomes(j)).toMatchObject({ "Assume the audit role with GitHub OIDC": "failure", Scan: "skipped" });
  });

  it("installs from the action's own files: a checkout without node_modules or dist is built with npm ci", async () => {
    // The action's folder as GitHub checks it out: the repository's files, nothing built.
    const checkout = join(tmp, "action-checkout");
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f && existsSync(join(ROOT, f)));
    for (const f of files) {
      mkdirSync(dirname(join(checkout, f)), { recursive: true });
      copyFileSync(join(ROOT, f), join(checkout, f));
    }
    expect(existsSync(join(checkout, "node_modules"))).toBe(false);
    // Offline: the locked packages come from the npm cache `npm ci` filled for this repository.
    const cache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
    // NODE_ENV=production, as some jobs set it, would leave out the build's dev dependencies without --include=dev.
    const j = job({ ...demoCredentials(), npm_config_offline: "true", npm_config_cache: cache, NODE_ENV: "production" });
    const r = await runCompositeAction(checkout, { regions: "us-east-1", "fail-on": "none", "upload-sarif": "false" }, j);
    expect(step(j, "Install Tollgate").stderr).not.toMatch(/npm (ERR|error)/);
    expect(outcomes(j)).toMatchObject({ "Install Tollgate": "success", Scan: "success" });
    expect(existsSync(join(checkout, "dist", "src", "cli.js"))).toBe(true);
    expect(r.outputs["exit-code"]).toBe("0");
  }, 240_000);

  it("inputs reach shell code only through environment variables, and every input is used", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, unknown>;
      runs: { steps: { run?: string; env?: Record<string, string>; with?: Record<string, string>; if?: string }[] };
    };
    const text = JSON.stringify(action.runs.steps);
    for (const st of action.runs.steps) if (st.run) expect(st.run).not.toMatch(/\$\{\{/);
    for (const name of Object.keys(action.inputs)) expect(text).toContain(`inputs.${name}`);
    // The scan step's INPUT_* variables are the ones readInputs reads.
    const scan = action.runs.steps.find((st) => st.env?.["INPUT_REGIONS"])!;
    for (const [k, v] of Object.entries(scan.env!))
      expect(v).toBe(`\${{ inputs.${k.slice(6).toLowerCase().replaceAll("_", "-")} }}`);
  });
});
