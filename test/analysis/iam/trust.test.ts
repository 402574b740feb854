import { describe, expect, it } from "vitest";
import type { TrustCode } from "../../../src/analysis/iam/index.js";
import { ACCOUNT, doc, OTHER, roleArn, run, type Stmt } from "./helpers.js";

const GH = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const EKS = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC`;
const AUD = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

async function trust(
  statement: Stmt,
  providers?: string[],
): Promise<{ code: TrustCode; principal: string; statementIndex: number }[]> {
  const r = await run(
    { RoleDetailList: [{ RoleName: "r", Arn: roleArn("r"), AssumeRolePolicyDocument: doc(statement) }] },
    providers,
  );
  return r.principals[0]!.facts.trust!.findings.map(({ code, principal, statementIndex }) => ({
    code,
    principal,
    statementIndex,
  }));
}
const codes = async (s: Stmt, providers?: string[]): Promise<TrustCode[]> => (await trust(s, providers)).map((f) => f.code);
const assume = (principal: unknown, condition?: unknown, action: string | string[] = "sts:AssumeRole"): Stmt => ({
  Effect: "Allow",
  Principal: principal,
  Action: action,
  ...(condition ? { Condition: condition } : {}),
});
const web = (condition?: unknown): Stmt => assume({ Federated: GH }, condition, "sts:AssumeRoleWithWebIdentity");

describe("any principal", () => {
  it.each([
    ["Principal *", assume("*"), ["trust-any-principal"]],
    ["AWS *", assume({ AWS: "*" }), ["trust-any-principal"]],
    ["AWS * in a list", assume({ AWS: ["*", `arn:aws:iam::${ACCOUNT}:root`] }), ["trust-any-principal"]],
    [
      "NotPrincipal",
      { Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: "sts:AssumeRole" },
      ["trust-any-principal"],
    ],
    ["* with PrincipalOrgID", assume("*", { StringEquals: { "aws:PrincipalOrgID": "o-abc" } }), []],
    ["* with sts:ExternalId", assume({ AWS: "*" }, { StringEquals: { "sts:ExternalId": "x" } }), []],
    [
      "* with PrincipalArn (case-insensitive key)",
      assume("*", { ArnLike: { "AWS:PrincipalARN": "arn:aws:iam::111122223333:role/x" } }),
      [],
    ],
    ["* with SourceIp", assume("*", { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }), []],
    ["* with a non-restricting condition", assume("*", { Bool: { "aws:SecureTransport": "true" } }), ["trust-any-principal"]],
    [
      "* with IfExists (absent key passes)",
      assume("*", { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abc" } }),
      ["trust-any-principal"],
    ],
    ["* with a negative operator", assume("*", { StringNotEquals: { "aws:PrincipalAccount": OTHER } }), ["trust-any-principal"]],
    [
      "* with ForAllValues (empty set passes)",
      assume("*", { "ForAllValues:StringEquals": { "aws:PrincipalOrgPaths": "o-a/*" } }),
      ["trust-any-principal"],
    ],
    ["* with a wildcard-only value", assume("*", { StringLike: { "aws:PrincipalOrgID": "*" } }), ["trust-any-principal"]],
    ["Deny * is not a grant", { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }, []],
    ["* for a non-assume action", assume("*", undefined, "sts:TagSession"), []],
    ["* for sts:* action", assume("*", undefined, "sts:*"), ["trust-any-principal"]],
  ] as const)("%s", async (_n, s, expected) => {
    expect(await codes(s as Stmt)).toEqual(expected);
  });
});

describe("other accounts", () => {
  it.each([
    ["root ARN", assume({ AWS: `arn:aws:iam::${OTHER}:root` }), ["trust-cross-account-root"]],
    ["bare account id", assume({ AWS: OTHER }), ["trust-cross-account-root"]],
    ["with sts:ExternalId", assume({ AWS: OTHER }, { StringEquals: { "sts:ExternalId": "secret" } }), []],
    ["with MFA", assume({ AWS: OTHER }, { Bool: { "aws:MultiFactorAuthPresent": "true" } }), []],
    ["with PrincipalArn", assume({ AWS: OTHER }, { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${OTHER}:role/ci` } }), []],
    ["own account root", assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), []],
    ["a specific role in another account", assume({ AWS: `arn:aws:iam::${OTHER}:role/ci` }), []],
  ] as const)("%s", async (_n, s, expected) => {
    expect(await codes(s as Stmt)).toEqual(expected);
  });

  it("reports the principal and statement index", async () => {
    const r = await run({
      RoleDetailList: [
        {
          RoleName: "r",
          Arn: roleArn("r"),
          AssumeRolePolicyDocument: doc(assume({ Service: "ec2.amazonaws.com" }), assume({ AWS: OTHER })),
        },
      ],
    });
    expect(r.principals[0]!.facts.trust!.findings).toEqual([
      {
        code: "trust-cross-account-root",
        statementIndex: 1,
        principal: OTHER,
        detail: expect.stringContaining(OTHER),
      },
    ]);
  });
});

describe("service principals (data-driven list)", () => {
  it.each([
    ["config without source keys", assume({ Service: "config.amazonaws.com" }), ["trust-service-no-source-condition"]],
    [
      "config with aws:SourceAccount",
      assume({ Service: "config.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": ACCOUNT } }),
      [],
    ],
    [
      "scheduler with aws:SourceArn",
      assume({ Service: "scheduler.amazonaws.com" }, { ArnLike: { "aws:SourceArn": "arn:aws:scheduler:*:111122223333:*" } }),
      [],
    ],
    [
      "config with only ExternalId",
      assume({ Service: "config.amazonaws.com" }, { StringEquals: { "sts:ExternalId": "x" } }),
      ["trust-service-no-source-condition"],
    ],
    ["lambda (AWS sends no source keys): not checked", assume({ Service: "lambda.amazonaws.com" }), []],
    ["ec2 (AWS sends no source keys): not checked", assume({ Service: ["ec2.amazonaws.com"] }), []],
  ] as const)("%s", async (_n, s, expected) => {
    expect(await codes(s as Stmt)).toEqual(expected);
  });
});

describe("OIDC web identity", () => {
  it.each([
    ["no condition at all", web(), ["trust-oidc-no-audience", "trust-oidc-no-subject"]],
    ["audience only", web({ StringEquals: AUD }), ["trust-oidc-no-subject"]],
    [
      "sub without audience",
      web({
        StringEquals: { "token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main" },
      }),
      ["trust-oidc-no-audience"],
    ],
    [
      "exact repo and branch",
      web({
        StringEquals: {
          ...AUD,
          "token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main",
        },
      }),
      [],
    ],
    [
      "repo:org/*",
      web({ StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:org/*" } }),
      ["trust-oidc-subject-wildcard"],
    ],
    [
      "repo:*",
      web({ StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } }),
      ["trust-oidc-subject-wildcard"],
    ],
    [
      "*",
      web({ StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "*" } }),
      ["trust-oidc-subject-wildcard"],
    ],
    [
      "repo:org/app-*:ref:refs/heads/main",
      web({
        StringEquals: AUD,
        StringLike: { "token.actions.githubusercontent.com:sub": "repo:org/app-*:ref:refs/heads/main" },
      }),
      ["trust-oidc-subject-wildcard"],
    ],
    [
      "repo:org/app:* (any branch, lesser)",
      web({ StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:org/app:*" } }),
      ["trust-oidc-subject-any-ref"],
    ],
    [
      "one wide value among exact ones",
      web({
        StringEquals: AUD,
        StringLike: {
          "token.actions.githubusercontent.com:sub": ["repo:org/app:ref:refs/heads/main", "repo:org/*"],
        },
      }),
      ["trust-oidc-subject-wildcard"],
    ],
    [
      "* under StringEquals is literal",
      web({ StringEquals: { ...AUD, "token.actions.githubusercontent.com:sub": "repo:org/*" } }),
      [],
    ],
    [
      "sub only under StringNotEquals",
      web({
        StringEquals: AUD,
        StringNotEquals: { "token.actions.githubusercontent.com:sub": "repo:evil/x:ref:refs/heads/main" },
      }),
      ["trust-oidc-no-subject"],
    ],
    [
      "sub only under StringLikeIfExists",
      web({
        StringEquals: AUD,
        StringLikeIfExists: { "token.actions.githubusercontent.com:sub": "repo:org/app:*" },
      }),
      ["trust-oidc-no-subject"],
    ],
  ] as const)("GitHub: %s", async (_n, s, expected) => {
    expect(await codes(s as Stmt)).toEqual(expected);
  });

  it("other providers: sub wildcard * flagged, a namespaced pattern is not", async () => {
    const eks = (sub: string): Stmt =>
      assume(
        { Federated: EKS },
        {
          StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" },
          StringLike: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": sub },
        },
        "sts:AssumeRoleWithWebIdentity",
      );
    expect(await codes(eks("*"))).toEqual(["trust-oidc-subject-wildcard"]);
    expect(await codes(eks("system:serviceaccount:ns:*"))).toEqual([]);
  });

  it("a provider absent from the account's list is reported when the list is known", async () => {
    const s = web({
      StringEquals: { ...AUD, "token.actions.githubusercontent.com:sub": "repo:o/a:ref:refs/heads/main" },
    });
    expect(await codes(s, [])).toEqual(["trust-oidc-provider-unknown"]);
    expect(await codes(s, [GH])).toEqual([]);
    expect(await codes(s)).toEqual([]);
  });

  it("SAML federation is not treated as OIDC", async () => {
    expect(
      await codes(assume({ Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` }, undefined, "sts:AssumeRoleWithSAML")),
    ).toEqual([]);
  });
});

describe("Cognito identity pools", () => {
  const COGNITO = "cognito-identity.amazonaws.com";
  const POOL = "us-east-1:7c1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";
  const pool = (condition?: unknown): Stmt => assume({ Federated: COGNITO }, condition, "sts:AssumeRoleWithWebIdentity");
  const aud = (op: string, value: unknown) => ({ [op]: { [`${COGNITO}:aud`]: value } });
  const amr = (value: string) => ({ "ForAnyValue:StringLike": { [`${COGNITO}:amr`]: value } });

  it.each([
    // The trust AWS documents for identity pool roles: aud is the pool id, amr the kind of identity.
    ["unauthenticated role as documented", pool({ ...aud("StringEquals", POOL), ...amr("unauthenticated") }), []],
    ["authenticated role as documented", pool({ ...aud("StringEquals", POOL), ...amr("authenticated") }), []],
    ["aud pinned, no amr", pool(aud("StringEquals", POOL)), []],
    ["two pools, each named", pool(aud("StringEquals", [POOL, "eu-west-1:00000000-1111-2222-3333-444444444444"])), []],
    ["StringLike without a wildcard names one pool", pool(aud("StringLike", POOL)), []],
    ["no condition at all", pool(), ["trust-oidc-no-audience"]],
    ["amr only: any account's identity pool", pool(amr("unauthenticated")), ["trust-oidc-no-audience"]],
    [
      "aud pattern us-east-1:*",
      pool({ ...aud("StringLike", "us-east-1:*"), ...amr("authenticated") }),
      ["trust-oidc-no-audience"],
    ],
    ["one wildcard among pool ids", pool(aud("StringLike", [POOL, "*"])), ["trust-oidc-no-audience"]],
    ["aud only under StringNotEquals", pool(aud("StringNotEquals", POOL)), ["trust-oidc-no-audience"]],
    ["aud only under ForAllValues", pool(aud("ForAllValues:StringEquals", POOL)), ["trust-oidc-no-audience"]],
  ] as const)("%s", async (_n, s, expected) => {
    expect(await codes(s as Stmt)).toEqual(expected);
  });

  it("names the issuer and says that other accounts' identity pools are admitted", async () => {
    const [f] = await trust(pool(amr("unauthenticated")));
    expect(f).toMatchObject({ code: "trust-oidc-no-audience", principal: COGNITO, statementIndex: 0 });
    const r = await run({
      RoleDetailList: [{ RoleName: "r", Arn: roleArn("r"), AssumeRolePolicyDocument: doc(pool(amr("unauthenticated"))) }],
    });
    expect(r.principals[0]!.facts.trust!.findings[0]!.detail).toContain("any AWS account");
  });

  it("is never checked against the account's OIDC provider list (Cognito is not an IAM OIDC provider)", async () => {
    expect(await codes(pool(aud("StringEquals", POOL)), [])).toEqual([]);
  });
});
