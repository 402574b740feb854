// ARN builders shared by the collectors, the enrichers and the simulator, so all three spell an ARN alike. API
// Gateway resources have path ARNs with no account field.

/** `arn:<p>:apigateway:<region>::/restapis/<id>` */
export function restApiArn(partition: string, region: string, apiId: string): string {
  return `arn:${partition}:apigateway:${region}::/restapis/${apiId}`;
}

/** `arn:<p>:apigateway:<region>::/restapis/<id>/stages/<name>`, the ARN WAF associations use. */
export function restStageArn(partition: string, region: string, apiId: string, stage: string): string {
  return `${restApiArn(partition, region, apiId)}/stages/${stage}`;
}

/** `arn:<p>:apigateway:<region>::/restapis/<id>/resources/<rid>/methods/<VERB>` */
export function restMethodArn(m: { partition: string; region: string; apiId: string; resourceId: string; verb: string }): string {
  return `${restApiArn(m.partition, m.region, m.apiId)}/resources/${m.resourceId}/methods/${m.verb}`;
}

/** `arn:<p>:apigateway:<region>::/apis/<id>` (HTTP and WebSocket APIs) */
export function httpApiArn(partition: string, region: string, apiId: string): string {
  return `arn:${partition}:apigateway:${region}::/apis/${apiId}`;
}

/** `arn:<p>:apigateway:<region>::/domainnames/<name>` (shared by v1 and v2 custom domains) */
export function domainArn(partition: string, region: string, name: string): string {
  return `arn:${partition}:apigateway:${region}::/domainnames/${name}`;
}

/** `arn:<p>:apigateway:<region>::/account`, the region's API Gateway account settings. */
export function apiGatewayAccountArn(partition: string, region: string): string {
  return `arn:${partition}:apigateway:${region}::/account`;
}

/** A pseudo-ARN for a region-level fact set of a service (trail coverage, Config status). */
export function regionArn(partition: string, service: string, account: string, region: string): string {
  return `arn:${partition}:${service}:${region}:${account}:region/${region}`;
}

/** The key API Gateway uses in a stage's methodSettings for one method: `~1pets~1{id}/GET`. */
export function methodSettingKey(resourcePath: string, verb: string): string {
  return `${resourcePath.replace(/\//g, "~1")}/${verb}`;
}

/** `arn:<p>:cognito-idp:<region>:<account>:userpool/<id>` */
export function userPoolArn(partition: string, region: string, account: string, id: string): string {
  return `arn:${partition}:cognito-idp:${region}:${account}:userpool/${id}`;
}

/** The pseudo-ARN of a user pool's app client (app clients have no ARN): the pool's ARN, `/client/<id>`. */
export function userPoolClientArn(poolArn: string, clientId: string): string {
  return `${poolArn}/client/${clientId}`;
}

/** `arn:<p>:cognito-identity:<region>:<account>:identitypool/<id>` */
export function identityPoolArn(partition: string, region: string, account: string, id: string): string {
  return `arn:${partition}:cognito-identity:${region}:${account}:identitypool/${id}`;
}

/**
 * The name an ARN gives its resource, for answers that omit the name: the last segment of its resource part
 * (`role/path/Name` → `Name`, `/restapis/a1b2` → `a1b2`; a WAFv2 ARN's name before its id). The whole ARN when
 * there is no such segment.
 */
export function nameFromArn(arn: string): string {
  const parts = arn.split(":");
  const segments = parts.slice(5).join(":").split(/[/:]/).filter(Boolean);
  // WAFv2 puts the id after the name: regional/webacl/<name>/<id>.
  if (parts[2] === "wafv2" && segments.length >= 4) return segments[segments.length - 2]!;
  return segments.pop() ?? arn;
}
