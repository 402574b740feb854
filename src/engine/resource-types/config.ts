import type { ResourceTypeTable } from "./types.js";

const CONFIG = "/derived/configStatus";

/** AWS Config's resource types. */
export const CONFIG_SOURCES = {
  "aws.config.region": {
    service: "config",
    regional: true,
    listedBy: {},
    feeds: {
      "config:DescribeConfigurationRecorders": {
        paths: [
          "/raw/configurationRecorders",
          ...[
            "enabled",
            "recorderPresent",
            "recording",
            "lastStatus",
            "lastErrorCode",
            "allSupported",
            "includeGlobalResourceTypes",
          ].map((f) => `${CONFIG}/${f}`),
        ],
      },
      "config:DescribeConfigurationRecorderStatus": {
        paths: [
          "/raw/configurationRecordersStatus",
          ...["enabled", "recording", "lastStatus", "lastErrorCode"].map((f) => `${CONFIG}/${f}`),
        ],
      },
      "config:DescribeDeliveryChannels": {
        paths: [
          "/raw/deliveryChannels",
          ...["enabled", "deliveryChannelPresent", "deliveryHealthy"].map((f) => `${CONFIG}/${f}`),
        ],
      },
      "config:DescribeDeliveryChannelStatus": {
        paths: ["/raw/deliveryChannelsStatus", `${CONFIG}/enabled`, `${CONFIG}/deliveryHealthy`],
      },
    },
  },
} satisfies ResourceTypeTable;
