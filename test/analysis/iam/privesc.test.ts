import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultRulesDataDir, parsePrivescCatalog, PrivescCatalogError } from "../../../src/analysis/iam/index.js";
import { allow, analyseUser, data, deny } from "./helpers.js";

const methods = parsePrivescCatalog(JSON.parse(readFileSync(`${defaultRulesDataDir()}/privesc.json`, "utf8")));
const ids = (f: { privilegeEscalation: { id: string }[] }): string[] => f.privilegeEscalation.map((m) => m.id);

describe("privesc catalogue data", () => {
  it("holds the 21 original Rhino methods (1-15, 17-22) and the PassRole paths", () => {
    const rhino = methods.filter((m) => m.source.name === "Rhino Security Labs").map((m) => m.source.method);
    expect(rhino.sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22]);
    const passRoleServices = new Set(
      methods
        .filter((m) => m.requiredActions.includes("iam:PassRole"))
        .flatMap((m) => m.requiredActions.map((a) => a.split(":")[0])),
    );
    for (const svc of ["lambda", "glue", "cloudformation", "datapipeline", "codestar", "sagemaker", "ec2", "ecs", "codebuild"]) {
      expect(passRoleServices, svc).toContain(svc);
    }
  });

  it("names only actions the catalogue knows", async () => {
    const { catalog } = await data();
    const missing = methods.flatMap((m) => m.requiredActions).filter((a) => catalog.indexOf(a) === undefined);
    expect(missing).toEqual([]);
  });

  it("rejects malformed data files", () => {
    expect(() => parsePrivescCatalog({})).toThrow(PrivescCatalogError);
    const good = {
      id: "x",
      name: "n",
      description: "d",
      requiredActions: ["iam:PassRole"],
      source: { name: "s", reference: "r" },
    };
    expect(() => parsePrivescCatalog({ methods: [good, good] })).toThrow(/duplicate/);
    expect(() => parsePrivescCatalog({ methods: [{ ...good, requiredActions: ["iam:*"] }] })).toThrow(/exact/);
  });
});

describe("each method: matched with exactly its actions, not matched with one missing", () => {
  it.each(methods.map((m) => [m.id, m.requiredActions] as const))("%s", async (id, actions) => {
    const full = await analyseUser([allow([...actions])]);
    const match = full.privilegeEscalation.find((m) => m.id === id);
    expect(match).toEqual({ id, name: expect.any(String), enablingActions: actions, limitedBy: null });
    if (actions.length > 1) {
      for (let drop = 0; drop < actions.length; drop++) {
        const partial = await analyseUser([allow(actions.filter((_a, i) => i !== drop))]);
        expect(ids(partial), `without ${actions[drop]}`).not.toContain(id);
      }
    } else {
      const none = await analyseUser([allow("s3:GetObject")]);
      expect(ids(none)).not.toContain(id);
    }
  });
});

describe("modifiers", () => {
  const ec2 = ["iam:PassRole", "ec2:RunInstances"];

  it("an explicit unconditional Deny on * cancels the method", async () => {
    expect(ids(await analyseUser([allow(ec2), deny("iam:PassRole")]))).not.toContain("passrole-ec2-run-instances");
    expect(ids(await analyseUser([allow("*"), deny("iam:*")]))).not.toContain("iam-create-access-key");
  });

  it("a Deny through a wildcard pattern cancels too (iam:Pass*)", async () => {
    expect(ids(await analyseUser([allow(ec2), deny("IAM:Pass*")]))).not.toContain("passrole-ec2-run-instances");
  });

  it("a conditional or resource-scoped Deny does not cancel (conservative) but is recorded", async () => {
    const f = await analyseUser([
      allow(ec2),
      deny("iam:PassRole", "*", { Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }),
    ]);
    expect(ids(f)).toContain("passrole-ec2-run-instances");
    expect(f.hasPartialDeny).toBe(true);
    const g = await analyseUser([allow(ec2), deny("iam:PassRole", "arn:aws:iam::111122223333:role/admin")]);
    expect(ids(g)).toContain("passrole-ec2-run-instances");
  });

  it("Allow NotAction grants everything else (complement within the catalogue)", async () => {
    const f = await analyseUser([{ Effect: "Allow", NotAction: ["iam:CreateAccessKey"], Resource: "*" }]);
    expect(ids(f)).not.toContain("iam-create-access-key");
    expect(ids(f)).toContain("iam-put-user-policy");
    expect(f.privilegeEscalation.find((m) => m.id === "iam-put-user-policy")!.limitedBy).toBeNull();
  });

  it("Deny NotAction removes everything not listed", async () => {
    const f = await analyseUser([allow("*"), { Effect: "Deny", NotAction: ["s3:*", "iam:CreateAccessKey"], Resource: "*" }]);
    expect(ids(f)).toEqual(["iam-create-access-key"]);
    expect(f.adminEquivalent).toBe(false);
  });

  it("a condition on one required action makes the match limitedBy condition", async () => {
    const f = await analyseUser([
      allow("ec2:RunInstances"),
      allow("iam:PassRole", "*", {
        Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
      }),
    ]);
    expect(f.privilegeEscalation.find((m) => m.id === "passrole-ec2-run-instances")!.limitedBy).toBe("condition");
  });

  it("a resource scope makes the match limitedBy resource (and wins over condition)", async () => {
    const f = await analyseUser([
      allow("ec2:RunInstances", "*", { Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }),
      allow("iam:PassRole", "arn:aws:iam::111122223333:role/app-*"),
    ]);
    expect(f.privilegeEscalation.find((m) => m.id === "passrole-ec2-run-instances")!.limitedBy).toBe("resource");
  });

  it("a permission boundary without the action removes the method", async () => {
    const f = await analyseUser([allow(ec2)], [allow(["ec2:*", "s3:*"])]);
    expect(ids(f)).not.toContain("passrole-ec2-run-instances");
    expect(f.hasPermissionsBoundary).toBe(true);
  });

  it("a boundary allowing the action only on some resources limits the match", async () => {
    const f = await analyseUser([allow(ec2)], [allow("ec2:*"), allow("iam:PassRole", "arn:aws:iam::111122223333:role/app")]);
    expect(f.privilegeEscalation.find((m) => m.id === "passrole-ec2-run-instances")!.limitedBy).toBe("resource");
  });

  it("a boundary allowing everything changes nothing", async () => {
    const f = await analyseUser([allow(ec2)], [allow("*")]);
    expect(f.privilegeEscalation.find((m) => m.id === "passrole-ec2-run-instances")!.limitedBy).toBeNull();
  });
});
