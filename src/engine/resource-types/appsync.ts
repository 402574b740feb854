import type { ResourceTypeTable } from "./types.js";
import { obj, wafAssociationFeeds } from "./shared.js";

/** AppSync's resource types. */
export const APPSYNC_SOURCES = {
  "aws.appsync.graphqlapi": {
    service: "appsync",
    regional: true,
    listedBy: { "appsync:ListGraphqlApis": "scope" },
    feeds: {
      "appsync:ListApiKeys": { paths: ["/raw/apiKeys", "/derived/keyValidity"] },
      "appsync:ListDataSources": { paths: ["/raw/dataSources"] },
      // An API that names its web ACL proves the association; otherwise only WAF's listings can.
      ...wafAssociationFeeds((r) => obj(r.raw["graphqlApi"])?.["wafWebAclArn"]),
    },
  },
} satisfies ResourceTypeTable;
