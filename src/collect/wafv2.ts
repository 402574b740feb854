import {
  GetLoggingConfigurationCommand,
  GetWebACLCommand,
  ListResourcesForWebACLCommand,
  ListWebACLsCommand,
  WAFV2Client,
  type WebACLSummary,
} from "@aws-sdk/client-wafv2";
import type { JsonValue } from "../model/json.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";

const SERVICE = "wafv2";
const MAX_LIMIT = 100;

/**
 * Collects regional WAFv2 web ACLs: each ACL's rules and default action, the API Gateway stages it protects
 * and its logging configuration.
 */
export async function collectWafv2(ctx: UnitContext): Promise<UnitResult> {
  const { account, region } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const Limit = Math.min(ctx.options.regionalPageSize, MAX_LIMIT);
  const client = createClient(WAFV2Client, ctx, SERVICE, region);
  try {
    const acls = await attempt(errors, where("ListWebACLs"), () =>
      tokenLoop(
        (NextMarker) => client.send(new ListWebACLsCommand({ Scope: "REGIONAL", Limit, NextMarker })),
        (p) => p.WebACLs,
        (p) => p.NextMarker,
      ),
    );
    const resources = await Promise.all((acls ?? []).map((a) => limited(ctx, SERVICE, () => collectAcl(a))));
    return { resources, errors };
  } finally {
    client.destroy();
  }

  async function collectAcl(summary: WebACLSummary): Promise<Resource> {
    const arn = summary.ARN ?? "";
    const [acl, apiGatewayResources, logging] = await Promise.all([
      attempt(errors, where("GetWebACL", arn), async () =>
        toJson((await client.send(new GetWebACLCommand({ Scope: "REGIONAL", Name: summary.Name, Id: summary.Id }))).WebACL),
      ),
      // Without ResourceType the API answers for load balancers only, and every stage would look unprotected.
      attempt(errors, where("ListResourcesForWebACL", arn), async () =>
        toJson(
          (await client.send(new ListResourcesForWebACLCommand({ WebACLArn: arn, ResourceType: "API_GATEWAY" }))).ResourceArns ??
            [],
        ),
      ),
      loggingOrNull(arn),
    ]);
    return {
      type: "aws.wafv2.webacl",
      arn,
      account,
      region,
      name: summary.Name ?? arn,
      derived: {},
      raw: {
        summary: toJson(summary),
        ...(acl !== undefined ? { webAcl: acl } : {}),
        ...(apiGatewayResources !== undefined ? { apiGatewayResourceArns: apiGatewayResources } : {}),
        ...(logging !== undefined ? { loggingConfiguration: logging } : {}),
      },
    };
  }

  /** WAFNonexistentItemException here means "this ACL has no logging": an answer, not a gap. */
  async function loggingOrNull(arn: string): Promise<JsonValue | undefined> {
    const local: CollectionError[] = [];
    const out = await attempt(local, where("GetLoggingConfiguration", arn), async () =>
      toJson((await client.send(new GetLoggingConfigurationCommand({ ResourceArn: arn }))).LoggingConfiguration ?? null),
    );
    if (local.length === 1 && local[0]!.errorName === "WAFNonexistentItemException") return null;
    errors.push(...local);
    return out;
  }
}
