/** Facts of IAM resources: the account, users, groups, roles, managed policies and server certificates. */
import type {
  GroupDetail,
  ManagedPolicyDetail,
  OpenIDConnectProviderListEntry,
  PasswordPolicy,
  RoleDetail,
  ServerCertificateMetadata,
  UserDetail,
  VirtualMFADevice,
} from "@aws-sdk/client-iam";
import type * as IamSdk from "@aws-sdk/client-iam";
import { TRUST_CODES } from "../analysis/iam/trust.js";
import { f, resourceFacts } from "./define.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const {
  GroupDetail$,
  ManagedPolicyDetail$,
  OpenIDConnectProviderListEntry$,
  PasswordPolicy$,
  RoleDetail$,
  ServerCertificateMetadata$,
  UserDetail$,
  VirtualMFADevice$,
} = requireSdk("@aws-sdk/client-iam") as typeof IamSdk;

const credentialReport = f.record(
  f.string(),
  "The principal's row of the IAM credential report (column name → value, as the CSV says).",
);
const virtualMfaDevices = f.array(
  f.sdk<VirtualMFADevice>("iam", VirtualMFADevice$),
  "Virtual MFA devices assigned to the principal (ListVirtualMFADevices).",
);

/** One access-key slot of a credential-report row. */
const accessKey = f.object({
  slot: f.integer("Key slot, 1 or 2."),
  active: f.boolean("The key is active."),
  lastRotated: f.string("When the key was created or last rotated (ISO time)."),
  ageDays: f.integer("Days since lastRotated, against the collection clock."),
  lastUsed: f.nullable(f.string("When the key was last used (ISO time); null if never.")),
  daysSinceLastUse: f.nullable(f.integer("Days since lastUsed; null if never used.")),
  neverUsed: f.boolean("The key was never used."),
  daysUnused: f.integer("Days the key has been idle: since last use, or since it was created when never used."),
  lastUsedService: f.string("Service of the last use, or N/A."),
});
const accessKeys = (who: string) =>
  f.nullable(f.array(accessKey), `Access keys of ${who} from the credential report; null when the report was not read.`);

const inlinePolicies = f.array(
  f.object({
    name: f.string("Policy name (`(unnamed)` when the answer omits it)."),
    document: f.nullable(f.json("The policy document as written (decoded JSON); null when malformed.")),
    malformed: f.optional(f.boolean("Present and true when the document could not be parsed.")),
  }),
  "Inline policies with their decoded documents.",
);
const attachedPolicyArns = f.array(f.string(), "ARNs of the attached managed policies.");
const permissionsBoundaryArn = f.nullable(f.string("ARN of the permissions boundary, or null when there is none."));

const privilegeEscalation = f.array(
  f.object({
    id: f.string("Method id in rules/data/privesc.json."),
    name: f.string("Method name."),
    enablingActions: f.array(f.string(), "Actions that, all allowed, enable the method."),
    limitedBy: f.nullable(f.json("What limits the method (resources or conditions), null when nothing does.")),
  }),
  "Privilege-escalation methods all of whose actions are allowed.",
);

/** Permission facts shared by principals and customer managed policies (src/analysis/iam/result.ts). */
const permissionFacts = {
  actionsOnAllResourcesCount: f.integer("Catalogue actions allowed on every resource without condition."),
  resourceScopedActionsCount: f.integer("Actions allowed only on specific resources."),
  conditionalActionsCount: f.integer("Actions allowed only under a condition."),
  readActionsOnAllResources: f.array(f.string(), "Read-level actions allowed on `*` (truncated list, sorted)."),
  readActionsOnAllResourcesCount: f.integer("Total Read-level actions allowed on `*`."),
  writeActionsOnAllResources: f.array(f.string(), "Write-level actions allowed on `*` (truncated list, sorted)."),
  writeActionsOnAllResourcesCount: f.integer("Total Write-level actions allowed on `*`."),
  permissionsManagementActionsOnAllResources: f.array(
    f.string(),
    "Permissions-management actions allowed on `*` (truncated list, sorted).",
  ),
  permissionsManagementActionsOnAllResourcesCount: f.integer("Total permissions-management actions allowed on `*`."),
  listsTruncated: f.boolean("One of the action lists was truncated."),
  dataAccessOnAllResources: f.array(
    f.string(),
    "Data actions (S3 objects, DynamoDB items, Secrets Manager values, KMS Decrypt, SSM parameters) allowed on `*`.",
  ),
  serviceWildcards: f.array(f.string(), "Services granted through a literal `svc:*` that survives Denies and the boundary."),
  unknownActionPatterns: f.array(f.string(), "Allowed action patterns unknown to the action catalogue."),
  hasPartialDeny: f.boolean("Some Deny is conditional or resource-scoped and was not subtracted."),
  privilegeEscalation,
};

const trustFinding = f.object({
  code: f.enum(TRUST_CODES),
  statementIndex: f.integer("Index of the statement in the trust policy."),
  principal: f.string("The principal concerned."),
  detail: f.string("Explanation."),
});

/** Least-privilege facts of a user or role (src/enrich/access.ts). */
const principalAccess = (role: boolean) =>
  f.optional(
    f.object(
      {
        incomplete: f.boolean("Some policy of the principal could not be read: facts are a lower bound."),
        errors: f.array(f.string(), "The problems behind `incomplete`."),
        permissions: f.nullable(
          f.object({
            ...permissionFacts,
            hasPermissionsBoundary: f.boolean("A permissions boundary is attached."),
            adminEquivalent: f.boolean("Effectively `*:*`, or able to grant itself anything."),
            adminReasons: f.array(f.string(), "Why adminEquivalent is true."),
          }),
          "Effective permissions; null when a policy the principal depends on could not be read.",
        ),
        ...(role
          ? {
              trust: f.optional(
                f.nullable(
                  f.object({
                    findings: f.array(trustFinding, "Trust-policy problems in statement order."),
                    codes: f.array(f.string(), "The distinct finding codes, sorted."),
                    oidcProviderArns: f.nullable(
                      f.array(f.string()),
                      "The account's OIDC providers; null when they were not listed.",
                    ),
                  }),
                  "Trust-policy analysis; null when the trust policy could not be parsed.",
                ),
              ),
            }
          : {}),
      },
      "Least-privilege analysis of the principal; absent when the IAM analysis data was not loaded.",
    ),
  );

export const iamFacts = {
  "aws.iam.account": resourceFacts(
    {
      passwordPolicy: f.optional(
        f.nullable(f.sdk<PasswordPolicy>("iam", PasswordPolicy$), "The account password policy; null when none is set."),
      ),
      accountSummary: f.optional(f.record(f.number(), "GetAccountSummary's SummaryMap (counters and flags).")),
      credentialReport: f.optional(credentialReport),
      virtualMfaDevices: f.optional(virtualMfaDevices),
      oidcProviders: f.optional(
        f.array(
          f.sdk<OpenIDConnectProviderListEntry>("iam", OpenIDConnectProviderListEntry$),
          "The account's OIDC identity providers.",
        ),
      ),
    },
    {
      rootAccessKeysPresent: f.nullable(f.boolean("The root user has access keys (account summary, else credential report).")),
      rootActiveAccessKeyCount: f.nullable(f.integer("Active root access keys (credential report).")),
      rootAccessKeys: accessKeys("the root user"),
      rootMfaActive: f.nullable(f.boolean("MFA is active on the root user.")),
      rootHardwareMfa: f.nullable(f.boolean("Root MFA is a hardware device: MFA active and no virtual device assigned.")),
      rootPasswordLastUsedDaysAgo: f.nullable(f.integer("Days since the root password was last used.")),
      hasPasswordPolicy: f.nullable(f.boolean("An account password policy is set; null when it could not be read.")),
      passwordPolicy: f.nullable(f.json("The password policy as IAM returns it; null when none or not read.")),
      supportRoleArns: f.array(f.string(), "Roles in the account with AWSSupportAccess attached."),
      cloudShellFullAccessIdentities: f.array(f.string(), "Users, groups and roles with AWSCloudShellFullAccess attached."),
    },
  ),
  "aws.iam.user": resourceFacts(
    {
      detail: f.sdk<UserDetail>("iam", UserDetail$, "The user as GetAccountAuthorizationDetails lists it."),
      credentialReport: f.optional(credentialReport),
      virtualMfaDevices: f.optional(virtualMfaDevices),
    },
    {
      hasConsolePassword: f.nullable(f.boolean("The user has a console password (credential report).")),
      passwordLastUsedDaysAgo: f.nullable(f.integer("Days since the console password was last used.")),
      passwordNeverUsed: f.nullable(f.boolean("The user has a console password that was never used.")),
      passwordDaysUnused: f.nullable(
        f.integer("Days the console password has sat idle (since last use, else since set or created)."),
      ),
      mfaActive: f.nullable(f.boolean("MFA is active for the user (credential report).")),
      virtualMfaCount: f.nullable(f.integer("Virtual MFA devices assigned to the user.")),
      accessKeys: accessKeys("the user"),
      activeAccessKeyCount: f.nullable(f.integer("Active access keys.")),
      daysSinceCreated: f.nullable(f.integer("Days since the user was created.")),
      daysSinceLastActivity: f.nullable(f.integer("Days since the last use of the password or an active key.")),
      groups: f.array(f.string(), "Names of the user's groups."),
      attachedPolicyArns,
      inlinePolicies,
      permissionsBoundaryArn,
      access: principalAccess(false),
    },
  ),
  "aws.iam.group": resourceFacts(
    { detail: f.sdk<GroupDetail>("iam", GroupDetail$, "The group as GetAccountAuthorizationDetails lists it.") },
    { attachedPolicyArns, inlinePolicies },
  ),
  "aws.iam.role": resourceFacts(
    { detail: f.sdk<RoleDetail>("iam", RoleDetail$, "The role as GetAccountAuthorizationDetails lists it.") },
    {
      trustPolicy: f.nullable(f.json("The trust policy as written (decoded JSON); null when malformed.")),
      attachedPolicyArns,
      inlinePolicies,
      permissionsBoundaryArn,
      daysSinceLastUsed: f.nullable(f.integer("Days since the role was last used; null when never or unknown.")),
      access: principalAccess(true),
    },
  ),
  "aws.iam.policy": resourceFacts(
    {
      detail: f.sdk<ManagedPolicyDetail>(
        "iam",
        ManagedPolicyDetail$,
        "The managed policy as GetAccountAuthorizationDetails lists it.",
      ),
    },
    {
      awsManaged: f.boolean("An AWS managed policy."),
      attachmentCount: f.integer("Principals the policy is attached to, as IAM reports."),
      document: f.nullable(f.json("The default version's document (decoded JSON); null when missing or malformed.")),
      access: f.optional(
        f.nullable(
          f.object({
            customerManaged: f.boolean("A customer managed policy (AWS managed ones carry only this)."),
            attached: f.optional(f.boolean("Attached to some principal.")),
            attachmentCount: f.optional(f.integer("Principals it is attached to.")),
            permissionsBoundaryUsageCount: f.optional(f.integer("Principals using it as a permissions boundary.")),
            allowsAllActionsOnAllResources: f.optional(f.boolean("Allows every action on every resource (`*:*`).")),
            ...f.partial(permissionFacts),
          }),
          "Least-privilege facts of a customer managed policy taken alone; null when its document cannot be read.",
        ),
      ),
    },
  ),
  "aws.iam.server-certificate": resourceFacts(
    {
      metadata: f.sdk<ServerCertificateMetadata>(
        "iam",
        ServerCertificateMetadata$,
        "The certificate as ListServerCertificates lists it.",
      ),
    },
    {
      expiration: f.nullable(f.string("Expiry (ISO time); null when unknown.")),
      expired: f.nullable(f.boolean("Expired at collection time; null when the expiry is unknown.")),
      daysUntilExpiry: f.nullable(f.integer("Days until expiry (negative once expired).")),
    },
  ),
};
