// Outputs chosen once and named once (--formats, --console), the same counts everywhere, and the CI exit codes
// (--fail-on none, --on-incomplete), through the built CLI against the simulator and the loopback data plane.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { loopbackProbeArgs, startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";
import { REPORT_FILE_NAMES, REPORT_FORMATS } from "../../src/report/formats.js";
import { newAjv } from "../../src/util/ajv.js";
import { runCli } from "../helpers/cli.js";
import { parseCsv } from "../helpers/csv.js";
import { account, ROOT, sim, simEnv } from "../helpers/sim.js";

const demo = account("demo");
const clean = account("clean");
// The clean account plus one malformed policy: a coverage gap (incomplete) and nothing failing.
const gappy: AccountFile = {
  ...structuredClone(clean),
  accountId: "555566667777",
  callers: [{ ...clean.callers[0]!, accessKeyId: "AKIAGAPPYOUTPUTS0001", arn: "arn:aws:iam::555566667777:role/auditor" }],
  iam: { ...structuredClone(clean.iam), policies: [{ name: "broken", document: '{"Statement": [' }] },
};

// The clean account plus a console user without MFA whose name a spreadsheet would run as a formula
// (IAM names may contain + = , . @ _ -).
const FORMULA_USER = "=1+2@evil.example";
const hostile: AccountFile = {
  ...structuredClone(clean),
  accountId: "555566668888",
  callers: [{ ...clean.callers[0]!, accessKeyId: "AKIAHOSTILEOUTPUTS01", arn: "arn:aws:iam::555566668888:role/auditor" }],
  iam: {
    ...structuredClone(clean.iam),
    users: [
      ...structuredClone(clean.iam.users ?? []),
      { name: FORMULA_USER, createdDaysAgo: 30, console: { passwordLastUsedDaysAgo: 1, passwordLastChangedDaysAgo: 10 } },
    ],
  },
};

const tmp = mkdtempSync(join(tmpdir(), "tollgate-outputs-"));
const offline = { PATH: process.env["PATH"], HOME: "/nonexistent" };
let s: Simulator;
let dp: DataPlane;
let pki: TestPki;
/** The demo account scanned with probes: every status occurs (pass, fail, error, skipped). */
const inventory = join(tmp, "demo", "inventory.json");

interface Summary {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  suppressed: number;
}
const findingsOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "findings.json"), "utf8")) as {
    summary: Summary;
    findings: { status: string; ruleId: string; suppression?: unknown }[];
  };

beforeAll(async () => {
  s = await sim([demo, clean, gappy, hostile]);
  pki = generateTestPki();
  dp = await startDataPlane({ ...dataPlaneConfig([demo]), pki });
  const r = await runCli(
    ["scan", ...loopbackProbeArgs(dp, pki.caFile), "--out", join(tmp, "demo"), "--save-inventory", inventory],
    simEnv(s, demo),
  );
  expect(r.code).toBe(1);
});
afterAll(async () => {
  await dp?.close();
  pki?.dispose();
  await s?.close();
});

describe("--formats and --console", () => {
  it("writes exactly the chosen files, OCSF and ASFF included, and prints the console format on stdout", async () => {
    const out = join(tmp, "chosen");
    const r = await runCli(
      ["evaluate", "--inventory", inventory, "--out", out, "--formats", "json,ocsf,asff", "--console", "text"],
      offline,
    );
    expect(r.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(["findings.asff.json", "findings.json", "findings.ocsf.json"]);
    expect(r.stdout).toMatch(/^CRITICAL\s+FAIL\s+/m);
    const { findings } = findingsOf(out);
    const sent = findings.filter((f) => f.status !== "skipped");
    expect(sent.length).toBeLessThan(findings.length);
    // OCSF: valid against the checked-in subset schema; skipped checks detected nothing, so they are not sent.
    const ocsf = JSON.parse(readFileSync(join(out, "findings.ocsf.json"), "utf8")) as unknown[];
    const schema = JSON.parse(readFileSync(join(ROOT, "schemas", "ocsf-detection-finding-1.2.subset.json"), "utf8")) as object;
    const validate = newAjv().compile(schema);
    expect(validate(ocsf), JSON.stringify(validate.errors)).toBe(true);
    expect(ocsf).toHaveLength(sent.length);
    // ASFF: what `export securityhub` would import, global findings in the first scanned Region.
    const asff = JSON.parse(readFileSync(join(out, "findings.asff.json"), "utf8")) as {
      Region: string;
      Compliance: { Status: string };
      UpdatedAt: string;
    }[];
    expect(asff).toHaveLength(sent.length);
    expect(new Set(asff.map((a) => a.Compliance.Status))).toEqual(new Set(["PASSED", "FAILED", "NOT_AVAILABLE"]));
    expect(asff.every((a) => a.Region !== "global")).toBe(true);
    // Deterministic: the run's end time, not the wall clock.
    const again = join(tmp, "chosen-again");
    await runCli(["evaluate", "--inventory", inventory, "--out", again, "--formats", "asff"], offline);
    expect(readFileSync(join(again, "findings.asff.json"), "utf8")).toBe(readFileSync(join(out, "findings.asff.json"), "utf8"));
  });

  it("report and merge take the same --formats and --console", async () => {
    const from = join(tmp, "demo", "findings.json");
    const out = join(tmp, "rerendered");
    const r = await runCli(
      ["report", "--from", from, "--formats", "sarif,junit,ocsf", "--console", "json", "--out", out],
      offline,
    );
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["findings.ocsf.json", "junit.xml", "results.sarif"]);
    expect((JSON.parse(r.stdout) as { summary: Summary }).summary).toEqual(findingsOf(join(tmp, "demo")).summary);

    // merge of a sharded scan's findings files.
    const shards = [];
    for (const i of [1, 2]) {
      const dir = join(tmp, `shard${i}`);
      const sh = await runCli(["scan", "--no-probe", "--shard", `${i}/2`, "--formats", "json", "--out", dir], simEnv(s, clean));
      expect(sh.code).toBe(0);
      shards.push(join(dir, "findings.json"));
    }
    const merged = join(tmp, "merged");
    const m = await runCli(["merge", ...shards, "--formats", "markdown", "--console", "json", "--out", merged], offline);
    expect(m.code).toBe(0);
    expect(readdirSync(merged)).toEqual(["summary.md"]);
    expect((JSON.parse(m.stdout) as { summary: Summary }).summary.pass).toBeGreaterThan(0);
  });

  it("every format of the registry is accepted and written under its one name", async () => {
    const out = join(tmp, "all");
    const r = await runCli(["evaluate", "--inventory", inventory, "--out", out, "--formats", REPORT_FORMATS.join(",")], offline);
    expect(r.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(Object.values(REPORT_FILE_NAMES).sort());
  });

  it("refuses the old --format with what replaced it, and an unknown format, with exit 2 before any work", async () => {
    for (const args of [
      ["scan", "--format", "json"],
      ["evaluate", "--inventory", inventory, "--format", "text"],
      ["report", "--from", join(tmp, "demo", "findings.json"), "--format", "html"],
    ]) {
      const r = await runCli([...args, "--out", join(tmp, "never")], offline);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--formats");
      expect(r.stderr).toContain("--console none|text|json|sarif");
    }
    const bad = await runCli(
      ["evaluate", "--inventory", inventory, "--formats", "html,pdf", "--out", join(tmp, "never")],
      offline,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown format pdf");
    expect(() => readdirSync(join(tmp, "never"))).toThrow();
  });
});

describe("the same counts everywhere", () => {
  it("console, findings.json, summary.md and report.html agree, suppressed counted once", async () => {
    const config = join(tmp, "suppress.yaml");
    writeFileSync(
      config,
      [
        "suppressions:",
        '  - rule: "aws.apigateway.stage.*"',
        "    reason: accepted for the test",
        "    expires: 2099-12-31",
        "",
      ].join("\n"),
    );
    const out = join(tmp, "counts");
    const r = await runCli(["evaluate", "--inventory", inventory, "--out", out, "--config", config], offline);
    const doc = findingsOf(out);
    const total = doc.findings.length;
    const json = doc.summary;
    // Every kind occurs, and the five counts partition the findings.
    for (const k of ["pass", "fail", "error", "skipped", "suppressed"] as const) expect(json[k], k).toBeGreaterThan(0);
    expect(json.pass + json.fail + json.error + json.skipped + json.suppressed).toBe(total);
    expect(json.suppressed).toBe(doc.findings.filter((f) => f.suppression).length);

    const con = /Findings: (\d+) failing, (\d+) passing, (\d+) error, (\d+) not probed, (\d+) suppressed/.exec(r.stderr);
    expect(con?.slice(1).map(Number)).toEqual([json.fail, json.pass, json.error, json.skipped, json.suppressed]);

    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md.split("\n")[0]).toMatch(
      new RegExp(`^## Tollgate: ${json.fail} failing .*, ${json.error} errors, .*, ${json.skipped} not probed$`),
    );
    expect(md).toContain(
      `Passing: ${json.pass} · errors: ${json.error} · not probed: ${json.skipped} · suppressed: ${json.suppressed}`,
    );

    // report.html's first screen: failing by severity, then the tally of the rest.
    const html = readFileSync(join(out, "report.html"), "utf8");
    const card = html.slice(html.indexOf('id="counts"'), html.indexOf("</div>\n  </div>", html.indexOf('id="counts"')));
    const failing = [...card.matchAll(/<span class="n">(\d+)<\/span><span class="l">\w+<\/span>/g)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    const tally = (label: string) => Number(new RegExp(`<b>(\\d+)</b> ${label}`).exec(card)?.[1] ?? Number.NaN);
    expect([failing, tally("passing"), tally("errors"), tally("not probed"), tally("suppressed")]).toEqual([
      json.fail,
      json.pass,
      json.error,
      json.skipped,
      json.suppressed,
    ]);
  });
});

describe("exit codes for CI", () => {
  it("--fail-on none is report-only: failing findings and an incomplete scan exit 0", async () => {
    // The demo account has critical failures and coverage gaps (a malformed policy, inconclusive probes).
    const r = await runCli(
      ["evaluate", "--inventory", inventory, "--out", join(tmp, "report-only"), "--fail-on", "none"],
      offline,
    );
    expect(r.code).toBe(0);
    expect(findingsOf(join(tmp, "report-only")).summary.fail).toBeGreaterThan(0);
    // ... unless incompleteness is asked to count, explicitly.
    const strict = await runCli(
      ["evaluate", "--inventory", inventory, "--out", join(tmp, "ro2"), "--fail-on", "none", "--on-incomplete", "error"],
      offline,
    );
    expect(strict.code).toBe(3);
    // Bad input is still bad input.
    const bad = await runCli(["evaluate", "--inventory", join(tmp, "missing.json"), "--fail-on", "none"], offline);
    expect(bad.code).toBe(2);
  });

  it("--on-incomplete chooses what an incomplete scan with nothing failing exits with: error 3, fail 1, ignore 0", async () => {
    const codes: Record<string, number | null> = {};
    for (const mode of ["default", "error", "fail", "ignore"]) {
      const extra = mode === "default" ? [] : ["--on-incomplete", mode];
      const r = await runCli(["scan", "--no-probe", "--out", join(tmp, `gappy-${mode}`), ...extra], simEnv(s, gappy));
      codes[mode] = r.code;
    }
    expect(codes).toEqual({ default: 3, error: 3, fail: 1, ignore: 0 });
    const bad = await runCli(["scan", "--no-probe", "--on-incomplete", "maybe"], offline);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error, fail, ignore");
    // Five CLI processes in a row: the default 30 s is too short on a loaded CI machine.
  }, 120_000);

  it("failing findings exit 1 whatever --on-incomplete says; informational is a threshold too", async () => {
    const r = await runCli(
      ["evaluate", "--inventory", inventory, "--out", join(tmp, "ignore"), "--on-incomplete", "ignore"],
      offline,
    );
    expect(r.code).toBe(1);
    const info = await runCli(
      ["scan", "--no-probe", "--out", join(tmp, "clean-info"), "--fail-on", "informational"],
      simEnv(s, clean),
    );
    expect(info.code).toBe(0);
  });

  it("findings.csv through the CLI: one row per finding, a formula-looking AWS name neutralised", async () => {
    const out = join(tmp, "csv");
    const r = await runCli(["scan", "--no-probe", "--out", out, "--formats", "csv,json"], simEnv(s, hostile));
    expect(r.code).toBe(1);
    const rows = parseCsv(readFileSync(join(out, "findings.csv"), "utf8"));
    expect(rows).toHaveLength(findingsOf(out).findings.length);
    const evil = rows.filter((row) => row.resource_name === `'${FORMULA_USER}`);
    expect(evil.some((row) => row.status === "fail" && row.rule_id === "aws.iam.user.console-mfa")).toBe(true);
    // No cell a spreadsheet reads starts a formula, whatever AWS returned.
    for (const row of rows) for (const v of Object.values(row)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });
});
