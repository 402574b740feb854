import type * as ConfigServiceSdk from "@aws-sdk/client-config-service";
import { regionArn } from "../aws/arns.js";
import { toJson } from "../util/json.js";
import type { CollectionError } from "../model/inventory.js";
import { createClient } from "./clients.js";
import { attempt, type UnitContext, type UnitResult } from "./context.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  DescribeDeliveryChannelStatusCommand,
} = requireSdk("@aws-sdk/client-config-service") as typeof ConfigServiceSdk;

const SERVICE = "config";

/**
 * Collects AWS Config's recorders, their status, delivery channels and delivery health in one region, as
 * one `aws.config.region` resource (present even with no recorder, so "Config is off here" can fail).
 */
export async function collectConfig(ctx: UnitContext): Promise<UnitResult> {
  const { account, region, partition } = ctx;
  const errors: CollectionError[] = [];
  const where = (operation: string) => ({ account, region, service: SERVICE, operation });
  const client = createClient(ConfigServiceClient, ctx, SERVICE, region);
  try {
    // None of these four calls is paginated; each returns every item of the region at once.
    const [recorders, recorderStatus, channels, channelStatus] = await Promise.all([
      attempt(errors, where("DescribeConfigurationRecorders"), async () =>
        toJson((await client.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? []),
      ),
      attempt(errors, where("DescribeConfigurationRecorderStatus"), async () =>
        toJson((await client.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? []),
      ),
      attempt(errors, where("DescribeDeliveryChannels"), async () =>
        toJson((await client.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? []),
      ),
      attempt(errors, where("DescribeDeliveryChannelStatus"), async () =>
        toJson((await client.send(new DescribeDeliveryChannelStatusCommand({}))).DeliveryChannelsStatus ?? []),
      ),
    ]);
    return {
      resources: [
        {
          type: "aws.config.region",
          arn: regionArn(partition, SERVICE, account, region),
          account,
          region,
          name: `AWS Config in ${region}`,
          derived: {},
          raw: {
            ...(recorders !== undefined ? { configurationRecorders: recorders } : {}),
            ...(recorderStatus !== undefined ? { configurationRecordersStatus: recorderStatus } : {}),
            ...(channels !== undefined ? { deliveryChannels: channels } : {}),
            ...(channelStatus !== undefined ? { deliveryChannelsStatus: channelStatus } : {}),
          },
        },
      ],
      errors,
    };
  } finally {
    client.destroy();
  }
}
