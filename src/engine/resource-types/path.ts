import type { JsonValue } from "../../model/json.js";
import type { Feed, ResourceTypeTable } from "./types.js";
import { obj } from "./shared.js";

/** The derived facts of an exposure path, all unknown when a call the path depended on failed. */
const PATH_FACTS = [
  "/derived/entry/via",
  "/derived/unfollowed",
  "/derived/reaches",
  "/derived/shielded",
  "/derived/terminals",
  "/derived/nodes",
  "/derived/gaps",
  "/derived/notFollowed",
  "/derived/controls",
  "/derived/exposure",
  "/derived/exposureDetail",
];
const UNFOLLOWED_FACTS = ["/derived/shielded", "/derived/terminals", "/derived/nodes", "/derived/unfollowed"];
/**
 * A failed call concerns an exposure path when the analysis recorded it as a gap of that path (it names the
 * call, account, region and resource): the analysis and the engine then agree on every path it cut.
 */
const pathFeed: Feed = {
  paths: PATH_FACTS,
  attach: "scope",
  select: (r, e) => {
    const op = `${e.service}:${e.operation}`;
    const names = (list: JsonValue | undefined) =>
      (Array.isArray(list) ? list : []).some((g) => {
        const o = obj(g);
        return (
          o?.["operation"] === op &&
          o["account"] === e.account &&
          o["region"] === e.region &&
          (o["resourceArn"] ?? undefined) === e.resourceArn
        );
      });
    if (names(r.derived["gaps"])) return PATH_FACTS;
    // Beyond an IAM-authorised entry: what it would reach is informational, its verdicts do not depend on it.
    return names(r.derived["unfollowed"]) ? UNFOLLOWED_FACTS : [];
  },
};
/** Every call whose failure the path analysis may record as a gap. */
const PATH_SOURCES = [
  "lambda:ListFunctions",
  "lambda:GetPolicy",
  "iam:GetAccountAuthorizationDetails",
  "apigatewayv2:GetIntegrations",
  "apigateway:GetStages",
  "cognito-identity:GetIdentityPoolRoles",
  "cognito-identity:DescribeIdentityPool",
  "appsync:ListDataSources",
];

/** The exposure paths' resource type (derived by the path analysis). */
export const EXPOSURE_SOURCES = {
  // Derived, one per entry point. Global so that failures in any region of the account (IAM's are `global`) reach
  // paths crossing regions; which ones concern a path is what the analysis recorded as its gaps.
  "aws.path.exposure": {
    service: "path",
    regional: false,
    listedBy: {
      "apigateway:GetRestApis": "scope",
      "apigateway:GetResources": "parent",
      "apigatewayv2:GetApis": "scope",
      "apigatewayv2:GetRoutes": "parent",
      "lambda:ListFunctions": "scope",
      "lambda:ListFunctionUrlConfigs": "parent",
      "cognito-identity:ListIdentityPools": "scope",
      "appsync:ListGraphqlApis": "scope",
      ...Object.fromEntries(
        ["apigateway", "apigatewayv2", "lambda", "cognito-identity", "appsync"].map((s) => [`${s}:*`, "scope" as const]),
      ),
    },
    feeds: Object.fromEntries(
      [...PATH_SOURCES, "iam:*", "lambda:*", "apigateway:*", "apigatewayv2:*", "cognito-identity:*"].map((op) => [op, pathFeed]),
    ),
  },
} satisfies ResourceTypeTable;
