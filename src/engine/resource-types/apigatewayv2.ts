import type { ResourceTypeTable } from "./types.js";
import { accountThrottling, DOMAIN_LISTINGS, functionListing } from "./shared.js";

/** API Gateway v2 (HTTP and WebSocket APIs)'s resource types. */
export const APIGATEWAYV2_SOURCES = {
  "aws.apigatewayv2.api": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetApis": "scope" },
    feeds: {
      "apigatewayv2:GetAuthorizers": { paths: ["/raw/authorizers"] },
      "apigatewayv2:GetIntegrations": { paths: ["/raw/integrations"] },
      "apigatewayv2:GetRoutes": { paths: ["/derived/authorizedRoutes"] },
      ...DOMAIN_LISTINGS,
    },
  },
  "aws.apigatewayv2.stage": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetApis": "scope", "apigatewayv2:GetStages": "parent" },
    feeds: {},
  },
  "aws.apigatewayv2.route": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetApis": "scope", "apigatewayv2:GetRoutes": "parent" },
    feeds: {
      "apigatewayv2:GetAuthorizers": { paths: ["/derived/authorizer"] },
      "apigatewayv2:GetIntegrations": { paths: ["/raw/integration", "/derived/integrationBackend"] },
      "apigatewayv2:GetStages": { paths: ["/derived/throttling"] },
      "apigateway:GetAccount": accountThrottling("/derived/throttling"),
      "lambda:ListFunctions": functionListing,
    },
  },
  "aws.apigatewayv2.domain": {
    service: "apigatewayv2",
    regional: true,
    listedBy: { "apigatewayv2:GetDomainNames": "scope" },
    feeds: {
      "apigatewayv2:GetApiMappings": { paths: ["/raw/apiMappings"] },
    },
  },
} satisfies ResourceTypeTable;
