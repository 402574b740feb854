/**
 * Benchmark: a deterministic synthetic account (5,000 roles, 10,000 users, 2,000 customer
 * policies) analysed end to end. Run with `npm run build && npm run bench:iam`.
 */
import { analyzeIam, loadIamAnalysisData, type AuthorizationDetails } from "../src/analysis/iam/index.js";
import type { GroupDetailInput, ManagedPolicyInput, RoleDetailInput, UserDetailInput } from "../src/analysis/iam/input.js";
import { prng } from "../src/util/prng.js";

const ACCOUNT = "123456789012";

const rnd = prng(20240605);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const chance = (p: number): boolean => rnd() < p;
const enc = (d: unknown): string => encodeURIComponent(JSON.stringify(d));

const ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:ListBucket",
  "s3:*",
  "s3:Get*",
  "dynamodb:*",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "ec2:Describe*",
  "ec2:RunInstances",
  "ec2:*",
  "iam:PassRole",
  "iam:Get*",
  "iam:List*",
  "lambda:InvokeFunction",
  "lambda:CreateFunction",
  "lambda:UpdateFunctionCode",
  "sqs:SendMessage",
  "sqs:*",
  "sns:Publish",
  "kms:Decrypt",
  "kms:Encrypt",
  "logs:*",
  "cloudwatch:PutMetricData",
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter*",
  "sts:AssumeRole",
  "iam:CreateAccessKey",
  "iam:*Policy*",
  "glue:*",
  "cloudformation:*",
  "ecs:RunTask",
  "ecs:RegisterTaskDefinition",
  "codebuild:StartBuild",
  "apigateway:*",
  "execute-api:Invoke",
  "madeup:DoThing",
  "Ec2:describeinstances",
  "s3:?etObject*",
];
const RESOURCES = [
  "*",
  "arn:aws:s3:::bucket-*",
  "arn:aws:dynamodb:*:123456789012:table/t*",
  "arn:aws:iam::123456789012:role/app-*",
];

function statement(): Record<string, unknown> {
  const effect = chance(0.1) ? "Deny" : "Allow";
  const s: Record<string, unknown> = {
    Effect: effect,
    [chance(0.05) ? "NotAction" : "Action"]: Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(ACTIONS)),
    Resource: chance(0.6) ? "*" : pick(RESOURCES),
  };
  if (chance(0.15)) s["Condition"] = { StringEquals: { "aws:RequestedRegion": pick(["eu-west-1", "us-east-1"]) } };
  return s;
}
const policyDoc = (n: number): string => enc({ Version: "2012-10-17", Statement: Array.from({ length: n }, statement) });

const policies: ManagedPolicyInput[] = [];
const awsManaged = [
  ["AdministratorAccess", enc({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })],
  [
    "ReadOnlyAccess",
    enc({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["*:Describe*", "*:Get*", "*:List*"], Resource: "*" }],
    }),
  ],
  [
    "PowerUserAccess",
    enc({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }],
    }),
  ],
] as const;
for (const [name, d] of awsManaged) {
  policies.push({
    PolicyName: name,
    Arn: `arn:aws:iam::aws:policy/${name}`,
    DefaultVersionId: "v1",
    PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: true, Document: d }],
  });
}
for (let i = 0; i < 2000; i++) {
  const versions = [
    {
      VersionId: "v2",
      IsDefaultVersion: true,
      Document: policyDoc(1 + Math.floor(rnd() * 5)),
      CreateDate: "2024-01-01T00:00:00Z",
    },
  ];
  if (chance(0.3))
    versions.push({
      VersionId: "v1",
      IsDefaultVersion: false,
      Document: policyDoc(2),
      CreateDate: "2023-01-01T00:00:00Z",
    });
  policies.push({
    PolicyName: `cp-${i}`,
    Arn: `arn:aws:iam::${ACCOUNT}:policy/cp-${i}`,
    DefaultVersionId: "v2",
    AttachmentCount: Math.floor(rnd() * 20),
    PolicyVersionList: versions,
  });
}
const customerArns = policies.slice(awsManaged.length).map((p) => p.Arn!);
const boundaryArns = customerArns.slice(0, 50);
const anyPolicyArn = (): string => (chance(0.05) ? `arn:aws:iam::aws:policy/${pick(awsManaged)[0]}` : pick(customerArns));
const attached = (n: number) => Array.from({ length: n }, () => ({ PolicyArn: anyPolicyArn() }));
const inline = (owner: string) =>
  chance(0.4) ? [{ PolicyName: `inline-${owner}`, PolicyDocument: policyDoc(1 + Math.floor(rnd() * 3)) }] : [];

const groups: GroupDetailInput[] = Array.from({ length: 300 }, (_v, i) => ({
  GroupName: `g-${i}`,
  Arn: `arn:aws:iam::${ACCOUNT}:group/g-${i}`,
  AttachedManagedPolicies: attached(1 + Math.floor(rnd() * 3)),
  GroupPolicyList: inline(`g-${i}`),
}));

const users: UserDetailInput[] = Array.from({ length: 10000 }, (_v, i) => ({
  UserName: `user-${i}`,
  UserId: `AIDA${i}`,
  Arn: `arn:aws:iam::${ACCOUNT}:user/user-${i}`,
  CreateDate: "2022-05-05T00:00:00Z",
  GroupList: Array.from({ length: Math.floor(rnd() * 4) }, () => `g-${Math.floor(rnd() * 300)}`),
  AttachedManagedPolicies: attached(Math.floor(rnd() * 3)),
  UserPolicyList: inline(`user-${i}`),
  ...(chance(0.1)
    ? {
        PermissionsBoundary: {
          PermissionsBoundaryType: "PermissionsBoundaryPolicy" as const,
          PermissionsBoundaryArn: pick(boundaryArns),
        },
      }
    : {}),
}));

const TRUSTS = [
  { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
  { Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole" },
  { Effect: "Allow", Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: "sts:AssumeRole" },
  {
    Effect: "Allow",
    Principal: { AWS: "*" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-x" } },
  },
  {
    Effect: "Allow",
    Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:org/*" } },
  },
];
const roles: RoleDetailInput[] = Array.from({ length: 5000 }, (_v, i) => ({
  RoleName: `role-${i}`,
  Arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`,
  CreateDate: new Date("2023-03-03"),
  AssumeRolePolicyDocument: enc({ Version: "2012-10-17", Statement: [pick(TRUSTS)] }),
  AttachedManagedPolicies: attached(1 + Math.floor(rnd() * 4)),
  RolePolicyList: inline(`role-${i}`),
  ...(chance(0.2)
    ? {
        PermissionsBoundary: {
          PermissionsBoundaryType: "PermissionsBoundaryPolicy" as const,
          PermissionsBoundaryArn: pick(boundaryArns),
        },
      }
    : {}),
}));

const details: AuthorizationDetails = {
  UserDetailList: users,
  GroupDetailList: groups,
  RoleDetailList: roles,
  Policies: policies,
};

const t0 = performance.now();
const data = await loadIamAnalysisData();
const t1 = performance.now();
const result = analyzeIam({ authorizationDetails: details, accountId: ACCOUNT, partition: "aws" }, data);
const t2 = performance.now();

const admins = result.principals.filter((p) => p.facts.adminEquivalent).length;
const privesc = result.principals.filter((p) => p.facts.privilegeEscalation.length > 0).length;
const trust = result.principals.reduce((n, p) => n + (p.facts.trust?.findings.length ?? 0), 0);
console.log(`catalogue load: ${((t1 - t0) / 1000).toFixed(2)} s (${data.catalog.size} actions)`);
console.log(
  `analysis: ${((t2 - t1) / 1000).toFixed(2)} s for ${users.length} users, ${roles.length} roles, ${groups.length} groups, ${customerArns.length} customer policies`,
);
console.log(
  `facts: ${admins} admin-equivalent, ${privesc} with privesc paths, ${trust} trust findings, ${result.errors.length} errors`,
);
