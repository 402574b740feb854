/** Facts of the API's backend and identity layer: Lambda functions, Cognito pools and clients, AppSync APIs. */
import { ApiKey$, GraphqlApi$, type ApiKey, type GraphqlApi } from "@aws-sdk/client-appsync";
import {
  GetIdentityPoolRolesResponse$,
  IdentityPool$,
  IdentityPoolShortDescription$,
  type GetIdentityPoolRolesResponse,
  type IdentityPool,
  type IdentityPoolShortDescription,
} from "@aws-sdk/client-cognito-identity";
import {
  GetUserPoolMfaConfigResponse$,
  UserPoolClientType$,
  UserPoolDescriptionType$,
  UserPoolType$,
  type GetUserPoolMfaConfigResponse,
  type UserPoolClientType,
  type UserPoolDescriptionType,
  type UserPoolType,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  FunctionConfiguration$,
  FunctionUrlConfig$,
  GetPolicyResponse$,
  type FunctionConfiguration,
  type FunctionUrlConfig,
  type GetPolicyResponse,
} from "@aws-sdk/client-lambda";
import { f, resourceFacts, type Fact } from "./define.js";

const policy = f.nullable(f.sdk<GetPolicyResponse>("lambda", GetPolicyResponse$), "GetPolicy's answer; null when none.");

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
    {},
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
    {},
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
    {},
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
    {},
  ),
  "aws.appsync.graphqlapi": resourceFacts(
    {
      graphqlApi: f.sdk<GraphqlApi>("appsync", GraphqlApi$, "The API as ListGraphqlApis lists it."),
      apiKeys: f.optional(f.array(f.sdk<ApiKey>("appsync", ApiKey$), "The API's keys (ListApiKeys), without key ids.")),
    },
    {},
  ),
};
