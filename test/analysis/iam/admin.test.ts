import { describe, expect, it } from "vitest";
import { ACCOUNT, allow, data, analyseUser, deny, doc, managed, policyArn, roleArn, run, userArn } from "./helpers.js";

const ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

describe("admin equivalence", () => {
  it("through a group with AdministratorAccess", async () => {
    const r = await run({
      Policies: [managed(ADMIN_ARN, doc(allow("*")), { PolicyName: "AdministratorAccess" })],
      GroupDetailList: [
        {
          GroupName: "admins",
          Arn: `arn:aws:iam::${ACCOUNT}:group/admins`,
          AttachedManagedPolicies: [{ PolicyArn: ADMIN_ARN }],
        },
      ],
      UserDetailList: [
        { UserName: "ann", Arn: userArn("ann"), GroupList: ["admins"] },
        { UserName: "bob", Arn: userArn("bob"), GroupList: [] },
      ],
    });
    const [ann, bob] = r.principals.map((p) => p.facts);
    expect(ann!.adminEquivalent).toBe(true);
    expect(ann!.adminReasons).toEqual(["Allows every action on every resource (*:*)"]);
    expect(ann!.groups).toEqual(["admins"]);
    expect(bob!.adminEquivalent).toBe(false);
    expect(bob!.actionsOnAllResourcesCount).toBe(0);
    // AWS managed policies are not reported as customer policies.
    expect(r.policies).toEqual([]);
  });

  it("through a group inline policy granting iam:*", async () => {
    const r = await run({
      GroupDetailList: [
        {
          GroupName: "g",
          Arn: `arn:aws:iam::${ACCOUNT}:group/g`,
          GroupPolicyList: [{ PolicyName: "p", PolicyDocument: doc(allow("iam:*")) }],
        },
      ],
      UserDetailList: [{ UserName: "u", Arn: userArn("u"), GroupList: ["g"] }],
    });
    expect(r.principals[0]!.facts.adminReasons).toEqual(["Allows iam:* on every resource"]);
  });

  it("self-grant: PutUserPolicy on itself (also via ${aws:username}), not on someone else", async () => {
    const self = await analyseUser([allow("iam:PutUserPolicy", userArn("alice"))]);
    expect(self.adminEquivalent).toBe(true);
    expect(self.adminReasons[0]).toMatch(/iam:PutUserPolicy on arn:aws:iam::111122223333:user\/alice/);
    const variable = await analyseUser([allow("iam:AttachUserPolicy", "arn:aws:iam::111122223333:user/${aws:username}")]);
    expect(variable.adminEquivalent).toBe(true);
    const other = await analyseUser([allow("iam:PutUserPolicy", userArn("bob"))]);
    expect(other.adminEquivalent).toBe(false);
    expect(other.privilegeEscalation.map((m) => [m.id, m.limitedBy])).toEqual([["iam-put-user-policy", "resource"]]);
  });

  it("self-grant on * and through NotResource that does not exclude itself", async () => {
    expect((await analyseUser([allow("iam:AttachUserPolicy")])).adminEquivalent).toBe(true);
    const nr = await analyseUser([{ Effect: "Allow", Action: "iam:PutUserPolicy", NotResource: userArn("bob") }]);
    expect(nr.adminEquivalent).toBe(true);
    const excluded = await analyseUser([{ Effect: "Allow", Action: "iam:PutUserPolicy", NotResource: userArn("alice") }]);
    expect(excluded.adminEquivalent).toBe(false);
  });

  it("a Deny covering itself cancels the self-grant; a conditional allow is not admin", async () => {
    expect((await analyseUser([allow("iam:PutUserPolicy"), deny("iam:PutUserPolicy", userArn("alice"))])).adminEquivalent).toBe(
      false,
    );
    const cond = await analyseUser([allow("*", "*", { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } })]);
    expect(cond.adminEquivalent).toBe(false);
    expect(cond.conditionalActionsCount).toBeGreaterThan(15000);
    expect(cond.privilegeEscalation.every((m) => m.limitedBy === "condition")).toBe(true);
  });

  it("*:* minus an unconditional Deny of iam:* is no longer admin", async () => {
    const f = await analyseUser([allow("*"), deny("iam:*")]);
    expect(f.adminEquivalent).toBe(false);
    expect(f.permissionsManagementActionsOnAllResources).not.toContain("iam:PutUserPolicy");
  });

  it("a permission boundary caps *:* and self-grants", async () => {
    const capped = await analyseUser([allow("*")], [allow("s3:*")]);
    expect(capped.adminEquivalent).toBe(false);
    expect(capped.serviceWildcards).toEqual([]);
    const selfGrant = await analyseUser([allow("iam:PutUserPolicy")], [allow(["iam:PutUserPolicy", "s3:*"])]);
    expect(selfGrant.adminEquivalent).toBe(false);
    expect(selfGrant.privilegeEscalation.map((m) => m.id)).toEqual(["iam-put-user-policy"]);
    const open = await analyseUser([allow("iam:PutUserPolicy")], [allow("*")]);
    expect(open.adminEquivalent).toBe(true);
  });

  it("roles: AttachRolePolicy on itself, CreatePolicyVersion on its own customer policy", async () => {
    const r = await run({
      Policies: [managed("own", doc(allow("iam:CreatePolicyVersion", policyArn("own"))))],
      RoleDetailList: [
        {
          RoleName: "r1",
          Arn: roleArn("r1"),
          AssumeRolePolicyDocument: doc({
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          }),
          RolePolicyList: [{ PolicyName: "p", PolicyDocument: doc(allow("iam:AttachRolePolicy", roleArn("r1"))) }],
        },
        {
          RoleName: "r2",
          Arn: roleArn("r2"),
          AssumeRolePolicyDocument: doc({
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          }),
          AttachedManagedPolicies: [{ PolicyArn: policyArn("own"), PolicyName: "own" }],
        },
      ],
    });
    expect(r.principals[0]!.facts.adminReasons).toEqual([
      `Can grant itself any permission: iam:AttachRolePolicy on ${roleArn("r1")}`,
    ]);
    expect(r.principals[1]!.facts.adminReasons).toEqual([
      `Can grant itself any permission: iam:CreatePolicyVersion on ${policyArn("own")}`,
    ]);
  });
});

describe("permission facts", () => {
  it("lists Write and Permissions-management actions on * sorted, and service wildcards", async () => {
    const f = await analyseUser([
      allow(["s3:*", "iam:PassRole", "iam:PutRolePolicy", "ec2:DescribeInstances"]),
      allow("sqs:*", "arn:aws:sqs:*:*:q"),
    ]);
    expect(f.serviceWildcards).toEqual(["s3", "sqs"]);
    expect(f.permissionsManagementActionsOnAllResources).toEqual(
      expect.arrayContaining(["iam:PutRolePolicy", "s3:PutBucketPolicy"]),
    );
    expect(f.writeActionsOnAllResources).toContain("iam:PassRole");
    expect(f.writeActionsOnAllResources).not.toContain("ec2:DescribeInstances");
    expect(f.writeActionsOnAllResources.some((a) => a.startsWith("sqs:"))).toBe(false);
    const sorted = [...f.writeActionsOnAllResources].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    expect(f.writeActionsOnAllResources).toEqual(sorted);
    expect(f.writeActionsOnAllResourcesCount).toBe(f.writeActionsOnAllResources.length);
    expect(f.resourceScopedActionsCount).toBeGreaterThan(0);
  });

  it("a Deny on part of a service removes it from the service wildcards", async () => {
    expect((await analyseUser([allow("s3:*"), deny("s3:DeleteBucket")])).serviceWildcards).toEqual([]);
  });

  it("unknown services are kept as patterns, never dropped", async () => {
    const f = await analyseUser([allow(["madeup:*", "madeup:DoThing", "s3:GetObject"])]);
    expect(f.unknownActionPatterns).toEqual(["madeup:*", "madeup:DoThing"]);
    expect(f.serviceWildcards).toEqual(["madeup"]);
    expect(f.incomplete).toBe(false);
  });

  it("per customer managed policy: *:*, wildcards, lists and attachment count", async () => {
    const r = await run({
      Policies: [
        managed("star", doc(allow("*:*")), { AttachmentCount: 3 }),
        managed("ro", doc(allow(["s3:Get*", "ec2:*"]))),
        managed("cond", doc(allow("*", "*", { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }))),
      ],
    });
    const [star, ro, cond] = r.policies;
    expect(star).toMatchObject({
      name: "star",
      attachmentCount: 3,
      allowsAllActionsOnAllResources: true,
      incomplete: false,
    });
    expect(ro).toMatchObject({ allowsAllActionsOnAllResources: false, serviceWildcards: ["ec2"] });
    const { catalog } = await data();
    const ec2Writes = catalog.actions.filter((a) => a.service === "ec2" && a.accessLevel === "Write").length;
    expect(ro!.writeActionsOnAllResourcesCount).toBe(ec2Writes);
    expect(ro!.writeActionsOnAllResources).toContain("ec2:AllocateAddress");
    expect(ro!.privilegeEscalation).toEqual([]);
    expect(cond!.allowsAllActionsOnAllResources).toBe(false);
    expect(cond!.conditionalActionsCount).toBe(star!.actionsOnAllResourcesCount);
  });

  it("truncates long lists but keeps exact counts", async () => {
    const f = await analyseUser([allow("*")]);
    expect(f.writeActionsOnAllResources).toHaveLength(200);
    expect(f.writeActionsOnAllResourcesCount).toBeGreaterThan(5000);
    expect(f.listsTruncated).toBe(true);
  });
});
