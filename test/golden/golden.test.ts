// The golden-findings test: proves that a reorganisation of the code left behaviour unchanged. The demo account
// (with its live probes against the loopback data plane), generated accounts (small with probes, medium without)
// and a small organisation are scanned through the built CLI against the simulator; each run's findings.json,
// normalised (test/helpers/golden.ts), must equal its file in fixtures/golden/. When a change of findings is
// intended, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/golden` and review the diff like code.
// Each scan also saves its inventory, which holds what AWS said and no derived facts: `tollgate evaluate
// --inventory` of it must give exactly the scan's findings (the facts recomputed, the probes' verdicts kept).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateOrganization, generateSize } from "../../fixtures/generate/index.js";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import { loopbackProbeArgs, startDataPlane } from "../../fixtures/simulator/dataplane.js";
import { generateTestPki } from "../../fixtures/simulator/tls.js";
import { DEFAULT_RATE_LIMITS } from "../../src/collect/tuning.js";
import { runCli } from "../helpers/cli.js";
import { expectedGolden, goldenText, type FindingsFileLike } from "../helpers/golden.js";
import { account, ROOT, sim, simEnv } from "../helpers/sim.js";

/** One golden run: the accounts served, whether their APIs are probed, extra scan flags and the golden form. */
interface Scenario {
  name: string;
  accounts: () => AccountFile[];
  probes: boolean;
  args?: string[];
  /** Findings summarised per rule (accounts too large to keep finding by finding). */
  ruleDigests?: boolean;
  /** Keep the rule metadata (the same for every scenario: kept once). */
  rules?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: "demo", accounts: () => [account("demo")], probes: true, rules: true },
  { name: "small", accounts: () => generateSize("small"), probes: true },
  { name: "medium", accounts: () => generateSize("medium"), probes: false, ruleDigests: true },
  {
    name: "org",
    accounts: () => generateOrganization({ accounts: 3, regions: ["us-east-1", "eu-west-1"] }),
    probes: false,
    args: ["--org", "--role-name", "TollgateAudit"],
    ruleDigests: true,
  },
];

const tmp = mkdtempSync(join(tmpdir(), "tollgate-golden-"));
// The simulator has no quotas here, so the scanner's own client-side rate limits (API Gateway's 10 calls a second)
// would only make the medium account slow; they never change what is found.
const config = join(tmp, "tollgate.config.json");
writeFileSync(
  config,
  JSON.stringify({
    scan: { rateLimits: Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((k) => [k, { rps: 10_000, burst: 10_000 }])) },
  }),
);
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Scans the scenario's accounts through the built CLI; returns the exit code and the findings file. */
async function scanScenario(
  s: Scenario,
): Promise<{ code: number | null; file: FindingsFileLike; stderr: string; simNow: Date; inventory: string }> {
  const accounts = s.accounts();
  // Whole seconds: the account files' dates are this clock minus whole days, as AWS gives them.
  const simNow = new Date(Math.floor(Date.now() / 1000) * 1000);
  const simulator = await sim(accounts, { reportDelayMs: 20, now: () => simNow });
  cleanups.push(() => simulator.close());
  let probeArgs = ["--no-probe"];
  if (s.probes) {
    const pki = generateTestPki();
    const dp = await startDataPlane({ ...dataPlaneConfig(accounts), pki });
    cleanups.push(
      () => pki.dispose(),
      () => dp.close(),
    );
    probeArgs = loopbackProbeArgs(dp, pki.caFile);
  }
  const out = join(tmp, s.name);
  const inventory = join(tmp, `${s.name}.inventory.json`);
  const r = await runCli(
    [
      "scan",
      "--config",
      config,
      ...probeArgs,
      ...(s.args ?? []),
      "--formats",
      "json",
      "--out",
      out,
      "--save-inventory",
      inventory,
    ],
    simEnv(simulator, accounts[0]!),
    240_000,
  );
  const file = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as FindingsFileLike;
  return { code: r.code, file, stderr: r.stderr, simNow, inventory };
}

/** Lines of `a` missing from `b` (both sorted golden texts compare as multisets of lines). */
function missingFrom(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const l of b) left.set(l, (left.get(l) ?? 0) + 1);
  const out: string[] = [];
  for (const l of a) {
    const n = left.get(l) ?? 0;
    if (n) left.set(l, n - 1);
    else out.push(l.length > 600 ? `${l.slice(0, 600)}…` : l);
  }
  return out;
}

describe("golden findings: the same accounts give the same findings", () => {
  for (const s of SCENARIOS) {
    it(`${s.name}`, { timeout: 300_000 }, async () => {
      const { code, file, stderr, simNow, inventory } = await scanScenario(s);
      expect(code, stderr).not.toBeNull();
      const actual = goldenText(code, file, { ...s, simNow, tmp });
      const expected = expectedGolden(join(ROOT, "fixtures", "golden", `${s.name}.golden`), actual);
      const a = actual.split("\n");
      const e = expected.split("\n");
      // Kept for `diff` when they differ: the lines shown below are cut short.
      const kept = join(tmp, `${s.name}.actual.golden`);
      writeFileSync(kept, actual);
      // The differing lines, a few of each side, instead of a diff of megabytes.
      expect({ missing: missingFrom(e, a).slice(0, 10), unexpected: missingFrom(a, e).slice(0, 10) }, kept).toEqual({
        missing: [],
        unexpected: [],
      });
      expect(actual).toBe(expected);

      // Offline, from the saved inventory alone: the same findings, coverage and exit code.
      const out = join(tmp, `${s.name}-evaluated`);
      const e2 = await runCli(["evaluate", "--inventory", inventory, "--config", config, "--formats", "json", "--out", out], {
        PATH: process.env["PATH"],
        HOME: "/nonexistent",
      });
      const evaluated = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as FindingsFileLike;
      const again = goldenText(e2.code, evaluated, { ...s, simNow, tmp });
      expect({
        missing: missingFrom(a, again.split("\n")).slice(0, 10),
        unexpected: missingFrom(again.split("\n"), a).slice(0, 10),
      }).toEqual({
        missing: [],
        unexpected: [],
      });
      expect(again).toBe(actual);
      const saved = JSON.parse(readFileSync(inventory, "utf8")) as { resources: { type: string; derived?: unknown }[] };
      // Only probe resources keep facts (the verdicts of what the probe saw); everything else is recomputed.
      expect(saved.resources.filter((r) => r.type !== "aws.apigateway.probe" && "derived" in r)).toEqual([]);
      if (s.probes) expect(saved.resources.some((r) => r.type === "aws.apigateway.probe" && r.derived)).toBe(true);
    });
  }
});
