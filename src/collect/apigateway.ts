import {
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
  type DomainName,
  type RestApi,
} from "@aws-sdk/client-api-gateway";
import { apiGatewayAccountArn, domainArn, restApiArn, restMethodArn, restStageArn } from "../aws/arns.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { drain, tokenLoop } from "./paging.js";

const SERVICE = "apigateway";
/** API Gateway v1 accepts `limit` up to 500. */
const MAX_LIMIT = 500;

/**
 * Collects API Gateway REST APIs in one region: APIs, every method (one GetResources call per API with
 * embed=methods, never a call per method), stages, authorizers, gateway responses, usage plans, custom
 * domains with their base path mappings, and the region's account settings.
 */
export async function collectApiGateway(ctx: UnitContext): Promise<UnitResult> {
  const { account, region, partition } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const list = listingOf(ctx, SERVICE);
  const pageSize = Math.min(ctx.options.regionalPageSize, MAX_LIMIT);
  const client = createClient(APIGatewayClient, ctx, SERVICE, region);
  const base = { account, region, derived: {} };
  try {
    const [apis, usagePlans, domains, settings] = await Promise.all([
      attempt(errors, where("GetRestApis"), () =>
        drain(list("GetRestApis"), paginateGetRestApis({ client, pageSize }, {}), (p) => p.items),
      ),
      attempt(errors, where("GetUsagePlans"), () =>
        drain(list("GetUsagePlans"), paginateGetUsagePlans({ client, pageSize }, {}), (p) => p.items),
      ),
      attempt(errors, where("GetDomainNames"), () =>
        drain(list("GetDomainNames"), paginateGetDomainNames({ client, pageSize }, {}), (p) => p.items),
      ),
      attempt(errors, where("GetAccount"), () => client.send(new GetAccountCommand({}))),
    ]);
    const resources: Resource[] = [
      {
        ...base,
        type: "aws.apigateway.account",
        arn: apiGatewayAccountArn(partition, region),
        name: `API Gateway account settings ${region}`,
        // Keys are present only for calls that succeeded, so rules can require them.
        raw: {
          ...(settings ? { account: toJson(settings) } : {}),
          ...(usagePlans ? { usagePlans: toJson(usagePlans) } : {}),
        },
      },
    ];
    const perApi = await Promise.all((apis ?? []).map((api) => limited(ctx, SERVICE, () => collectApi(api))));
    for (const r of perApi) resources.push(...r);
    const perDomain = await Promise.all((domains ?? []).map((d) => limited(ctx, SERVICE, () => collectDomain(d))));
    resources.push(...perDomain);
    return { resources, errors };
  } finally {
    client.destroy();
  }

  async function collectApi(api: RestApi): Promise<Resource[]> {
    const id = api.id ?? "";
    const apiArn = restApiArn(partition, region, id);
    const [resources, stages, authorizers, gatewayResponses] = await Promise.all([
      attempt(errors, where("GetResources", apiArn), () =>
        drain(
          list("GetResources"),
          paginateGetResources({ client, pageSize }, { restApiId: id, embed: ["methods"] }),
          (p) => p.items,
        ),
      ),
      attempt(errors, where("GetStages", apiArn), async () => (await client.send(new GetStagesCommand({ restApiId: id }))).item),
      attempt(errors, where("GetAuthorizers", apiArn), () =>
        tokenLoop(
          list("GetAuthorizers"),
          (position) => client.send(new GetAuthorizersCommand({ restApiId: id, limit: pageSize, position })),
          (p) => p.items,
        ),
      ),
      attempt(errors, where("GetGatewayResponses", apiArn), () =>
        tokenLoop(
          list("GetGatewayResponses"),
          (position) => client.send(new GetGatewayResponsesCommand({ restApiId: id, limit: pageSize, position })),
          (p) => p.items,
        ),
      ),
    ]);
    const out: Resource[] = [
      {
        ...base,
        type: "aws.apigateway.restapi",
        arn: apiArn,
        name: api.name ?? id,
        raw: {
          restApi: toJson(api),
          ...(authorizers ? { authorizers: toJson(authorizers) } : {}),
          ...(gatewayResponses ? { gatewayResponses: toJson(gatewayResponses) } : {}),
          ...(resources ? { resourcePaths: resources.map((r) => r.path ?? "") } : {}),
        },
      },
    ];
    for (const s of stages ?? []) {
      const stageName = s.stageName ?? "";
      out.push({
        ...base,
        type: "aws.apigateway.stage",
        arn: restStageArn(partition, region, id, stageName),
        name: `${api.name ?? id}/${stageName}`,
        raw: { stage: toJson(s), restApiId: id, restApiName: api.name ?? id },
      });
    }
    for (const r of resources ?? []) {
      for (const [verb, method] of Object.entries(r.resourceMethods ?? {})) {
        out.push({
          ...base,
          type: "aws.apigateway.method",
          arn: restMethodArn(partition, region, id, r.id ?? "", verb),
          name: `${api.name ?? id} ${verb} ${r.path ?? ""}`,
          raw: {
            method: toJson(method),
            httpMethod: verb,
            resourcePath: r.path ?? "",
            resourceId: r.id ?? "",
            restApiId: id,
            restApiName: api.name ?? id,
          },
        });
      }
    }
    return out;
  }

  async function collectDomain(d: DomainName): Promise<Resource> {
    const name = d.domainName ?? "";
    const arn = domainArn(partition, region, name);
    const mappings = await attempt(errors, where("GetBasePathMappings", arn), () =>
      drain(list("GetBasePathMappings"), paginateGetBasePathMappings({ client, pageSize }, { domainName: name }), (p) => p.items),
    );
    return {
      ...base,
      type: "aws.apigateway.domain",
      arn,
      name,
      raw: { domainName: toJson(d), ...(mappings ? { basePathMappings: toJson(mappings) } : {}) },
    };
  }
}
