// Saved inventories hold what AWS said (#16 item 2): format 2 leaves out the facts enrichers derive, which the enrich
// stage recomputes whenever an inventory is evaluated; format 1 inventories (which saved them) are still read, their
// stale facts and derivation errors ignored. fixtures/inventories/demo-v1.inventory.json is the demo account as
// Tollgate saved it in format 1 (fixtures/accounts/demo.json scanned at 2026-06-01T12:00:00Z).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadIamAnalysisData } from "../../src/analysis/iam/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules, type Rule } from "../../src/engine/rules.js";
import { loadInventory, saveInventory } from "../../src/inventory/io.js";
import type { Finding } from "../../src/model/finding.js";
import { INVENTORY_FORMAT_VERSION, type Inventory } from "../../src/model/inventory.js";
import { readLambdaRuntimes } from "../../src/data/lambda-runtimes.js";
import { enrichStage, savedForm, type EnrichData } from "../../src/pipeline/index.js";
import { defaultSecretPatterns } from "../../src/secrets/load.js";
import { startScan } from "../../src/collect/scan.js";
import { account, ROOT, scanOptions, sim, SIM_NOW } from "../helpers/sim.js";

const V1 = join(ROOT, "fixtures", "inventories", "demo-v1.inventory.json");
const tmp = mkdtempSync(join(tmpdir(), "tollgate-inventory-format-"));
let rules: Rule[];
let data: EnrichData;

beforeAll(async () => {
  rules = loadRules(builtInRuleDirs());
  data = {
    iamAnalysis: await loadIamAnalysisData(),
    secretPatterns: defaultSecretPatterns(),
    lambdaRuntimes: readLambdaRuntimes(),
  };
});

const byId = (fs: Finding[]) =>
  [...fs].sort((a, b) => `${a.ruleId}|${a.resourceArn}`.localeCompare(`${b.ruleId}|${b.resourceArn}`));
const malformed = (inv: Inventory) => inv.errors.filter((e) => e.errorName === "MalformedPolicyDocument");

/**
 * The verdicts of the format 1 file as that Tollgate evaluated it, on the facts it saved. (Format 1 sorted
 * resources by ARN, losing the order AWS listed a stage's methods in: messages listing them may be ordered
 * differently when recomputed; the verdicts may not differ.)
 */
function verdictsAsSaved(): string[] {
  return verdicts(evaluate(JSON.parse(readFileSync(V1, "utf8")) as Inventory, rules));
}
/**
 * Rules added after the file was saved (the identity layer's and the Lambda and integration ones) read facts the Tollgate that saved it did not derive:
 * on its saved facts they can only say error, so they are left out of the comparison.
 */
const ADDED_SINCE = /^aws\.(cognito|appsync|lambda)\.|\.integration-(https|function-exists)$/;
const verdicts = (fs: Finding[]) =>
  byId(fs.filter((f) => !ADDED_SINCE.test(f.ruleId))).map((f) => `${f.ruleId} ${f.resourceArn} ${f.status}`);
/** The verdicts of rules the format 1 file predates (exposure paths, derived from its facts) are new, not changed. */
const known = (vs: string[]) => vs.filter((v) => !v.startsWith("aws.path."));
/** Verdicts on resources the format 1 file holds: the demo account has gained resources since it was saved. */
const inV1 = (vs: string[]) => {
  const arns = new Set((JSON.parse(readFileSync(V1, "utf8")) as Inventory).resources.map((r) => r.arn));
  return vs.filter((v) => arns.has(v.split(" ")[1]!));
};

describe("format 1 inventories", () => {
  it("are read: collected resources lose their saved facts, enrichment's errors are dropped", async () => {
    const text = readFileSync(V1, "utf8");
    expect(JSON.parse(text)).toMatchObject({ formatVersion: 1 });
    const v1 = JSON.parse(text) as Inventory;
    // The file really holds facts and a derivation error, so the assertions below prove something.
    expect(v1.resources.filter((r) => Object.keys(r.derived).length).length).toBeGreaterThan(50);
    expect(malformed(v1)).toHaveLength(1);
    const loaded = await loadInventory(V1);
    expect(loaded.formatVersion).toBe(INVENTORY_FORMAT_VERSION);
    expect(loaded.resources).toHaveLength(v1.resources.length);
    expect(loaded.resources.filter((r) => Object.keys(r.derived).length || r.skipped)).toEqual([]);
    expect(malformed(loaded)).toEqual([]);
    expect(loaded.errors).toHaveLength(v1.errors.length - 1);
  });

  it("give the verdicts they gave when saved, from facts recomputed (the derivation error once, not twice)", async () => {
    const enriched = enrichStage(await loadInventory(V1), data).inventory;
    expect(malformed(enriched)).toHaveLength(1);
    const now = verdicts(evaluate(enriched, rules));
    expect(known(now)).toEqual(known(verdictsAsSaved()));
    // Recomputing benefits from analyses added since: the demo's unauthenticated route to an administrator role.
    expect(now.filter((v) => v.startsWith("aws.path.exposure.no-admin ") && v.endsWith(" fail"))).toHaveLength(1);
  });

  it("stale facts in the file change nothing: what AWS said decides", async () => {
    const v1 = JSON.parse(readFileSync(V1, "utf8")) as Inventory;
    const bob = v1.resources.find((r) => r.type === "aws.iam.user" && r.name === "bob")!;
    expect(bob.derived["mfaActive"]).toBe(false);
    // What a buggy enricher might once have saved: bob (a console user without MFA) with MFA.
    bob.derived["mfaActive"] = true;
    const stale = join(tmp, "stale-v1.json");
    writeFileSync(stale, JSON.stringify(v1));
    const mfaFinding = (fs: Finding[]) =>
      fs.find((f) => f.ruleId === "aws.iam.user.console-mfa" && f.resourceArn === bob.arn)?.status;
    expect(mfaFinding(evaluate(v1, rules))).toBe("pass");
    const enriched = enrichStage(await loadInventory(stale), data).inventory;
    expect(mfaFinding(evaluate(enriched, rules))).toBe("fail");
    expect(known(verdicts(evaluate(enriched, rules)))).toEqual(known(verdictsAsSaved()));
  });
});

describe("format 2 inventories", () => {
  it("hold what AWS said: no derived facts, no enricher's skipped, no derivation errors; evaluated, exactly the scan's findings", async () => {
    const demo = account("demo");
    const s = await sim([demo], { now: () => SIM_NOW });
    let collected: Inventory;
    try {
      process.env["AWS_ENDPOINT_URL"] = s.endpoint;
      collected = await startScan(scanOptions(demo)).done;
    } finally {
      delete process.env["AWS_ENDPOINT_URL"];
      await s.close();
    }
    // What collection keeps is raw: the facts are the enrich stage's.
    expect(collected.resources.filter((r) => Object.keys(r.derived).length)).toEqual([]);
    const enriched = enrichStage(collected, data);
    expect(malformed(enriched.inventory)).toHaveLength(1);
    const path = join(tmp, "v2.json");
    await saveInventory(path, savedForm(enriched.inventory, enriched.derivationErrors));
    const saved = JSON.parse(readFileSync(path, "utf8")) as { formatVersion: number; resources: object[]; errors: object[] };
    expect(saved.formatVersion).toBe(2);
    expect(saved.resources.filter((r) => "derived" in r || "skipped" in r)).toEqual([]);
    expect(saved.errors.filter((e) => (e as { errorName: string }).errorName === "MalformedPolicyDocument")).toEqual([]);
    const again = enrichStage(await loadInventory(path), data).inventory;
    expect(byId(evaluate(again, rules))).toEqual(byId(evaluate(enriched.inventory, rules)));
    // A fresh scan of today's demo: on the resources the format 1 file holds, the verdicts it saved.
    expect(inV1(known(verdicts(evaluate(again, rules))))).toEqual(known(verdictsAsSaved()));
  });

  it("keep a probe resource's verdicts: they record what the probe saw when it was sent", async () => {
    const inv = await loadInventory(V1);
    const probe = {
      type: "aws.apigateway.probe" as const,
      arn: "arn:aws:apigateway:us-east-1::/probe/x",
      account: inv.resources[0]!.account,
      region: "us-east-1",
      name: "GET https://x.example/",
      raw: { target: {}, exchanges: [], skipped: {} },
      derived: { authOutcome: "not-enforced" },
    };
    const path = join(tmp, "probe.json");
    await saveInventory(path, { ...inv, resources: [...inv.resources, probe] });
    const back = await loadInventory(path);
    expect(back.resources.find((r) => r.type === "aws.apigateway.probe")?.derived).toEqual({ authOutcome: "not-enforced" });
    expect(enrichStage(back, data).inventory.resources.find((r) => r.arn === probe.arn)?.derived).toEqual({
      authOutcome: "not-enforced",
    });
  });
});
