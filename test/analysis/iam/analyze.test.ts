import type { GetAccountAuthorizationDetailsCommandOutput } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import {
  analyzeIam,
  analyzeIamEach,
  type AuthorizationDetails,
  type PrincipalAnalysis,
} from "../../../src/analysis/iam/index.js";
import { ACCOUNT, allow, data, deny, doc, managed, policyArn, roleArn, run, userArn } from "./helpers.js";

const BAD_JSON = encodeURIComponent('{"Statement": [');
const BAD_ENCODING = "%7B%22Statement%E0%A4%A";

describe("malformed documents become per-policy errors and incomplete principals", () => {
  it("inline user policy with bad JSON: error names principal and policy, other policies still count", async () => {
    const r = await run({
      UserDetailList: [
        {
          UserName: "u",
          Arn: userArn("u"),
          UserPolicyList: [
            { PolicyName: "broken", PolicyDocument: BAD_JSON },
            { PolicyName: "ok", PolicyDocument: doc(allow("iam:CreateAccessKey")) },
          ],
        },
      ],
    });
    const f = r.principals[0]!.facts;
    expect(f.incomplete).toBe(true);
    expect(f.errors).toEqual([
      {
        principalArn: userArn("u"),
        policyName: "broken",
        errorName: "MalformedPolicyDocument",
        message: expect.stringMatching(/JSON/),
      },
    ]);
    expect(r.errors).toEqual(f.errors);
    expect(f.privilegeEscalation.map((m) => m.id)).toEqual(["iam-create-access-key"]);
  });

  it("managed policy with bad encoding: one error per policy, shared by every principal using it", async () => {
    const r = await run({
      Policies: [managed("bad", BAD_ENCODING)],
      UserDetailList: [
        { UserName: "a", Arn: userArn("a"), AttachedManagedPolicies: [{ PolicyArn: policyArn("bad") }] },
        { UserName: "b", Arn: userArn("b"), AttachedManagedPolicies: [{ PolicyArn: policyArn("bad") }] },
      ],
    });
    const err = {
      policyArn: policyArn("bad"),
      errorName: "MalformedPolicyDocument",
      message: expect.stringMatching(/percent/),
    };
    expect(r.errors).toEqual([err]);
    for (const p of r.principals) {
      expect(p.facts.incomplete).toBe(true);
      expect(p.facts.errors).toEqual([err]);
    }
    expect(r.policies[0]).toMatchObject({
      incomplete: true,
      error: err,
      allowsAllActionsOnAllResources: false,
    });
  });

  it.each([
    ["missing Statement", encodeURIComponent(JSON.stringify({ Version: "2012-10-17" }))],
    ["bad Effect", encodeURIComponent(JSON.stringify({ Statement: [{ Effect: "Permit", Action: "*", Resource: "*" }] }))],
  ])("group policy with %s makes its members incomplete", async (_n, bad) => {
    const r = await run({
      GroupDetailList: [
        {
          GroupName: "g",
          Arn: `arn:aws:iam::${ACCOUNT}:group/g`,
          GroupPolicyList: [{ PolicyName: "gp", PolicyDocument: bad }],
        },
      ],
      UserDetailList: [{ UserName: "u", Arn: userArn("u"), GroupList: ["g"] }],
    });
    expect(r.principals[0]!.facts.incomplete).toBe(true);
    expect(r.principals[0]!.facts.errors[0]).toMatchObject({
      errorName: "MalformedPolicyDocument",
      policyName: "gp",
    });
  });

  it("malformed trust policy: role incomplete, trust incomplete, error recorded", async () => {
    const r = await run({
      RoleDetailList: [{ RoleName: "r", Arn: roleArn("r"), AssumeRolePolicyDocument: BAD_JSON }],
    });
    const f = r.principals[0]!.facts;
    expect(f.incomplete).toBe(true);
    expect(f.trust).toEqual({ findings: [], incomplete: true });
    expect(f.errors).toEqual([
      {
        principalArn: roleArn("r"),
        policyName: "AssumeRolePolicyDocument",
        errorName: "MalformedPolicyDocument",
        message: expect.any(String),
      },
    ]);
  });

  it("malformed or missing permission boundary marks the principal incomplete", async () => {
    const r = await run({
      Policies: [managed("bb", BAD_JSON)],
      UserDetailList: [
        {
          UserName: "a",
          Arn: userArn("a"),
          PermissionsBoundary: { PermissionsBoundaryArn: policyArn("bb") },
        },
        {
          UserName: "b",
          Arn: userArn("b"),
          PermissionsBoundary: { PermissionsBoundaryArn: policyArn("gone") },
        },
      ],
    });
    expect(r.principals.map((p) => [p.facts.incomplete, p.facts.errors[0]?.errorName])).toEqual([
      [true, "MalformedPolicyDocument"],
      [true, "PolicyNotFound"],
    ]);
  });

  it("references missing from the snapshot are errors, not empty permissions", async () => {
    const r = await run({
      UserDetailList: [
        {
          UserName: "u",
          Arn: userArn("u"),
          GroupList: ["ghost"],
          AttachedManagedPolicies: [{ PolicyArn: policyArn("nowhere") }],
        },
      ],
    });
    expect(r.principals[0]!.facts.incomplete).toBe(true);
    expect(r.principals[0]!.facts.errors.map((e) => e.errorName).sort()).toEqual(["GroupNotFound", "PolicyNotFound"]);
    expect(r.errors).toHaveLength(2);
  });

  it("a managed policy without a default version document is an error", async () => {
    const r = await run({
      Policies: [
        {
          PolicyName: "nov",
          Arn: policyArn("nov"),
          DefaultVersionId: "v2",
          PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: false, Document: doc(allow("*")) }],
        },
      ],
    });
    expect(r.policies[0]).toMatchObject({ incomplete: true, error: { errorName: "PolicyDocumentMissing" } });
  });
});

describe("managed policy versions", () => {
  it("uses the default version, not the newest or the first", async () => {
    const r = await run({
      Policies: [
        {
          PolicyName: "p",
          Arn: policyArn("p"),
          DefaultVersionId: "v2",
          AttachmentCount: 1,
          PolicyVersionList: [
            {
              VersionId: "v3",
              IsDefaultVersion: false,
              Document: doc(allow("*")),
              CreateDate: "2025-01-01T00:00:00Z",
            },
            {
              VersionId: "v2",
              IsDefaultVersion: true,
              Document: doc(allow("s3:GetObject")),
              CreateDate: new Date("2024-01-01"),
            },
          ],
        },
      ],
      RoleDetailList: [
        {
          RoleName: "r",
          Arn: roleArn("r"),
          AssumeRolePolicyDocument: doc({
            Effect: "Allow",
            Principal: { Service: "ec2.amazonaws.com" },
            Action: "sts:AssumeRole",
          }),
          AttachedManagedPolicies: [{ PolicyArn: policyArn("p") }],
          RoleLastUsed: { LastUsedDate: "2025-02-02T00:00:00Z" },
        },
      ],
    });
    expect(r.principals[0]!.facts).toMatchObject({
      adminEquivalent: false,
      actionsOnAllResourcesCount: 1,
      incomplete: false,
    });
    expect(r.policies[0]!.allowsAllActionsOnAllResources).toBe(false);
  });
});

describe("input types", () => {
  it("accepts SDK v3 output objects directly (Date dates)", async () => {
    const sdk: Pick<GetAccountAuthorizationDetailsCommandOutput, "UserDetailList" | "RoleDetailList" | "Policies"> = {
      UserDetailList: [
        {
          UserName: "u",
          Arn: userArn("u"),
          CreateDate: new Date(),
          UserPolicyList: [{ PolicyName: "p", PolicyDocument: doc(allow("*")) }],
        },
      ],
    };
    const details: AuthorizationDetails = sdk;
    const r = await run(details);
    expect(r.principals[0]!.facts.adminEquivalent).toBe(true);
  });

  it("memoises identical documents: same facts for principals sharing text", async () => {
    const text = doc(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]));
    const users = Array.from({ length: 3 }, (_v, i) => ({
      UserName: `u${i}`,
      Arn: userArn(`u${i}`),
      UserPolicyList: [{ PolicyName: "p", PolicyDocument: text }],
    }));
    const r = await run({ UserDetailList: users });
    const privesc = r.principals.map((p) => p.facts.privilegeEscalation.map((m) => m.id));
    expect(privesc).toEqual([["passrole-lambda-invoke"], ["passrole-lambda-invoke"], ["passrole-lambda-invoke"]]);
  });

  it("principals with the same policies share one permission-facts object, whatever their order, and facts as if alone", async () => {
    const policies = [
      managed("a", doc(allow(["s3:GetObject", "iam:PassRole", "lambda:CreateFunction"]))),
      managed("b", doc(allow("lambda:*"), deny("lambda:DeleteFunction"))),
    ];
    const user = (name: string, attached: string[], self = false) => ({
      UserName: name,
      Arn: userArn(name),
      AttachedManagedPolicies: attached.map((n) => ({ PolicyArn: policyArn(n) })),
      // A self-grant is the principal's own: it must not leak to the others sharing its policies.
      ...(self
        ? { UserPolicyList: [{ PolicyName: "self", PolicyDocument: doc(allow("iam:PutUserPolicy", userArn(name))) }] }
        : {}),
    });
    const users = [user("u1", ["a", "b"]), user("u2", ["b", "a", "b"]), user("u3", ["a"]), user("u4", ["a", "b"], true)];
    const r = await run({ UserDetailList: users, Policies: policies });
    const [p1, p2, p3, p4] = r.principals;
    expect(p2!.permissions).toBe(p1!.permissions);
    expect(p3!.permissions).not.toBe(p1!.permissions);
    expect(p4!.facts.adminEquivalent).toBe(true);
    expect(p1!.facts.adminEquivalent).toBe(false);
    for (const [i, u] of users.entries()) {
      const alone = await run({ UserDetailList: [u], Policies: policies });
      expect(r.principals[i]!.facts).toEqual(alone.principals[0]!.facts);
      expect(Object.keys(r.principals[i]!.facts)).toEqual(Object.keys(alone.principals[0]!.facts));
    }
  });

  it("analyzeIamEach hands over each principal in order; errors: the run's own as found, then missing references, once", async () => {
    const users = [
      {
        UserName: "a",
        Arn: userArn("a"),
        GroupList: ["missing"],
        UserPolicyList: [{ PolicyName: "bad", PolicyDocument: BAD_JSON }],
      },
      { UserName: "b", Arn: userArn("b"), AttachedManagedPolicies: [{ PolicyArn: policyArn("gone") }] },
    ];
    const roles = [{ RoleName: "r", Arn: roleArn("r"), AssumeRolePolicyDocument: BAD_JSON }];
    const input = {
      authorizationDetails: { UserDetailList: users, RoleDetailList: roles },
      accountId: ACCOUNT,
      partition: "aws",
    };
    const all = analyzeIam(input, await data());
    const seen: PrincipalAnalysis[] = [];
    const rest = analyzeIamEach(input, await data(), (p) => seen.push(p));
    expect(seen.map((p) => p.facts)).toEqual(all.principals.map((p) => p.facts));
    expect(rest.errors).toEqual(all.errors);
    expect(seen.map((p) => p.facts.arn)).toEqual([userArn("a"), userArn("b"), roleArn("r")]);
    expect(rest.errors.map((e) => e.errorName)).toEqual([
      "MalformedPolicyDocument",
      "GroupNotFound",
      "MalformedPolicyDocument",
      "PolicyNotFound",
    ]);
  });
});
