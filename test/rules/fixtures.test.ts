import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateResource } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, compileRule, loadRules, ruleAjv, type Rule } from "../../src/engine/rules.js";
import type { CollectionError, Resource } from "../../src/model/inventory.js";
import type { JsonValue } from "../../src/model/json.js";
import { ruleSources } from "../helpers/rule-sources.js";
import { ROOT } from "../helpers/sim.js";

interface FixtureCase {
  name: string;
  expect: "pass" | "fail" | "error" | "skip";
  params?: Record<string, JsonValue>;
  /** Calls that failed for this resource: `service:Operation`, or with the ARN the failure was recorded on. */
  failed?: (string | { operation: string; resourceArn: string })[];
  resource: Partial<Resource> & { name: string };
}

/** The collection errors a case's `failed` list stands for, recorded in the resource's account and region. */
function failures(c: FixtureCase, resource: Resource): CollectionError[] {
  return (c.failed ?? []).map((f) => {
    const { operation, resourceArn } = typeof f === "string" ? { operation: f, resourceArn: undefined } : f;
    const [service, op] = operation.split(":") as [string, string];
    return {
      account: resource.account,
      region: resource.region,
      service,
      operation: op,
      errorName: "AccessDenied",
      message: "denied by the fixture",
      ...(resourceArn ? { resourceArn } : {}),
    };
  });
}

const rules = loadRules(builtInRuleDirs());

interface Fixture {
  rule: string;
  cases: FixtureCase[];
  /** Why no failure of this rule can be proven while one of its source calls failed (each needs them all). */
  proofNeedsAll?: string;
}

function fixtureFor(rule: Rule): Fixture | undefined {
  const path = join(ROOT, "fixtures", "rules", `${rule.id}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Fixture) : undefined;
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

  it("every rule reading more than one source is tested both ways when a call failed: proven, and left unknown", () => {
    const multi = rules.filter((r) => ruleSources(r).length > 1);
    expect(multi.length).toBeGreaterThan(5);
    const missing = multi.flatMap((r) => {
      const f = fixtureFor(r);
      const failed = (f?.cases ?? []).filter((c) => c.failed?.length);
      return [
        ...(failed.some((c) => c.expect === "fail") || f?.proofNeedsAll
          ? []
          : [`${r.id}: no case where the collected data proves a failure although a call failed (or proofNeedsAll)`]),
        ...(failed.some((c) => c.expect === "error") ? [] : [`${r.id}: no case where a failed call leaves the verdict unknown`]),
      ];
    });
    expect(missing).toEqual([]);
  });

  it("one cause, one failing finding: a key-only method fails api-key-not-authentication, not also authorization-required", () => {
    const byId = (id: string) => rules.find((r) => r.id === id)!;
    const keyRule = byId("aws.apigateway.method.api-key-not-authentication");
    const authRule = byId("aws.apigateway.method.authorization-required");
    const keyOnly = fixtureFor(keyRule)!.cases.filter((c) => c.expect === "fail" && !c.params);
    expect(keyOnly.length).toBeGreaterThan(0);
    for (const c of keyOnly) {
      const resource = {
        type: keyRule.resourceType,
        arn: "arn:aws:apigateway:us-east-1::/restapis/a/resources/r/methods/GET",
        account: "111122223333",
        region: "us-east-1",
        raw: {},
        derived: {},
        ...c.resource,
      } as Resource;
      expect(evaluateResource(keyRule, resource)?.status).toBe("fail");
      expect(evaluateResource(authRule, resource)).toBeUndefined();
    }
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
          const finding = evaluateResource(compiled, resource, failures(c, resource));
          expect(finding?.status ?? "skip").toBe(c.expect);
          if (finding?.status === "fail") expect(finding.evidence.length).toBeGreaterThan(0);
          // Every rendered message (pass, fail or error) is free of unrendered placeholders.
          if (finding) expect(finding.message).not.toMatch(/\{\{|\}\}/);
        });
      }
    });
  }
});
