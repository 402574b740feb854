import type { Api, DomainName, Integration, Route, Stage } from "@aws-sdk/client-apigatewayv2";
import type * as Apigatewayv2Sdk from "@aws-sdk/client-apigatewayv2";
import { domainArn, httpApiArn } from "../aws/arns.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const {
  ApiGatewayV2Client,
  GetApiMappingsCommand,
  GetApisCommand,
  GetAuthorizersCommand,
  GetDomainNamesCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  GetStagesCommand,
} = requireSdk("@aws-sdk/client-apigatewayv2") as typeof Apigatewayv2Sdk;
type ApiGatewayV2Client = InstanceType<typeof ApiGatewayV2Client>;

// Inventory name; the client still signs as `apigateway` (the SigV4 service both API Gateway APIs share).
const SERVICE = "apigatewayv2";
const MAX_RESULTS = 500;

/** What every step of one region's collection shares: the unit, its client, where failures go, page size. */
interface Calls {
  ctx: UnitContext;
  client: ApiGatewayV2Client;
  errors: CollectionError[];
  where: ReturnType<typeof callSite>;
  listing: ReturnType<typeof listingOf>;
  /** MaxResults is a string in the v2 API. */
  MaxResults: string;
  /** The fields every resource of the unit has. */
  base: Pick<Resource, "account" | "region" | "derived">;
}

/** One NextToken listing, every page, its failure recorded against `resourceArn` when given. */
function listAll<P extends object, T>(
  c: Calls,
  call: { operation: string; resourceArn?: string },
  send: (NextToken: string | undefined) => Promise<P>,
  items: (p: P) => T[] | undefined,
): Promise<T[] | undefined> {
  return attempt(c.errors, c.where(call.operation, call.resourceArn), () => tokenLoop(c.listing(call.operation), send, items));
}

/**
 * Collects API Gateway v2 (HTTP and WebSocket) APIs in one region: APIs, stages, routes, authorizers,
 * integrations, custom domains and API mappings. The v2 SDK has no paginators, so each list is a manual
 * NextToken loop.
 */
export async function collectApiGatewayV2(ctx: UnitContext): Promise<UnitResult> {
  const { account, region } = ctx;
  const errors: CollectionError[] = [];
  const client = createClient(ApiGatewayV2Client, ctx, SERVICE, region);
  const MaxResults = String(Math.min(ctx.options.regionalPageSize, MAX_RESULTS));
  const c: Calls = {
    ctx,
    client,
    errors,
    where: callSite(ctx, SERVICE),
    listing: listingOf(ctx, SERVICE),
    MaxResults,
    base: { account, region, derived: {} },
  };
  try {
    const [apis, domains] = await Promise.all([
      listAll(
        c,
        { operation: "GetApis" },
        (NextToken) => client.send(new GetApisCommand({ MaxResults, NextToken })),
        (p) => p.Items,
      ),
      listAll(
        c,
        { operation: "GetDomainNames" },
        (NextToken) => client.send(new GetDomainNamesCommand({ MaxResults, NextToken })),
        (p) => p.Items,
      ),
    ]);
    const resources: Resource[] = [];
    for (const r of await Promise.all((apis ?? []).map((a) => limited(ctx, SERVICE, () => collectApi(c, a)))))
      resources.push(...r);
    resources.push(...(await Promise.all((domains ?? []).map((d) => limited(ctx, SERVICE, () => collectDomain(c, d))))));
    return { resources, errors };
  } finally {
    client.destroy();
  }
}

/** One API's listings (stages, routes, authorizers, integrations, every page) and its resources. */
async function collectApi(c: Calls, api: Api): Promise<Resource[]> {
  const ApiId = api.ApiId ?? "";
  const apiArn = httpApiArn(c.ctx.partition, c.ctx.region, ApiId);
  const { client, MaxResults } = c;
  const on = (operation: string) => ({ operation, resourceArn: apiArn });
  const [stages, routes, authorizers, integrations] = await Promise.all([
    listAll(
      c,
      on("GetStages"),
      (NextToken) => client.send(new GetStagesCommand({ ApiId, MaxResults, NextToken })),
      (p) => p.Items,
    ),
    listAll(
      c,
      on("GetRoutes"),
      (NextToken) => client.send(new GetRoutesCommand({ ApiId, MaxResults, NextToken })),
      (p) => p.Items,
    ),
    listAll(
      c,
      on("GetAuthorizers"),
      (NextToken) => client.send(new GetAuthorizersCommand({ ApiId, MaxResults, NextToken })),
      (p) => p.Items,
    ),
    listAll(
      c,
      on("GetIntegrations"),
      (NextToken) => client.send(new GetIntegrationsCommand({ ApiId, MaxResults, NextToken })),
      (p) => p.Items,
    ),
  ]);
  const apiName = api.Name ?? ApiId;
  const apiResource: Resource = {
    ...c.base,
    type: "aws.apigatewayv2.api",
    arn: apiArn,
    name: apiName,
    raw: {
      api: toJson(api),
      ...(authorizers ? { authorizers: toJson(authorizers) } : {}),
      ...(integrations ? { integrations: toJson(integrations) } : {}),
    },
  };
  const of = { api, apiArn, apiName };
  return [apiResource, ...stageResources(c, of, stages ?? []), ...routeResources(c, of, { routes: routes ?? [], integrations })];
}

/** The API a stage or route belongs to, as its resources name it. */
interface ApiOf {
  api: Api;
  apiArn: string;
  apiName: string;
}

/** One resource per stage. */
function stageResources(c: Calls, { api, apiArn, apiName }: ApiOf, stages: Stage[]): Resource[] {
  return stages.map((s) => ({
    ...c.base,
    type: "aws.apigatewayv2.stage",
    arn: `${apiArn}/stages/${s.StageName ?? ""}`,
    name: `${apiName}/${s.StageName ?? ""}`,
    raw: { stage: toJson(s), apiId: api.ApiId ?? "", apiName, protocolType: api.ProtocolType ?? "" },
  }));
}

/**
 * One resource per route. Each route carries the integration its Target names (`integrations/<id>`), as a REST
 * method carries its methodIntegration, so a route's backend is judged on the route itself.
 */
function routeResources(
  c: Calls,
  { api, apiArn, apiName }: ApiOf,
  listed: { routes: Route[]; integrations: Integration[] | undefined },
): Resource[] {
  const integrationById = new Map((listed.integrations ?? []).map((i) => [i.IntegrationId ?? "", i]));
  return listed.routes.map((r) => {
    const target = /^integrations\/(.+)$/.exec(r.Target ?? "")?.[1];
    const integration = target !== undefined ? integrationById.get(target) : undefined;
    return {
      ...c.base,
      type: "aws.apigatewayv2.route",
      arn: `${apiArn}/routes/${r.RouteId ?? ""}`,
      name: `${apiName} ${r.RouteKey ?? ""}`,
      raw: {
        route: toJson(r),
        apiId: api.ApiId ?? "",
        apiName,
        protocolType: api.ProtocolType ?? "",
        ...(integration ? { integration: toJson(integration) } : {}),
      },
    };
  });
}

/** A custom domain with its API mappings (GetApiMappings, every page). */
async function collectDomain(c: Calls, d: DomainName): Promise<Resource> {
  const DomainName = d.DomainName ?? "";
  const arn = domainArn(c.ctx.partition, c.ctx.region, DomainName);
  const { client, MaxResults } = c;
  const mappings = await listAll(
    c,
    { operation: "GetApiMappings", resourceArn: arn },
    (NextToken) => client.send(new GetApiMappingsCommand({ DomainName, MaxResults, NextToken })),
    (p) => p.Items,
  );
  return {
    ...c.base,
    type: "aws.apigatewayv2.domain",
    arn,
    name: DomainName,
    raw: { domainName: toJson(d), ...(mappings ? { apiMappings: toJson(mappings) } : {}) },
  };
}
