import { describe, expect, it } from "vitest";
import { evaluate, sortFindings } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import type { Inventory, Resource } from "../../src/model/inventory.js";

const user = (account: string, name: string): Resource => ({
  type: "aws.iam.user",
  arn: `arn:aws:iam::${account}:user/${name}`,
  account,
  region: "global",
  name,
  raw: {},
  derived: { hasConsolePassword: true, mfaActive: name < "m", accessKeys: [], activeAccessKeyCount: 0, passwordDaysUnused: 1 },
});

describe("evaluate output order", () => {
  it("is rule, account, region, resource without a final sort, scope errors included", () => {
    const inv: Inventory = {
      kind: "tollgate-inventory",
      formatVersion: 1,
      metadata: {
        toolVersion: "t",
        collectedAt: "2026-01-01T00:00:00Z",
        finishedAt: "2026-01-01T00:00:00Z",
        partition: "aws",
        accounts: ["222222222222", "111111111111"],
        regions: ["us-east-1"],
        services: ["iam"],
        complete: true,
      },
      resources: [
        user("222222222222", "zed"),
        user("111111111111", "bob"),
        user("222222222222", "amy"),
        user("111111111111", "yan"),
      ],
      errors: [
        {
          account: "222222222222",
          region: "global",
          service: "iam",
          // A listing: users of that account may be missing, so a scope finding is due.
          operation: "GetAccountAuthorizationDetails",
          errorName: "AccessDenied",
          message: "no",
        },
      ],
    };
    const rules = [...loadRules(builtInRuleDirs())].reverse();
    const out = evaluate(inv, rules);
    expect(out.map((f) => `${f.ruleId} ${f.resourceArn}`)).toEqual(sortFindings(out).map((f) => `${f.ruleId} ${f.resourceArn}`));
    expect(out.some((f) => f.resourceArn === "arn:aws:iam::222222222222:*" && f.status === "error")).toBe(true);
  });
});
