import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate, scopeArn } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, injectParams, loadRules, parseRuleFile } from "../../src/engine/rules.js";
import { renderTemplate } from "../../src/engine/template.js";
import type { Inventory, Resource } from "../../src/model/inventory.js";

const baseRule = {
  id: "aws.iam.user.test-rule",
  title: "A test rule for the engine",
  severity: "low",
  resourceType: "aws.iam.user",
  assert: { properties: { derived: { properties: { activeAccessKeyCount: { maximum: 1 } } } } },
  message: "bad {{name}}",
  rationale: "r",
  remediation: { text: "t" },
  references: ["https://example.com/rule"],
};

function ruleDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-rules-"));
  mkdirSync(join(dir, "iam"));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, "iam", name), typeof content === "string" ? content : JSON.stringify(content));
  return dir;
}

function inventory(resources: Resource[], errors: Inventory["errors"] = []): Inventory {
  return {
    kind: "tollgate-inventory",
    formatVersion: 1,
    metadata: {
      toolVersion: "t",
      collectedAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:00:01Z",
      partition: "aws",
      accounts: ["111122223333"],
      regions: ["us-east-1"],
      services: ["iam"],
      complete: true,
    },
    resources,
    errors,
  };
}

const user = (name: string, derived: Record<string, unknown>): Resource =>
  ({
    type: "aws.iam.user",
    arn: `arn:aws:iam::111122223333:user/${name}`,
    account: "111122223333",
    region: "global",
    name,
    raw: {},
    derived,
  }) as Resource;

describe("rule loading", () => {
  it("refuses a file whose id differs from its name, naming the pointer", () => {
    const dir = ruleDir({ "aws.iam.user.other.json": baseRule });
    expect(() => loadRules([dir])).toThrow(
      /aws\.iam\.user\.other\.json: \/id: "aws\.iam\.user\.test-rule" must equal the file name/,
    );
  });

  it("refuses a schema violation with the JSON pointer", () => {
    const dir = ruleDir({ "aws.iam.user.test-rule.json": { ...baseRule, severity: "urgent" } });
    expect(() => loadRules([dir])).toThrow(/invalid rule: \/severity: must be equal to one of the allowed values/);
  });

  it("refuses a misspelt JSON Schema keyword instead of passing silently", () => {
    const dir = ruleDir({ "aws.iam.user.test-rule.json": { ...baseRule, assert: { properties: { derived: { maximun: 3 } } } } });
    expect(() => loadRules([dir])).toThrow(/\/assert: not a valid JSON Schema: .*maximun/);
  });

  it("refuses an unknown parameter reference and an unknown resource type", () => {
    const bad = {
      ...baseRule,
      assert: { properties: { derived: { properties: { activeAccessKeyCount: { maximum: { $param: "nope" } } } } } },
    };
    expect(() => loadRules([ruleDir({ "aws.iam.user.test-rule.json": bad })])).toThrow(
      /\/assert\/properties\/derived\/properties\/activeAccessKeyCount\/maximum: unknown parameter "nope"/,
    );
    expect(() =>
      parseRuleFile(JSON.stringify({ ...baseRule, resourceType: "aws.iam.thing" }), "x/aws.iam.user.test-rule.json"),
    ).toThrow(/\/resourceType: unknown resource type aws\.iam\.thing/);
  });

  it("refuses invalid JSON and duplicate ids", () => {
    expect(() => loadRules([ruleDir({ "aws.iam.user.test-rule.json": "{ nope" })])).toThrow(
      /aws\.iam\.user\.test-rule\.json: not valid JSON/,
    );
    const a = ruleDir({ "aws.iam.user.test-rule.json": baseRule });
    const b = ruleDir({ "aws.iam.user.test-rule.json": baseRule });
    expect(() => loadRules([a, b])).toThrow(/is already defined by/);
  });

  it("injects parameters structurally, never by text", () => {
    const schema = { maximum: { $param: "max" }, description: '{ "$param": "max" } stays text' };
    expect(injectParams(schema, { max: 5 }, "")).toEqual({ maximum: 5, description: '{ "$param": "max" } stays text' });
  });

  it("validates parameter overrides against the rule's parameter schema", () => {
    expect(() =>
      loadRules(builtInRuleDirs(), { "aws.iam.user.access-key-rotated": { parameters: { maxAgeDays: "ninety" } } }),
    ).toThrow(/parameters of aws\.iam\.user\.access-key-rotated: \/maxAgeDays: must be integer/);
    const rules = loadRules(builtInRuleDirs(), {
      "aws.iam.user.access-key-rotated": { parameters: { maxAgeDays: 30 }, severity: "high" },
    });
    const r = rules.find((x) => x.id === "aws.iam.user.access-key-rotated")!;
    expect(r.params).toEqual({ maxAgeDays: 30 });
    expect(r.severity).toBe("high");
  });
});

describe("evaluation", () => {
  const rules = loadRules([ruleDir({ "aws.iam.user.test-rule.json": baseRule })]);

  it("gives pass and fail with evidence naming path, value and expectation", () => {
    const findings = evaluate(
      inventory([user("ok", { activeAccessKeyCount: 1 }), user("bad", { activeAccessKeyCount: 4 })]),
      rules,
    );
    expect(findings.map((f) => [f.resourceName, f.status])).toEqual([
      ["bad", "fail"],
      ["ok", "pass"],
    ]);
    expect(findings[0]!.evidence).toEqual([{ path: "/derived/activeAccessKeyCount", actual: 4, expected: "must be <= 1" }]);
    expect(findings[0]!.message).toBe("bad bad");
  });

  // Rules on real facts, so failures reach them through the resource type's lineage.
  const keysRule = { ...baseRule, assert: { properties: { derived: { properties: { activeAccessKeyCount: { maximum: 1 } } } } } };
  const inlineRule = { ...baseRule, assert: { properties: { derived: { properties: { inlinePolicies: { maxItems: 0 } } } } } };
  const load = (rule: object) => loadRules([ruleDir({ "aws.iam.user.test-rule.json": rule })]);
  const denied = (operation: string, over: Partial<Inventory["errors"][number]> = {}) => ({
    account: "111122223333",
    region: "global",
    service: "iam",
    operation,
    errorName: "AccessDenied",
    httpStatus: 403,
    message: "denied",
    ...over,
  });

  it("a failed call feeding what a rule reads: one error finding per resource, citing the call, never pass", () => {
    const findings = evaluate(
      inventory(
        [user("ok", { activeAccessKeyCount: 1 }), user("two", { activeAccessKeyCount: 2 })],
        [denied("GetCredentialReport")],
      ),
      load(keysRule),
    );
    expect(findings.map((f) => [f.resourceName, f.status])).toEqual([
      ["ok", "error"],
      ["two", "error"],
    ]);
    expect(findings[0]!.evidence[0]!.actual).toMatch(/^iam:GetCredentialReport failed: AccessDenied \(HTTP 403\)/);
    expect(findings[0]!.message).toBe(
      "A test rule for the engine: could not be judged for ok: GetCredentialReport failed (AccessDenied).",
    );
  });

  it("a failed listing: one error finding for the scope, where resources may be missing", () => {
    const findings = evaluate(inventory([], [denied("GetAccountAuthorizationDetails")]), load(keysRule));
    expect(findings.map((f) => [f.resourceArn, f.status])).toEqual([[scopeArn("aws", "iam", "111122223333", "global"), "error"]]);
  });

  it("a failed call that feeds nothing the rule reads changes nothing", () => {
    const findings = evaluate(
      inventory([user("ok", { activeAccessKeyCount: 1 })], [denied("ListVirtualMFADevices")]),
      load(keysRule),
    );
    expect(findings.map((f) => f.status)).toEqual(["pass"]);
  });

  it("gives error for a resource with its own collection error, and not for others", () => {
    const err = denied("GetAccountAuthorizationDetails", {
      errorName: "MalformedPolicyDocument",
      resourceArn: "arn:aws:iam::111122223333:user/a",
    });
    const findings = evaluate(
      inventory([user("a", { inlinePolicies: [] }), user("b", { inlinePolicies: [] })], [err]),
      load(inlineRule),
    );
    expect(findings.map((f) => [f.resourceName, f.status])).toEqual([
      ["a", "error"],
      ["b", "pass"],
    ]);
  });

  it("reports skipped, with the reason, when every missing input was left out by design; error otherwise", () => {
    const needs = loadRules([
      ruleDir({
        "aws.iam.user.test-rule.json": { ...baseRule, requires: ["/derived/activeAccessKeyCount", "/derived/virtualMfaCount"] },
      }),
    ]);
    const skip = (r: Resource, skipped: Record<string, string>): Resource => ({ ...r, skipped });
    const findings = evaluate(
      inventory([
        skip(user("both-skipped", {}), {
          "/derived/activeAccessKeyCount": "not sent by design",
          "/derived/virtualMfaCount": "private API",
        }),
        skip(user("one-skipped", { virtualMfaCount: 1 }), { "/derived/activeAccessKeyCount": "not sent by design" }),
        // One input left out by design and another simply missing: that is a gap, not a skip.
        skip(user("half", {}), { "/derived/activeAccessKeyCount": "not sent by design" }),
        // A skip record never hides a value that is there.
        skip(user("present", { activeAccessKeyCount: 4, virtualMfaCount: 1 }), {
          "/derived/activeAccessKeyCount": "not sent by design",
        }),
      ]),
      needs,
    );
    const by = Object.fromEntries(findings.map((f) => [f.resourceName, f]));
    expect(by["both-skipped"]?.status).toBe("skipped");
    expect(by["both-skipped"]?.message).toBe(
      "A test rule for the engine: not checked for both-skipped: not sent by design; private API.",
    );
    expect(by["one-skipped"]?.status).toBe("skipped");
    expect(by["one-skipped"]?.evidence).toEqual([
      { path: "/derived/activeAccessKeyCount", actual: "not sent by design", expected: "a value (left out by design)" },
    ]);
    expect(by["half"]?.status).toBe("error");
    expect(by["present"]?.status).toBe("fail");
  });

  it("a collection error on the resource wins over a skip record", () => {
    const r: Resource = { ...user("a", {}), skipped: { "/derived/activeAccessKeyCount": "not sent by design" } };
    const needs = load({ ...keysRule, requires: ["/derived/activeAccessKeyCount"] });
    expect(evaluate(inventory([r], [denied("GetCredentialReport")]), needs).map((f) => f.status)).toEqual(["error"]);
  });

  it("ignores errors of services the rule does not read", () => {
    const err = {
      account: "111122223333",
      region: "us-east-1",
      service: "apigateway",
      operation: "GetRestApis",
      errorName: "AccessDeniedException",
      message: "no",
    };
    expect(evaluate(inventory([user("a", { activeAccessKeyCount: 1 })], [err]), rules).map((f) => f.status)).toEqual(["pass"]);
  });
});

describe("templates", () => {
  it("maps a * segment over arrays", () => {
    expect(renderTemplate("paths: {{d.paths.*.name}}", { d: { paths: [{ name: "a" }, { name: "b" }] } })).toBe("paths: a, b");
  });

  it("renders lookups only", () => {
    expect(
      renderTemplate("{{name}} has {{derived.keys}} and {{derived.none}} {{ params.max }}", {
        name: "x",
        derived: { keys: [1, 2] },
        params: { max: 3 },
      }),
    ).toBe("x has 1, 2 and (none) 3");
  });
});
