import type { ResourceTypeTable } from "./types.js";

/** WAF's resource types. */
export const WAFV2_SOURCES = {
  "aws.wafv2.webacl": {
    service: "wafv2",
    regional: true,
    listedBy: { "wafv2:ListWebACLs": "scope" },
    feeds: {
      "wafv2:GetWebACL": { paths: ["/raw/webAcl"] },
      "wafv2:ListResourcesForWebACL": { paths: ["/raw/apiGatewayResourceArns", "/raw/appSyncResourceArns"] },
      "wafv2:ListLoggingConfigurations": { paths: ["/raw/loggingConfiguration", "/derived/loggingEnabled"] },
    },
  },
} satisfies ResourceTypeTable;
