/** Facts of the API's backend and identity layer: Lambda functions, Cognito pools and clients, AppSync APIs. */
import type { ApiKey, DataSource, GraphqlApi } from "@aws-sdk/client-appsync";
import type * as AppsyncSdk from "@aws-sdk/client-appsync";
import type { GetIdentityPoolRolesResponse, IdentityPool, IdentityPoolShortDescription } from "@aws-sdk/client-cognito-identity";
import type * as CognitoIdentitySdk from "@aws-sdk/client-cognito-identity";
import type {
  GetUserPoolMfaConfigResponse,
  UserPoolClientType,
  UserPoolDescriptionType,
  UserPoolType,
} from "@aws-sdk/client-cognito-identity-provider";
import type * as CognitoIdentityProviderSdk from "@aws-sdk/client-cognito-identity-provider";
import type { FunctionConfiguration, FunctionUrlConfig, GetPolicyResponse } from "@aws-sdk/client-lambda";
import type * as LambdaSdk from "@aws-sdk/client-lambda";
import { f, resourceFacts, type Fact } from "./define.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { ApiKey$, DataSource$, GraphqlApi$ } = requireSdk("@aws-sdk/client-appsync") as typeof AppsyncSdk;
const { GetIdentityPoolRolesResponse$, IdentityPool$, IdentityPoolShortDescription$ } = requireSdk(
  "@aws-sdk/client-cognito-identity",
) as typeof CognitoIdentitySdk;
const { GetUserPoolMfaConfigResponse$, UserPoolClientType$, UserPoolDescriptionType$, UserPoolType$ } = requireSdk(
  "@aws-sdk/client-cognito-identity-provider",
) as typeof CognitoIdentityProviderSdk;
const { FunctionConfiguration$, FunctionUrlConfig$, GetPolicyResponse$ } = requireSdk(
  "@aws-sdk/client-lambda",
) as typeof LambdaSdk;

const policy = f.nullable(f.sdk<GetPolicyResponse>("lambda", GetPolicyResponse$), "GetPolicy's answer; null when none.");

/** What a Lambda resource policy grants outside the account, statement by statement. */
const policyFacts = {
  present: f.boolean("A policy is attached."),
  publicStatements: f.array(
    f.string(),
    "Allow statements open to everyone (`*`, NotPrincipal) or to a service principal with no condition on the caller's source, account or organisation.",
  ),
  crossAccountStatements: f.array(
    f.string(),
    "Allow statements granting a whole other account (its root or id) with no restricting condition.",
  ),
};

export const backendFacts = {
  "aws.lambda.function": resourceFacts(
    {
      function: f.sdk<FunctionConfiguration>(
        "lambda",
        FunctionConfiguration$,
        "The function as ListFunctions lists it; environment values that look secret are redacted.",
      ),
      policy: f.optional(policy),
      functionUrlConfigs: f.optional(
        f.array(f.sdk<FunctionUrlConfig>("lambda", FunctionUrlConfig$), "The function's URLs (ListFunctionUrlConfigs)."),
      ),
      aliasPolicies: f.optional(f.record(policy, "Resource policies of the aliases that have a URL, by alias.")),
    },
    {
      publicUrls: f.nullable(
        f.array(f.string(), "Function URLs with AuthType NONE (with the alias they serve, if any)."),
        "URLs anyone can call without signing; null when the URLs were not read.",
      ),
      corsCredentialedAnyOrigin: f.nullable(
        f.array(f.string(), "Function URLs whose CORS allows every origin (`*`) together with credentials."),
        "null when the URLs were not read.",
      ),
      resourcePolicy: f.nullable(
        f.object(policyFacts),
        "The function's own resource policy (GetPolicy); null when it was not read or cannot be parsed.",
      ),
      aliasResourcePolicies: f.nullable(
        f.object(policyFacts),
        "The resource policies of the aliases that have a URL, joined; null when the URLs or one of those policies were not read.",
      ),
      runtime: f.object(
        {
          identifier: f.nullable(f.string("The runtime (`nodejs20.x`); null for a container image, which has none.")),
          packageType: f.string("Zip or Image."),
          listed: f.boolean("The runtime is in rules/data/lambda-runtimes.json."),
          deprecationDate: f.nullable(f.string("Day the runtime is (or was) deprecated; null when not listed.")),
          blockCreateDate: f.nullable(f.string("Day from which functions cannot be created with it; null when unknown.")),
          blockUpdateDate: f.nullable(f.string("Day from which functions using it cannot be updated; null when unknown.")),
          deprecated: f.nullable(
            f.boolean("Deprecated on or before the collection clock; null for images and runtimes not listed."),
          ),
          daysUntilDeprecation: f.nullable(
            f.integer("Whole days from the collection clock to the deprecation day (negative once deprecated)."),
          ),
        },
        "The function's runtime and its lifecycle dates (rules/data/lambda-runtimes.json).",
      ),
      secretEnvironmentVariables: f.array(f.string(), "Names (never values) of environment variables that look like secrets."),
    },
  ),
  "aws.cognito.userpool": resourceFacts(
    {
      summary: f.sdk<UserPoolDescriptionType>("cognito-idp", UserPoolDescriptionType$, "The pool as ListUserPools lists it."),
      userPool: f.optional(f.sdk<UserPoolType>("cognito-idp", UserPoolType$, "The pool (DescribeUserPool).")),
      mfaConfig: f.optional(
        f.sdk<GetUserPoolMfaConfigResponse>(
          "cognito-idp",
          GetUserPoolMfaConfigResponse$,
          "The pool's MFA configuration (GetUserPoolMfaConfig).",
        ),
      ),
    },
    {
      mfa: f.nullable(
        f.string(
          "MFA enforcement: OFF, ON or OPTIONAL (DescribeUserPool, else GetUserPoolMfaConfig); null when neither was read.",
        ),
      ),
      selfSignUpAllowed: f.nullable(
        f.boolean(
          "Anyone may sign up (AdminCreateUserConfig.AllowAdminCreateUserOnly not true, AWS's default); null when the pool was not read.",
        ),
      ),
      threatProtection: f.nullable(
        f.string(
          "Threat protection for standard authentication (UserPoolAddOns.AdvancedSecurityMode): OFF (also when absent), AUDIT or ENFORCED; null when the pool was not read.",
        ),
      ),
    },
  ),
  "aws.cognito.userpool-client": resourceFacts(
    {
      client: f.sdkWith<Omit<UserPoolClientType, "ClientSecret">, { HasClientSecret: Fact<boolean> }>(
        "cognito-idp",
        UserPoolClientType$,
        { HasClientSecret: f.boolean("The client has a secret (whose value is never saved).") },
        "The app client (DescribeUserPoolClient), its secret replaced by HasClientSecret.",
      ),
      userPoolId: f.string("Id of the user pool."),
      userPoolName: f.string("Name of the user pool."),
    },
    {
      tokenValidity: f.object(
        {
          accessTokenMinutes: f.number("Access token lifetime in minutes (AWS default 60 when unset)."),
          idTokenMinutes: f.number("ID token lifetime in minutes (AWS default 60 when unset)."),
          refreshTokenDays: f.number("Refresh token lifetime in days (AWS default 30 when unset)."),
        },
        "Token lifetimes, each converted from its TokenValidityUnits unit (default: hours for access and ID tokens, days for refresh tokens).",
      ),
      implicitGrant: f.boolean(
        "The client allows the OAuth implicit grant (AllowedOAuthFlows has implicit and OAuth is enabled).",
      ),
    },
  ),
  "aws.cognito.identitypool": resourceFacts(
    {
      summary: f.sdk<IdentityPoolShortDescription>(
        "cognito-identity",
        IdentityPoolShortDescription$,
        "The pool as ListIdentityPools lists it.",
      ),
      identityPool: f.optional(f.sdk<IdentityPool>("cognito-identity", IdentityPool$, "The pool (DescribeIdentityPool).")),
      roles: f.optional(
        f.sdk<GetIdentityPoolRolesResponse>(
          "cognito-identity",
          GetIdentityPoolRolesResponse$,
          "The pool's roles (GetIdentityPoolRoles).",
        ),
      ),
    },
    {
      unauthenticatedRole: f.nullable(
        f.object({
          arn: f.nullable(f.string("ARN of the pool's unauthenticated role; null when it has none.")),
          found: f.boolean("The role is among the account's collected IAM roles."),
          adminEquivalent: f.boolean("The IAM analysis finds the role administrator-equivalent."),
          adminReasons: f.array(f.string(), "Why."),
          privilegeEscalation: f.array(f.string(), "Names of the privilege-escalation methods the role can use."),
          serviceWildcards: f.array(f.string(), "Services whose every action (`svc:*`) the role is granted."),
          readActionsOnAllResources: f.array(f.string(), "Read-level actions the role may take on every resource."),
          writeActionsOnAllResources: f.array(f.string(), "Write-level actions the role may take on every resource."),
          listsTruncated: f.boolean("The IAM analysis truncated one of the action lists (many actions on `*`)."),
        }),
        "What unauthenticated (guest) identities get: the pool's unauthenticated role joined with the IAM analysis of that role; null when the roles, the role or its policies could not be read.",
      ),
    },
  ),
  "aws.appsync.graphqlapi": resourceFacts(
    {
      graphqlApi: f.sdk<GraphqlApi>("appsync", GraphqlApi$, "The API as ListGraphqlApis lists it."),
      apiKeys: f.optional(f.array(f.sdk<ApiKey>("appsync", ApiKey$), "The API's keys (ListApiKeys), without key ids.")),
      dataSources: f.optional(
        f.array(
          f.sdk<DataSource>("appsync", DataSource$),
          "The API's data sources (ListDataSources): their types, Lambda functions and service roles, which the exposure paths follow; absent when the listing failed.",
        ),
      ),
    },
    {
      authenticationTypes: f.array(f.string(), "The default and additional authentication types, deduplicated, default first."),
      keyValidity: f.nullable(
        f.array(
          f.object({
            description: f.nullable(f.string("The key's description.")),
            expires: f.nullable(f.string("When the key expires (ISO time).")),
            validDays: f.nullable(f.number("Days the key stays valid from the collection time (negative once expired).")),
          }),
        ),
        "The keys that authenticate requests (none when the API does not accept API keys); null when they were not listed.",
      ),
      webAcl: f.object(
        {
          arn: f.nullable(f.string("ARN of the associated web ACL, or null.")),
          reportedByApi: f.boolean("The API names the web ACL (wafWebAclArn)."),
          reportedByWaf: f.boolean("WAF lists the API among the web ACL's resources."),
          wafListingCollected: f.boolean("WAF's association listing of the region was read."),
        },
        "The API's web ACL, from the API and from WAF's listing.",
      ),
      wafAssociated: f.nullable(
        f.boolean("A web ACL is associated; null when WAF was not collected (--services) and the API names none."),
      ),
    },
  ),
};
