// A run stopped in any phase (SIGINT/SIGTERM, --max-duration) keeps what it has: the (partial) inventory and the
// reports of what was evaluated, every unfinished unit recorded as an error, exit 3, no half-written or stray file.
// Real child processes, real signals, the simulator's real wire protocols and a loopback data plane.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FsFaultRule } from "../../fixtures/fs-faults/preload.js";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import type { Inventory, Resource } from "../../src/model/inventory.js";
import { isTemporaryName } from "../../src/util/atomic-write.js";
import { cleanAccount, memberAccount } from "../helpers/accounts.js";
import { fsFaultsPreload, startCli, type RunningCli } from "../helpers/cli.js";
import { inventoryOf } from "../helpers/inventory.js";
import { dataPlane, PROBE_CREDS } from "../helpers/dataplane.js";
import { account, sim, simEnv } from "../helpers/sim.js";

interface FindingsFile {
  metadata: { complete: boolean; rulesEvaluated?: string[] };
  findings: { ruleId: string; status: string; account: string; resourceArn: string }[];
  coverage: { account: string; service: string; operation: string; errorName: string; message: string; resourceArn?: string }[];
}

const HOME = "530000000001";
const SLOW = "540000000002";
const home = cleanAccount(HOME, "STOPHOMESCANNER");
const slow = memberAccount(SLOW, "STOPSLOWSCANNER", { roleName: "TollgateAudit", trustedAccount: HOME });
const demo = account("demo");
const tmp = mkdtempSync(join(tmpdir(), "tollgate-stop-"));
let s: Simulator;
// The member account's IAM answers after 30 s: its unit is still running whenever a test stops the scan.
const slowIam = createFaultInjector(
  { rules: [{ operation: "iam:*", accounts: [SLOW], latencyMs: 30_000 }] },
  (ms) => new Promise((r) => setTimeout(r, ms).unref()),
);

beforeAll(async () => {
  s = await sim([home, slow, demo]);
  s.hooks.push(slowIam.hook);
});
afterAll(() => s.close());

const read = <T>(dir: string, f: string) => JSON.parse(readFileSync(join(dir, f), "utf8")) as T;
const temporaries = (dir: string) => readdirSync(dir).filter(isTemporaryName);
const scanBoth = (out: string, extra: string[] = []) => [
  "scan",
  "--no-probe",
  "--out",
  out,
  "--accounts",
  `${HOME},${SLOW}`,
  "--role-name",
  "TollgateAudit",
  "--regions",
  "us-east-1",
  ...extra,
];

/** Asserts what every stopped collection leaves: the partial inventory and the reports, the slow IAM unit as errors. */
function expectCollectionKept(out: string, errorName: string): void {
  const inv = read<Inventory>(out, "inventory.partial.json");
  expect(inv.metadata.complete).toBe(false);
  expect(inv.resources.some((r) => r.account === HOME)).toBe(true);
  expect(inv.resources.some((r) => r.account === SLOW && r.type.startsWith("aws.iam."))).toBe(false);
  expect(inv.errors).toContainEqual(expect.objectContaining({ account: SLOW, service: "iam", operation: "*", errorName }));
  const f = read<FindingsFile>(out, "findings.json");
  expect(f.metadata.complete).toBe(false);
  const slowIam = f.findings.filter((x) => x.account === SLOW && x.ruleId.startsWith("aws.iam."));
  expect(slowIam.length).toBeGreaterThan(0);
  expect(slowIam.every((x) => x.status === "error")).toBe(true);
  // The home account was evaluated: its findings are real verdicts.
  expect(f.findings.some((x) => x.account === HOME && x.status === "pass")).toBe(true);
  for (const name of ["results.sarif", "report.html", "summary.md", "junit.xml"]) expect(readdirSync(out)).toContain(name);
  expect(temporaries(out)).toEqual([]);
}

describe("stopping during collection", () => {
  it("SIGINT: the partial inventory and the reports of what was collected are written, exit 3", async () => {
    const out = join(tmp, "collect-sigint");
    const delayed = slowIam.stats.delayed;
    const cli = startCli(scanBoth(out), { ...simEnv(s, home), CI: "true" });
    // Once the caller's own IAM unit is done and the member's IAM calls are being held.
    await cli.waitForStderr(new RegExp(`${HOME} global iam:`));
    while (slowIam.stats.delayed === delayed) await new Promise((r) => setTimeout(r, 20));
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SIGINT during collection: stopping collection/);
    expectCollectionKept(out, "ScanInterrupted");
    // The partial inventory is a valid inventory: `tollgate evaluate` loads it and says it is incomplete.
    const ev = await startCli(
      ["evaluate", "--inventory", join(out, "inventory.partial.json"), "--out", join(out, "evaluated")],
      simEnv(s, home),
    ).done;
    expect(ev.code).toBe(3);
    expect(ev.stderr).toContain("the scan did not complete");
  });

  it("--max-duration: stops at the bound, records the unfinished units as MaxDurationReached, exit 3", async () => {
    const out = join(tmp, "collect-deadline");
    const started = Date.now();
    const cli = startCli(scanBoth(out, ["--max-duration", "6s"]), { ...simEnv(s, home), CI: "true" });
    const r = await cli.done;
    expect(r.code).toBe(3);
    // Well before the member's IAM would have answered (30 s).
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(r.stderr).toContain("--max-duration 6s reached during collection");
    expectCollectionKept(out, "MaxDurationReached");
    const f = read<FindingsFile>(out, "findings.json");
    expect(f.coverage).toContainEqual(
      expect.objectContaining({ account: SLOW, service: "iam", errorName: "MaxDurationReached" }),
    );
  });

  it("the config file's scan.maxDuration bounds the scan the same way; a bad one is refused before any AWS call", async () => {
    const dir = join(tmp, "config-deadline");
    mkdirSync(dir, { recursive: true });
    const config = join(dir, "tollgate.config.yaml");
    writeFileSync(config, "scan:\n  maxDuration: 6s\n");
    const out = join(dir, "out");
    const r = await startCli(scanBoth(out, ["--config", config]), { ...simEnv(s, home), CI: "true" }).done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("--max-duration 6s reached during collection");
    expectCollectionKept(out, "MaxDurationReached");

    writeFileSync(config, "scan:\n  maxDuration: 0s\n");
    const before = totalRequests();
    const bad = await startCli(scanBoth(join(dir, "bad"), ["--config", config]), simEnv(s, home)).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tollgate\.config\.yaml:2: \/scan\/maxDuration: must be a duration such as 90s, 30m/);
    expect(totalRequests()).toBe(before);
    const flag = await startCli(scanBoth(join(dir, "bad"), ["--max-duration", "soon"]), simEnv(s, home)).done;
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--max-duration.*must be a duration/);
  });
});

const totalRequests = () => [...s.counts.values()].reduce((a, b) => a + b, 0);

describe("stopping during probing", () => {
  let plane: Awaited<ReturnType<typeof dataPlane>>;
  let endpoints: string;
  beforeAll(async () => {
    plane = await dataPlane([
      {
        apiId: "shop",
        stage: "prod",
        routes: [
          { method: "GET", path: "/orders", auth: "AWS_IAM" },
          { method: "GET", path: "/items", auth: "AWS_IAM" },
        ],
      },
    ]);
    endpoints = join(tmp, "endpoints.json");
    const common = { account: HOME, region: "us-east-1", baseUrl: plane.dp.baseUrl("shop", "prod"), method: "GET" };
    writeFileSync(
      endpoints,
      JSON.stringify({
        endpoints: [
          {
            id: "orders",
            path: "/orders",
            ...common,
            httpBaseUrl: plane.dp.httpBaseUrl("shop", "prod"),
            expect: { auth: "AWS_IAM" },
          },
          {
            id: "items",
            path: "/items",
            ...common,
            httpBaseUrl: plane.dp.httpBaseUrl("shop", "prod"),
            expect: { auth: "AWS_IAM" },
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await plane?.dispose();
  });
  // One request every 4 s per host: probing two endpoints would take about a minute.
  const slowProbes = () => [
    "--probe-endpoints",
    endpoints,
    "--ca-file",
    plane.pki.caFile,
    "--probe-hosts",
    "127.0.0.1",
    "--probe-rate",
    "0.25",
  ];

  /** What a stopped probe run leaves: requests sent in probes.json, unfinished endpoints as errors, reports, inventory. */
  function expectProbesKept(out: string, errorName: string): void {
    const log = read<{ requests: { request: { url: string } }[] }>(out, "probes.json");
    expect(log.requests.length).toBeGreaterThan(0);
    for (const q of log.requests) expect(new URL(q.request.url).hostname).toBe("127.0.0.1");
    const f = read<FindingsFile>(out, "findings.json");
    expect(f.metadata.complete).toBe(false);
    for (const id of ["orders", "items"]) {
      expect(f.coverage).toContainEqual(
        expect.objectContaining({ service: "probe", operation: "*", errorName, resourceArn: `tollgate:probe:${id}` }),
      );
      const rules = f.findings.filter((x) => x.resourceArn === `tollgate:probe:${id}`);
      expect(rules.length).toBeGreaterThan(0);
      expect(rules.every((x) => x.status === "error")).toBe(true);
    }
    const inv = read<Inventory>(out, "inventory.partial.json");
    expect(inv.metadata.complete).toBe(false);
    expect(inv.errors).toContainEqual(
      expect.objectContaining({ service: "probe", errorName, resourceArn: "tollgate:probe:orders" }),
    );
    expect(temporaries(out)).toEqual([]);
  }

  it("probe, SIGTERM: the requests sent are logged, unfinished endpoints report error, the partial inventory is saved, exit 3", async () => {
    const out = join(tmp, "probe-sigterm");
    const env = {
      ...simEnv(s, home),
      AWS_ACCESS_KEY_ID: PROBE_CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: PROBE_CREDS.secretAccessKey,
    };
    const cli = startCli(["probe", ...slowProbes(), "--out", out], env);
    await cli.waitForStderr(/Probing 2 endpoint\(s\)/);
    await new Promise((r) => setTimeout(r, 1500));
    cli.child.kill("SIGTERM");
    const r = await cli.done;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SIGTERM during probing: stopping the probes/);
    expectProbesKept(out, "ScanInterrupted");
  });

  it("scan --probe-only --max-duration bounds the probing the same way", async () => {
    const out = join(tmp, "probe-only-deadline");
    const r = await startCli(["scan", "--probe-only", ...slowProbes(), "--max-duration", "3s", "--out", out], {
      ...simEnv(s, home),
      CI: "true",
    }).done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("--max-duration 3s reached during probing");
    expectProbesKept(out, "MaxDurationReached");
  });

  it("scan --max-duration reached while probing: the collection and the probes so far are kept, exit 3", async () => {
    const out = join(tmp, "probe-deadline");
    const r = await startCli(["scan", "--regions", "us-east-1", ...slowProbes(), "--max-duration", "12s", "--out", out], {
      ...simEnv(s, home),
      CI: "true",
    }).done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("--max-duration 12s reached during probing");
    expectProbesKept(out, "MaxDurationReached");
    // The collection finished before the bound: the home account's findings are verdicts, not errors.
    const f = read<FindingsFile>(out, "findings.json");
    expect(
      f.findings.filter((x) => x.ruleId.startsWith("aws.iam.")).every((x) => x.status === "pass" || x.status === "fail"),
    ).toBe(true);
  });
});

/**
 * An inventory of `count` IAM groups (no built-in rule judges groups) and a rule pack of `rules` rules whose scope
 * check reads a long list on each: evaluation lasts a few seconds and produces few findings, so a signal can land in it.
 */
function slowEvaluation(dir: string, count: number, rules: number): { inventory: string; pack: string } {
  const pack = join(dir, "pack");
  mkdirSync(join(pack, "aws", "iam"), { recursive: true });
  for (let i = 0; i < rules; i++) {
    const id = `aws.iam.group.slow-${String(i).padStart(3, "0")}`;
    writeFileSync(
      join(pack, "aws", "iam", `${id}.json`),
      JSON.stringify({
        id,
        title: `Slow rule ${i}`,
        severity: "low",
        resourceType: "aws.iam.group",
        match: { properties: { derived: { properties: { attachedPolicyArns: { contains: { const: "never" } } } } } },
        assert: {},
        message: "{{name}}",
        rationale: "A rule whose scope check reads a long list, to make evaluation last.",
        remediation: { text: "None." },
        references: ["https://example.com/slow"],
      }),
    );
  }
  const inventory = join(dir, "inventory.json");
  const resources = Array.from({ length: count }, (_, i) => ({
    type: "aws.iam.group",
    arn: `arn:aws:iam::${HOME}:group/g${i}`,
    account: HOME,
    region: "global",
    name: `g${i}`,
    raw: {},
    derived: {
      attachedPolicyArns: Array.from({ length: 200 }, (_, j) => `arn:aws:iam::${HOME}:policy/p${j}`),
      inlinePolicies: [],
    },
  }));
  writeFileSync(inventory, JSON.stringify(inventoryOf(resources as Resource[], { account: HOME })));
  return { inventory, pack };
}

/** A small complete inventory of three valid server certificates (one finding each): evaluated in a blink. */
function smallInventory(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const inventory = join(dir, "inventory.json");
  const resources = Array.from({ length: 3 }, (_, i) => ({
    type: "aws.iam.server-certificate",
    arn: `arn:aws:iam::${HOME}:server-certificate/c${i}`,
    account: HOME,
    region: "global",
    name: `c${i}`,
    raw: {},
    derived: { expired: false, expiration: "2030-01-01T00:00:00Z" },
  }));
  writeFileSync(inventory, JSON.stringify(inventoryOf(resources as Resource[], { account: HOME })));
  return inventory;
}

const REPORTS = ["findings.json", "results.sarif", "report.html", "summary.md", "junit.xml"];

/** `tollgate evaluate` of a small inventory into `out`, on a disk with these faults (fixtures/fs-faults). */
function evaluateOnDisk(dir: string, out: string, faults: FsFaultRule[]): RunningCli {
  return startCli(
    ["evaluate", "--inventory", smallInventory(dir), "--out", out],
    { ...simEnv(s, home), TOLLGATE_TEST_FS_FAULTS: JSON.stringify(faults) },
    fsFaultsPreload(),
  );
}

describe("stopping during evaluation and writing", () => {
  it("evaluate, SIGINT during evaluation: the rules evaluated so far are reported, the rest named as a gap, exit 3", async () => {
    const dir = join(tmp, "eval-sigint");
    const { inventory, pack } = slowEvaluation(dir, 5000, 60);
    const out = join(dir, "out");
    const cli = startCli(["evaluate", "--inventory", inventory, "--rule-pack", pack, "--out", out], simEnv(s, home));
    await cli.waitForStderr(/Evaluating \d+ rule\(s\) on 5000 resource\(s\)/);
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SIGINT during evaluation: stopping evaluation/);
    const f = read<FindingsFile>(out, "findings.json");
    expect(f.metadata.complete).toBe(false);
    const evaluated = f.metadata.rulesEvaluated ?? [];
    const slowEvaluated = evaluated.filter((id) => id.includes(".slow-"));
    expect(slowEvaluated.length).toBeLessThan(60);
    const total = Number(/Evaluating (\d+) rule\(s\)/.exec(r.stderr)?.[1]);
    const gap = f.coverage.find((c) => c.operation === "Evaluate");
    expect(gap).toMatchObject({ errorName: "ScanInterrupted" });
    expect(gap?.message).toMatch(new RegExp(`: ${total - evaluated.length} rule\\(s\\) not evaluated: `));
    // Every finding comes from an evaluated rule.
    expect(f.findings.every((x) => evaluated.includes(x.ruleId))).toBe(true);
    for (const name of REPORTS) expect(readdirSync(out)).toContain(name);
    expect(temporaries(out)).toEqual([]);
  });

  it("SIGINT while the reports are being written: every report is finished and whole, exit 3, nothing stray", async () => {
    const dir = join(tmp, "write-sigint");
    const out = join(dir, "out");
    // A slow disk: every write waits 400 ms.
    const cli = evaluateOnDisk(dir, out, [{ name: "*", delayMs: 400 }]);
    await cli.waitForStderr(/Writing the reports to/);
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SIGINT during writing: finishing the files being written/);
    expect(readdirSync(out).sort()).toEqual([...REPORTS].sort());
    expect(read<FindingsFile>(out, "findings.json").findings.length).toBe(3);
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/<\/html>\s*$/);
  });

  it("a second signal exits at once (130): the file being written keeps its previous content, no temporary file is left", async () => {
    const dir = join(tmp, "write-twice");
    const out = join(dir, "out");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "findings.json"), '{"the":"previous run"}\n');
    const cli = evaluateOnDisk(dir, out, [{ name: "findings.json", delayMs: 20_000 }]);
    await cli.waitForStderr(/Writing the reports to/);
    cli.child.kill("SIGINT");
    await cli.waitForStderr(/SIGINT during writing/);
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("SIGINT again: exiting now");
    expect(readFileSync(join(out, "findings.json"), "utf8")).toBe('{"the":"previous run"}\n');
    expect(readdirSync(out)).toEqual(["findings.json"]);
  });
});

describe("a disk that fills up or refuses", () => {
  it("report.html cannot be written (ENOSPC): the other reports are, the message names it, exit 3", async () => {
    const dir = join(tmp, "enospc-report");
    const out = join(dir, "out");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "report.html"), "<html>the previous report</html>");
    const r = await evaluateOnDisk(dir, out, [{ name: "report.html", error: "ENOSPC" }]).done;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/warning: cannot write .*report\.html: ENOSPC: no space left on device/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readdirSync(out).sort()).toEqual([...REPORTS].sort());
    expect(readFileSync(join(out, "report.html"), "utf8")).toBe("<html>the previous report</html>");
    expect(read<FindingsFile>(out, "findings.json").findings.length).toBe(3);
  });

  it("scan: --save-inventory cannot be written (ENOSPC): the reports still are, exit 3", async () => {
    const out = join(tmp, "enospc-inventory");
    const r = await startCli(
      ["scan", "--no-probe", "--regions", "us-east-1", "--out", out, "--save-inventory", join(out, "inv.json")],
      { ...simEnv(s, home), TOLLGATE_TEST_FS_FAULTS: JSON.stringify([{ name: "inv.json", error: "ENOSPC" }]) },
      fsFaultsPreload(),
    ).done;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write .*inv\.json: ENOSPC/);
    expect(readdirSync(out).sort()).toEqual([...REPORTS].sort());
    expect(read<FindingsFile>(out, "findings.json").findings.length).toBeGreaterThan(0);
  });

  it("scan: an --out folder that cannot be written (EACCES) is refused before the first AWS call, exit 2", async () => {
    const before = totalRequests();
    const r = await startCli(
      ["scan", "--no-probe", "--regions", "us-east-1", "--out", join(tmp, "eacces")],
      {
        ...simEnv(s, home),
        TOLLGATE_TEST_FS_FAULTS: JSON.stringify([{ name: "tollgate-write-check", error: "EACCES", on: "open" }]),
      },
      fsFaultsPreload(),
    ).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tollgate: --out .*eacces: cannot write there: EACCES/m);
    expect(totalRequests()).toBe(before);
  });
});

describe("everything the run needs is checked before the first AWS call", () => {
  const refusedBeforeAws = async (args: string[], message: RegExp) => {
    const before = totalRequests();
    const r = await startCli(args, simEnv(s, home)).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(totalRequests()).toBe(before);
  };

  it("a bad --baseline (missing, truncated, foreign) is refused before collecting", async () => {
    const dir = join(tmp, "baselines");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "trunc.json"), '{"kind":"tollgate-findings","findings":[{"ruleId":');
    writeFileSync(join(dir, "sarif.json"), '{"version":"2.1.0","runs":[]}');
    const scan = (b: string) => ["scan", "--no-probe", "--regions", "us-east-1", "--out", join(dir, "out"), "--baseline", b];
    await refusedBeforeAws(scan(join(dir, "missing.json")), /missing\.json: cannot read/);
    await refusedBeforeAws(
      scan(join(dir, "trunc.json")),
      /trunc\.json: cannot read baseline: not valid JSON: .*in \/findings\/0\); the file is truncated/,
    );
    await refusedBeforeAws(scan(join(dir, "sarif.json")), /sarif\.json: \/findings: a baseline must be a findings\.json/);
  });

  it("a rule pack with an unreadable file (a dangling link) is bad input naming the file, not a crash", async () => {
    const pack = join(tmp, "broken-pack");
    mkdirSync(pack, { recursive: true });
    symlinkSync(join(pack, "gone.json"), join(pack, "rule.json"));
    await refusedBeforeAws(
      ["scan", "--no-probe", "--rule-pack", pack, "--out", join(tmp, "broken-out")],
      /broken-pack\/rule\.json: cannot read rule file: ENOENT/,
    );
  });

  it("--org or several --accounts without --role-name, and an endpoints file outside --probe-hosts, are refused before collecting", async () => {
    await refusedBeforeAws(["scan", "--no-probe", "--org", "--out", join(tmp, "org")], /--org .*give --role-name/);
    await refusedBeforeAws(
      ["scan", "--no-probe", "--accounts", `${HOME},${SLOW}`, "--out", join(tmp, "accts")],
      /--accounts .*needs --role-name/,
    );
    const endpoints = join(tmp, "far-endpoints.json");
    writeFileSync(
      endpoints,
      JSON.stringify({
        endpoints: [{ id: "far", baseUrl: "https://api.example.com/prod", path: "/x", method: "GET", expect: { auth: "NONE" } }],
      }),
    );
    await refusedBeforeAws(
      ["scan", "--regions", "us-east-1", "--probe-endpoints", endpoints, "--probe-hosts", "127.0.0.1", "--out", join(tmp, "far")],
      /--probe-hosts 127\.0\.0\.1: endpoint "far" of .*far-endpoints\.json would reach api\.example\.com; nothing was sent/,
    );
  });

  it("export: an --out that cannot be written is refused before the findings file is read", async () => {
    const blocker = join(tmp, "a-file");
    writeFileSync(blocker, "");
    const r = await startCli(
      ["export", "--from", join(tmp, "never-read.json"), "--format", "ocsf", "--out", join(blocker, "ocsf.json")],
      simEnv(s, home),
    ).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*a-file\/ocsf\.json: cannot write there: E(NOTDIR|EXIST)/);
  });

  it("API endpoints found only by the scan outside --probe-hosts are refused and listed, and the collection is kept", async () => {
    const out = join(tmp, "refused");
    // AWS's invoke URLs (execute-api.amazonaws.com) with probes allowed on 127.0.0.1 only: nothing may be sent. The
    // template is given: left out, the simulator's (an emulator's) APIs would be skipped before any host check.
    const template = ["--invoke-url-template", "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}"];
    const args = ["scan", "--regions", "us-east-1", ...template, "--probe-hosts", "127.0.0.1", "--out", out];
    const r = await startCli(args, simEnv(s, demo)).done;
    // The demo account has failing findings at --fail-on high: 1 takes precedence over 3 (incomplete).
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /--probe-hosts 127\.0\.0\.1: \d+ endpoint\(s\) found in the inventory are outside it and were not probed/,
    );
    expect(r.stderr).toMatch(/refused: a1b2c3d4e5\/prod GET \/orders \(a1b2c3d4e5\.execute-api\.us-east-1\.amazonaws\.com\)/);
    const log = read<{ requests: unknown[]; notProbed: { arn: string; reason: string }[] }>(out, "probes.json");
    expect(log.requests).toEqual([]);
    expect(log.notProbed.filter((n) => n.reason.startsWith("refused: "))).not.toEqual([]);
    const f = read<FindingsFile>(out, "findings.json");
    expect(f.coverage.filter((c) => c.errorName === "ProbeHostRefused")).not.toEqual([]);
    expect(f.findings.find((x) => x.resourceArn === "tollgate:probe:a1b2c3d4e5/prod GET /orders")?.status).toBe("error");
    // The configuration findings are all there.
    expect(f.findings.some((x) => x.ruleId.startsWith("aws.apigateway.method.") && x.status === "fail")).toBe(true);
  });
});
