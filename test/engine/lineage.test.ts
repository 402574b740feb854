import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector } from "../../fixtures/simulator/faults.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { scan } from "../../src/pipeline/index.js";
import { evaluate, failuresIn, scopeArn } from "../../src/engine/evaluate.js";
import { relation } from "../../src/engine/partial.js";
import { RESOURCE_TYPE_SOURCES } from "../../src/engine/resource-types.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Finding } from "../../src/model/finding.js";
import type { Inventory, Resource } from "../../src/model/inventory.js";
import { account, scanOptions, sim } from "../helpers/sim.js";

// Every call Tollgate makes fails in turn (access denied), and the scan is compared with a fault-free one:
// whatever data changed must be declared in the resource types' lineage, and no verdict may change except to
// error (and only for what the failed call fed). This is what keeps the lineage in src/engine/resource-types.ts
// honest as collectors and enrichers change.

const demo = account("demo");
const rules = loadRules(builtInRuleDirs());
const REGIONS = [...demo.regions].sort();
let s: Simulator;
let clean: Inventory;
let cleanFindings: Finding[];
let operations: string[];

const key = (r: Pick<Resource, "type" | "arn" | "account" | "region">) => `${r.type}|${r.account}|${r.region}|${r.arn}`;
const findingKey = (f: Finding) => `${f.ruleId}|${f.account}|${f.region}|${f.resourceArn}`;

/** Leaf locations where two JSON values differ (an array whose length changed counts as one location). */
function diff(a: unknown, b: unknown, at: string[] = []): string[][] {
  if (a === b) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].flatMap((k) => diff(x[k], y[k], [...at, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((v, i) => diff(v, b[i], [...at, String(i)]));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

beforeAll(async () => {
  s = await sim([demo]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  clean = await scan(scanOptions(demo, { scan: { regions: REGIONS } }));
  cleanFindings = evaluate(clean, rules);
  operations = [...s.counts.keys()].filter((k) => k !== "sts:GetCallerIdentity").sort();
}, 60_000);
afterAll(() => s.close());

describe("lineage: each call failing alone", () => {
  it("covers the calls of a full scan", () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(clean.errors.every((e) => e.errorName === "MalformedPolicyDocument")).toBe(true);
  });

  it("every call: changed data is declared, missing resources get an error, verdicts only turn into error", async () => {
    const problems: string[] = [];
    for (const op of operations) {
      const faults = createFaultInjector({ rules: [{ operation: op, accessDenied: 1 }] });
      s.hooks.push(faults.hook);
      let faulty: Inventory;
      try {
        faulty = await scan(scanOptions(demo, { scan: { regions: REGIONS, maxAttempts: 1 } }));
      } finally {
        s.hooks.length = 0;
      }
      const failed = faulty.errors.filter((e) => e.errorName !== "MalformedPolicyDocument");
      if (!failed.length) problems.push(`${op}: no error recorded`);
      const failures = failuresIn(faulty);
      const before = new Map(clean.resources.map((r) => [key(r), r]));
      const after = new Map(faulty.resources.map((r) => [key(r), r]));
      const findings = evaluate(faulty, rules);

      // 1. Every value that changed is one the failed call feeds, as the lineage says.
      for (const [k, r] of after) {
        const was = before.get(k);
        if (!was) {
          problems.push(`${op}: resource appeared: ${k}`);
          continue;
        }
        const unknown = failures(r).flatMap((f) => f.unknown);
        for (const path of [...diff(was.raw, r.raw, ["raw"]), ...diff(was.derived, r.derived, ["derived"])]) {
          if (relation(unknown, path) !== "covered")
            problems.push(`${op}: ${r.type} ${r.arn}: /${path.join("/")} changed, undeclared`);
        }
      }

      // 2. A resource that went missing is covered by an error finding of every rule on its type.
      const byRule = new Map<string, Finding[]>();
      for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
      for (const [k, r] of before) {
        if (after.has(k)) continue;
        const src = RESOURCE_TYPE_SOURCES[r.type];
        const scope = scopeArn("aws", src.service, r.account, src.regional ? r.region : "global");
        for (const rule of rules.filter((x) => x.resourceType === r.type)) {
          const covered = (byRule.get(rule.id) ?? []).some(
            (f) =>
              f.status === "error" &&
              (f.resourceArn === scope || r.arn === f.resourceArn || r.arn.startsWith(`${f.resourceArn}/`)),
          );
          if (!covered) problems.push(`${op}: ${rule.id}: ${r.arn} went missing without an error finding`);
        }
      }

      // 3. One finding per rule and resource; a verdict never flips, it can only become error, and every new
      //    error cites the failed call.
      const seen = new Set<string>();
      for (const f of findings) {
        if (seen.has(findingKey(f))) problems.push(`${op}: duplicate finding ${findingKey(f)}`);
        seen.add(findingKey(f));
      }
      // A finding for a whole account and region only where resources of the type may be missing (a listing
      // failed): a failed call about resources that are there errs on those resources, not on the scope as well.
      for (const f of findings) {
        if (f.status !== "error" || !f.resourceArn.endsWith(":*")) continue;
        const src = RESOURCE_TYPE_SOURCES[f.resourceType as Resource["type"]];
        if (!failed.some((e) => `${e.service}:${e.operation}` in src.listedBy))
          problems.push(`${op}: ${f.ruleId}: a scope-wide error although nothing listing ${f.resourceType} failed`);
      }
      const now = new Map(findings.map((f) => [findingKey(f), f]));
      for (const f of cleanFindings) {
        const g = now.get(findingKey(f));
        if (!g) continue;
        if (g.status !== f.status && g.status !== "error")
          problems.push(`${op}: ${findingKey(f)}: ${f.status} became ${g.status}`);
      }
      const wasError = new Set(cleanFindings.filter((f) => f.status === "error").map(findingKey));
      for (const f of findings) {
        if (f.status !== "error" || wasError.has(findingKey(f))) continue;
        const cites = f.evidence.some((e) =>
          failed.some((x) => String(e.actual).startsWith(`${x.service}:${x.operation} failed:`)),
        );
        if (!cites) problems.push(`${op}: ${findingKey(f)}: error without citing the failed call: ${f.message}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
