import {
  ApiGatewayV2Client,
  GetApiMappingsCommand,
  GetApisCommand,
  GetAuthorizersCommand,
  GetDomainNamesCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  GetStagesCommand,
  type Api,
  type DomainName,
} from "@aws-sdk/client-apigatewayv2";
import { domainArn, httpApiArn } from "../aws/arns.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";

// Inventory name; the client still signs as `apigateway` (the SigV4 service both API Gateway APIs share).
const SERVICE = "apigatewayv2";
const MAX_RESULTS = 500;

/**
 * Collects API Gateway v2 (HTTP and WebSocket) APIs in one region: APIs, stages, routes, authorizers,
 * integrations, custom domains and API mappings. The v2 SDK has no paginators, so each list is a manual
 * NextToken loop.
 */
export async function collectApiGatewayV2(ctx: UnitContext): Promise<UnitResult> {
  const { account, region, partition } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const listing = listingOf(ctx, SERVICE);
  // MaxResults is a string in the v2 API.
  const MaxResults = String(Math.min(ctx.options.regionalPageSize, MAX_RESULTS));
  const client = createClient(ApiGatewayV2Client, ctx, SERVICE, region);
  const base = { account, region, derived: {} };
  try {
    const [apis, domains] = await Promise.all([
      attempt(errors, where("GetApis"), () =>
        tokenLoop(
          listing("GetApis"),
          (NextToken) => client.send(new GetApisCommand({ MaxResults, NextToken })),
          (p) => p.Items,
        ),
      ),
      attempt(errors, where("GetDomainNames"), () =>
        tokenLoop(
          listing("GetDomainNames"),
          (NextToken) => client.send(new GetDomainNamesCommand({ MaxResults, NextToken })),
          (p) => p.Items,
        ),
      ),
    ]);
    const resources: Resource[] = [];
    for (const r of await Promise.all((apis ?? []).map((a) => limited(ctx, SERVICE, () => collectApi(a))))) resources.push(...r);
    resources.push(...(await Promise.all((domains ?? []).map((d) => limited(ctx, SERVICE, () => collectDomain(d))))));
    return { resources, errors };
  } finally {
    client.destroy();
  }

  async function collectApi(api: Api): Promise<Resource[]> {
    const ApiId = api.ApiId ?? "";
    const apiArn = httpApiArn(partition, region, ApiId);
    const list = <P extends object, T>(
      operation: string,
      call: (NextToken: string | undefined) => Promise<P>,
      items: (p: P) => T[] | undefined,
    ) => attempt(errors, where(operation, apiArn), () => tokenLoop(listing(operation), call, items));
    const [stages, routes, authorizers, integrations] = await Promise.all([
      list(
        "GetStages",
        (NextToken) => client.send(new GetStagesCommand({ ApiId, MaxResults, NextToken })),
        (p) => p.Items,
      ),
      list(
        "GetRoutes",
        (NextToken) => client.send(new GetRoutesCommand({ ApiId, MaxResults, NextToken })),
        (p) => p.Items,
      ),
      list(
        "GetAuthorizers",
        (NextToken) => client.send(new GetAuthorizersCommand({ ApiId, MaxResults, NextToken })),
        (p) => p.Items,
      ),
      list(
        "GetIntegrations",
        (NextToken) => client.send(new GetIntegrationsCommand({ ApiId, MaxResults, NextToken })),
        (p) => p.Items,
      ),
    ]);
    const apiName = api.Name ?? ApiId;
    const out: Resource[] = [
      {
        ...base,
        type: "aws.apigatewayv2.api",
        arn: apiArn,
        name: apiName,
        raw: {
          api: toJson(api),
          ...(authorizers ? { authorizers: toJson(authorizers) } : {}),
          ...(integrations ? { integrations: toJson(integrations) } : {}),
        },
      },
    ];
    for (const s of stages ?? []) {
      out.push({
        ...base,
        type: "aws.apigatewayv2.stage",
        arn: `${apiArn}/stages/${s.StageName ?? ""}`,
        name: `${apiName}/${s.StageName ?? ""}`,
        raw: { stage: toJson(s), apiId: ApiId, apiName, protocolType: api.ProtocolType ?? "" },
      });
    }
    // Each route carries the integration its Target names (`integrations/<id>`), as a REST method carries its
    // methodIntegration, so a route's backend is judged on the route itself.
    const integrationById = new Map((integrations ?? []).map((i) => [i.IntegrationId ?? "", i]));
    for (const r of routes ?? []) {
      const target = /^integrations\/(.+)$/.exec(r.Target ?? "")?.[1];
      const integration = target !== undefined ? integrationById.get(target) : undefined;
      out.push({
        ...base,
        type: "aws.apigatewayv2.route",
        arn: `${apiArn}/routes/${r.RouteId ?? ""}`,
        name: `${apiName} ${r.RouteKey ?? ""}`,
        raw: {
          route: toJson(r),
          apiId: ApiId,
          apiName,
          protocolType: api.ProtocolType ?? "",
          ...(integration ? { integration: toJson(integration) } : {}),
        },
      });
    }
    return out;
  }

  async function collectDomain(d: DomainName): Promise<Resource> {
    const DomainName = d.DomainName ?? "";
    const arn = domainArn(partition, region, DomainName);
    const mappings = await attempt(errors, where("GetApiMappings", arn), () =>
      tokenLoop(
        listing("GetApiMappings"),
        (NextToken) => client.send(new GetApiMappingsCommand({ DomainName, MaxResults, NextToken })),
        (p) => p.Items,
      ),
    );
    return {
      ...base,
      type: "aws.apigatewayv2.domain",
      arn,
      name: DomainName,
      raw: { domainName: toJson(d), ...(mappings ? { apiMappings: toJson(mappings) } : {}) },
    };
  }
}
