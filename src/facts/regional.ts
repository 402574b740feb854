/** Facts of the regional services around the APIs: WAF web ACLs, CloudTrail and AWS Config. */
import type { GetEventSelectorsResponse, GetTrailStatusResponse, Trail } from "@aws-sdk/client-cloudtrail";
import type * as CloudtrailSdk from "@aws-sdk/client-cloudtrail";
import type {
  ConfigurationRecorder,
  ConfigurationRecorderStatus,
  DeliveryChannel,
  DeliveryChannelStatus,
} from "@aws-sdk/client-config-service";
import type * as ConfigServiceSdk from "@aws-sdk/client-config-service";
import type { LoggingConfiguration, WebACL, WebACLSummary } from "@aws-sdk/client-wafv2";
import type * as Wafv2Sdk from "@aws-sdk/client-wafv2";
import { f, resourceFacts } from "./define.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { GetEventSelectorsResponse$, GetTrailStatusResponse$, Trail$ } = requireSdk(
  "@aws-sdk/client-cloudtrail",
) as typeof CloudtrailSdk;
const { ConfigurationRecorder$, ConfigurationRecorderStatus$, DeliveryChannel$, DeliveryChannelStatus$ } = requireSdk(
  "@aws-sdk/client-config-service",
) as typeof ConfigServiceSdk;
const { LoggingConfiguration$, WebACL$, WebACLSummary$ } = requireSdk("@aws-sdk/client-wafv2") as typeof Wafv2Sdk;

const trailStatus = f.sdk<GetTrailStatusResponse>("cloudtrail", GetTrailStatusResponse$);
const eventSelectors = f.sdk<GetEventSelectorsResponse>("cloudtrail", GetEventSelectorsResponse$);
const nullBool = (d: string) => f.nullable(f.boolean(d));

export const regionalFacts = {
  "aws.wafv2.webacl": resourceFacts(
    {
      summary: f.sdk<WebACLSummary>("wafv2", WebACLSummary$, "The web ACL as ListWebACLs lists it."),
      webAcl: f.optional(f.sdk<WebACL>("wafv2", WebACL$, "The web ACL with its rules (GetWebACL).")),
      apiGatewayResourceArns: f.optional(f.array(f.string(), "API Gateway stages the web ACL protects.")),
      appSyncResourceArns: f.optional(f.array(f.string(), "AppSync APIs the web ACL protects.")),
      loggingConfiguration: f.optional(
        f.nullable(
          f.sdk<LoggingConfiguration>("wafv2", LoggingConfiguration$),
          "The web ACL's logging configuration; null when it has none.",
        ),
      ),
    },
    {
      loggingEnabled: f.nullable(f.boolean("The web ACL logs to some destination; null when logging was not read.")),
    },
  ),
  "aws.cloudtrail.trail": resourceFacts(
    {
      trail: f.sdk<Trail>("cloudtrail", Trail$, "The trail as DescribeTrails lists it."),
      status: f.optional({ ...trailStatus, description: "The trail's status (GetTrailStatus)." }),
      eventSelectors: f.optional({ ...eventSelectors, description: "The trail's event selectors (GetEventSelectors)." }),
    },
    {},
  ),
  "aws.cloudtrail.region": resourceFacts(
    {
      trails: f.optional(f.array(f.sdk<Trail>("cloudtrail", Trail$), "Every trail that applies in the region.")),
      trailStatus: f.optional(f.record(trailStatus, "Status of each trail, by trail ARN.")),
      eventSelectors: f.optional(f.record(eventSelectors, "Event selectors of each trail, by trail ARN.")),
    },
    {
      trailCoverage: f.object(
        {
          covered: nullBool(
            "A logging multi-region trail records read and write management events without exclusions; null when it cannot be told.",
          ),
          coveringTrails: f.array(f.string(), "ARNs of the trails that cover the region."),
          unknownTrails: f.array(f.string(), "Multi-region trails whose status or selectors could not be read."),
          trails: f.optional(
            f.array(
              f.object({
                arn: f.string("Trail ARN."),
                multiRegion: f.boolean("A multi-region trail."),
                organization: f.boolean("An organisation trail."),
                homeRegion: f.nullable(f.string("The trail's home region.")),
                logging: nullBool("The trail is logging; null when its status was not read."),
                managementRead: nullBool("Read management events are recorded; null when the selectors were not read."),
                managementWrite: nullBool("Write management events are recorded."),
                excludedSources: f.nullable(f.array(f.string()), "Management event sources excluded."),
              }),
              "Each trail's facts.",
            ),
          ),
        },
        "CloudTrail coverage of the region.",
      ),
    },
  ),
  "aws.config.region": resourceFacts(
    {
      configurationRecorders: f.optional(
        f.array(f.sdk<ConfigurationRecorder>("config", ConfigurationRecorder$), "The region's configuration recorders."),
      ),
      configurationRecordersStatus: f.optional(
        f.array(f.sdk<ConfigurationRecorderStatus>("config", ConfigurationRecorderStatus$), "The recorders' status."),
      ),
      deliveryChannels: f.optional(
        f.array(f.sdk<DeliveryChannel>("config", DeliveryChannel$), "The region's delivery channels."),
      ),
      deliveryChannelsStatus: f.optional(
        f.array(f.sdk<DeliveryChannelStatus>("config", DeliveryChannelStatus$), "The delivery channels' status."),
      ),
    },
    {
      configStatus: f.object(
        {
          enabled: nullBool("Recording with a healthy delivery channel; null when some part could not be read."),
          recorderPresent: nullBool("A configuration recorder exists."),
          recording: nullBool("The recorder is recording."),
          lastStatus: f.nullable(f.string("The recorder's last status.")),
          lastErrorCode: f.nullable(f.string("The recorder's last error code.")),
          allSupported: nullBool("The recorder records all supported resource types."),
          includeGlobalResourceTypes: nullBool("The recorder includes global resource types."),
          deliveryChannelPresent: nullBool("A delivery channel exists."),
          deliveryHealthy: nullBool("No delivery channel reports a failed delivery."),
        },
        "AWS Config's state in the region.",
      ),
    },
  ),
};
