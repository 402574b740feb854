import type { ResourceTypeTable } from "./types.js";

/** Lambda's resource types. */
export const LAMBDA_SOURCES = {
  // Per-resource failures (a function's GetPolicy, a pool's clients) carry the resource's ARN.
  "aws.lambda.function": {
    service: "lambda",
    regional: true,
    listedBy: { "lambda:ListFunctions": "scope" },
    feeds: {
      // One GetPolicy failure (the function's or an alias's) is recorded on the function either way.
      "lambda:GetPolicy": {
        paths: ["/raw/policy", "/raw/aliasPolicies", "/derived/resourcePolicy", "/derived/aliasResourcePolicies"],
      },
      // Alias policies are read for the aliases that have a URL.
      "lambda:ListFunctionUrlConfigs": {
        paths: [
          "/raw/functionUrlConfigs",
          "/raw/aliasPolicies",
          "/derived/publicUrls",
          "/derived/corsCredentialedAnyOrigin",
          "/derived/aliasResourcePolicies",
        ],
      },
    },
  },
} satisfies ResourceTypeTable;
