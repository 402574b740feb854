import type { GraphqlApi } from "@aws-sdk/client-appsync";
import type * as AppsyncSdk from "@aws-sdk/client-appsync";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { AppSyncClient, ListApiKeysCommand, ListDataSourcesCommand, ListGraphqlApisCommand } = requireSdk(
  "@aws-sdk/client-appsync",
) as typeof AppsyncSdk;

const SERVICE = "appsync";
/** AppSync list calls accept maxResults 0-25. */
const MAX_RESULTS = 25;

/** Whether an API accepts API keys at all: as its default or as an additional authentication provider. */
export function acceptsApiKeys(api: GraphqlApi): boolean {
  return (
    api.authenticationType === "API_KEY" ||
    (api.additionalAuthenticationProviders ?? []).some((p) => p.authenticationType === "API_KEY")
  );
}

/**
 * Collects AppSync GraphQL APIs in one region: ListGraphqlApis carries each API's authentication providers,
 * logging, WAF web ACL and endpoints; per API, ListDataSources (what its resolvers run: functions and service roles,
 * for the exposure paths) and ListApiKeys, made only for APIs that accept API keys (keys of an API without API_KEY
 * authentication authenticate nothing). A key's id is the key itself and is never
 * kept: each key is stored as its description, expiry and deletion time.
 */
export async function collectAppSync(ctx: UnitContext): Promise<UnitResult> {
  const { account, region } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const listing = listingOf(ctx, SERVICE);
  const maxResults = Math.min(ctx.options.regionalPageSize, MAX_RESULTS);
  const client = createClient(AppSyncClient, ctx, SERVICE, region);
  try {
    const apis = await attempt(errors, where("ListGraphqlApis"), () =>
      tokenLoop(
        listing("ListGraphqlApis"),
        (nextToken) => client.send(new ListGraphqlApisCommand({ maxResults, nextToken })),
        (p) => p.graphqlApis,
      ),
    );
    const resources = await Promise.all((apis ?? []).map((a) => limited(ctx, SERVICE, () => collectApi(a))));
    return { resources, errors };
  } finally {
    client.destroy();
  }

  async function collectApi(api: GraphqlApi): Promise<Resource> {
    const apiId = api.apiId ?? "";
    const arn = api.arn ?? `arn:${ctx.partition}:appsync:${region}:${account}:apis/${apiId}`;
    const dataSources = await attempt(errors, where("ListDataSources", arn), () =>
      tokenLoop(
        listing("ListDataSources"),
        (nextToken) => client.send(new ListDataSourcesCommand({ apiId, maxResults, nextToken })),
        (p) => p.dataSources,
      ),
    );
    const keys = acceptsApiKeys(api)
      ? await attempt(errors, where("ListApiKeys", arn), () =>
          tokenLoop(
            listing("ListApiKeys"),
            (nextToken) => client.send(new ListApiKeysCommand({ apiId, maxResults, nextToken })),
            (p) => p.apiKeys,
          ),
        )
      : undefined;
    return {
      type: "aws.appsync.graphqlapi",
      arn,
      account,
      region,
      name: api.name ?? apiId,
      derived: {},
      raw: {
        graphqlApi: toJson(api),
        ...(dataSources ? { dataSources: toJson(dataSources) } : {}),
        ...(keys ? { apiKeys: toJson(keys.map(({ id: _secret, ...k }) => k)) } : {}),
      },
    };
  }
}
