/** Facts of API Gateway HTTP and WebSocket APIs (v2): APIs, stages, routes and custom domains. */
import type { Api, ApiMapping, Authorizer, DomainName, Integration, Route, Stage } from "@aws-sdk/client-apigatewayv2";
import type * as Apigatewayv2Sdk from "@aws-sdk/client-apigatewayv2";
import { authorizerFacts, customDomains, integrationBackend, throttleLimits } from "./apigateway.js";
import { f, resourceFacts } from "./define.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { Api$, ApiMapping$, Authorizer$, DomainName$, Integration$, Route$, Stage$ } = requireSdk(
  "@aws-sdk/client-apigatewayv2",
) as typeof Apigatewayv2Sdk;

const integration = f.sdk<Integration>("apigatewayv2", Integration$);
const parent = {
  apiId: f.string("Id of the API."),
  apiName: f.string("Name of the API."),
  protocolType: f.string("HTTP or WEBSOCKET."),
};

export const apigatewayv2Facts = {
  "aws.apigatewayv2.api": resourceFacts(
    {
      api: f.sdk<Api>("apigatewayv2", Api$, "The API as GetApis lists it."),
      authorizers: f.optional(f.array(f.sdk<Authorizer>("apigatewayv2", Authorizer$), "The API's authorizers.")),
      integrations: f.optional(f.array(integration, "The API's integrations.")),
    },
    {
      authorizedRoutes: f.nullable(
        f.array(f.string()),
        "Route keys with an authorization type other than NONE; null when the routes were not read.",
      ),
      customDomains,
    },
  ),
  "aws.apigatewayv2.stage": resourceFacts(
    {
      stage: f.sdk<Stage>("apigatewayv2", Stage$, "The stage (GetStages); variable values that look secret are redacted."),
      ...parent,
    },
    { secretVariables: f.array(f.string(), "Names (never values) of stage variables that look like secrets.") },
  ),
  "aws.apigatewayv2.route": resourceFacts(
    {
      route: f.sdk<Route>("apigatewayv2", Route$, "The route (GetRoutes)."),
      ...parent,
      integration: f.optional({ ...integration, description: "The integration the route's Target names." }),
    },
    {
      authorizer: authorizerFacts(true),
      throttling: f.array(f.object(throttleLimits), "Effective throttling of the route in each stage of its API."),
      integrationBackend,
    },
  ),
  "aws.apigatewayv2.domain": resourceFacts(
    {
      domainName: f.sdk<DomainName>("apigatewayv2", DomainName$, "The custom domain (GetDomainNames)."),
      apiMappings: f.optional(f.array(f.sdk<ApiMapping>("apigatewayv2", ApiMapping$), "The domain's API mappings.")),
    },
    {},
  ),
};
