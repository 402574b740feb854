import type { Trail } from "@aws-sdk/client-cloudtrail";
import type * as CloudtrailSdk from "@aws-sdk/client-cloudtrail";
import { nameFromArn, regionArn } from "../aws/arns.js";
import type { JsonValue } from "../model/json.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, type UnitContext, type UnitResult } from "./context.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } = requireSdk(
  "@aws-sdk/client-cloudtrail",
) as typeof CloudtrailSdk;

const SERVICE = "cloudtrail";

/**
 * Collects CloudTrail as seen from one region: every trail that logs here (shadow copies of multi-region
 * and organisation trails included), with status and event selectors fetched by trail ARN. Trails homed in
 * this region become `aws.cloudtrail.trail` resources; the region itself is an `aws.cloudtrail.region`
 * resource carrying every trail that reaches it, so coverage can be judged even with no trail at all.
 */
export async function collectCloudTrail(ctx: UnitContext): Promise<UnitResult> {
  const { account, region, partition } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const client = createClient(CloudTrailClient, ctx, SERVICE, region);
  const base = { account, region, derived: {} };
  try {
    const trails = await attempt(
      errors,
      where("DescribeTrails"),
      async () => (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [],
    );
    const details = await Promise.all((trails ?? []).map((t) => limited(ctx, SERVICE, () => trailDetails(t))));
    const resources: Resource[] = [];
    const statuses: Record<string, JsonValue> = {};
    const selectors: Record<string, JsonValue> = {};
    for (const d of details) {
      if (d.status !== undefined) statuses[d.arn] = d.status;
      if (d.selectors !== undefined) selectors[d.arn] = d.selectors;
      if (d.trail.HomeRegion === region) {
        resources.push({
          ...base,
          type: "aws.cloudtrail.trail",
          arn: d.arn,
          name: d.trail.Name || nameFromArn(d.arn),
          raw: {
            trail: toJson(d.trail),
            ...(d.status !== undefined ? { status: d.status } : {}),
            ...(d.selectors !== undefined ? { eventSelectors: d.selectors } : {}),
          },
        });
      }
    }
    resources.push({
      ...base,
      type: "aws.cloudtrail.region",
      arn: regionArn(partition, SERVICE, account, region),
      name: `CloudTrail in ${region}`,
      // A per-trail failure is recorded with the trail's ARN, and the region's coverage is then unknown
      // unless another trail already covers it (the enricher decides).
      raw: trails ? { trails: toJson(trails), trailStatus: statuses, eventSelectors: selectors } : {},
    });
    return { resources, errors };
  } finally {
    client.destroy();
  }

  async function trailDetails(trail: Trail) {
    const arn = trail.TrailARN ?? "";
    // By ARN, not name: shadow trails can only be addressed by ARN outside their home region.
    const [status, selectors] = await Promise.all([
      attempt(errors, where("GetTrailStatus", arn), async () =>
        toJson(await client.send(new GetTrailStatusCommand({ Name: arn }))),
      ),
      attempt(errors, where("GetEventSelectors", arn), async () =>
        toJson(await client.send(new GetEventSelectorsCommand({ TrailName: arn }))),
      ),
    ]);
    return { trail, arn, status, selectors };
  }
}
