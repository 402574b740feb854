// What a successful answer of every AWS operation Tollgate calls must look like before it is believed. The check
// itself is src/collect/response-check.ts; how to add an operation is in docs/scanning.md ("Answers are checked").

/** What every successful answer of one operation carries. Member names are the SDK's output names. */
export interface ResponseContract {
  /** Members present in every answer (an empty list counts as present; a missing one does not). */
  required?: readonly string[];
  /** At least one of these is present in every answer. */
  oneOf?: readonly string[];
  /** Paged operations: the output member holding the next page's token (read by the loop guard in paging.ts). */
  nextToken?: string;
  /**
   * Why nothing is required: AWS's own answer for "none" omits the list, so only the body itself (not empty, not
   * HTML, of the service's format) can be checked.
   */
  emptyMeansNone?: string;
}

/** The body format of a service's successful answers: XML (awsQuery, EC2) or a JSON object. */
export type BodyFormat = "xml" | "json";

/** A service's answers: their format, and the contract of each operation Tollgate calls. */
export interface ServiceContracts {
  body: BodyFormat;
  operations: Readonly<Record<string, ResponseContract>>;
}

// API Gateway REST answers an empty collection with `{}` rather than `{"item": []}` (aws/aws-sdk-js#1416).
const V1_EMPTY_COLLECTION = "API Gateway REST answers an empty collection with {} (no item list)";
const V2_LIST = { required: ["Items"], nextToken: "NextToken" } as const;

/**
 * Every operation Tollgate calls, by service as Tollgate names it (`apigatewayv2` for API Gateway v2). A client built
 * for a service refuses to send an operation missing here, and a test fails when the source calls one.
 */
export const RESPONSE_CONTRACTS: Readonly<Record<string, ServiceContracts>> = {
  iam: {
    body: "xml",
    operations: {
      // Every page carries the four lists (empty ones as empty elements); a page with none of them is not IAM's.
      GetAccountAuthorizationDetails: {
        oneOf: ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"],
        nextToken: "Marker",
      },
      GenerateCredentialReport: { required: ["State"] },
      GetCredentialReport: { required: ["Content"] },
      GetAccountPasswordPolicy: { required: ["PasswordPolicy"] },
      GetAccountSummary: { required: ["SummaryMap"] },
      ListVirtualMFADevices: { required: ["VirtualMFADevices"], nextToken: "Marker" },
      ListOpenIDConnectProviders: { required: ["OpenIDConnectProviderList"] },
      ListServerCertificates: { required: ["ServerCertificateMetadataList"], nextToken: "Marker" },
    },
  },
  sts: {
    body: "xml",
    operations: {
      GetCallerIdentity: { required: ["Account", "Arn"] },
      AssumeRole: { required: ["Credentials"] },
    },
  },
  ec2: { body: "xml", operations: { DescribeRegions: { required: ["Regions"] } } },
  organizations: { body: "json", operations: { ListAccounts: { required: ["Accounts"], nextToken: "NextToken" } } },
  apigateway: {
    body: "json",
    operations: {
      GetRestApis: { emptyMeansNone: V1_EMPTY_COLLECTION, nextToken: "position" },
      GetUsagePlans: { emptyMeansNone: V1_EMPTY_COLLECTION, nextToken: "position" },
      GetDomainNames: { emptyMeansNone: V1_EMPTY_COLLECTION, nextToken: "position" },
      GetAuthorizers: { emptyMeansNone: V1_EMPTY_COLLECTION, nextToken: "position" },
      GetBasePathMappings: { emptyMeansNone: V1_EMPTY_COLLECTION, nextToken: "position" },
      GetStages: { emptyMeansNone: V1_EMPTY_COLLECTION },
      // Every API has its root resource, and lists the default gateway responses when none is customised.
      GetResources: { required: ["items"], nextToken: "position" },
      GetGatewayResponses: { required: ["items"], nextToken: "position" },
      // The account-level throttle limits exist in every account and region.
      GetAccount: { required: ["throttleSettings"] },
    },
  },
  apigatewayv2: {
    body: "json",
    operations: {
      GetApis: V2_LIST,
      GetStages: V2_LIST,
      GetRoutes: V2_LIST,
      GetAuthorizers: V2_LIST,
      GetIntegrations: V2_LIST,
      GetDomainNames: V2_LIST,
      GetApiMappings: V2_LIST,
    },
  },
  wafv2: {
    body: "json",
    operations: {
      ListWebACLs: { required: ["WebACLs"], nextToken: "NextMarker" },
      GetWebACL: { required: ["WebACL"] },
      ListResourcesForWebACL: { required: ["ResourceArns"] },
      // A missing list reads as "no web ACL logs", which fails the logging rule and can never pass it.
      ListLoggingConfigurations: {
        emptyMeansNone: "whether WAF omits the list when no web ACL logs is not documented",
        nextToken: "NextMarker",
      },
    },
  },
  cloudtrail: {
    body: "json",
    operations: {
      DescribeTrails: { required: ["trailList"] },
      GetTrailStatus: { required: ["IsLogging"] },
      GetEventSelectors: { required: ["TrailARN"] },
    },
  },
  config: {
    body: "json",
    operations: {
      DescribeConfigurationRecorders: { required: ["ConfigurationRecorders"] },
      DescribeConfigurationRecorderStatus: { required: ["ConfigurationRecordersStatus"] },
      DescribeDeliveryChannels: { required: ["DeliveryChannels"] },
      DescribeDeliveryChannelStatus: { required: ["DeliveryChannelsStatus"] },
    },
  },
  lambda: {
    body: "json",
    operations: {
      ListFunctions: { required: ["Functions"], nextToken: "NextMarker" },
      // A function without a policy is a ResourceNotFoundException, never an answer without Policy.
      GetPolicy: { required: ["Policy"] },
      ListFunctionUrlConfigs: { required: ["FunctionUrlConfigs"], nextToken: "NextMarker" },
    },
  },
  "cognito-idp": {
    body: "json",
    operations: {
      ListUserPools: { required: ["UserPools"], nextToken: "NextToken" },
      DescribeUserPool: { required: ["UserPool"] },
      GetUserPoolMfaConfig: { required: ["MfaConfiguration"] },
      ListUserPoolClients: { required: ["UserPoolClients"], nextToken: "NextToken" },
      DescribeUserPoolClient: { required: ["UserPoolClient"] },
    },
  },
  "cognito-identity": {
    body: "json",
    operations: {
      ListIdentityPools: { required: ["IdentityPools"], nextToken: "NextToken" },
      DescribeIdentityPool: { required: ["IdentityPoolId", "AllowUnauthenticatedIdentities"] },
      GetIdentityPoolRoles: { required: ["IdentityPoolId"] },
    },
  },
  appsync: {
    body: "json",
    operations: {
      ListGraphqlApis: { required: ["graphqlApis"], nextToken: "nextToken" },
      ListApiKeys: { required: ["apiKeys"], nextToken: "nextToken" },
      ListDataSources: { required: ["dataSources"], nextToken: "nextToken" },
    },
  },
  securityhub: {
    body: "json",
    operations: {
      BatchImportFindings: { required: ["SuccessCount", "FailedCount"] },
      GetFindings: { required: ["Findings"], nextToken: "NextToken" },
    },
  },
};

/** The contract of one operation; throws (a bug, not a failed call) when the table lacks it. */
export function responseContract(service: string, operation: string): ResponseContract & { body: BodyFormat } {
  const svc = RESPONSE_CONTRACTS[service];
  const contract = svc?.operations[operation];
  if (!svc || !contract)
    throw new Error(`no response contract for ${service}:${operation}: add one to src/collect/response-contracts.ts`);
  return { ...contract, body: svc.body };
}
