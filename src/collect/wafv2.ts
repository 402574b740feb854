import type { WebACLSummary } from "@aws-sdk/client-wafv2";
import type * as Wafv2Sdk from "@aws-sdk/client-wafv2";
import { nameFromArn } from "../aws/arns.js";
import type { JsonValue } from "../model/json.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { ListLoggingConfigurationsCommand, GetWebACLCommand, ListResourcesForWebACLCommand, ListWebACLsCommand, WAFV2Client } =
  requireSdk("@aws-sdk/client-wafv2") as typeof Wafv2Sdk;

const SERVICE = "wafv2";
const MAX_LIMIT = 100;

/**
 * Collects regional WAFv2 web ACLs: each ACL's rules and default action, the API Gateway stages and AppSync APIs
 * it protects and its logging configuration (from one ListLoggingConfigurations list per region: an ACL absent from it has
 * no logging, which is data).
 */
export async function collectWafv2(ctx: UnitContext): Promise<UnitResult> {
  const { account, region } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const listing = listingOf(ctx, SERVICE);
  const Limit = Math.min(ctx.options.regionalPageSize, MAX_LIMIT);
  const client = createClient(WAFV2Client, ctx, SERVICE, region);
  try {
    // Logging for every ACL of the region in one paginated list, not a GetLoggingConfiguration per ACL.
    const [acls, loggingList] = await Promise.all([
      attempt(errors, where("ListWebACLs"), () =>
        tokenLoop(
          listing("ListWebACLs"),
          (NextMarker) => client.send(new ListWebACLsCommand({ Scope: "REGIONAL", Limit, NextMarker })),
          (p) => p.WebACLs,
        ),
      ),
      attempt(errors, where("ListLoggingConfigurations"), () =>
        tokenLoop(
          listing("ListLoggingConfigurations"),
          (NextMarker) => client.send(new ListLoggingConfigurationsCommand({ Scope: "REGIONAL", Limit, NextMarker })),
          (p) => p.LoggingConfigurations,
        ),
      ),
    ]);
    // undefined when the list failed: each ACL's logging is then unknown (its rules report error), never "none".
    const loggingByArn = loggingList && new Map(loggingList.map((l) => [l.ResourceArn ?? "", toJson(l)]));
    const resources = await Promise.all((acls ?? []).map((a) => limited(ctx, SERVICE, () => collectAcl(a, loggingByArn))));
    return { resources, errors };
  } finally {
    client.destroy();
  }

  async function collectAcl(summary: WebACLSummary, loggingByArn: Map<string, JsonValue> | undefined): Promise<Resource> {
    const arn = summary.ARN ?? "";
    const logging = loggingByArn ? (loggingByArn.get(arn) ?? null) : undefined;
    // Without ResourceType the API answers for load balancers only: one listing per type this audit covers.
    const associated = (ResourceType: "API_GATEWAY" | "APPSYNC") =>
      attempt(errors, where("ListResourcesForWebACL", arn), async () =>
        toJson((await client.send(new ListResourcesForWebACLCommand({ WebACLArn: arn, ResourceType }))).ResourceArns ?? []),
      );
    const [acl, apiGatewayResources, appSyncResources] = await Promise.all([
      attempt(errors, where("GetWebACL", arn), async () =>
        toJson((await client.send(new GetWebACLCommand({ Scope: "REGIONAL", Name: summary.Name, Id: summary.Id }))).WebACL),
      ),
      associated("API_GATEWAY"),
      associated("APPSYNC"),
    ]);
    return {
      type: "aws.wafv2.webacl",
      arn,
      account,
      region,
      name: summary.Name || nameFromArn(arn),
      derived: {},
      raw: {
        summary: toJson(summary),
        ...(acl !== undefined ? { webAcl: acl } : {}),
        ...(apiGatewayResources !== undefined ? { apiGatewayResourceArns: apiGatewayResources } : {}),
        ...(appSyncResources !== undefined ? { appSyncResourceArns: appSyncResources } : {}),
        ...(logging !== undefined ? { loggingConfiguration: logging } : {}),
      },
    };
  }
}
