import type { DomainName, Resource as ApiResource, RestApi, Stage } from "@aws-sdk/client-api-gateway";
import type * as ApiGatewaySdk from "@aws-sdk/client-api-gateway";
import { apiGatewayAccountArn, domainArn, restApiArn, restMethodArn, restStageArn } from "../aws/arns.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { drain, tokenLoop } from "./paging.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const {
  APIGatewayClient,
  GetAccountCommand,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetStagesCommand,
  paginateGetBasePathMappings,
  paginateGetDomainNames,
  paginateGetResources,
  paginateGetRestApis,
  paginateGetUsagePlans,
} = requireSdk("@aws-sdk/client-api-gateway") as typeof ApiGatewaySdk;
type APIGatewayClient = InstanceType<typeof APIGatewayClient>;

const SERVICE = "apigateway";
/** API Gateway v1 accepts `limit` up to 500. */
const MAX_LIMIT = 500;

/** What every step of one region's collection shares: the unit, its client, where failures go, page size. */
interface Calls {
  ctx: UnitContext;
  client: APIGatewayClient;
  errors: CollectionError[];
  where: ReturnType<typeof callSite>;
  list: ReturnType<typeof listingOf>;
  pageSize: number;
  /** The fields every resource of the unit has. */
  base: Pick<Resource, "account" | "region" | "derived">;
}

/**
 * Collects API Gateway REST APIs in one region: APIs, every method (one GetResources call per API with
 * embed=methods, never a call per method), stages, authorizers, gateway responses, usage plans, custom
 * domains with their base path mappings, and the region's account settings.
 */
export async function collectApiGateway(ctx: UnitContext): Promise<UnitResult> {
  const { account, region } = ctx;
  const errors: CollectionError[] = [];
  const client = createClient(APIGatewayClient, ctx, SERVICE, region);
  const c: Calls = {
    ctx,
    client,
    errors,
    where: callSite(ctx, SERVICE),
    list: listingOf(ctx, SERVICE),
    pageSize: Math.min(ctx.options.regionalPageSize, MAX_LIMIT),
    base: { account, region, derived: {} },
  };
  try {
    const [apis, usagePlans, domains, settings] = await Promise.all([
      restApis(c),
      usagePlansOf(c),
      domainNames(c),
      attempt(errors, c.where("GetAccount"), () => client.send(new GetAccountCommand({}))),
    ]);
    const resources: Resource[] = [
      {
        ...c.base,
        type: "aws.apigateway.account",
        arn: apiGatewayAccountArn(ctx.partition, region),
        name: `API Gateway account settings ${region}`,
        // Keys are present only for calls that succeeded, so rules can require them.
        raw: {
          ...(settings ? { account: toJson(settings) } : {}),
          ...(usagePlans ? { usagePlans: toJson(usagePlans) } : {}),
        },
      },
    ];
    const perApi = await Promise.all((apis ?? []).map((api) => limited(ctx, SERVICE, () => collectApi(c, api))));
    for (const r of perApi) resources.push(...r);
    const perDomain = await Promise.all((domains ?? []).map((d) => limited(ctx, SERVICE, () => collectDomain(c, d))));
    resources.push(...perDomain);
    return { resources, errors };
  } finally {
    client.destroy();
  }
}

/** GetRestApis, every page. */
function restApis(c: Calls): Promise<RestApi[] | undefined> {
  const { client, pageSize } = c;
  return attempt(c.errors, c.where("GetRestApis"), () =>
    drain(c.list("GetRestApis"), paginateGetRestApis({ client, pageSize }, {}), (p) => p.items),
  );
}

/** GetUsagePlans, every page. */
function usagePlansOf(c: Calls) {
  const { client, pageSize } = c;
  return attempt(c.errors, c.where("GetUsagePlans"), () =>
    drain(c.list("GetUsagePlans"), paginateGetUsagePlans({ client, pageSize }, {}), (p) => p.items),
  );
}

/** GetDomainNames, every page. */
function domainNames(c: Calls): Promise<DomainName[] | undefined> {
  const { client, pageSize } = c;
  return attempt(c.errors, c.where("GetDomainNames"), () =>
    drain(c.list("GetDomainNames"), paginateGetDomainNames({ client, pageSize }, {}), (p) => p.items),
  );
}

/** One REST API's listings: its resources with their methods, stages, authorizers and gateway responses. */
async function collectApi(c: Calls, api: RestApi): Promise<Resource[]> {
  const id = api.id ?? "";
  const apiArn = restApiArn(c.ctx.partition, c.ctx.region, id);
  const [resources, stages, authorizers, gatewayResponses] = await Promise.all([
    apiResources(c, id, apiArn),
    attempt(
      c.errors,
      c.where("GetStages", apiArn),
      async () => (await c.client.send(new GetStagesCommand({ restApiId: id }))).item,
    ),
    attempt(c.errors, c.where("GetAuthorizers", apiArn), () =>
      tokenLoop(
        c.list("GetAuthorizers"),
        (position) => c.client.send(new GetAuthorizersCommand({ restApiId: id, limit: c.pageSize, position })),
        (p) => p.items,
      ),
    ),
    attempt(c.errors, c.where("GetGatewayResponses", apiArn), () =>
      tokenLoop(
        c.list("GetGatewayResponses"),
        (position) => c.client.send(new GetGatewayResponsesCommand({ restApiId: id, limit: c.pageSize, position })),
        (p) => p.items,
      ),
    ),
  ]);
  const restApi: Resource = {
    ...c.base,
    type: "aws.apigateway.restapi",
    arn: apiArn,
    name: api.name ?? id,
    raw: {
      restApi: toJson(api),
      ...(authorizers ? { authorizers: toJson(authorizers) } : {}),
      ...(gatewayResponses ? { gatewayResponses: toJson(gatewayResponses) } : {}),
      ...(resources ? { resourcePaths: resources.map((r) => r.path ?? "") } : {}),
    },
  };
  return [restApi, ...stageResources(c, api, stages ?? []), ...methodResources(c, api, resources ?? [])];
}

/** GetResources with embed=methods, every page: the API's paths and their methods in one listing. */
function apiResources(c: Calls, restApiId: string, apiArn: string): Promise<ApiResource[] | undefined> {
  const { client, pageSize } = c;
  return attempt(c.errors, c.where("GetResources", apiArn), () =>
    drain(c.list("GetResources"), paginateGetResources({ client, pageSize }, { restApiId, embed: ["methods"] }), (p) => p.items),
  );
}

/** One resource per stage of `api`. */
function stageResources(c: Calls, api: RestApi, stages: Stage[]): Resource[] {
  const id = api.id ?? "";
  return stages.map((s) => {
    const stageName = s.stageName ?? "";
    return {
      ...c.base,
      type: "aws.apigateway.stage",
      arn: restStageArn(c.ctx.partition, c.ctx.region, id, stageName),
      name: `${api.name ?? id}/${stageName}`,
      raw: { stage: toJson(s), restApiId: id, restApiName: api.name ?? id },
    };
  });
}

/** One resource per method of each of `api`'s paths. */
function methodResources(c: Calls, api: RestApi, resources: ApiResource[]): Resource[] {
  const id = api.id ?? "";
  const { partition, region } = c.ctx;
  return resources.flatMap((r) =>
    Object.entries(r.resourceMethods ?? {}).map(([verb, method]): Resource => ({
      ...c.base,
      type: "aws.apigateway.method",
      arn: restMethodArn({ partition, region, apiId: id, resourceId: r.id ?? "", verb }),
      name: `${api.name ?? id} ${verb} ${r.path ?? ""}`,
      raw: {
        method: toJson(method),
        httpMethod: verb,
        resourcePath: r.path ?? "",
        resourceId: r.id ?? "",
        restApiId: id,
        restApiName: api.name ?? id,
      },
    })),
  );
}

/** A custom domain with its base path mappings (GetBasePathMappings, every page). */
async function collectDomain(c: Calls, d: DomainName): Promise<Resource> {
  const name = d.domainName ?? "";
  const arn = domainArn(c.ctx.partition, c.ctx.region, name);
  const { client, pageSize } = c;
  const mappings = await attempt(c.errors, c.where("GetBasePathMappings", arn), () =>
    drain(c.list("GetBasePathMappings"), paginateGetBasePathMappings({ client, pageSize }, { domainName: name }), (p) => p.items),
  );
  return {
    ...c.base,
    type: "aws.apigateway.domain",
    arn,
    name,
    raw: { domainName: toJson(d), ...(mappings ? { basePathMappings: toJson(mappings) } : {}) },
  };
}
