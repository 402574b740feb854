import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOrganization, SIZES } from "../../fixtures/generate/index.js";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import type { ScanOptions } from "../../src/collect/scan.js";
import { enrichStage, loadRunData, scan } from "../../src/pipeline/index.js";
import type { ScanSettingsFile } from "../../src/collect/tuning.js";
import { shardOf } from "../../src/collect/shard.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import { scopeVerdict } from "../../src/export/scope.js";
import { saveInventory } from "../../src/inventory/io.js";
import { mergeShardInventories } from "../../src/inventory/merge.js";
import type { Inventory } from "../../src/model/inventory.js";
import { cleanAccount, memberAccount } from "../helpers/accounts.js";
import { runCli } from "../helpers/cli.js";
import { scanOptions, sim, simEnv, SIM_NOW } from "../helpers/sim.js";

const NOW = SIM_NOW;
const rules = loadRules(builtInRuleDirs());

const options = (caller: AccountFile, scan: ScanSettingsFile): ScanOptions => scanOptions(caller, { scan });

const byKey = <T>(xs: T[], key: (x: T) => string): T[] =>
  [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
const comparable = (inv: Inventory) => ({
  resources: byKey(inv.resources, (r) => `${r.type}|${r.account}|${r.arn}`),
  findings: byKey(evaluate(inv, rules), (f) => `${f.ruleId}|${f.resourceArn}|${f.account}|${f.region}`),
});

describe("shard partition", () => {
  it("is deterministic and puts every (account, region) unit in exactly one shard", () => {
    const units = [];
    for (let a = 0; a < 60; a++)
      for (const region of ["global", "us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"])
        units.push({ account: String(100000000000 + a * 7919), region });
    for (const n of [1, 2, 3, 4, 7]) {
      const counts = new Array<number>(n + 1).fill(0);
      for (const u of units) {
        const s = shardOf(u, n);
        expect(s).toBe(shardOf({ ...u }, n));
        expect(s).toBeGreaterThanOrEqual(1);
        expect(s).toBeLessThanOrEqual(n);
        counts[s]! += 1;
      }
      expect(counts.reduce((x, y) => x + y, 0)).toBe(units.length);
      // Spread: no shard empty on 300 units.
      expect(counts.slice(1).every((c) => c > 0)).toBe(true);
    }
    // Frozen values: the documented FNV-1a hash must never change, or old shard sets stop merging.
    expect(
      [1, 2, 3, 4].map((i) =>
        shardOf({ account: "111122223333", region: ["global", "us-east-1", "eu-west-1", "ap-south-1"][i - 1]! }, 4),
      ),
    ).toEqual(FROZEN);
  });
});
const FROZEN = [2, 3, 3, 2];

describe("sharded scans of a simulated organisation", () => {
  const org = generateOrganization({
    accounts: 3,
    regions: ["us-east-1", "eu-west-1"],
    shape: { ...SIZES.small, users: 6, roles: 3, policies: 2, restApis: 1, resourcesPerApi: 3 },
  });
  const mgmt = org[0]!;
  let s: Simulator;
  let shards: Inventory[];
  beforeAll(async () => {
    s = await sim(org, { now: () => NOW });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    shards = [];
    for (const index of [1, 2, 3])
      shards.push(await scan(options(mgmt, { org: true, roleName: "TollgateAudit", shard: { index, count: 3 } })));
  }, 120_000);
  afterAll(() => s.close());

  it("each shard records its shard and exactly the units it covered; merged, they equal one unsharded scan", async () => {
    const all = new Set<string>();
    for (const inv of shards) {
      expect(inv.metadata.shard?.count).toBe(3);
      for (const u of inv.metadata.units!) {
        expect(shardOf(u, 3)).toBe(inv.metadata.shard!.index);
        expect(all.has(`${u.account}/${u.region}`)).toBe(false);
        all.add(`${u.account}/${u.region}`);
      }
      for (const r of inv.resources)
        expect(inv.metadata.units!.some((u) => u.account === r.account && u.region === r.region)).toBe(true);
    }
    expect(all.size).toBe(3 * 3);
    const whole = await scan(options(mgmt, { org: true, roleName: "TollgateAudit" }));
    const { inventory: joined, missing } = mergeShardInventories(
      shards.map((inventory, i) => ({ inventory, source: `shard${i + 1}` })),
    );
    // As `tollgate merge` does: the merged inventory is enriched anew, so facts joining units of different shards
    // (an identity pool's guest role, in the account's global IAM unit) see both halves.
    const merged = enrichStage(
      { ...joined, resources: joined.resources.map((r) => ({ ...r, derived: {} })) },
      await loadRunData().loaded,
    ).inventory;
    expect(missing).toEqual([]);
    expect(merged.metadata.complete).toBe(true);
    expect(merged.metadata.units).toEqual(whole.metadata.units);
    expect(merged.metadata.accounts).toEqual(whole.metadata.accounts);
    expect(comparable(merged)).toEqual(comparable(whole));
  }, 120_000);

  it("a missing shard leaves the merge incomplete; archiving scope then covers nothing", () => {
    const { inventory, missing } = mergeShardInventories([
      { inventory: shards[0]!, source: "a" },
      { inventory: shards[2]!, source: "c" },
    ]);
    expect(missing).toEqual([2]);
    expect(inventory.metadata.complete).toBe(false);
    expect(inventory.metadata.merged).toEqual({ count: 3, shards: [1, 3], missing: [2] });
    const rule = "aws.cloudtrail.region.multi-region-trail";
    const scopeOf = (inv: Inventory) => ({ metadata: { ...inv.metadata, rulesEvaluated: [rule] }, findings: [], coverage: [] });
    const u = inventory.metadata.units![0]!;
    expect(scopeVerdict(scopeOf(inventory), u.account, u.region, rule)).toEqual({
      complete: false,
      reason: "the scan did not complete",
    });
    // The whole set merged: a unit it covered is archivable, and every unit is covered.
    const whole = mergeShardInventories(shards.map((inventory, i) => ({ inventory, source: `s${i}` }))).inventory;
    for (const unit of whole.metadata.units!)
      expect(scopeVerdict(scopeOf(whole), unit.account, unit.region, rule).complete).toBe(true);
  });

  it("overlapping or mismatched shards are refused with the file named", () => {
    expect(() =>
      mergeShardInventories([
        { inventory: shards[0]!, source: "a.json" },
        { inventory: shards[0]!, source: "b.json" },
      ]),
    ).toThrow(/b\.json: shard 1\/3 overlaps a\.json/);
    const other = structuredClone(shards[1]!);
    other.metadata.shard = { index: 2, count: 4 };
    expect(() =>
      mergeShardInventories([
        { inventory: shards[0]!, source: "a.json" },
        { inventory: other, source: "x.json" },
      ]),
    ).toThrow(/x\.json: \/metadata\/shard\/count is 4.*mismatched/);
  });

  it("export scope: a shard's metadata covers its own units only, not accounts × regions", () => {
    const inv = shards.find((x) => x.metadata.units!.length < 9 && x.metadata.units!.length > 0)!;
    const notMine = [
      ...org.flatMap((f) => ["global", "us-east-1", "eu-west-1"].map((region) => ({ account: f.accountId, region }))),
    ].find(
      (u) =>
        !inv.metadata.units!.some((m) => m.account === u.account && m.region === u.region) &&
        inv.metadata.accounts.includes(u.account),
    );
    const input = {
      metadata: { ...inv.metadata, rulesEvaluated: ["aws.cloudtrail.region.multi-region-trail"] },
      findings: [],
      coverage: [],
    };
    if (notMine) {
      const v = scopeVerdict(input, notMine.account, notMine.region, "aws.cloudtrail.region.multi-region-trail");
      expect(v.complete).toBe(false);
    }
  });
});

describe("tollgate merge (CLI)", () => {
  const HOME = "100000000001";
  const members = ["200000000002", "300000000003"];
  const home = cleanAccount(HOME, "SHARDHOME", {
    organization: { accounts: [HOME, ...members].map((id) => ({ id, status: "ACTIVE" as const })) },
  });
  const accounts = [
    home,
    ...members.map((id, i) => memberAccount(id, `SHARDM${i}`, { roleName: "TollgateAudit", trustedAccount: HOME })),
  ];
  let s: Simulator;
  const dir = mkdtempSync(join(tmpdir(), "tollgate-merge-"));
  beforeAll(async () => {
    s = await sim(accounts, { now: () => NOW });
    process.env["AWS_ENDPOINT_URL"] = s.endpoint;
    for (const index of [1, 2, 3]) {
      const inv = await scan(options(home, { org: true, roleName: "TollgateAudit", shard: { index, count: 3 } }));
      await saveInventory(join(dir, `shard-${index}.json`), inv);
    }
  }, 120_000);
  afterAll(() => s.close());
  const f = (i: number) => join(dir, `shard-${i}.json`);

  it("merges every shard into one report set (exit 0), with the union of units in findings.json", async () => {
    const out = join(dir, "all");
    const r = await runCli(["merge", f(1), f(2), f(3), "--out", out, "--quiet"], simEnv(s, home));
    // --quiet: the final summary only, no warning (every shard is there).
    expect(r.stderr).toMatch(/^Findings: [^\n]+\nFailing by severity: [^\n]+\n$/);
    expect(r.code).toBe(0);
    const findings = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as { metadata: Inventory["metadata"] };
    expect(findings.metadata.merged).toEqual({ count: 3, shards: [1, 2, 3], missing: [] });
    expect(findings.metadata.units).toHaveLength(6);
    for (const file of ["results.sarif", "report.html", "summary.md", "junit.xml"])
      expect(readFileSync(join(out, file), "utf8").length).toBeGreaterThan(0);
  });

  it("merging the shards' findings files gives the same findings as merging their inventories", async () => {
    const evaluated = await Promise.all(
      [1, 2, 3].map((i) =>
        runCli(["evaluate", "--inventory", f(i), "--out", join(dir, `eval-${i}`), "--quiet"], simEnv(s, home)),
      ),
    );
    expect(evaluated.map((r) => r.code)).toEqual([0, 0, 0]);
    const viaFindings = join(dir, "via-findings");
    const r = await runCli(
      ["merge", ...[1, 2, 3].map((i) => join(dir, `eval-${i}`, "findings.json")), "--out", viaFindings, "--quiet"],
      simEnv(s, home),
    );
    expect(r.code).toBe(0);
    const viaInventories = join(dir, "via-inventories");
    expect((await runCli(["merge", f(1), f(2), f(3), "--out", viaInventories, "--quiet"], simEnv(s, home))).code).toBe(0);
    type F = { findings: unknown[]; metadata: Inventory["metadata"] };
    const a = JSON.parse(readFileSync(join(viaFindings, "findings.json"), "utf8")) as F;
    const b = JSON.parse(readFileSync(join(viaInventories, "findings.json"), "utf8")) as F;
    expect(a.findings).toEqual(b.findings);
    expect(a.metadata.units).toEqual(b.metadata.units);
    expect(a.metadata.merged).toEqual({ count: 3, shards: [1, 2, 3], missing: [] });
    const partial = await runCli(["merge", join(dir, "eval-1", "findings.json"), "--out", join(dir, "pf")], simEnv(s, home));
    expect(partial.code).toBe(3);
    // Six CLI runs: about 10 s alone, three times that on a loaded 2-core machine.
  }, 90_000);

  it("a missing shard: incomplete, exit 3, and the warning names it", async () => {
    const r = await runCli(["merge", f(1), f(3), "--out", join(dir, "partial")], simEnv(s, home));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/shard\(s\) 2 of 3 missing/);
  });

  it("overlapping shards: exit 2 naming the file", async () => {
    const r = await runCli(["merge", f(1), f(2), f(1), "--out", join(dir, "bad")], simEnv(s, home));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f(1)}: shard 1/3 overlaps ${f(1)}`);
  });

  it("scan --shard i/n from the command line records the shard and only its units", async () => {
    const inv = join(dir, "cli-shard.json");
    const r = await runCli(
      [
        "scan",
        "--org",
        "--role-name",
        "TollgateAudit",
        "--shard",
        "2/3",
        "--save-inventory",
        inv,
        "--out",
        join(dir, "cli"),
        "--quiet",
      ],
      simEnv(s, home),
    );
    expect(r.code).toBe(0);
    const saved = JSON.parse(readFileSync(inv, "utf8")) as Inventory;
    expect(saved.metadata.shard).toEqual({ index: 2, count: 3 });
    expect(saved.metadata.units).toEqual(JSON.parse(readFileSync(f(2), "utf8")).metadata.units);
  });

  it("scan --shard with a bad value: exit 2", async () => {
    const r = await runCli(["scan", "--shard", "5/4", "--out", join(dir, "x")], simEnv(s, home));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--shard");
  });
});
