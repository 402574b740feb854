import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFrameworks } from "../../src/engine/frameworks.js";
import { builtInRuleDirs, loadRuleSet, type Rule } from "../../src/engine/rules.js";
import { PATH_ENTRY_SERVICES, ruleServices, selectRules, validateFilters, SERVICE_NAMES } from "../../src/engine/selection.js";
import { InputError } from "../../src/errors.js";
import { SELECTION_SCHEMA } from "../../src/report/findings-schema.js";
import { ROOT } from "../helpers/sim.js";

const set = loadRuleSet(builtInRuleDirs());
const frameworks = loadFrameworks();
const ids = (rules: Rule[]) => rules.map((r) => r.id);

describe("rule selection", () => {
  it("filters combine with AND; --rules patterns with OR; --exclude-rules removes", () => {
    const kept = selectRules(
      set.rules,
      { rules: ["aws.iam.user.*", "aws.cloudtrail.*"], excludeRules: ["*.console-mfa"] },
      frameworks,
    );
    expect(kept.length).toBeGreaterThan(3);
    expect(kept.every((r) => /^aws\.(iam\.user|cloudtrail)\./.test(r.id) && r.id !== "aws.iam.user.console-mfa")).toBe(true);
    const high = selectRules(set.rules, { services: ["apigateway"], severity: "high" }, frameworks);
    expect(high.every((r) => ["critical", "high"].includes(r.severity) && ruleServices(r).includes("apigateway"))).toBe(true);
  });

  it("probe rules belong to both API Gateway services; every rule belongs to a known service", () => {
    const probe = set.rules.find((r) => r.resourceType === "aws.apigateway.probe")!;
    expect(ruleServices(probe)).toEqual(["apigateway", "apigatewayv2"]);
    expect(ids(selectRules(set.rules, { services: ["apigatewayv2"] }, frameworks))).toContain(probe.id);
    for (const r of set.rules) for (const s of ruleServices(r)) expect(SERVICE_NAMES).toContain(s);
  });

  it("exposure-path rules go with every entry-point service, not with IAM alone (docs/paths.md)", () => {
    const path = set.rules.find((r) => r.resourceType === "aws.path.exposure")!;
    expect(ruleServices(path)).toEqual([...PATH_ENTRY_SERVICES]);
    for (const s of PATH_ENTRY_SERVICES) expect(ids(selectRules(set.rules, { services: [s] }, frameworks))).toContain(path.id);
    expect(ids(selectRules(set.rules, { services: ["iam"] }, frameworks))).not.toContain(path.id);
  });

  it("matches aliases, the way profiles and suppressions do", () => {
    const renamed = { ...set.rules[0]!, aliases: ["aws.old.name"] } as Rule;
    expect(ids(selectRules([renamed, ...set.rules.slice(1)], { rules: ["aws.old.*"] }, frameworks))).toEqual([renamed.id]);
  });

  it("refuses unknown values, naming where they came from", () => {
    const src = { services: "cfg:3: /filters/services", rules: "r", excludeRules: "e", severity: "s", framework: "f" };
    expect(() => validateFilters({ services: ["s3"] }, set, frameworks, src)).toThrow(
      new InputError(`cfg:3: /filters/services: unknown service "s3"; known: ${SERVICE_NAMES.join(", ")}`),
    );
    expect(() => validateFilters({ framework: "x" }, set, frameworks)).toThrow(/--framework: unknown framework "x"/);
    expect(() => selectRules(set.rules, { framework: "owasp-api-2023", services: ["config"] }, frameworks)).toThrow(
      /no enabled rule matches --services config, --framework owasp-api-2023/,
    );
  });

  it("the inventory schema records the selection exactly as the findings schema does", () => {
    const inv = JSON.parse(readFileSync(join(ROOT, "schemas", "inventory.schema.json"), "utf8")) as {
      properties: { metadata: { properties: { selection: unknown } } };
    };
    expect(inv.properties.metadata.properties.selection).toEqual(JSON.parse(JSON.stringify(SELECTION_SCHEMA)));
  });
});
