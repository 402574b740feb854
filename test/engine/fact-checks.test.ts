// Rule loading checks every rule against the facts of its resource type and its probe link: a rule reading a
// location its type does not have, or linking to a check nothing judges, is refused (exit 2) naming the rule,
// where it reads it and the JSON pointer.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { builtInRuleDirs, loadRuleSet } from "../../src/engine/rules.js";
import { saveInventory } from "../../src/inventory/io.js";
import { runCli } from "../helpers/cli.js";
import { inventoryOf } from "../helpers/inventory.js";
import { ROOT } from "../helpers/sim.js";

const tmp = mkdtempSync(join(tmpdir(), "tollgate-fact-checks-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const shipped = (dir: string, id: string) =>
  JSON.parse(readFileSync(join(ROOT, "rules", "aws", dir, `${id}.json`), "utf8")) as Record<string, unknown>;

/** A pack folder holding one rule: a shipped rule under a new id, changed by `change`. */
function pack(name: string, dir: string, from: string, change: Record<string, unknown>): string {
  const folder = join(tmp, name);
  mkdirSync(join(folder, dir), { recursive: true });
  const id = `${from.split(".").slice(0, 3).join(".")}.custom-${name}`;
  writeFileSync(join(folder, dir, `${id}.json`), JSON.stringify({ ...shipped(dir, from), $schema: undefined, id, ...change }));
  return folder;
}

const refusal = (dirs: string[]) => {
  try {
    loadRuleSet(dirs);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("the rules loaded");
};

describe("rules read only facts their resource type has", () => {
  it("the shipped rules all pass", () => {
    expect(loadRuleSet(builtInRuleDirs()).rules.length).toBeGreaterThan(50);
  });

  it("a misspelt `requires` pointer is refused with the rule, where and the pointer", () => {
    const dir = pack("requires", "apigateway", "aws.apigateway.method.authorization-required", {
      requires: ["/raw/method/authorisationType"],
    });
    expect(refusal([...builtInRuleDirs(), dir])).toMatch(
      /aws\.apigateway\.method\.custom-requires\.json: \/requires\/0: rule aws\.apigateway\.method\.custom-requires reads \/raw\/method\/authorisationType, but aws\.apigateway\.method has no \/raw\/method\/authorisationType/,
    );
  });

  it("an assertion reading a fact of another resource type is refused", () => {
    const dir = pack("assert", "apigateway", "aws.apigateway.method.authorization-required", {
      assert: { properties: { derived: { properties: { wafAssociated: { const: true } } } } },
    });
    expect(refusal([dir])).toMatch(/\/assert: rule aws\.apigateway\.method\.custom-assert reads \/derived\/wafAssociated/);
  });

  it("a match schema and a message template are checked too", () => {
    const m = pack("match", "apigateway", "aws.apigateway.method.authorization-required", {
      match: { properties: { raw: { properties: { verb: { const: "GET" } } } } },
    });
    expect(refusal([m])).toMatch(/\/match: rule aws\.apigateway\.method\.custom-match reads \/raw\/verb/);
    const t = pack("message", "apigateway", "aws.apigateway.method.authorization-required", {
      message: "{{name}} has {{derived.authoriser.type}}",
    });
    expect(refusal([t])).toMatch(/\/message: rule aws\.apigateway\.method\.custom-message reads \/derived\/authoriser\/type/);
  });
});

describe("probe links", () => {
  it("a probe rule must name the check it judges and read its outcome", () => {
    const none = pack("noprobe", "apigateway", "aws.apigateway.probe.auth-enforced", { probeCheck: undefined });
    expect(refusal([none])).toMatch(/\/probeCheck: probe rule aws\.apigateway\.probe\.custom-noprobe must name the check/);
    const wrong = pack("wrongprobe", "apigateway", "aws.apigateway.probe.auth-enforced", { probeCheck: "tls" });
    expect(refusal([wrong])).toMatch(/names check tls but does not read \/derived\/tlsOutcome/);
  });

  it("a configuration rule may only name a check some probe rule judges, and only a known check", () => {
    const dir = pack("link", "apigateway", "aws.apigateway.method.authorization-required", {});
    expect(refusal([dir])).toMatch(
      /\/probeCheck: rule aws\.apigateway\.method\.custom-link names check auth, which no probe rule judges/,
    );
    expect(loadRuleSet([...builtInRuleDirs(), dir]).rules.some((r) => r.id === "aws.apigateway.method.custom-link")).toBe(true);
    const unknown = pack("unknowncheck", "apigateway", "aws.apigateway.method.authorization-required", { probeCheck: "mtls" });
    expect(refusal([...builtInRuleDirs(), unknown])).toMatch(/\/probeCheck/);
  });
});

describe("the CLI", () => {
  it("exits 2 naming the rule file, the rule and the pointer", async () => {
    const dir = pack("cli", "apigateway", "aws.apigateway.method.authorization-required", {
      requires: ["/raw/method/authorisationType"],
    });
    const inventory = join(tmp, "inventory.json");
    await saveInventory(inventory, inventoryOf([]));
    const r = await runCli(["evaluate", "--inventory", inventory, "--rule-pack", dir, "--out", join(tmp, "out")], {
      ...process.env,
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "aws.apigateway.method.custom-cli.json: /requires/0: rule aws.apigateway.method.custom-cli reads /raw/method/authorisationType",
    );
  });

  it("`rules list` and `rules show` refuse a rule pack reading a fact its type lacks, as scan and evaluate do", async () => {
    // Metadata-only loads skip these checks for the built-in rules (checked by every scan and evaluation, and by
    // "the shipped rules all pass" above), never for a pack given with --rule-pack.
    const dir = pack("catalog", "apigateway", "aws.apigateway.method.authorization-required", {
      requires: ["/raw/method/authorisationType"],
    });
    const message =
      "aws.apigateway.method.custom-catalog.json: /requires/0: rule aws.apigateway.method.custom-catalog reads /raw/method/authorisationType";
    for (const args of [
      ["rules", "list", "--rule-pack", dir],
      ["rules", "show", "aws.apigateway.method.custom-catalog", "--rule-pack", dir],
    ]) {
      const r = await runCli(args, process.env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(() => loadRuleSet([...builtInRuleDirs(), dir], {}, "test", { compile: false })).toThrow(message);
    // The metadata-only load of the built-in rules alone lists them all.
    expect(loadRuleSet(builtInRuleDirs(), {}, "test", { compile: false }).rules.map((r) => r.id)).toEqual(
      loadRuleSet(builtInRuleDirs()).rules.map((r) => r.id),
    );
  });
});
