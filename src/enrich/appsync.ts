/**
 * Facts of AppSync GraphQL APIs: the authentication types they accept, how long their API keys stay valid against
 * the collection clock, and their web ACL, from the API itself and from WAF's association listing.
 */
import type { Derived } from "../facts/index.js";
import { arr, num, obj, str, inScope } from "../facts/read.js";
import type { Resource } from "../model/inventory.js";
import type { JsonObject } from "../model/json.js";
import type { EnrichResult } from "./iam.js";

/** What the AppSync enricher needs besides the resources. */
export interface AppSyncContext {
  /** The collection clock: key validity is measured from it, never from the wall clock. */
  now: Date;
  /** The services collected when a scan was restricted (`--services`); absent: all of them. */
  services?: readonly string[] | undefined;
}

/** Web ACLs by the AppSync API ARNs WAF lists them for, and the scopes whose listing was read. */
class WafIndex {
  readonly aclsByApi = new Map<string, string[]>();
  readonly listed = new Set<string>();

  constructor(resources: readonly Resource[]) {
    for (const r of resources) {
      if (r.type !== "aws.wafv2.webacl") continue;
      const apis = arr(r.raw["appSyncResourceArns"]);
      if (apis) this.listed.add(inScope(r));
      for (const a of apis ?? []) if (typeof a === "string") this.aclsByApi.set(a, [...(this.aclsByApi.get(a) ?? []), r.arn]);
    }
  }
}

function apiFacts(
  r: Resource,
  ctx: AppSyncContext,
  waf: WafIndex,
  skipped: Map<Resource, Record<string, string>>,
): Derived<"aws.appsync.graphqlapi"> {
  const api = obj(r.raw["graphqlApi"]) ?? {};
  const types = [
    str(api["authenticationType"]),
    ...(arr(api["additionalAuthenticationProviders"]) ?? []).map((p) => str(obj(p)?.["authenticationType"])),
  ].filter((t): t is string => t !== undefined);
  const keysRaw = arr(r.raw["apiKeys"]);
  const now = ctx.now.getTime() / 1000;
  // Keys of an API that does not accept API keys authenticate nothing; ListApiKeys is then not called.
  const keyValidity = !types.includes("API_KEY")
    ? []
    : keysRaw
      ? keysRaw.map((k) => {
          const expires = num(obj(k)?.["expires"]);
          return {
            description: str(obj(k)?.["description"]) ?? null,
            // `expires` is in epoch seconds, rounded down to the hour by AppSync.
            expires: expires === undefined ? null : new Date(expires * 1000).toISOString(),
            validDays: expires === undefined ? null : Math.floor(((expires - now) / 86_400) * 10) / 10,
          };
        })
      : null;
  const fromApi = str(api["wafWebAclArn"]);
  const fromWaf = waf.aclsByApi.get(r.arn) ?? [];
  const arn = fromApi ?? fromWaf[0] ?? null;
  const wafCollected = !ctx.services || ctx.services.includes("wafv2");
  if (arn === null && !wafCollected)
    skipped.set(r, { "/derived/wafAssociated": "wafv2 not collected (--services): its web ACL associations were not read" });
  return {
    authenticationTypes: [...new Set(types)],
    keyValidity,
    webAcl: {
      arn,
      reportedByApi: fromApi !== undefined,
      reportedByWaf: fromWaf.length > 0,
      wafListingCollected: waf.listed.has(inScope(r)),
    },
    wafAssociated: arn !== null ? true : wafCollected ? false : null,
  };
}

/** AppSync facts: authentication types, API key validity and web ACL association. Pure. */
export function enrichAppSync(resources: Resource[], ctx: AppSyncContext): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const skipped = new Map<Resource, Record<string, string>>();
  const waf = new WafIndex(resources);
  for (const r of resources) {
    if (r.type === "aws.appsync.graphqlapi") derived.set(r, apiFacts(r, ctx, waf, skipped) as JsonObject);
  }
  return { derived, errors: [], skipped };
}
