import type { Feed, ResourceTypeTable } from "./types.js";

// Facts of the IAM root account with two sources: a failed one leaves them unknown only if the other failed too.
const ROOT_FROM_EITHER = ["/derived/rootAccessKeysPresent", "/derived/rootMfaActive", "/derived/rootHardwareMfa"];
const CREDENTIAL_REPORT_ROOT = [
  "/raw/credentialReport",
  "/derived/rootActiveAccessKeyCount",
  "/derived/rootAccessKeys",
  "/derived/rootPasswordLastUsedDaysAgo",
];
const rootReport: Feed = {
  paths: [...CREDENTIAL_REPORT_ROOT, ...ROOT_FROM_EITHER],
  select: (r) => [...CREDENTIAL_REPORT_ROOT, ...(r.raw["accountSummary"] === undefined ? ROOT_FROM_EITHER : [])],
};
const USER_REPORT = [
  "/raw/credentialReport",
  "/derived/hasConsolePassword",
  "/derived/passwordLastUsedDaysAgo",
  "/derived/passwordNeverUsed",
  "/derived/passwordDaysUnused",
  "/derived/mfaActive",
  "/derived/accessKeys",
  "/derived/activeAccessKeyCount",
  "/derived/daysSinceLastActivity",
];
/** Policy documents that could not be read: only the policies and what is computed from them are unknown. */
const DOCUMENT_ERRORS = new Set(["MalformedPolicyDocument", "PolicyDocumentMissing", "PolicyNotFound", "GroupNotFound"]);
const authorizationDetails = (paths: string[]): Feed => ({
  paths,
  select: (_r, e) =>
    DOCUMENT_ERRORS.has(e.errorName) ? paths.filter((p) => /^\/derived\/(access|inlinePolicies|trustPolicy)/.test(p)) : paths,
});

/** IAM's resource types (global). */
export const IAM_SOURCES = {
  "aws.iam.account": {
    service: "iam",
    regional: false,
    listedBy: {},
    feeds: {
      "iam:GetAccountPasswordPolicy": { paths: ["/raw/passwordPolicy", "/derived/hasPasswordPolicy", "/derived/passwordPolicy"] },
      "iam:GetAccountSummary": {
        paths: ["/raw/accountSummary", ...ROOT_FROM_EITHER],
        select: (r) => ["/raw/accountSummary", ...(r.raw["credentialReport"] === undefined ? ROOT_FROM_EITHER : [])],
      },
      "iam:GenerateCredentialReport": rootReport,
      "iam:GetCredentialReport": rootReport,
      // Without MFA on root there is no hardware MFA, whatever devices the listing would have shown.
      "iam:ListVirtualMFADevices": {
        paths: ["/raw/virtualMfaDevices", "/derived/rootHardwareMfa"],
        select: (r) => ["/raw/virtualMfaDevices", ...(r.derived["rootMfaActive"] === false ? [] : ["/derived/rootHardwareMfa"])],
      },
      "iam:ListOpenIDConnectProviders": { paths: ["/raw/oidcProviders"] },
      // Joined across the account's identities (support role, CloudShell holders).
      "iam:GetAccountAuthorizationDetails": { paths: ["/derived/supportRoleArns", "/derived/cloudShellFullAccessIdentities"] },
    },
  },
  "aws.iam.user": {
    service: "iam",
    regional: false,
    listedBy: { "iam:GetAccountAuthorizationDetails": "scope" },
    feeds: {
      "iam:GetAccountAuthorizationDetails": authorizationDetails([
        "/raw/detail",
        "/derived/daysSinceCreated",
        "/derived/passwordDaysUnused",
        "/derived/groups",
        "/derived/attachedPolicyArns",
        "/derived/inlinePolicies",
        "/derived/permissionsBoundaryArn",
        "/derived/access",
      ]),
      "iam:GenerateCredentialReport": { paths: USER_REPORT },
      "iam:GetCredentialReport": { paths: USER_REPORT },
      "iam:ListVirtualMFADevices": { paths: ["/raw/virtualMfaDevices", "/derived/virtualMfaCount"] },
    },
  },
  "aws.iam.group": {
    service: "iam",
    regional: false,
    listedBy: { "iam:GetAccountAuthorizationDetails": "scope" },
    feeds: {
      "iam:GetAccountAuthorizationDetails": authorizationDetails([
        "/raw/detail",
        "/derived/attachedPolicyArns",
        "/derived/inlinePolicies",
      ]),
    },
  },
  "aws.iam.role": {
    service: "iam",
    regional: false,
    listedBy: { "iam:GetAccountAuthorizationDetails": "scope" },
    feeds: {
      "iam:GetAccountAuthorizationDetails": authorizationDetails([
        "/raw/detail",
        "/derived/trustPolicy",
        "/derived/attachedPolicyArns",
        "/derived/inlinePolicies",
        "/derived/permissionsBoundaryArn",
        "/derived/daysSinceLastUsed",
        "/derived/access",
      ]),
      // Only the check that a trusted OIDC provider exists reads the account's provider list (the rule reads it).
      "iam:ListOpenIDConnectProviders": { paths: ["/derived/access/trust/oidcProviderArns"] },
    },
  },
  "aws.iam.policy": {
    service: "iam",
    regional: false,
    listedBy: { "iam:GetAccountAuthorizationDetails": "scope" },
    feeds: {
      "iam:GetAccountAuthorizationDetails": authorizationDetails([
        "/raw/detail",
        "/derived/attachmentCount",
        "/derived/document",
        "/derived/access",
      ]),
    },
  },
  "aws.iam.server-certificate": {
    service: "iam",
    regional: false,
    listedBy: { "iam:ListServerCertificates": "scope" },
    feeds: {},
  },
} satisfies ResourceTypeTable;
