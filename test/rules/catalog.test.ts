import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { rulesDoc } from "../../src/cli/rules-commands.js";
import { CONFIG_SCHEMA } from "../../src/config/schema.js";
import { complianceIndex, loadFrameworks } from "../../src/engine/frameworks.js";
import { loadProfile, PROFILE_SCHEMA, profilesDir } from "../../src/engine/profiles.js";
import { RULE_SCHEMA } from "../../src/engine/rule-schema.js";
import { builtInRuleDirs, loadRuleSet, parseRuleFile, type RuleFile } from "../../src/engine/rules.js";
import { templatePaths } from "../../src/engine/template.js";
import { RESOURCE_TYPES } from "../../src/model/inventory.js";
import { newAjv } from "../../src/util/ajv.js";
import { ROOT } from "../helpers/sim.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".json") ? [p] : [];
  });
}

const ruleFiles = builtInRuleDirs().flatMap(files);
const parsed: [string, RuleFile][] = ruleFiles.map((f) => [f, JSON.parse(readFileSync(f, "utf8")) as RuleFile]);

function paramRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => paramRefs(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (typeof o["$param"] === "string") out.push(o["$param"]);
    for (const v of Object.values(o)) paramRefs(v, out);
  }
  return out;
}

describe("the rule catalogue", () => {
  it("has rule files under rules/<pack>/<service>/<rule-id>.json", () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(16);
    for (const [file, rule] of parsed) {
      const service = basename(join(file, ".."));
      expect(rule.id.split(".")[1], file).toBe(service);
    }
  });

  it.each(parsed.map(([f, r]) => [r.id, f, r] as const))(
    "%s is schema-valid, named after its id, of a known type",
    (_id, f, r) => {
      expect(() => parseRuleFile(readFileSync(f, "utf8"), f)).not.toThrow();
      expect(basename(f, ".json")).toBe(r.id);
      expect(RESOURCE_TYPES as readonly string[]).toContain(r.resourceType);
    },
  );

  it("ids are unique, aliases included", () => {
    const ids = parsed.flatMap(([, r]) => [r.id, ...(r.aliases ?? [])]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every $param is declared and every declared parameter is used", () => {
    for (const [, r] of parsed) {
      const declared = Object.keys(r.parameters?.properties ?? {});
      const used = new Set(paramRefs([r.match, r.assert]));
      for (const u of used) expect(declared, `${r.id} uses undeclared ${u}`).toContain(u);
      for (const d of declared) {
        const inText = [r.message, r.passMessage ?? ""].some((t) => t.includes(`params.${d}`));
        expect(used.has(d) || inText, `${r.id} declares unused parameter ${d}`).toBe(true);
      }
    }
  });

  it("message templates only reference resource fields, derived/raw facts and declared parameters", () => {
    const roots = new Set(["type", "arn", "account", "region", "name", "derived", "raw", "params"]);
    for (const [, r] of parsed) {
      for (const path of [...templatePaths(r.message), ...templatePaths(r.passMessage ?? "")]) {
        const [root, second] = path.split(".");
        expect(roots.has(root!), `${r.id}: {{${path}}}`).toBe(true);
        if (root === "params") expect(Object.keys(r.parameters?.properties ?? {}), `${r.id}: {{${path}}}`).toContain(second);
        if (root === "derived" || root === "raw") expect(second, `${r.id}: {{${path}}}`).toBeTruthy();
      }
    }
  });

  it("frameworks cite only known rules; requirements without rules are allowed (not covered)", () => {
    const set = loadRuleSet(builtInRuleDirs());
    const frameworks = loadFrameworks();
    expect(frameworks.map((f) => f.id).sort()).toEqual(["aws-fsbp", "cis-aws-3.0", "cis-aws-5.0", "owasp-api-2023"]);
    expect(() => complianceIndex(frameworks, set.knownIds)).not.toThrow();
    expect(() => complianceIndex(frameworks, new Set())).toThrow(/names unknown rule/);
    const owasp = frameworks.find((f) => f.id === "owasp-api-2023")!;
    expect(owasp.requirements.map((r) => r.id)).toEqual([
      "API1",
      "API2",
      "API3",
      "API4",
      "API5",
      "API6",
      "API7",
      "API8",
      "API9",
      "API10",
    ]);
    const fsbp = frameworks.find((f) => f.id === "aws-fsbp")!;
    const ids = fsbp.requirements.map((r) => r.id);
    for (const c of ["APIGateway.4", "IAM.3", "IAM.28", "CloudTrail.1", "Config.1", "WAF.12"]) expect(ids).toContain(c);
    expect(fsbp.requirements.find((r) => r.id === "IAM.1")!.rules).toContain("aws.iam.policy.no-full-admin-attached");
  });

  it("frameworks list every requirement of the standard, with sources, and say which are outside Tollgate's scope", () => {
    const fw = Object.fromEntries(loadFrameworks().map((f) => [f.id, f]));
    const ids = (id: string) => fw[id]!.requirements.map((r) => r.id);
    // CIS v3.0.0 has 62 recommendations in five sections and v5.0.0 63 (its 1.3 security questions is gone; RDS
    // gains Multi-AZ, EC2 moves to Networking with CIFS added); each is listed once, in benchmark order.
    expect(ids("cis-aws-3.0")).toHaveLength(62);
    expect(ids("cis-aws-5.0")).toHaveLength(63);
    for (const id of ["1.22", "2.1.4", "2.2.1", "2.4.1", "3.9", "4.16", "5.6"]) expect(ids("cis-aws-3.0")).toContain(id);
    for (const id of ["1.21", "2.2.4", "2.3.1", "3.9", "4.16", "5.1.2", "5.7"]) expect(ids("cis-aws-5.0")).toContain(id);
    expect(ids("cis-aws-5.0").slice(-8)).toEqual(["5.1.1", "5.1.2", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7"]);
    // Every other Security Hub service appears once, as outside the scope.
    for (const id of ["S3.*", "EC2.*", "KMS.*"]) expect(ids("aws-fsbp")).toContain(id);
    // Lambda is collected: its controls are listed one by one.
    expect(ids("aws-fsbp").filter((id) => id.startsWith("Lambda."))).toEqual([
      "Lambda.1",
      "Lambda.2",
      "Lambda.3",
      "Lambda.5",
      "Lambda.6",
      "Lambda.7",
    ]);
    for (const f of Object.values(fw)) {
      expect(f.sources.length, f.id).toBeGreaterThan(0);
      expect(new Set(f.requirements.map((r) => r.id)).size, f.id).toBe(f.requirements.length);
      for (const r of f.requirements) if (r.outOfScope) expect(r.rules, `${f.id} ${r.id}`).toEqual([]);
    }
    const scope = (f: string, id: string) => fw[f]!.requirements.find((r) => r.id === id)!;
    expect(scope("cis-aws-5.0", "2.1.1").outOfScope).toMatch(/S3/);
    expect(scope("cis-aws-5.0", "4.3").outOfScope).toMatch(/metric filters/);
    expect(scope("owasp-api-2023", "API1").outOfScope).toMatch(/Application logic/);
    // In scope but not covered yet: no rules, no outOfScope.
    expect(scope("aws-fsbp", "IAM.17")).toMatchObject({ rules: [] });
    expect(scope("aws-fsbp", "IAM.17").outOfScope).toBeUndefined();
  });

  it("the framework schema refuses a requirement outside the scope that names rules, and a framework without sources", () => {
    const validate = newAjv().compile(
      JSON.parse(readFileSync(join(ROOT, "rules/schema/framework.schema.json"), "utf8")) as object,
    );
    const base = { id: "x", name: "X", version: "1", sources: [{ title: "t", url: "https://example.com/" }] };
    expect(validate({ ...base, requirements: [{ id: "1", title: "t", rules: [], outOfScope: "S3" }] })).toBe(true);
    expect(validate({ ...base, requirements: [{ id: "1", title: "t", rules: ["a"], outOfScope: "S3" }] })).toBe(false);
    expect(validate({ ...base, sources: undefined, requirements: [] })).toBe(false);
  });

  it("every rule is cited by at least one framework requirement, or listed as uncited with a reason", () => {
    const index = complianceIndex(loadFrameworks(), loadRuleSet(builtInRuleDirs()).knownIds);
    const uncited = (
      JSON.parse(readFileSync(join(ROOT, "rules/data/uncited-rules.json"), "utf8")) as { rules: Record<string, string> }
    ).rules;
    for (const [, r] of parsed) {
      const cited = (index.get(r.id)?.length ?? 0) > 0;
      // Exactly one of the two: a cited rule must not linger in the uncited list either.
      expect(cited !== r.id in uncited, `${r.id}: cited=${cited}, listed as uncited=${r.id in uncited}`).toBe(true);
      if (!cited) expect(uncited[r.id]!.length, r.id).toBeGreaterThan(10);
    }
  });
});

describe("checked-in schemas match what the loaders use (run `npm run schemas` after changing them)", () => {
  it.each([
    ["rules/schema/rule.schema.json", RULE_SCHEMA],
    ["rules/schema/profile.schema.json", PROFILE_SCHEMA],
    ["schemas/config.schema.json", CONFIG_SCHEMA],
  ])("%s", (path, schema) => {
    expect(JSON.parse(readFileSync(join(ROOT, path), "utf8"))).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it("the schemas are themselves valid draft-07 JSON Schemas", () => {
    // The loaders compile these with validateSchema off (start-up time): this is where they are checked.
    const framework = JSON.parse(readFileSync(join(ROOT, "rules/schema/framework.schema.json"), "utf8")) as object;
    for (const s of [RULE_SCHEMA, PROFILE_SCHEMA, CONFIG_SCHEMA, framework]) {
      const ajv = newAjv();
      expect(ajv.validateSchema(s), JSON.stringify(ajv.errors)).toBe(true);
      expect(() => ajv.compile(s)).not.toThrow();
    }
  });
});

describe("docs/rules.md", () => {
  it("is up to date (run `npm run docs:rules`)", () => {
    expect(readFileSync(join(ROOT, "docs", "rules.md"), "utf8")).toBe(rulesDoc());
  });
});

describe("profiles", () => {
  it("every built-in profile loads and applies to the built-in rules", () => {
    for (const f of readdirSync(profilesDir())) {
      const p = loadProfile(basename(f, ".json"));
      expect(() => loadRuleSet(builtInRuleDirs(), p.overrides, p.id)).not.toThrow();
    }
  });

  it("strict tightens key age to 45 days and raises severities without touching rule files", () => {
    const strict = loadRuleSet(builtInRuleDirs(), loadProfile("strict").overrides).rules;
    const base = loadRuleSet(builtInRuleDirs()).rules;
    const rotated = (rs: typeof base) => rs.find((r) => r.id === "aws.iam.user.access-key-rotated")!;
    expect(rotated(base).params["maxAgeDays"]).toBe(90);
    expect(rotated(strict).params["maxAgeDays"]).toBe(45);
    expect(rotated(strict).severity).toBe("high");
  });

  it("refuses a profile naming an unknown rule or a bad parameter, naming the profile", () => {
    expect(() => loadRuleSet(builtInRuleDirs(), { "aws.iam.user.nope": { enabled: false } }, "profile x")).toThrow(
      /profile x: unknown rule id\(s\): aws.iam.user.nope/,
    );
    expect(() =>
      loadRuleSet(builtInRuleDirs(), { "aws.iam.user.access-key-rotated": { parameters: { maxAgeDays: "soon" } } }, "profile x"),
    ).toThrow(/profile x: .*maxAgeDays: must be integer/);
    expect(() => loadProfile("no-such-profile")).toThrow(/unknown rule profile "no-such-profile"/);
  });

  it("disabling a rule removes it from evaluation", () => {
    const set = loadRuleSet(builtInRuleDirs(), { "aws.iam.user.console-mfa": { enabled: false } });
    expect(set.rules.map((r) => r.id)).not.toContain("aws.iam.user.console-mfa");
    expect(set.disabled).toEqual(["aws.iam.user.console-mfa"]);
    expect(set.knownIds.has("aws.iam.user.console-mfa")).toBe(true);
  });
});
