import type { Resource } from "../../model/inventory.js";
import type { ResourceTypeTable } from "./types.js";
import { obj } from "./shared.js";

/** The unauthenticated role an identity pool names (GetIdentityPoolRoles), if any. */
function unauthenticatedRoleArn(r: Resource): string | undefined {
  const v = obj(obj(r.raw["roles"])?.["Roles"])?.["unauthenticated"];
  return typeof v === "string" ? v : undefined;
}

/** Cognito's resource types (user pools and identity pools). */
export const COGNITO_SOURCES = {
  "aws.cognito.userpool": {
    service: "cognito-idp",
    regional: true,
    listedBy: { "cognito-idp:ListUserPools": "scope" },
    feeds: {
      // The MFA setting is read separately only when the description lacks it.
      "cognito-idp:DescribeUserPool": {
        paths: ["/raw/userPool", "/raw/mfaConfig", "/derived/mfa", "/derived/selfSignUpAllowed", "/derived/threatProtection"],
      },
      "cognito-idp:GetUserPoolMfaConfig": { paths: ["/raw/mfaConfig", "/derived/mfa"] },
    },
  },
  "aws.cognito.userpool-client": {
    service: "cognito-idp",
    regional: true,
    // A client that could not be described is left out; its failure is recorded on the pool.
    listedBy: {
      "cognito-idp:ListUserPools": "scope",
      "cognito-idp:ListUserPoolClients": "parent",
      "cognito-idp:DescribeUserPoolClient": "parent",
    },
    feeds: {},
  },
  "aws.cognito.identitypool": {
    service: "cognito-identity",
    regional: true,
    listedBy: { "cognito-identity:ListIdentityPools": "scope" },
    feeds: {
      "cognito-identity:DescribeIdentityPool": { paths: ["/raw/identityPool"] },
      "cognito-identity:GetIdentityPoolRoles": { paths: ["/raw/roles", "/derived/unauthenticatedRole"] },
      // The unauthenticated role's permissions come from the account's IAM data (global): the listing's failure, or
      // one of that role's documents failing, leaves them unknown.
      "iam:GetAccountAuthorizationDetails": {
        paths: ["/derived/unauthenticatedRole"],
        attach: "account",
        select: (r, e) =>
          e.resourceArn === undefined || e.resourceArn === unauthenticatedRoleArn(r) ? ["/derived/unauthenticatedRole"] : [],
      },
    },
  },
} satisfies ResourceTypeTable;
