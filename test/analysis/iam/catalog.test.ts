import { beforeAll, describe, expect, it } from "vitest";
import {
  createActionCatalog,
  isUnconstrainedResource,
  loadActionCatalog,
  normaliseAccessLevel,
  type ActionCatalog,
} from "../../../src/analysis/iam/index.js";
import { data } from "./helpers.js";

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = (await data()).catalog;
});

const names = (p: string): string[] => catalog.names(catalog.expand(p).bits);

describe("action catalogue from iam-data", () => {
  it("loads every service with access levels, Permissions management separated", () => {
    expect(catalog.size).toBeGreaterThan(15000);
    const level = (a: string) => catalog.actions[catalog.indexOf(a)!]!.accessLevel;
    expect(level("iam:PutUserPolicy")).toBe("Permissions management");
    expect(level("iam:PassRole")).toBe("Write");
    expect(level("iam:TagRole")).toBe("Tagging");
    expect(level("iam:ListRoles")).toBe("List");
    expect(level("s3:GetObject")).toBe("Read");
  });

  it("adds undocumented extra actions (e.g. from privesc data) at level Unknown", async () => {
    expect(catalog.indexOf("codestar:CreateProjectFromTemplate")).toBeUndefined();
    const withExtra = await loadActionCatalog({
      extraActions: ["codestar:CreateProjectFromTemplate", "iam:PassRole"],
    });
    const i = withExtra.indexOf("codestar:createprojectfromtemplate");
    expect(withExtra.actions[i!]!.accessLevel).toBe("Unknown");
    // An extra that is already documented keeps its documented level.
    expect(withExtra.actions[withExtra.indexOf("iam:PassRole")!]!.accessLevel).toBe("Write");
    expect(withExtra.size).toBe(catalog.size + 1);
  });
});

describe("wildcard expansion", () => {
  it("iam:*Policy* matches every iam action containing Policy, and nothing else", () => {
    const got = names("iam:*Policy*");
    const expected = catalog.actions.filter((a) => a.service === "iam" && /policy/i.test(a.name.slice(4))).map((a) => a.name);
    expect(got).toEqual(expected);
    expect(got).toContain("iam:PutUserPolicy");
    expect(got).toContain("iam:AttachRolePolicy");
    expect(got).toContain("iam:CreatePolicyVersion");
    expect(got).not.toContain("iam:PassRole");
  });

  it("? matches exactly one character", () => {
    expect(names("s3:?etObject")).toEqual(["s3:GetObject"]);
    expect(names("s3:??tObject")).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject"]));
    expect(names("s3:?Object")).toEqual([]);
  });

  it("matches case-insensitively and returns canonical names", () => {
    expect(names("IAM:passROLE")).toEqual(["iam:PassRole"]);
    expect(names("Iam:Put*Policy")).toEqual(["iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy"]);
  });

  it("* alone and *:* cover the whole catalogue; svc:* covers exactly one service", () => {
    expect(names("*")).toHaveLength(catalog.size);
    expect(names("*:*")).toHaveLength(catalog.size);
    const iam = names("iam:*");
    expect(iam.length).toBe(catalog.actions.filter((a) => a.service === "iam").length);
    expect(iam.every((n) => n.startsWith("iam:"))).toBe(true);
  });

  it("wildcards in the service part match service prefixes", () => {
    const got = names("s3*:GetObject");
    expect(got).toContain("s3:GetObject");
    expect(got.every((n) => n.split(":")[0]!.startsWith("s3"))).toBe(true);
  });

  it("unknown service, unknown action and malformed patterns are marked unknown, not thrown", () => {
    for (const p of ["nosuchservice:GetThing", "nosuchservice:*", "iam:NoSuchAction", "iam:Zz*", "nocolon"]) {
      const e = catalog.expand(p);
      expect(e.known, p).toBe(false);
      expect(catalog.names(e.bits), p).toEqual([]);
    }
  });

  it("memoises by pattern text, case-insensitively", () => {
    expect(catalog.expand("ec2:Describe*")).toBe(catalog.expand("EC2:describe*"));
  });
});

describe("small custom catalogues", () => {
  it("sort by service and name, and prefer a documented level over Unknown", () => {
    const c = createActionCatalog([
      { name: "b:Two", accessLevel: "Write" },
      { name: "a:One", accessLevel: "Unknown" },
      { name: "a:one", accessLevel: "Read" },
    ]);
    expect(c.actions.map((a) => `${a.name}/${a.accessLevel}`)).toEqual(["a:one/Read", "b:Two/Write"]);
    expect(c.expand("A:*").known).toBe(true);
  });

  it("normalises iam-data's combined levels", () => {
    expect(normaliseAccessLevel("Permissions management, Write")).toBe("Permissions management");
    expect(normaliseAccessLevel("Tagging, Write")).toBe("Tagging");
    expect(normaliseAccessLevel("Write")).toBe("Write");
    expect(normaliseAccessLevel("???")).toBe("Unknown");
  });
});

describe("unconstrained resources", () => {
  it.each([
    ["*", true],
    ["arn:*", true],
    ["arn:aws:*", true],
    ["arn:aws:*:*:*:*", true],
    ["arn:aws:s3:::*", false],
    ["arn:aws:iam::*:role/*", false],
    ["arn:aws:iam::111122223333:*", false],
    ["arn:aws:s3:::bucket", false],
  ])("%s → %s", (r, expected) => {
    expect(isUnconstrainedResource(r)).toBe(expected);
  });
});
