// The resource-type table, composed from one module per service under resource-types/.
import type { CollectionError, ResourceType } from "../model/inventory.js";
import { APIGATEWAY_SOURCES } from "./resource-types/apigateway.js";
import { APIGATEWAYV2_SOURCES } from "./resource-types/apigatewayv2.js";
import { APPSYNC_SOURCES } from "./resource-types/appsync.js";
import { CLOUDTRAIL_SOURCES } from "./resource-types/cloudtrail.js";
import { COGNITO_SOURCES } from "./resource-types/cognito.js";
import { CONFIG_SOURCES } from "./resource-types/config.js";
import { IAM_SOURCES } from "./resource-types/iam.js";
import { LAMBDA_SOURCES } from "./resource-types/lambda.js";
import { EXPOSURE_SOURCES } from "./resource-types/path.js";
import { PROBE_SOURCES } from "./resource-types/probe.js";
import type { ResourceTypeSource } from "./resource-types/types.js";
import { WAFV2_SOURCES } from "./resource-types/wafv2.js";

export type { Feed, Listing, ResourceTypeSource } from "./resource-types/types.js";

/**
 * The lineage of every resource type: which operations list its resources and which locations each source
 * operation feeds. The engine derives from it which failures concern a rule (those feeding what the rule reads);
 * test/engine/lineage.test.ts fails every operation in turn against the simulator and checks that every value
 * that changed is declared here.
 */
export const RESOURCE_TYPE_SOURCES: Record<ResourceType, ResourceTypeSource> = {
  ...IAM_SOURCES,
  ...APIGATEWAY_SOURCES,
  ...APIGATEWAYV2_SOURCES,
  ...WAFV2_SOURCES,
  ...CLOUDTRAIL_SOURCES,
  ...CONFIG_SOURCES,
  ...LAMBDA_SOURCES,
  ...COGNITO_SOURCES,
  ...APPSYNC_SOURCES,
  ...EXPOSURE_SOURCES,
  ...PROBE_SOURCES,
};

/** `service:Operation` of a recorded failure. */
export function operationKey(e: Pick<CollectionError, "service" | "operation">): string {
  return `${e.service}:${e.operation}`;
}
