import type { ResourceTypeTable } from "./types.js";
import { accountThrottling, DOMAIN_LISTINGS, functionListing, obj, wafAssociationFeeds } from "./shared.js";

/** API Gateway (REST APIs)'s resource types. */
export const APIGATEWAY_SOURCES = {
  "aws.apigateway.account": {
    service: "apigateway",
    regional: true,
    listedBy: {},
    feeds: {
      "apigateway:GetAccount": { paths: ["/raw/account"] },
      "apigateway:GetUsagePlans": { paths: ["/raw/usagePlans"] },
    },
  },
  "aws.apigateway.restapi": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetRestApis": "scope" },
    feeds: {
      // What the gateway responses show stands without the methods, except whether it is on an authorised API.
      "apigateway:GetResources": {
        paths: [
          "/raw/resourcePaths",
          "/derived/cors/anyAuthorized",
          "/derived/cors/methods",
          "/derived/cors/gatewayResponses/wildcardOnAuthorized",
          "/derived/cors/wildcardOnAuthorized",
          "/derived/cors/wildcardOrigin",
          "/derived/cors/credentialsWithOpenOrigin",
          "/derived/apiKeyUsage",
        ],
      },
      "apigateway:GetAuthorizers": { paths: ["/raw/authorizers"] },
      "apigateway:GetGatewayResponses": {
        paths: [
          "/raw/gatewayResponses",
          "/derived/cors/gatewayResponses",
          "/derived/cors/wildcardOnAuthorized",
          "/derived/cors/wildcardOrigin",
          "/derived/cors/credentialsWithOpenOrigin",
        ],
      },
      // Usage plans only matter for the plans covering an API that requires keys.
      "apigateway:GetUsagePlans": {
        paths: ["/derived/apiKeyUsage"],
        attach: "scope",
        select: (r) =>
          obj(r.derived["apiKeyUsage"])
            ? ["/derived/apiKeyUsage/usagePlans", "/derived/apiKeyUsage/plansWithoutLimits"]
            : ["/derived/apiKeyUsage"],
      },
      ...DOMAIN_LISTINGS,
    },
  },
  "aws.apigateway.method": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetRestApis": "scope", "apigateway:GetResources": "parent" },
    feeds: {
      "apigateway:GetAuthorizers": { paths: ["/derived/authorizer"] },
      "apigateway:GetStages": { paths: ["/derived/throttling"] },
      "apigateway:GetAccount": accountThrottling("/derived/throttling"),
      "lambda:ListFunctions": functionListing,
    },
  },
  "aws.apigateway.stage": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetRestApis": "scope", "apigateway:GetStages": "parent" },
    feeds: {
      "apigateway:GetResources": { paths: ["/derived/throttling"] },
      "apigateway:GetAccount": accountThrottling("/derived/throttling/methods"),
      // A stage that names its web ACL proves the association; otherwise only WAF's listings can.
      ...wafAssociationFeeds((r) => obj(r.raw["stage"])?.["webAclArn"]),
    },
  },
  "aws.apigateway.domain": {
    service: "apigateway",
    regional: true,
    listedBy: { "apigateway:GetDomainNames": "scope" },
    feeds: {
      "apigateway:GetBasePathMappings": { paths: ["/raw/basePathMappings"] },
    },
  },
} satisfies ResourceTypeTable;
