/**
 * The IAM permission behind every AWS call Tollgate makes while collecting, and the statement of
 * `policy/tollgate-readonly.json` that grants it. A test checks each entry against the policy file and against
 * what the simulator authorises for the real requests of a full scan, so the two cannot drift apart.
 */

/** The least-privilege policy shipped with Tollgate, relative to the package root. */
export const READONLY_POLICY_FILE = "policy/tollgate-readonly.json";

/** The IAM permission one AWS call needs. */
export interface CallPermission {
  /** IAM action, e.g. `apigateway:GET`. */
  action: string;
  /** IAM resource pattern; `{partition}` is filled in when shown, `*` stands for any region, id or name. */
  resource: string;
  /** Sid of the statement of READONLY_POLICY_FILE that grants it; absent when that policy is not where it belongs. */
  sid?: string;
  /** Where to grant it instead, when `sid` is absent. */
  note?: string;
}

const iam = (op: string): CallPermission => ({ action: `iam:${op}`, resource: "*", sid: "TollgateIamReadOnly" });
const regional = (action: string): CallPermission => ({ action, resource: "*", sid: "TollgateRegionalReadOnly" });
// Lambda, Cognito and AppSync: the policy grants them on `*` (functions, pools and APIs are not known in advance).
const backend = (action: string): CallPermission => ({ action, resource: "*", sid: "TollgateBackendReadOnly" });
// API Gateway authorises `apigateway:GET` on the request path (v2's `/v2` prefix is not part of the ARN).
const apigw = (path: string): CallPermission => ({
  action: "apigateway:GET",
  resource: `arn:{partition}:apigateway:*::${path}`,
  sid: "TollgateApiGatewayReadOnly",
});

/** Every collection call, keyed `service:Operation` as inventory errors name them. */
export const CALL_PERMISSIONS: Readonly<Record<string, CallPermission>> = {
  "iam:GetAccountAuthorizationDetails": iam("GetAccountAuthorizationDetails"),
  "iam:GenerateCredentialReport": iam("GenerateCredentialReport"),
  "iam:GetCredentialReport": iam("GetCredentialReport"),
  "iam:GetAccountPasswordPolicy": iam("GetAccountPasswordPolicy"),
  "iam:GetAccountSummary": iam("GetAccountSummary"),
  "iam:ListVirtualMFADevices": iam("ListVirtualMFADevices"),
  "iam:ListOpenIDConnectProviders": iam("ListOpenIDConnectProviders"),
  "iam:ListServerCertificates": iam("ListServerCertificates"),
  "apigateway:GetRestApis": apigw("/restapis"),
  "apigateway:GetResources": apigw("/restapis/*/resources"),
  "apigateway:GetStages": apigw("/restapis/*/stages"),
  "apigateway:GetAuthorizers": apigw("/restapis/*/authorizers"),
  "apigateway:GetGatewayResponses": apigw("/restapis/*/gatewayresponses"),
  "apigateway:GetUsagePlans": apigw("/usageplans"),
  "apigateway:GetDomainNames": apigw("/domainnames"),
  "apigateway:GetBasePathMappings": apigw("/domainnames/*/basepathmappings"),
  "apigateway:GetAccount": apigw("/account"),
  "apigatewayv2:GetApis": apigw("/apis"),
  "apigatewayv2:GetStages": apigw("/apis/*/stages"),
  "apigatewayv2:GetRoutes": apigw("/apis/*/routes"),
  "apigatewayv2:GetAuthorizers": apigw("/apis/*/authorizers"),
  "apigatewayv2:GetIntegrations": apigw("/apis/*/integrations"),
  "apigatewayv2:GetDomainNames": apigw("/domainnames"),
  "apigatewayv2:GetApiMappings": apigw("/domainnames/*/apimappings"),
  "wafv2:ListWebACLs": regional("wafv2:ListWebACLs"),
  "wafv2:GetWebACL": regional("wafv2:GetWebACL"),
  "wafv2:ListResourcesForWebACL": regional("wafv2:ListResourcesForWebACL"),
  "wafv2:ListLoggingConfigurations": regional("wafv2:ListLoggingConfigurations"),
  "cloudtrail:DescribeTrails": regional("cloudtrail:DescribeTrails"),
  "cloudtrail:GetTrailStatus": regional("cloudtrail:GetTrailStatus"),
  "cloudtrail:GetEventSelectors": regional("cloudtrail:GetEventSelectors"),
  "config:DescribeConfigurationRecorders": regional("config:DescribeConfigurationRecorders"),
  "config:DescribeConfigurationRecorderStatus": regional("config:DescribeConfigurationRecorderStatus"),
  "config:DescribeDeliveryChannels": regional("config:DescribeDeliveryChannels"),
  "config:DescribeDeliveryChannelStatus": regional("config:DescribeDeliveryChannelStatus"),
  "lambda:ListFunctions": backend("lambda:ListFunctions"),
  "lambda:GetPolicy": backend("lambda:GetPolicy"),
  "lambda:ListFunctionUrlConfigs": backend("lambda:ListFunctionUrlConfigs"),
  "cognito-idp:ListUserPools": backend("cognito-idp:ListUserPools"),
  "cognito-idp:DescribeUserPool": backend("cognito-idp:DescribeUserPool"),
  "cognito-idp:GetUserPoolMfaConfig": backend("cognito-idp:GetUserPoolMfaConfig"),
  "cognito-idp:ListUserPoolClients": backend("cognito-idp:ListUserPoolClients"),
  "cognito-idp:DescribeUserPoolClient": backend("cognito-idp:DescribeUserPoolClient"),
  "cognito-identity:ListIdentityPools": backend("cognito-identity:ListIdentityPools"),
  "cognito-identity:DescribeIdentityPool": backend("cognito-identity:DescribeIdentityPool"),
  "cognito-identity:GetIdentityPoolRoles": backend("cognito-identity:GetIdentityPoolRoles"),
  "appsync:ListGraphqlApis": backend("appsync:ListGraphqlApis"),
  "appsync:ListApiKeys": backend("appsync:ListApiKeys"),
  "appsync:ListDataSources": backend("appsync:ListDataSources"),
  "ec2:DescribeRegions": { action: "ec2:DescribeRegions", resource: "*", sid: "TollgateScope" },
  "organizations:ListAccounts": { action: "organizations:ListAccounts", resource: "*", sid: "TollgateScope" },
  // Recorded for the whole account (`service: "*"`) when the scanner cannot assume the account's role.
  "*:AssumeRole": {
    action: "sts:AssumeRole",
    resource: "arn:{partition}:iam::*:role/<role-name>",
    note: "the scanning principal's own policy, and the role's trust policy (docs/scanning.md)",
  },
};

/** The permission behind one recorded call, if it is one Tollgate makes. */
export function permissionFor(service: string, operation: string): CallPermission | undefined {
  return CALL_PERMISSIONS[`${service}:${operation}`];
}

/** Error names that mean the caller's policies do not allow the call (not a bad signature or a bad key). */
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);

/** True when the call was refused for lack of permission. */
export function isPermissionDenied(errorName: string): boolean {
  return DENIED.has(errorName);
}
