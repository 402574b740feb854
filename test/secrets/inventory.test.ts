// Secret values never reach the inventory, and an older inventory that still holds them never carries them
// into reports: proven on the demo account, whose dev stage has `dbPassword: "not-a-real-secret"`.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import { saveInventory, serializeInventory } from "../../src/inventory/io.js";
import type { Inventory } from "../../src/model/inventory.js";
import { runCli } from "../helpers/cli.js";
import { account, ROOT, scanOptions, sim, simEnv, SIM_NOW } from "../helpers/sim.js";

const demo = account("demo");
const VALUE = "not-a-real-secret";
const RULE = "aws.apigateway.stage.no-secret-variables";
const DEV_STAGE = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev";
let s: Simulator;
let inventory: Inventory;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-secrets-"));

beforeAll(async () => {
  // The fixture really holds the value, so the test below proves something.
  expect(JSON.stringify(demo)).toContain(VALUE);
  s = await sim([demo], { now: () => SIM_NOW });
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  inventory = await scan(scanOptions(demo));
});
afterAll(() => s.close());

const devStage = (inv: Inventory) => inv.resources.find((r) => r.arn === DEV_STAGE && r.account === demo.accountId)!;

describe("the demo account's secret stage variable", () => {
  it("is not in the collected inventory: the name stays, with the pattern it matched", () => {
    expect(serializeInventory(inventory)).not.toContain(VALUE);
    const stage = devStage(inventory);
    expect((stage.raw["stage"] as { variables: unknown }).variables).toEqual({
      backend: "dev",
      dbPassword: "[redacted name:password]",
    });
    expect(stage.derived["secretVariables"]).toEqual(["dbPassword"]);
  });

  it("still fails the secret-variables rule, from what is stored", () => {
    const finding = evaluate(inventory, loadRules(builtInRuleDirs())).find(
      (f) => f.ruleId === RULE && f.resourceArn === DEV_STAGE,
    );
    expect(finding).toMatchObject({ status: "fail" });
    expect(finding!.message).toContain("dbPassword");
  });

  it("an older inventory that still holds the value: evaluate re-emits it nowhere, and the rule still fails", async () => {
    const old = structuredClone(inventory);
    const stage = devStage(old);
    (stage.raw["stage"] as { variables: Record<string, string> }).variables["dbPassword"] = VALUE;
    stage.derived["secretVariables"] = ["dbPassword"];
    const file = join(tmp, "old-inventory.json");
    await saveInventory(file, old);
    expect(readFileSync(file, "utf8")).toContain(VALUE);
    // A rule pack asserting on the variable's value would quote it as the evidence's `actual` value in every report.
    const pack = join(tmp, "pack", "apigateway");
    mkdirSync(pack, { recursive: true });
    const id = "aws.apigateway.stage.custom-no-db-password";
    const shipped = JSON.parse(readFileSync(join(ROOT, "rules", "aws", "apigateway", `${RULE}.json`), "utf8")) as Record<
      string,
      unknown
    >;
    writeFileSync(
      join(pack, `${id}.json`),
      JSON.stringify({
        ...shipped,
        $schema: undefined,
        id,
        requires: ["/raw/stage"],
        assert: {
          properties: {
            raw: { properties: { stage: { properties: { variables: { properties: { dbPassword: { maxLength: 0 } } } } } } },
          },
        },
        message: "Stage {{name}} has a dbPassword variable.",
      }),
    );
    const out = join(tmp, "old-out");
    const r = await runCli(
      [
        "evaluate",
        "--inventory",
        file,
        "--rule-pack",
        join(tmp, "pack"),
        "--out",
        out,
        "--console",
        "json",
        "--fail-on",
        "critical",
      ],
      simEnv(s, demo),
    );
    expect(r.code).toBe(1);
    for (const text of [r.stdout, r.stderr, ...readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"))])
      expect(text).not.toContain(VALUE);
    const findings = JSON.parse(r.stdout) as { findings: { ruleId: string; resourceArn: string; status: string }[] };
    expect(findings.findings.find((f) => f.ruleId === RULE && f.resourceArn === DEV_STAGE)?.status).toBe("fail");
    const custom = findings.findings.find((f) => f.ruleId === id && f.resourceArn === DEV_STAGE) as unknown as {
      status: string;
      evidence: { path: string; actual: string }[];
    };
    expect(custom.status).toBe("fail");
    expect(custom.evidence).toContainEqual(
      expect.objectContaining({ path: "/raw/stage/variables/dbPassword", actual: "[redacted name:password]" }),
    );
  });
});
