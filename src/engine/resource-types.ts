import type { CollectionError, Resource, ResourceType } from "../model/inventory.js";
import type { JsonValue } from "../model/json.js";
import { CHECK_OPERATIONS } from "../probe/types.js";

/** How the failure of one listing concerns resources of a type. */
export type Listing =
  /** The call lists every resource of the type in an account and region: when it failed, any may be missing. */
  | "scope"
  /** The call lists the resources under one parent, recorded by the parent's ARN (a REST API's stages). */
  | "parent";

/** What one source operation's data feeds in a resource type, and which of its failures concern a resource. */
export interface Feed {
  /** Every location the operation can feed, as JSON pointer patterns (`*` matches any key or index). */
  paths: readonly string[];
  /**
   * Which failures concern a resource. `arn` (default): a failure with no resource ARN (the call as a whole), or one
   * recorded on the resource or a resource above it by ARN path. `scope`: any failure in the resource's account
   * and region (listings of other resources it is joined with, such as custom domains for an API). `account`: any
   * failure in the resource's account, whatever its region (a regional resource joined with global IAM data);
   * `select` then narrows it.
   */
  attach?: "arn" | "scope" | "account";
  /**
   * The locations one failure leaves unknown in one resource, when that is narrower than `paths`: a failure on
   * one trail among a region's trails, or a fact with a fallback that was collected. Returns a subset of `paths`.
   */
  select?: (resource: Resource, error: CollectionError) => readonly string[];
}

/** Where a resource type's data comes from: its failures make rules reading that data report error. */
export interface ResourceTypeSource {
  /** Service as in the SigV4 scope (`apigatewayv2` for API Gateway v2 in the inventory). */
  service: string;
  /** False for global services (region `global`). */
  regional: boolean;
  /** Operations (`service:Operation`) that list the type's resources; their failure may leave some out. */
  listedBy: Readonly<Record<string, Listing>>;
  /** The data each source operation (`service:Operation`) feeds. */
  feeds: Readonly<Record<string, Feed>>;
}

const obj = (v: JsonValue | undefined): Record<string, JsonValue> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
/** A JSON pointer key, escaped. */
const key = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

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
const customDomains: Feed = { paths: ["/derived/customDomains"], attach: "scope" };
const DOMAIN_LISTINGS = {
  "apigateway:GetDomainNames": customDomains,
  "apigateway:GetBasePathMappings": customDomains,
  "apigatewayv2:GetDomainNames": customDomains,
  "apigatewayv2:GetApiMappings": customDomains,
};

/** One trail's failure in a region leaves that trail's facts unknown, and with them whether the region is covered. */
function trailMember(fields: string[], raw: string): Feed {
  const coverage = [
    "/derived/trailCoverage/covered",
    "/derived/trailCoverage/coveringTrails",
    "/derived/trailCoverage/unknownTrails",
  ];
  return {
    paths: [`/raw/${raw}`, ...coverage, ...fields.map((f) => `/derived/trailCoverage/trails/*/${f}`)],
    attach: "scope",
    select: (r, e) => {
      const trails = obj(r.derived["trailCoverage"])?.["trails"];
      const i = Array.isArray(trails) ? trails.findIndex((t) => obj(t)?.["arn"] === e.resourceArn) : -1;
      if (i < 0 && e.resourceArn !== undefined) return [];
      return [
        ...coverage,
        e.resourceArn === undefined ? `/raw/${raw}` : `/raw/${raw}/${key(e.resourceArn)}`,
        ...fields.map((f) => `/derived/trailCoverage/trails/${i < 0 ? "*" : i}/${f}`),
      ];
    },
  };
}

/**
 * The Lambda listing an integration's function is joined with: only a failure in the function's own account and
 * region leaves its existence unknown.
 */
const functionListing: Feed = {
  paths: ["/derived/integrationBackend/functionExists"],
  attach: "scope",
  select: (r, e) => {
    const arn = obj(r.derived["integrationBackend"])?.["functionArn"];
    const [, , , region, account] = typeof arn === "string" ? arn.split(":") : [];
    return arn === undefined || arn === null || (account === e.account && region === e.region)
      ? ["/derived/integrationBackend/functionExists"]
      : [];
  },
};

const CONFIG = "/derived/configStatus";

/** The unauthenticated role an identity pool names (GetIdentityPoolRoles), if any. */
function unauthenticatedRoleArn(r: Resource): string | undefined {
  const v = obj(obj(r.raw["roles"])?.["Roles"])?.["unauthenticated"];
  return typeof v === "string" ? v : undefined;
}

/**
 * WAF's two listings feed a resource's web ACL facts: all of them, or only the cross-check of the ACL the
 * resource names itself (`namedAcl`), since a resource naming its ACL proves the association without WAF.
 */
function wafAssociationFeeds(namedAcl: (r: Resource) => JsonValue | undefined): Record<string, Feed> {
  return Object.fromEntries(
    ["wafv2:ListWebACLs", "wafv2:ListResourcesForWebACL"].map((op) => [
      op,
      {
        paths: ["/derived/webAcl", "/derived/wafAssociated"],
        attach: "scope",
        select: (r: Resource) =>
          namedAcl(r)
            ? ["/derived/webAcl/reportedByWaf", "/derived/webAcl/wafListingCollected"]
            : ["/derived/webAcl", "/derived/wafAssociated"],
      } satisfies Feed,
    ]),
  );
}

/**
 * The region's account-level throttling is only a fallback: without it, the limits a method or route takes from its
 * stage or its own settings stay known, and so does where each limit comes from; only the values that fall back to
 * the account are unknown.
 */
function accountThrottling(list: string): Feed {
  return {
    paths: [`${list}/*/burstLimit`, `${list}/*/rateLimit`],
    select: (r) => {
      const at = list
        .split("/")
        .slice(1)
        .reduce<JsonValue | undefined>((v, k) => obj(v)?.[k], r as unknown as JsonValue);
      if (!Array.isArray(at)) return [`${list}/*/burstLimit`, `${list}/*/rateLimit`];
      return at.flatMap((t, i) => {
        const o = obj(t) ?? {};
        return (["burst", "rate"] as const).filter((k) => o[`${k}Source`] === "account").map((k) => `${list}/${i}/${k}Limit`);
      });
    },
  };
}

/** The derived facts of an exposure path, all unknown when a call the path depended on failed. */
const PATH_FACTS = [
  "/derived/entry/via",
  "/derived/unfollowed",
  "/derived/reaches",
  "/derived/shielded",
  "/derived/terminals",
  "/derived/nodes",
  "/derived/gaps",
  "/derived/notFollowed",
  "/derived/controls",
  "/derived/exposure",
  "/derived/exposureDetail",
];
const UNFOLLOWED_FACTS = ["/derived/shielded", "/derived/terminals", "/derived/nodes", "/derived/unfollowed"];
/**
 * A failed call concerns an exposure path when the analysis recorded it as a gap of that path (it names the
 * call, account, region and resource): the analysis and the engine then agree on every path it cut.
 */
const pathFeed: Feed = {
  paths: PATH_FACTS,
  attach: "scope",
  select: (r, e) => {
    const op = `${e.service}:${e.operation}`;
    const names = (list: JsonValue | undefined) =>
      (Array.isArray(list) ? list : []).some((g) => {
        const o = obj(g);
        return (
          o?.["operation"] === op &&
          o["account"] === e.account &&
          o["region"] === e.region &&
          (o["resourceArn"] ?? undefined) === e.resourceArn
        );
      });
    if (names(r.derived["gaps"])) return PATH_FACTS;
    // Beyond an IAM-authorised entry: what it would reach is informational, its verdicts do not depend on it.
    return names(r.derived["unfollowed"]) ? UNFOLLOWED_FACTS : [];
  },
};
/** Every call whose failure the path analysis may record as a gap. */
const PATH_SOURCES = [
  "lambda:ListFunctions",
  "lambda:GetPolicy",
  "iam:GetAccountAuthorizationDetails",
  "apigatewayv2:GetIntegrations",
  "apigateway:GetStages",
  "cognito-identity:GetIdentityPoolRoles",
  "cognito-identity:DescribeIdentityPool",
];

/**
 * The lineage of every resource type: which operations list its resources and which locations each source
 * operation feeds. The engine derives from it which failures concern a rule (those feeding what the rule reads);
 * test/engine/lineage.test.ts fails every operation in turn against the simulator and checks that every value
 * that changed is declared here.
 */
export const RESOURCE_TYPE_SOURCES: Record<ResourceType, ResourceTypeSource> = {
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

  "aws.apigateway.account": {
    service: "apigateway",
    regional: true,
    listedBy: {},
    feeds: {
      "apigateway:GetAccount": { paths: ["/raw/account"] },
      "apigateway:GetUsagePlans": { paths: ["/raw/usagePlans"] },
    },
  },
  "aws.apigateway.restapi": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetRestApis": "scope" },
    feeds: {
      // What the gateway responses show stands without the methods, except whether it is on an authorised API.
      "apigateway:GetResources": {
        paths: [
          "/raw/resourcePaths",
          "/derived/cors/anyAuthorized",
          "/derived/cors/methods",
          "/derived/cors/gatewayResponses/wildcardOnAuthorized",
          "/derived/cors/wildcardOnAuthorized",
          "/derived/cors/wildcardOrigin",
          "/derived/cors/credentialsWithOpenOrigin",
          "/derived/apiKeyUsage",
        ],
      },
      "apigateway:GetAuthorizers": { paths: ["/raw/authorizers"] },
      "apigateway:GetGatewayResponses": {
        paths: [
          "/raw/gatewayResponses",
          "/derived/cors/gatewayResponses",
          "/derived/cors/wildcardOnAuthorized",
          "/derived/cors/wildcardOrigin",
          "/derived/cors/credentialsWithOpenOrigin",
        ],
      },
      // Usage plans only matter for the plans covering an API that requires keys.
      "apigateway:GetUsagePlans": {
        paths: ["/derived/apiKeyUsage"],
        attach: "scope",
        select: (r) =>
          obj(r.derived["apiKeyUsage"])
            ? ["/derived/apiKeyUsage/usagePlans", "/derived/apiKeyUsage/plansWithoutLimits"]
            : ["/derived/apiKeyUsage"],
      },
      ...DOMAIN_LISTINGS,
    },
  },
  "aws.apigateway.method": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetRestApis": "scope", "apigateway:GetResources": "parent" },
    feeds: {
      "apigateway:GetAuthorizers": { paths: ["/derived/authorizer"] },
      "apigateway:GetStages": { paths: ["/derived/throttling"] },
      "apigateway:GetAccount": accountThrottling("/derived/throttling"),
      "lambda:ListFunctions": functionListing,
    },
  },
  "aws.apigateway.stage": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetRestApis": "scope", "apigateway:GetStages": "parent" },
    feeds: {
      "apigateway:GetResources": { paths: ["/derived/throttling"] },
      "apigateway:GetAccount": accountThrottling("/derived/throttling/methods"),
      // A stage that names its web ACL proves the association; otherwise only WAF's listings can.
      ...wafAssociationFeeds((r) => obj(r.raw["stage"])?.["webAclArn"]),
    },
  },
  "aws.apigateway.domain": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetDomainNames": "scope" },
    feeds: {
      "apigateway:GetBasePathMappings": { paths: ["/raw/basePathMappings"] },
    },
  },
  "aws.apigatewayv2.api": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetApis": "scope" },
    feeds: {
      "apigatewayv2:GetAuthorizers": { paths: ["/raw/authorizers"] },
      "apigatewayv2:GetIntegrations": { paths: ["/raw/integrations"] },
      "apigatewayv2:GetRoutes": { paths: ["/derived/authorizedRoutes"] },
      ...DOMAIN_LISTINGS,
    },
  },
  "aws.apigatewayv2.stage": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetApis": "scope", "apigatewayv2:GetStages": "parent" },
    feeds: {},
  },
  "aws.apigatewayv2.route": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetApis": "scope", "apigatewayv2:GetRoutes": "parent" },
    feeds: {
      "apigatewayv2:GetAuthorizers": { paths: ["/derived/authorizer"] },
      "apigatewayv2:GetIntegrations": { paths: ["/raw/integration", "/derived/integrationBackend"] },
      "apigatewayv2:GetStages": { paths: ["/derived/throttling"] },
      "apigateway:GetAccount": accountThrottling("/derived/throttling"),
      "lambda:ListFunctions": functionListing,
    },
  },
  "aws.apigatewayv2.domain": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetDomainNames": "scope" },
    feeds: {
      "apigatewayv2:GetApiMappings": { paths: ["/raw/apiMappings"] },
    },
  },
  "aws.wafv2.webacl": {
    service: "wafv2",
    regional: true,
    listedBy: { "wafv2:ListWebACLs": "scope" },
    feeds: {
      "wafv2:GetWebACL": { paths: ["/raw/webAcl"] },
      "wafv2:ListResourcesForWebACL": { paths: ["/raw/apiGatewayResourceArns", "/raw/appSyncResourceArns"] },
      "wafv2:ListLoggingConfigurations": { paths: ["/raw/loggingConfiguration", "/derived/loggingEnabled"] },
    },
  },
  "aws.cloudtrail.trail": {
    service: "cloudtrail",
    regional: true,
    listedBy: { "cloudtrail:DescribeTrails": "scope" },
    feeds: {
      "cloudtrail:GetTrailStatus": { paths: ["/raw/status"] },
      "cloudtrail:GetEventSelectors": { paths: ["/raw/eventSelectors"] },
    },
  },
  "aws.cloudtrail.region": {
    service: "cloudtrail",
    regional: true,
    listedBy: {},
    feeds: {
      "cloudtrail:DescribeTrails": { paths: ["/raw", "/derived/trailCoverage"] },
      "cloudtrail:GetTrailStatus": trailMember(["logging"], "trailStatus"),
      "cloudtrail:GetEventSelectors": trailMember(["managementRead", "managementWrite", "excludedSources"], "eventSelectors"),
    },
  },
  "aws.config.region": {
    service: "config",
    regional: true,
    listedBy: {},
    feeds: {
      "config:DescribeConfigurationRecorders": {
        paths: [
          "/raw/configurationRecorders",
          ...[
            "enabled",
            "recorderPresent",
            "recording",
            "lastStatus",
            "lastErrorCode",
            "allSupported",
            "includeGlobalResourceTypes",
          ].map((f) => `${CONFIG}/${f}`),
        ],
      },
      "config:DescribeConfigurationRecorderStatus": {
        paths: [
          "/raw/configurationRecordersStatus",
          ...["enabled", "recording", "lastStatus", "lastErrorCode"].map((f) => `${CONFIG}/${f}`),
        ],
      },
      "config:DescribeDeliveryChannels": {
        paths: [
          "/raw/deliveryChannels",
          ...["enabled", "deliveryChannelPresent", "deliveryHealthy"].map((f) => `${CONFIG}/${f}`),
        ],
      },
      "config:DescribeDeliveryChannelStatus": {
        paths: ["/raw/deliveryChannelsStatus", `${CONFIG}/enabled`, `${CONFIG}/deliveryHealthy`],
      },
    },
  },
  // Per-resource failures (a function's GetPolicy, a pool's clients) carry the resource's ARN.
  "aws.lambda.function": {
    service: "lambda",
    regional: true,
    listedBy: { "lambda:ListFunctions": "scope" },
    feeds: {
      // One GetPolicy failure (the function's or an alias's) is recorded on the function either way.
      "lambda:GetPolicy": {
        paths: ["/raw/policy", "/raw/aliasPolicies", "/derived/resourcePolicy", "/derived/aliasResourcePolicies"],
      },
      // Alias policies are read for the aliases that have a URL.
      "lambda:ListFunctionUrlConfigs": {
        paths: [
          "/raw/functionUrlConfigs",
          "/raw/aliasPolicies",
          "/derived/publicUrls",
          "/derived/corsCredentialedAnyOrigin",
          "/derived/aliasResourcePolicies",
        ],
      },
    },
  },
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
  "aws.appsync.graphqlapi": {
    service: "appsync",
    regional: true,
    listedBy: { "appsync:ListGraphqlApis": "scope" },
    feeds: {
      "appsync:ListApiKeys": { paths: ["/raw/apiKeys", "/derived/keyValidity"] },
      // An API that names its web ACL proves the association; otherwise only WAF's listings can.
      ...wafAssociationFeeds((r) => obj(r.raw["graphqlApi"])?.["wafWebAclArn"]),
    },
  },
  // Derived, one per entry point. Global so that failures in any region of the account (IAM's are `global`) reach
  // paths crossing regions; which ones concern a path is what the analysis recorded as its gaps.
  "aws.path.exposure": {
    service: "path",
    regional: false,
    listedBy: {
      "apigateway:GetRestApis": "scope",
      "apigateway:GetResources": "parent",
      "apigatewayv2:GetApis": "scope",
      "apigatewayv2:GetRoutes": "parent",
      "lambda:ListFunctions": "scope",
      "lambda:ListFunctionUrlConfigs": "parent",
      "cognito-identity:ListIdentityPools": "scope",
      "appsync:ListGraphqlApis": "scope",
      ...Object.fromEntries(
        ["apigateway", "apigatewayv2", "lambda", "cognito-identity", "appsync"].map((s) => [`${s}:*`, "scope" as const]),
      ),
    },
    feeds: Object.fromEntries(
      [...PATH_SOURCES, "iam:*", "lambda:*", "apigateway:*", "apigatewayv2:*", "cognito-identity:*"].map((op) => [op, pathFeed]),
    ),
  },
  // Probe checks fail independently: each leaves only its own outcome unknown.
  "aws.apigateway.probe": {
    service: "probe",
    regional: true,
    listedBy: {},
    feeds: Object.fromEntries(
      Object.entries(CHECK_OPERATIONS).map(([check, op]) => [`probe:${op}`, { paths: [`/derived/${check}Outcome`] }]),
    ),
  },
};

/** `service:Operation` of a recorded failure. */
export function operationKey(e: Pick<CollectionError, "service" | "operation">): string {
  return `${e.service}:${e.operation}`;
}
