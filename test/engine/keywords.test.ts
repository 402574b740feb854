import { describe, expect, it } from "vitest";
import { ruleAjv } from "../../src/engine/rules.js";
import { arnMatch, globMatch } from "../../src/util/glob.js";

describe("globMatch", () => {
  it.each([
    ["*", "", true],
    ["*", "anything", true],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["aws.iam.*", "aws.iam.user.console-mfa", true],
    ["aws.iam.*", "aws.apigateway.stage.logging", false],
    ["*mfa", "aws.iam.user.console-mfa", true],
    ["*.user.*-key", "aws.iam.user.single-active-key", true],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
    ["exact", "exact", true],
    ["exact", "exactly", false],
    // Regex metacharacters are literal: users never write regexes.
    ["a.c", "abc", false],
    ["(x)+", "(x)+", true],
    ["[ab]", "a", false],
  ])("%s ~ %s → %s", (p, t, want) => {
    expect(globMatch(p, t)).toBe(want);
  });

  it("does not blow up on adversarial patterns", () => {
    const start = performance.now();
    expect(globMatch("*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe("arnMatch", () => {
  it("matches per component, so * never crosses a colon", () => {
    expect(arnMatch("arn:*:iam::aws:policy/AWSSupportAccess", "arn:aws-cn:iam::aws:policy/AWSSupportAccess")).toBe(true);
    expect(arnMatch("arn:*:iam::aws:policy/AWSSupportAccess", "arn:aws:iam::123456789012:policy/AWSSupportAccess")).toBe(false);
    expect(arnMatch("arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/a/b")).toBe(true);
    expect(arnMatch("arn:aws:*", "arn:aws:iam::1:role/x")).toBe(false);
    expect(arnMatch("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:us-east-1:1:log-group:a:*")).toBe(true);
    expect(arnMatch("arn:aws:iam::*:role/x", "not-an-arn")).toBe(false);
  });
});

describe("custom rule keywords", () => {
  const ajv = ruleAjv();
  it("globAny: string matches one of the globs", () => {
    const v = ajv.compile({ properties: { name: { globAny: ["admin-*", "root?"] } } });
    expect(v({ name: "admin-ops" })).toBe(true);
    expect(v({ name: "roots" })).toBe(true);
    expect(v({ name: "dev" })).toBe(false);
    expect(v({ name: 42 })).toBe(true); // type-scoped like standard string keywords
  });
  it("arnMatches: string is an ARN matching the pattern", () => {
    const v = ajv.compile({ items: { not: { arnMatches: "arn:*:iam::aws:policy/AWSCloudShellFullAccess" } } });
    expect(v(["arn:aws:iam::aws:policy/ReadOnlyAccess"])).toBe(true);
    expect(v(["arn:aws-us-gov:iam::aws:policy/AWSCloudShellFullAccess"])).toBe(false);
  });
  it("refuses malformed keyword values at compile time (strict mode)", () => {
    expect(() => ajv.compile({ globAny: "not-an-array" })).toThrow();
    expect(() => ajv.compile({ arnMatches: "no-arn-prefix" })).toThrow();
    expect(() => ajv.compile({ globAll: ["x"] })).toThrow(/unknown keyword/);
  });
});
