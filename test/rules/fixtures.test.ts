import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateResource } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, compileRule, loadRules, ruleAjv, type Rule } from "../../src/engine/rules.js";
import type { Resource } from "../../src/model/inventory.js";
import type { JsonValue } from "../../src/model/json.js";
import { ROOT } from "../helpers/sim.js";

interface FixtureCase {
  name: string;
  expect: "pass" | "fail" | "error" | "skip";
  params?: Record<string, JsonValue>;
  resource: Partial<Resource> & { name: string };
}

const rules = loadRules(builtInRuleDirs());

function fixtureFor(rule: Rule): { rule: string; cases: FixtureCase[] } | undefined {
  const path = join(ROOT, "fixtures", "rules", `${rule.id}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { rule: string; cases: FixtureCase[] }) : undefined;
}

describe("rule fixtures", () => {
  it("every rule has at least one passing and one failing fixture", () => {
    const missing = rules.flatMap((r) => {
      const f = fixtureFor(r);
      const kinds = new Set((f?.cases ?? []).map((c) => c.expect));
      return [
        ...(kinds.has("pass") ? [] : [`${r.id}: no passing case`]),
        ...(kinds.has("fail") ? [] : [`${r.id}: no failing case`]),
      ];
    });
    expect(missing).toEqual([]);
  });

  for (const rule of rules) {
    const fixture = fixtureFor(rule);
    describe(rule.id, () => {
      it("fixture names the rule it tests", () => {
        expect(fixture?.rule).toBe(rule.id);
      });
      for (const c of fixture?.cases ?? []) {
        it(`${c.expect}: ${c.name}`, () => {
          const compiled = c.params ? compileRule(rule, rule.file, { parameters: c.params }, ruleAjv()) : rule;
          const resource: Resource = {
            type: rule.resourceType,
            arn: `arn:aws:test::111122223333:${c.resource.name}`,
            account: "111122223333",
            region: "global",
            raw: {},
            derived: {},
            ...c.resource,
          } as Resource;
          const finding = evaluateResource(compiled, resource);
          expect(finding?.status ?? "skip").toBe(c.expect);
          if (finding?.status === "fail") expect(finding.evidence.length).toBeGreaterThan(0);
          // Every rendered message (pass, fail or error) is free of unrendered placeholders.
          if (finding) expect(finding.message).not.toMatch(/\{\{|\}\}/);
        });
      }
    });
  }
});
