// The console through the built CLI against the simulator and its data plane: live progress on a terminal (a real
// pseudo-terminal from util-linux `script`), plain lines in CI, --quiet, the --console text list, and pipes that
// close early (`| head -1`) or a stdout that cannot be written.
import { closeSync, mkdtempSync, openSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopbackProbeArgs, startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import { SimError } from "../../fixtures/simulator/errors.js";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { OperationHook, Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";
import { displayWidth } from "../../src/util/text-layout.js";
import { runCli, runCommand, type CliResult } from "../helpers/cli.js";
import { account, ROOT, sim, simEnv, SIM_NOW } from "../helpers/sim.js";
import { assertTerminalSafe } from "../helpers/terminal.js";

const demo = account("demo");
const tmp = mkdtempSync(join(tmpdir(), "tollgate-console-"));
const CLI = join(ROOT, "dist", "src", "cli.js");
let s: Simulator;
let dp: DataPlane;
let pki: TestPki;
let inventory: string;

const env = () => ({ ...simEnv(s, demo), TERM: "xterm" });
const ciEnv = () => ({ ...env(), CI: "true" });
const probeArgs = () => loopbackProbeArgs(dp, pki.caFile);
const shellQuote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal `cols` wide (stdout and stderr both on it), as a user at a terminal would. */
function onTerminal(args: string[], cols: number): Promise<CliResult> {
  const command = `stty cols ${cols} rows 50; exec ${[process.execPath, CLI, ...args].map(shellQuote).join(" ")}`;
  return runCommand("script", ["-qec", command, "/dev/null"], { env: env(), timeoutMs: 120_000 });
}

/** Runs `tollgate ARGS | head -1` in bash; the exit code is tollgate's own (PIPESTATUS), stderr is tollgate's. */
function throughHead(args: string[], redirect = ""): Promise<CliResult> {
  return runCommand(
    "bash",
    ["-c", `"$@" ${redirect} | head -1; exit "\${PIPESTATUS[0]}"`, "bash", process.execPath, CLI, ...args],
    {
      env: ciEnv(),
      timeoutMs: 120_000,
    },
  );
}

/** Lines a terminal shows, from what was written to it: ANSI sequences out, CR LF as LF. */
const screenLines = (raw: string) =>
  raw
    .replace(/\r\n/g, "\n")
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
    .split("\n");

beforeAll(async () => {
  s = await sim([demo], { now: () => SIM_NOW });
  pki = generateTestPki();
  dp = await startDataPlane({ ...dataPlaneConfig([demo]), pki });
  inventory = join(tmp, "saved", "inventory.json");
  const r = await runCli(["scan", "--no-probe", "--out", join(tmp, "saved"), "--save-inventory", inventory], ciEnv(), 120_000);
  expect(r.code).toBe(1);
}, 180_000);
afterAll(async () => {
  await s?.close();
  await dp?.close();
  pki?.dispose();
});

describe("progress", () => {
  it(
    "on a terminal: a live line per phase with units or endpoints done, calls, resources, elapsed and time left",
    { timeout: 120_000 },
    async () => {
      // Slow answers, so the display redraws (every 100 ms) while units are still running.
      const slow = createFaultInjector({ rules: [{ operation: "*", latencyMs: 40 }] });
      s.hooks.push(slow.hook);
      let r: CliResult;
      try {
        r = await onTerminal(["scan", ...probeArgs(), "--out", join(tmp, "tty"), "--fail-on", "none"], 100);
      } finally {
        s.hooks.splice(s.hooks.indexOf(slow.hook), 1);
      }
      expect(r.code, r.stdout).toBe(0);
      // Redrawn in place: cursor up and clear, then the block.
      // eslint-disable-next-line no-control-regex
      expect(r.stdout).toMatch(/\x1b\[\d+A\x1b\[0J/);
      const lines = screenLines(r.stdout);
      const collecting = lines.filter((l) => l.startsWith("Collecting: "));
      expect(collecting.length).toBeGreaterThan(1);
      expect(collecting.join("\n")).toMatch(
        /^Collecting: \d+\/\d+ units, [\d,]+ calls?, [\d,]+ resources?, \d+:\d\d elapsed, about \d+:\d\d left$/m,
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}111122223333 (global|[a-z]{2}-[a-z]+-\d) [a-z0-9-]+: \d+ calls?$/),
      );
      const total = /^Collected: (\d+)\/(\d+) units/m.exec(lines.join("\n"));
      expect(total?.[1]).toBe(total?.[2]);
      expect(lines.join("\n")).toMatch(/^Probed: (\d+)\/\1 endpoints, [\d,]+ requests, \d+:\d\d elapsed$/m);
      // Live lines never wrap (a wrapped line would break the redraw): each fits the terminal.
      // eslint-disable-next-line no-control-regex
      const live = [...r.stdout.matchAll(/\x1b\[2K([^\r\n]*)/g)].map((m) => m[1]!);
      expect(live.length).toBeGreaterThan(2);
      for (const l of live) expect(displayWidth(l)).toBeLessThan(100);
    },
  );

  it("in CI: plain lines, one per finished unit and endpoint, no cursor movement", { timeout: 120_000 }, async () => {
    const r = await runCli(["scan", ...probeArgs(), "--out", join(tmp, "ci"), "--fail-on", "none"], ciEnv(), 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("\x1b[");
    expect(r.stderr).toMatch(/^\[\d+\/\d+\] 111122223333 us-east-1 apigateway: \d+ resources, \d+ errors?, \d+ calls$/m);
    const probes = r.stderr.match(
      /^\[probe (\d+)\/(\d+)\] (GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|ANY) https:\/\/127\.0\.0\.1:\d+\/\S*: \d+ requests?$/gm,
    );
    expect(probes?.length).toBeGreaterThan(0);
    expect(probes!.at(-1)).toMatch(/^\[probe (\d+)\/\1\]/);
  });

  it("--quiet prints only the final summary (and warnings)", { timeout: 120_000 }, async () => {
    const r = await runCli(["scan", ...probeArgs(), "--out", join(tmp, "quiet"), "--quiet"], ciEnv(), 120_000);
    expect(r.code).toBe(1);
    const said = r.stderr
      .trimEnd()
      .split("\n")
      .filter((l) => !l.startsWith("warning:"));
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/^Findings: \d+ failing, \d+ passing, \d+ error, \d+ not probed, \d+ suppressed$/);
    expect(said[1]).toMatch(/^Failing by severity: critical \d+, high \d+, /);
    expect(r.stdout).toBe("");
  });
});

describe("--console text", () => {
  const order = { FAIL: 0, ERROR: 1, "NOT PROBED": 2 } as const;
  const rank = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, INFO: 0 } as const;
  const heads = (text: string) =>
    text
      .split("\n")
      .map((l) => /^(CRITICAL|HIGH|MEDIUM|LOW|INFO) +(FAIL|ERROR|NOT PROBED) +(\S+)/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ severity: rank[m[1] as keyof typeof rank], status: order[m[2] as keyof typeof order], rule: m[3]! }));

  it("lists what needs action first, most severe first, within 120 columns", { timeout: 120_000 }, async () => {
    const r = await runCli(["evaluate", "--inventory", inventory, "--out", join(tmp, "text"), "--console", "text"], ciEnv());
    expect(r.code).toBe(1);
    const found = heads(r.stdout);
    expect(new Set(found.map((f) => f.status))).toEqual(new Set([0, 1]));
    for (let i = 1; i < found.length; i++) {
      const [a, b] = [found[i - 1]!, found[i]!];
      expect(a.status < b.status || (a.status === b.status && a.severity >= b.severity), `${a.rule} before ${b.rule}`).toBe(true);
    }
    const lines = r.stdout.trimEnd().split("\n");
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(120);
    // Wide enough content that the limit matters: messages wrap onto indented lines.
    expect(lines.filter((l) => l.startsWith("    ")).length).toBeGreaterThan(found.length * 2);
    assertTerminalSafe(r.stdout);
  });

  it("fits a narrower terminal, and so does `rules list`", { timeout: 120_000 }, async () => {
    const r = await onTerminal(
      ["evaluate", "--inventory", inventory, "--out", join(tmp, "narrow"), "--console", "text", "--quiet"],
      80,
    );
    expect(r.code).toBe(1);
    const lines = screenLines(r.stdout).filter((l) => !l.startsWith("warning:"));
    expect(heads(lines.join("\n")).length).toBeGreaterThan(10);
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    const rules = await onTerminal(["rules", "list"], 80);
    for (const l of screenLines(rules.stdout)) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
  });
});

describe("credentials that stop working during the run", () => {
  it("one line saying the session ended and what to do, not a coverage gap per operation", { timeout: 120_000 }, async () => {
    // GetCallerIdentity succeeds (the run starts); every call after it meets an expired session token.
    const expire: OperationHook = (op) =>
      op.service === "sts"
        ? undefined
        : new SimError(
            op.protocol === "query" ? "ExpiredToken" : "ExpiredTokenException",
            "The security token included in the request is expired",
            op.protocol === "query" ? 403 : 400,
          );
    s.hooks.push(expire);
    let r: CliResult;
    try {
      r = await runCli(
        ["scan", "--no-probe", "--regions", "us-east-1", "--out", join(tmp, "expired"), "--max-attempts", "1"],
        ciEnv(),
      );
    } finally {
      s.hooks.splice(s.hooks.indexOf(expire), 1);
    }
    expect(r.code).toBe(3);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^warning: the credentials stopped working during the run \(ExpiredToken, ExpiredTokenException\): \d+ calls refused, \d+ rules not evaluated\. The session ended before the scan did: give it a longer one .*role-duration-seconds/,
    );
    expect(r.stderr).not.toContain("coverage gaps");
  });
});

describe("pipes", () => {
  it("a reader that stops early (`| head -1`) ends the run quietly with its own exit code", { timeout: 240_000 }, async () => {
    const scan = await throughHead(["scan", ...probeArgs(), "--out", join(tmp, "head"), "--console", "json", "--quiet"]);
    expect(scan.stdout).toBe("{\n");
    expect(scan.code).toBe(1);
    expect(scan.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(scan.stderr).toMatch(/^Findings: /);

    const report = await throughHead([
      "evaluate",
      "--inventory",
      inventory,
      "--out",
      join(tmp, "head2"),
      "--console",
      "sarif",
      "--fail-on",
      "none",
    ]);
    expect(report.code).toBe(0);
    expect(report.stderr).not.toMatch(/EPIPE|\n\s+at /);

    const ocsf = await throughHead(["export", "--from", join(tmp, "saved", "findings.json"), "--format", "ocsf"]);
    expect(ocsf).toMatchObject({ code: 0, stderr: "" });

    // stderr closed too (`2>&1 | head -1`): the progress and the summary have nowhere to go, still no crash.
    const both = await throughHead(["scan", "--no-probe", "--out", join(tmp, "head3")], "2>&1");
    expect(both.code).toBe(1);
    expect(both.stdout.split("\n")).toHaveLength(2);
  });

  it("a stdout that cannot be written (a full disk) is said once, and a successful run exits 3", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = await new Promise<CliResult>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            CLI,
            "evaluate",
            "--inventory",
            inventory,
            "--out",
            join(tmp, "full"),
            "--console",
            "json",
            "--fail-on",
            "none",
            "--quiet",
          ],
          { env: ciEnv(), stdio: ["ignore", full, "pipe"] },
        );
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: "", stderr }));
      });
      expect(r.code).toBe(3);
      expect(r.stderr.match(/cannot write to standard output: ENOSPC/g)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      closeSync(full);
    }
  });
});
