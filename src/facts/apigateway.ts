/** Facts of API Gateway REST APIs (v1): account settings, APIs, methods, stages and custom domains. */
import type {
  Account,
  Authorizer,
  BasePathMapping,
  DomainName,
  GatewayResponse,
  Method,
  RestApi,
  Stage,
  UsagePlan,
} from "@aws-sdk/client-api-gateway";
import type * as ApiGatewaySdk from "@aws-sdk/client-api-gateway";
import { f, resourceFacts, type ObjectOf } from "./define.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { Account$, Authorizer$, BasePathMapping$, DomainName$, GatewayResponse$, Method$, RestApi$, Stage$, UsagePlan$ } =
  requireSdk("@aws-sdk/client-api-gateway") as typeof ApiGatewaySdk;

const SOURCE = ["method", "route", "stage", "account"] as const;

/** Effective throttling of a method (or v2 route) in one stage, each limit with the level it comes from. */
export const throttleLimits = {
  stage: f.string("Stage name."),
  burstLimit: f.nullable(f.number("Effective burst limit; null when the level it falls back to was not read.")),
  burstSource: f.enum(
    SOURCE,
    "Level the burst limit comes from: method/route, stage, else the account (whose value may not be known).",
  ),
  rateLimit: f.nullable(f.number("Effective rate limit (requests per second); null when not read.")),
  rateSource: f.enum(SOURCE, "Level the rate limit comes from."),
};
/** Effective throttling of a method or route in one stage. */
export type ThrottleLimits = ObjectOf<typeof throttleLimits>;

/** The authorizer a method or route names, joined from the API's authorizers. */
export const authorizerFacts = (v2: boolean) =>
  f.nullable(
    f.object({
      id: f.string("Authorizer id the method/route names."),
      found: f.boolean("The API lists an authorizer with that id."),
      name: f.optional(f.nullable(f.json("Authorizer name."))),
      type: f.optional(f.nullable(f.json(v2 ? "JWT or REQUEST." : "TOKEN, REQUEST or COGNITO_USER_POOLS."))),
      identitySource: f.optional(f.nullable(f.json("Where the caller's identity is read from."))),
      resultTtlSeconds: f.optional(f.nullable(f.json("How long an authorization result is cached."))),
      ...(v2
        ? {
            jwtIssuer: f.optional(f.nullable(f.json("JWT issuer URL."))),
            jwtAudience: f.optional(f.nullable(f.json("Accepted JWT audiences."))),
          }
        : { providerARNs: f.optional(f.nullable(f.json("Cognito user pools of a COGNITO_USER_POOLS authorizer."))) }),
    }),
    "The authorizer the method/route names; null when it names none or the API's authorizers were not read.",
  );

/** The backend a REST method's or v2 route's integration calls: a plain-HTTP URL, a Lambda function. */
export const integrationBackend = f.nullable(
  f.object({
    httpUrl: f.nullable(
      f.string(
        "URL an HTTP or HTTP_PROXY integration calls over the internet; null for other integrations (Lambda, AWS service, mock, VPC link).",
      ),
    ),
    plainHttp: f.nullable(
      f.boolean("httpUrl uses http:// (no TLS); null when there is no httpUrl or a stage variable gives its scheme."),
    ),
    functionArn: f.nullable(
      f.string(
        "The Lambda function an AWS or AWS_PROXY integration invokes (unqualified ARN); null when none, or when a stage variable names it.",
      ),
    ),
    functionScanned: f.boolean("The function's account and region were part of the scan."),
    functionExists: f.nullable(
      f.boolean(
        "The Lambda listing of the function's account and region returned it; null when that listing failed or was not made, or the function is outside the scan.",
      ),
    ),
  }),
  "The integration's backend; null when the integration could not be read.",
);

/** Where CORS headers are returned in a risky way, from one source. */
const corsLists = {
  wildcardOnAuthorized: f.array(f.string(), "Responses returning a literal `*` origin on a path with an authorised method."),
  wildcardOrigin: f.array(f.string(), "Responses returning a literal `*` origin."),
  credentialsWithOpenOrigin: f.array(
    f.string(),
    "Responses where `Access-Control-Allow-Credentials: true` meets a `*` or per-request (possibly reflected) origin.",
  ),
};

export const customDomains = f.nullable(
  f.array(f.string()),
  "Custom domain names mapping the API (either API Gateway version); null when a domain listing failed.",
);

export const apigatewayFacts = {
  "aws.apigateway.account": resourceFacts(
    {
      account: f.optional(f.sdk<Account>("apigateway", Account$, "The region's API Gateway account settings (GetAccount).")),
      usagePlans: f.optional(f.array(f.sdk<UsagePlan>("apigateway", UsagePlan$), "The region's usage plans.")),
    },
    {},
  ),
  "aws.apigateway.restapi": resourceFacts(
    {
      restApi: f.sdk<RestApi>("apigateway", RestApi$, "The API as GetRestApis lists it."),
      authorizers: f.optional(f.array(f.sdk<Authorizer>("apigateway", Authorizer$), "The API's authorizers.")),
      gatewayResponses: f.optional(
        f.array(f.sdk<GatewayResponse>("apigateway", GatewayResponse$), "The API's gateway responses."),
      ),
      resourcePaths: f.optional(f.array(f.string(), "Paths of the API's resources (GetResources).")),
    },
    {
      cors: f.object(
        {
          anyAuthorized: f.nullable(
            f.boolean("Some method (other than OPTIONS) requires authorisation; null when the methods were not read."),
          ),
          methods: f.nullable(f.object(corsLists), "From the methods' integration responses; null when they were not read."),
          gatewayResponses: f.nullable(
            f.object({
              ...corsLists,
              wildcardOnAuthorized: f.nullable(
                corsLists.wildcardOnAuthorized,
                "Responses returning a literal `*` origin when some method is authorised (gateway responses apply to every path); null when the methods were not read.",
              ),
            }),
            "From the gateway responses; null when they were not read.",
          ),
          wildcardOnAuthorized: f.nullable(f.array(f.string()), "Both sources joined; null when either was not read."),
          wildcardOrigin: f.nullable(f.array(f.string()), "Both sources joined; null when either was not read."),
          credentialsWithOpenOrigin: f.nullable(f.array(f.string()), "Both sources joined; null when either was not read."),
        },
        "CORS facts of the API, per source (what one proves stands when the other was not read) and joined.",
      ),
      resourcePolicy: f.nullable(
        f.object({
          present: f.boolean("The API has a resource policy."),
          publicAllows: f.array(f.string(), "Allow statements open to every principal with no restricting condition."),
          vpcRestricted: f.boolean("Every Allow is limited to aws:SourceVpce/aws:SourceVpc."),
        }),
        "Facts of the API's resource policy; null when it cannot be parsed.",
      ),
      apiKeyUsage: f.nullable(
        f.object({
          required: f.boolean("Some method requires an API key."),
          usagePlans: f.array(f.string(), "Usage plans covering the API."),
          plansWithoutLimits: f.array(f.string(), "Covering plans lacking a quota or throttle."),
        }),
        "API keys and usage plans; null when the methods or (keys being required) the usage plans were not read.",
      ),
      customDomains,
    },
  ),
  "aws.apigateway.method": resourceFacts(
    {
      method: f.sdk<Method>("apigateway", Method$, "The method (GetResources with embedded methods)."),
      httpMethod: f.string("HTTP verb."),
      resourcePath: f.string("Path of the method's resource."),
      resourceId: f.string("Id of the method's resource."),
      restApiId: f.string("Id of the API."),
      restApiName: f.string("Name of the API."),
    },
    {
      methodKey: f.string("`resourcePath VERB`, the form allow-lists use."),
      authorizer: authorizerFacts(false),
      throttling: f.array(f.object(throttleLimits), "Effective throttling of the method in each stage of its API."),
      integrationBackend,
    },
  ),
  "aws.apigateway.stage": resourceFacts(
    {
      stage: f.sdk<Stage>("apigateway", Stage$, "The stage (GetStages); variable values that look secret are redacted."),
      restApiId: f.string("Id of the API."),
      restApiName: f.string("Name of the API."),
    },
    {
      secretVariables: f.array(f.string(), "Names (never values) of stage variables that look like secrets."),
      throttling: f.nullable(
        f.object({
          methods: f.array(f.object({ method: f.string("`resourcePath VERB`."), ...throttleLimits })),
          unthrottled: f.array(f.string(), "Methods with no explicit (method or stage) rate and burst limit."),
        }),
        "Throttling of every method of the API in this stage; null when the methods were not read.",
      ),
      webAcl: f.object(
        {
          arn: f.nullable(f.string("ARN of the associated web ACL, or null.")),
          reportedByStage: f.boolean("The stage names the web ACL."),
          reportedByWaf: f.boolean("WAF lists the stage among the web ACL's resources."),
          wafListingCollected: f.boolean("WAF's association listing of the region was read."),
        },
        "The stage's web ACL, from the stage and from WAF's listing.",
      ),
      wafAssociated: f.boolean("A web ACL is associated."),
    },
  ),
  "aws.apigateway.domain": resourceFacts(
    {
      domainName: f.sdk<DomainName>("apigateway", DomainName$, "The custom domain (GetDomainNames)."),
      basePathMappings: f.optional(
        f.array(f.sdk<BasePathMapping>("apigateway", BasePathMapping$), "The domain's base path mappings."),
      ),
    },
    {},
  ),
};
