import { describe, expect, it } from "vitest";
import { parseCredentialReport } from "../../src/collect/credential-report.js";
import { accessKeyFacts, enrichIam } from "../../src/enrich/iam.js";
import { parsePolicyDocument } from "../../src/analysis/iam/policy.js";
import type { Resource } from "../../src/model/inventory.js";

const NOW = new Date("2026-06-01T00:00:00Z");

describe("policy documents (the one parser, src/analysis/iam/policy.ts)", () => {
  it("decodes URL-encoded JSON and keeps the document as written beside its normalised form", () => {
    const doc = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" } };
    const out = parsePolicyDocument(encodeURIComponent(JSON.stringify(doc)), "identity");
    expect(out).toMatchObject({ ok: true, document: doc });
    expect(out.ok && out.policy.statements[0]).toMatchObject({ effect: "Allow", action: ["s3:GetObject"] });
  });
  it("reads API Gateway's escaped JSON as a resource policy", () => {
    const doc = { Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }] };
    const escaped = JSON.stringify(doc).replace(/"/g, '\\"');
    expect(parsePolicyDocument(escaped, "resource")).toMatchObject({ ok: true, document: doc });
  });
  it.each([
    [undefined, "missing"],
    ["%E0%A4%A", "percent-encoded"],
    [encodeURIComponent("{ not json"), "not valid JSON"],
    [encodeURIComponent("[]"), "must be a JSON object"],
    [encodeURIComponent('{"Version":"2012-10-17"}'), "Missing Statement"],
    [encodeURIComponent('{"Statement":[{"Effect":"Permit"}]}'), 'Effect must be "Allow" or "Deny"'],
    // Enrichers and the IAM analysis judge documents by the same grammar: what IAM would refuse is malformed.
    [encodeURIComponent('{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}'), "needs Resource or NotResource"],
  ])("reports %s as %s", (input, msg) => {
    const out = parsePolicyDocument(input, "identity");
    expect(out.ok).toBe(false);
    expect(out.ok ? "" : out.message).toContain(msg);
  });
});

describe("credential report", () => {
  it("honours quoted names with commas and reports rows of the wrong width", () => {
    const header =
      "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    const good =
      '"a,b","arn:aws:iam::1:user/a,b",2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-05-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
    const out = parseCredentialReport(`${header}\n${good}\nshort,row\n`);
    expect(out.rows.map((r) => r.user)).toEqual(["a,b"]);
    expect(out.problems).toEqual([{ line: 3, message: "expected 22 columns, found 2" }]);
  });

  it("refuses a report without the documented header", () => {
    expect(parseCredentialReport("foo,bar\n1,2\n").problems[0]!.message).toMatch(/lacks columns/);
  });
});

describe("IAM enricher", () => {
  it("computes key ages and use from the report with the given clock", () => {
    const row = {
      access_key_1_active: "true",
      access_key_1_last_rotated: "2026-02-01T00:00:00+00:00",
      access_key_1_last_used_date: "N/A",
      access_key_2_active: "FALSE",
      access_key_2_last_rotated: "2025-06-01T00:00:00+00:00",
      access_key_2_last_used_date: "2025-07-01T00:00:00+00:00",
    };
    expect(accessKeyFacts(row, NOW)).toMatchObject([
      { slot: 1, active: true, ageDays: 120, neverUsed: true, daysSinceLastUse: null },
      { slot: 2, active: false, ageDays: 365, neverUsed: false, daysSinceLastUse: 335 },
    ]);
  });

  it("leaves facts null (not false) when the credential report is missing, so rules report error", () => {
    const u: Resource = {
      type: "aws.iam.user",
      arn: "arn:aws:iam::1:user/x",
      account: "111122223333",
      region: "global",
      name: "x",
      raw: { detail: { UserName: "x" } },
      derived: {},
    };
    const d = enrichIam([u], NOW).derived.get(u)!;
    expect(d).toMatchObject({ hasConsolePassword: null, mfaActive: null, accessKeys: null, activeAccessKeyCount: null });
  });

  it("is pure: same input and clock give the same facts", () => {
    const u: Resource = {
      type: "aws.iam.user",
      arn: "arn:aws:iam::1:user/x",
      account: "111122223333",
      region: "global",
      name: "x",
      raw: { detail: { UserName: "x", CreateDate: "2026-01-01T00:00:00.000Z" } },
      derived: {},
    };
    expect(enrichIam([u], NOW).derived.get(u)).toEqual(enrichIam([u], NOW).derived.get(u));
    expect(enrichIam([u], NOW).derived.get(u)!["daysSinceCreated"]).toBe(151);
  });
});

describe("IAM enricher: facts for the catalogue rules", () => {
  const res = (type: Resource["type"], name: string, raw: Resource["raw"], account = "111122223333"): Resource => ({
    type,
    name,
    arn: `arn:aws:iam::${account}:${type === "aws.iam.account" ? "root" : `${type.split(".")[2]}/${name}`}`,
    account,
    region: "global",
    raw,
    derived: {},
  });
  const row = (over: Record<string, string>) => ({
    password_enabled: "true",
    password_last_used: "N/A",
    password_last_changed: "2026-03-01T00:00:00+00:00",
    user_creation_time: "2025-01-01T00:00:00+00:00",
    mfa_active: "false",
    access_key_1_active: "true",
    access_key_1_last_rotated: "2026-01-01T00:00:00+00:00",
    access_key_1_last_used_date: "N/A",
    ...over,
  });

  it("counts idle days of passwords and keys, using creation when never used", () => {
    const never = res("aws.iam.user", "never", { credentialReport: row({}) });
    const used = res("aws.iam.user", "used", {
      credentialReport: row({
        password_last_used: "2026-05-30T00:00:00+00:00",
        access_key_1_last_used_date: "2026-05-01T00:00:00+00:00",
      }),
    });
    const nopw = res("aws.iam.user", "nopw", { credentialReport: row({ password_enabled: "false" }) });
    const { derived } = enrichIam([never, used, nopw], NOW);
    expect(derived.get(never)).toMatchObject({ passwordDaysUnused: 92, accessKeys: [{ daysUnused: 151, neverUsed: true }] });
    expect(derived.get(used)).toMatchObject({ passwordDaysUnused: 2, accessKeys: [{ daysUnused: 31, neverUsed: false }] });
    expect(derived.get(nopw)!["passwordDaysUnused"]).toBeNull();
  });

  it("dates server certificates; an unknown expiry is null, never 'not expired'", () => {
    const old = res("aws.iam.server-certificate", "old", { metadata: { Expiration: "2026-05-01T00:00:00Z" } });
    const fresh = res("aws.iam.server-certificate", "fresh", { metadata: { Expiration: "2027-06-01T00:00:00Z" } });
    const odd = res("aws.iam.server-certificate", "odd", { metadata: {} });
    const { derived } = enrichIam([old, fresh, odd], NOW);
    expect(derived.get(old)).toMatchObject({ expired: true, daysUntilExpiry: -31 });
    expect(derived.get(fresh)).toMatchObject({ expired: false, daysUntilExpiry: 365 });
    expect(derived.get(odd)).toMatchObject({ expired: null, expiration: null });
  });

  it("joins identities into account facts: support roles and AWSCloudShellFullAccess holders, per account", () => {
    const attached = (arns: string[]) => ({ detail: { AttachedManagedPolicies: arns.map((PolicyArn) => ({ PolicyArn })) } });
    const support = res("aws.iam.role", "support", attached(["arn:aws:iam::aws:policy/AWSSupportAccess"]));
    const shellUser = res("aws.iam.user", "dev", attached(["arn:aws-cn:iam::aws:policy/AWSCloudShellFullAccess"]));
    // A customer policy with the same name is not the AWS managed policy.
    const lookalike = res("aws.iam.role", "fake", attached(["arn:aws:iam::111122223333:policy/AWSSupportAccess"]));
    const otherAccount = res("aws.iam.role", "elsewhere", attached(["arn:aws:iam::aws:policy/AWSSupportAccess"]), "999999999999");
    const account = res("aws.iam.account", "111122223333", {});
    const { derived } = enrichIam([support, shellUser, lookalike, otherAccount, account], NOW);
    expect(derived.get(account)).toMatchObject({
      supportRoleArns: ["arn:aws:iam::111122223333:role/support"],
      cloudShellFullAccessIdentities: ["arn:aws:iam::111122223333:user/dev"],
    });
  });
});
