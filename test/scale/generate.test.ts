import { describe, expect, it } from "vitest";
import { generateAccount, generateOrganization, generateSize, SIZES } from "../../fixtures/generate/index.js";
import { parseAccountFile } from "../../fixtures/simulator/account-file.js";

describe("account generator", () => {
  it("small account: schema-valid with the documented counts", () => {
    const [a] = generateSize("small");
    const valid = parseAccountFile(JSON.stringify(a), "generated small");
    expect(valid.iam.users).toHaveLength(50);
    expect(valid.iam.roles).toHaveLength(20);
    expect(valid.regional!["us-east-1"]!.apigateway!.restApis).toHaveLength(5);
    // The API's backend and identity layer.
    const r = valid.regional!["us-east-1"]!;
    expect(r.lambda!.functions).toHaveLength(10);
    expect(r.cognito!.userPools).toHaveLength(1);
    expect(r.cognito!.userPools![0]!.clients).toHaveLength(2);
    expect(r.cognito!.identityPools).toHaveLength(1);
    expect(r.appsync!.graphqlApis).toHaveLength(1);
    // Functions run as the account's own roles.
    const roles = new Set(valid.iam.roles!.map((x) => `arn:aws:iam::${valid.accountId}:role/${x.name}`));
    expect(r.lambda!.functions!.every((f) => roles.has(f["Role"] as string))).toBe(true);
  });

  it("adding the backend left the rest of a generated account as it was (its own random stream)", () => {
    const [a] = generateSize("small");
    const { lambda: _l, cognito: _c, appsync: _s, ...rest } = a!.regional!["us-east-1"]!;
    const shape = { ...SIZES.small, functions: 0, userPools: 0, identityPools: 0, graphqlApis: 0 };
    const [b] = [generateAccount(shape, { accountId: "210987654321", keySuffix: "SMALL" }, 1)];
    expect(JSON.stringify(rest)).toBe(JSON.stringify(b!.regional!["us-east-1"]));
  });

  it("is deterministic by seed, and another seed gives another account", () => {
    expect(JSON.stringify(generateSize("small", 5))).toBe(JSON.stringify(generateSize("small", 5)));
    expect(JSON.stringify(generateSize("small", 5))).not.toBe(JSON.stringify(generateSize("small", 6)));
  });

  it("an organisation (small): every file is schema-valid, members trust the management account, ids are unique", () => {
    const files = generateOrganization({ accounts: 3, regions: ["us-east-1", "eu-west-1"] });
    for (const f of files) parseAccountFile(JSON.stringify(f), `org ${f.accountId}`);
    expect(files[0]!.organization!.accounts.map((a) => a.id)).toEqual(files.map((f) => f.accountId));
    expect(files[1]!.iam.roles!.some((r) => r.name === "TollgateAudit")).toBe(true);
    expect(new Set(files.map((f) => f.callers[0]!.accessKeyId)).size).toBe(3);
    expect(Object.keys(files[2]!.regional!)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("the medium shape's contents (not validated in full: size)", () => {
    const m = generateAccount(
      { ...SIZES.medium, users: 3, roles: 2, policies: 2 },
      { accountId: "123456789012", keySuffix: "M" },
    );
    parseAccountFile(JSON.stringify(m), "medium-shaped");
    const apis = m.regional!["us-east-1"]!.apigateway!.restApis!;
    expect(apis).toHaveLength(50);
    expect(apis[0]!.stages).toHaveLength(3);
    expect(m.regional!["us-east-1"]!.apigatewayv2!.apis).toHaveLength(20);
  });
});
