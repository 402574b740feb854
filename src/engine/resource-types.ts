import type { ResourceType } from "../model/inventory.js";

/** Where a resource type's data comes from: its failures make rules on it report error. */
export interface ResourceTypeSource {
  /** Service as in the SigV4 scope. */
  service: string;
  /** Operations whose data the type carries. */
  operations: string[];
  /** False for global services (region `global`). */
  regional: boolean;
  /**
   * Types this one is listed under (a method under its REST API): a failure recorded on a parent's ARN
   * means this type's resources under it may be missing, so rules on this type report error there.
   */
  parents?: ResourceType[];
}

/** The source operations of every resource type. */
export const RESOURCE_TYPE_SOURCES: Record<ResourceType, ResourceTypeSource> = {
  "aws.iam.account": {
    service: "iam",
    operations: [
      "GetAccountPasswordPolicy",
      "GetAccountSummary",
      "GenerateCredentialReport",
      "GetCredentialReport",
      "ListVirtualMFADevices",
      "ListOpenIDConnectProviders",
    ],
    regional: false,
  },
  "aws.iam.user": {
    service: "iam",
    operations: ["GetAccountAuthorizationDetails", "GenerateCredentialReport", "GetCredentialReport", "ListVirtualMFADevices"],
    regional: false,
  },
  "aws.iam.group": { service: "iam", operations: ["GetAccountAuthorizationDetails"], regional: false },
  "aws.iam.role": { service: "iam", operations: ["GetAccountAuthorizationDetails"], regional: false },
  "aws.iam.policy": { service: "iam", operations: ["GetAccountAuthorizationDetails"], regional: false },
  "aws.iam.server-certificate": { service: "iam", operations: ["ListServerCertificates"], regional: false },

  // API Gateway REST: per-API failures carry the API's ARN and so reach its methods and stages (ARN prefix).
  "aws.apigateway.account": { service: "apigateway", operations: ["GetAccount", "GetUsagePlans"], regional: true },
  "aws.apigateway.restapi": {
    service: "apigateway",
    operations: ["GetRestApis", "GetResources", "GetAuthorizers", "GetGatewayResponses"],
    regional: true,
  },
  "aws.apigateway.method": {
    service: "apigateway",
    operations: ["GetRestApis", "GetResources", "GetAuthorizers", "GetStages", "GetAccount"],
    regional: true,
    parents: ["aws.apigateway.restapi"],
  },
  "aws.apigateway.stage": {
    service: "apigateway",
    operations: ["GetRestApis", "GetStages"],
    regional: true,
    parents: ["aws.apigateway.restapi"],
  },
  "aws.apigateway.domain": { service: "apigateway", operations: ["GetDomainNames", "GetBasePathMappings"], regional: true },
  "aws.apigatewayv2.api": {
    service: "apigatewayv2",
    operations: ["GetApis", "GetAuthorizers", "GetIntegrations"],
    regional: true,
  },
  "aws.apigatewayv2.stage": {
    service: "apigatewayv2",
    operations: ["GetApis", "GetStages"],
    regional: true,
    parents: ["aws.apigatewayv2.api"],
  },
  "aws.apigatewayv2.route": {
    service: "apigatewayv2",
    operations: ["GetApis", "GetRoutes", "GetAuthorizers", "GetStages"],
    regional: true,
    parents: ["aws.apigatewayv2.api"],
  },
  "aws.apigatewayv2.domain": { service: "apigatewayv2", operations: ["GetDomainNames", "GetApiMappings"], regional: true },
  "aws.wafv2.webacl": {
    service: "wafv2",
    operations: ["ListWebACLs", "GetWebACL", "ListResourcesForWebACL", "ListLoggingConfigurations"],
    regional: true,
  },
  "aws.cloudtrail.trail": {
    service: "cloudtrail",
    operations: ["DescribeTrails", "GetTrailStatus", "GetEventSelectors"],
    regional: true,
  },
  "aws.cloudtrail.region": {
    service: "cloudtrail",
    operations: ["DescribeTrails", "GetTrailStatus", "GetEventSelectors"],
    regional: true,
  },
  "aws.config.region": {
    service: "config",
    operations: [
      "DescribeConfigurationRecorders",
      "DescribeConfigurationRecorderStatus",
      "DescribeDeliveryChannels",
      "DescribeDeliveryChannelStatus",
    ],
    regional: true,
  },
  // Per-resource failures (a function's GetPolicy, a pool's clients) carry the resource's ARN.
  "aws.lambda.function": {
    service: "lambda",
    operations: ["ListFunctions", "GetPolicy", "ListFunctionUrlConfigs"],
    regional: true,
  },
  "aws.cognito.userpool": {
    service: "cognito-idp",
    operations: ["ListUserPools", "DescribeUserPool", "GetUserPoolMfaConfig"],
    regional: true,
  },
  "aws.cognito.userpool-client": {
    service: "cognito-idp",
    operations: ["ListUserPools", "ListUserPoolClients", "DescribeUserPoolClient"],
    regional: true,
    parents: ["aws.cognito.userpool"],
  },
  "aws.cognito.identitypool": {
    service: "cognito-identity",
    operations: ["ListIdentityPools", "DescribeIdentityPool", "GetIdentityPoolRoles"],
    regional: true,
  },
  "aws.appsync.graphqlapi": { service: "appsync", operations: ["ListGraphqlApis", "ListApiKeys"], regional: true },
  // Probe checks fail independently: each rule names its own check in `dependsOn`.
  "aws.apigateway.probe": {
    service: "probe",
    operations: ["ProbeAuth", "ProbeSigV4", "ProbeApiKey", "ProbeHttp", "ProbeTls", "ProbeCors", "ProbeWaf", "ProbeThrottle"],
    regional: true,
  },
};
