import type { ResourceType } from "../model/inventory.js";

/**
 * A name/value field of collected data that can hold secrets (stage variables, tags, environment variables).
 * Its secret-looking values are replaced before the resource is kept (src/secrets/scrub.ts), by name or value.
 */
export interface SecretField {
  /** Path from the resource's `raw`: object keys, `*` for every element of an array or value of an object. */
  path: readonly string[];
  /** `map`: `{ name: value }` (API Gateway, Lambda); `key-value-list`: `[{ Key, Value }]` (IAM tags). */
  shape: "map" | "key-value-list";
  /** What the field holds, for people: "stage variable", "tag", "environment variable". */
  kind: string;
}

const tags = (...path: string[]): SecretField => ({ path, shape: "map", kind: "tag" });
const iamTags = (...path: string[]): SecretField => ({ path, shape: "key-value-list", kind: "tag" });
const stageVariables = (...path: string[]): SecretField => ({ path, shape: "map", kind: "stage variable" });

/**
 * Every resource type's secret-bearing name/value fields, as its collector stores them in `raw`. Keyed by every
 * resource type, so a new collector's type does not compile until it declares its fields (an empty list says
 * "none"). Free text (descriptions, policy documents, error messages) needs no entry:
 * every string is searched for secret-shaped values anyway.
 */
export const SECRET_FIELDS: Readonly<Record<ResourceType, readonly SecretField[]>> = {
  "aws.iam.account": [],
  "aws.iam.user": [iamTags("detail", "Tags")],
  "aws.iam.group": [],
  "aws.iam.role": [iamTags("detail", "Tags")],
  // GetAccountAuthorizationDetails returns no tags for managed policies, ListServerCertificates none either.
  "aws.iam.policy": [],
  "aws.iam.server-certificate": [],
  "aws.apigateway.account": [tags("usagePlans", "*", "tags")],
  "aws.apigateway.restapi": [tags("restApi", "tags")],
  "aws.apigateway.method": [],
  "aws.apigateway.stage": [stageVariables("stage", "variables"), tags("stage", "tags")],
  "aws.apigateway.domain": [tags("domainName", "tags")],
  "aws.apigatewayv2.api": [tags("api", "Tags")],
  "aws.apigatewayv2.stage": [stageVariables("stage", "StageVariables"), tags("stage", "Tags")],
  "aws.apigatewayv2.route": [],
  "aws.apigatewayv2.domain": [tags("domainName", "Tags")],
  "aws.wafv2.webacl": [],
  "aws.cloudtrail.trail": [],
  "aws.cloudtrail.region": [],
  "aws.config.region": [],
  "aws.lambda.function": [{ path: ["function", "Environment", "Variables"], shape: "map", kind: "environment variable" }],
  "aws.cognito.userpool": [tags("userPool", "UserPoolTags")],
  // The collector drops an app client's ClientSecret itself (src/collect/cognito.ts).
  "aws.cognito.userpool-client": [],
  "aws.cognito.identitypool": [tags("identityPool", "IdentityPoolTags")],
  // The collector drops API key ids (the keys themselves) itself (src/collect/appsync.ts).
  "aws.appsync.graphqlapi": [tags("graphqlApi", "tags")],
  // Probe results are redacted by the prober itself (src/probe/redact.ts).
  "aws.apigateway.probe": [],
  // Derived from the other resources: no raw data of its own.
  "aws.path.exposure": [],
};
