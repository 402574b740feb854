/**
 * Tollgate resource type → ASFF `Resources[].Type`. One table so a new Tollgate type gets one line here; types
 * other engineers add later fall through to the prefix rules below, and anything unknown is `Other` (a valid
 * ASFF type) rather than a guess that Security Hub would file under the wrong resource view.
 */
const EXACT: Record<string, string> = {
  "aws.iam.user": "AwsIamUser",
  "aws.iam.role": "AwsIamRole",
  "aws.iam.group": "AwsIamGroup",
  "aws.iam.policy": "AwsIamPolicy",
  "aws.iam.access-key": "AwsIamAccessKey",
  "aws.iam.accesskey": "AwsIamAccessKey",
  // The account itself (root user, password policy) has no ASFF type of its own.
  "aws.iam.account": "AwsAccount",
  "aws.apigateway.restapi": "AwsApiGatewayRestApi",
  "aws.apigateway.rest-api": "AwsApiGatewayRestApi",
  "aws.apigateway.stage": "AwsApiGatewayStage",
  "aws.apigatewayv2.api": "AwsApiGatewayV2Api",
  "aws.apigatewayv2.stage": "AwsApiGatewayV2Stage",
  "aws.wafv2.webacl": "AwsWafv2WebAcl",
  "aws.wafv2.web-acl": "AwsWafv2WebAcl",
  "aws.cloudtrail.trail": "AwsCloudTrailTrail",
  "aws.lambda.function": "AwsLambdaFunction",
  "aws.appsync.graphqlapi": "AwsAppSyncGraphQlApi",
};

/** Ordered prefix rules for types not in the exact table (most specific first). */
const PREFIX: [RegExp, string][] = [
  [/^aws\.apigatewayv2\..*stage/, "AwsApiGatewayV2Stage"],
  [/^aws\.apigatewayv2\./, "AwsApiGatewayV2Api"],
  [/^aws\.apigateway\..*stage/, "AwsApiGatewayStage"],
  [/^aws\.apigateway\..*rest/, "AwsApiGatewayRestApi"],
  [/^aws\.wafv2\..*web-?acl/, "AwsWafv2WebAcl"],
  [/^aws\.cloudtrail\..*trail/, "AwsCloudTrailTrail"],
  [/^aws\.iam\..*access-?key/, "AwsIamAccessKey"],
];

/** The ASFF resource type for a Tollgate resource type; `Other` when Security Hub has no matching type. */
export function asffResourceType(tollgateType: string): string {
  const exact = EXACT[tollgateType];
  if (exact) return exact;
  for (const [re, type] of PREFIX) if (re.test(tollgateType)) return type;
  // aws.config.* (recorders, rules) and anything else: no typed ASFF details exist for them.
  return "Other";
}
