import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config/load.js";

const GOOD = `# Tollgate config
profile: strict
suppressions:
  - rule: aws.iam.user.console-mfa
    resource: "arn:aws:iam::111122223333:user/break-glass"
    reason: Break-glass user, hardware key kept in the safe
    expires: 2030-01-31
    owner: security@example.com
  - rule: "aws.iam.user.*"
    account: "111122223333"
    reason: legacy account being closed
    expires: 2030-06-30
scan:
  regions: [us-east-1, eu-west-1]
  accounts: ["111122223333"]
  roleName: TollgateAudit
  externalId: abc123
  org: false
  maxAttempts: 5
  concurrency: { global: 8, perService: { apigateway: 2 } }
  rateLimits:
    apigateway: { rps: 5, burst: 10 }
    "apigateway:GetRestApis": { rps: 0.5, burst: 1 }
`;

describe("config file", () => {
  it("parses YAML into typed settings, with each suppression's line", () => {
    const c = parseConfig(GOOD, "tollgate.config.yaml");
    expect(c.profile).toBe("strict");
    expect(c.suppressions.map((s) => [s.rule, s.line])).toEqual([
      ["aws.iam.user.console-mfa", 4],
      ["aws.iam.user.*", 9],
    ]);
    expect(c.suppressions[0]!.expires).toBe("2030-01-31");
    expect(c.scan.rateLimits?.["apigateway:GetRestApis"]).toEqual({ rps: 0.5, burst: 1 });
    expect(c.scan.concurrency?.perService?.["apigateway"]).toBe(2);
    expect(c.scan.maxAttempts).toBe(5);
  });

  it("parses JSON too, with line numbers in errors", () => {
    const json = JSON.stringify({ suppressions: [{ rule: "x", reason: "r", expires: "2030-01-01" }] }, null, 2);
    expect(parseConfig(json, "c.json").suppressions[0]!.line).toBe(3);
    const bad = '{\n  "scan": {\n    "maxAttempts": 0\n  }\n}\n';
    expect(() => parseConfig(bad, "c.json")).toThrow(/c\.json:3: \/scan\/maxAttempts: must be >= 1/);
  });

  it.each([
    [
      "a missing reason",
      "suppressions:\n  - rule: x\n    expires: 2030-01-01\n",
      /c\.yaml:2: \/suppressions\/0: must have required property 'reason'/,
    ],
    [
      "a bad date",
      "suppressions:\n  - rule: x\n    reason: r\n    expires: next week\n",
      /c\.yaml:4: \/suppressions\/0\/expires: must match format "date"/,
    ],
    ["an unknown field, at its own line", "profile: strict\nsupressions: []\n", /c\.yaml:2: \/supressions: unknown field/],
    [
      "a zero rate",
      "scan:\n  rateLimits:\n    iam: { rps: 0, burst: 1 }\n",
      /c\.yaml:3: \/scan\/rateLimits\/iam\/rps: must be > 0/,
    ],
    [
      "a bad rate-limit key",
      "scan:\n  rateLimits:\n    'IAM Get': { rps: 1, burst: 1 }\n",
      /\/scan\/rateLimits: property name must be valid/,
    ],
    [
      "a bad burst",
      "scan:\n  rateLimits:\n    iam:\n      rps: 1\n      burst: 1.5\n",
      /c\.yaml:5: \/scan\/rateLimits\/iam\/burst: must be integer/,
    ],
    [
      "a non-integer concurrency",
      "scan:\n  concurrency:\n    perService:\n      iam: two\n",
      /c\.yaml:4: \/scan\/concurrency\/perService\/iam: must be integer/,
    ],
    ["broken YAML", "scan: [\n", /c\.yaml:\d+: not valid YAML\/JSON/],
    ["a duplicate key", "profile: a\nprofile: b\n", /c\.yaml:2: not valid YAML\/JSON/],
  ])("refuses %s with the line and field", (_name, text, msg) => {
    expect(() => parseConfig(text, "c.yaml")).toThrow(msg);
  });

  it("an empty file is an empty config", () => {
    expect(parseConfig("", "c.yaml")).toEqual({ file: "c.yaml", suppressions: [], scan: {} });
  });

  it("is found in the working directory, and refused when ambiguous", () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-config-"));
    expect(loadConfig(undefined, dir)).toEqual({ suppressions: [], scan: {} });
    writeFileSync(join(dir, "tollgate.config.yaml"), "profile: strict\n");
    expect(loadConfig(undefined, dir).profile).toBe("strict");
    writeFileSync(join(dir, "tollgate.config.json"), "{}");
    expect(() => loadConfig(undefined, dir)).toThrow(/several config files/);
    expect(() => loadConfig(join(dir, "missing.yaml"), dir)).toThrow(/config file not found/);
  });
});
