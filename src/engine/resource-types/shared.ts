// Feeds shared by several services' resource types: joins with other services' listings.
import type { Resource } from "../../model/inventory.js";
import type { JsonValue } from "../../model/json.js";
import type { Feed } from "./types.js";

/** The value as a JSON object, if it is one. */
export const obj = (v: JsonValue | undefined): Record<string, JsonValue> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
/** A JSON pointer key, escaped. */
export const key = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

const customDomains: Feed = { paths: ["/derived/customDomains"], attach: "scope" };

/** The custom domain listings of both API Gateway versions, joined with the APIs they map. */
export const DOMAIN_LISTINGS = {
  "apigateway:GetDomainNames": customDomains,
  "apigateway:GetBasePathMappings": customDomains,
  "apigatewayv2:GetDomainNames": customDomains,
  "apigatewayv2:GetApiMappings": customDomains,
};

/**
 * The Lambda listing an integration's function is joined with: only a failure in the function's own account and
 * region leaves its existence unknown.
 */
export const functionListing: Feed = {
  paths: ["/derived/integrationBackend/functionExists"],
  attach: "scope",
  select: (r, e) => {
    const arn = obj(r.derived["integrationBackend"])?.["functionArn"];
    const [, , , region, account] = typeof arn === "string" ? arn.split(":") : [];
    return arn === undefined || arn === null || (account === e.account && region === e.region)
      ? ["/derived/integrationBackend/functionExists"]
      : [];
  },
};

/**
 * WAF's two listings feed a resource's web ACL facts: all of them, or only the cross-check of the ACL the
 * resource names itself (`namedAcl`), since a resource naming its ACL proves the association without WAF.
 */
export function wafAssociationFeeds(namedAcl: (r: Resource) => JsonValue | undefined): Record<string, Feed> {
  return Object.fromEntries(
    ["wafv2:ListWebACLs", "wafv2:ListResourcesForWebACL"].map((op) => [
      op,
      {
        paths: ["/derived/webAcl", "/derived/wafAssociated"],
        attach: "scope",
        select: (r: Resource) =>
          namedAcl(r)
            ? ["/derived/webAcl/reportedByWaf", "/derived/webAcl/wafListingCollected"]
            : ["/derived/webAcl", "/derived/wafAssociated"],
      } satisfies Feed,
    ]),
  );
}

/**
 * The region's account-level throttling is only a fallback: without it, the limits a method or route takes from its
 * stage or its own settings stay known, and so does where each limit comes from; only the values that fall back to
 * the account are unknown.
 */
export function accountThrottling(list: string): Feed {
  return {
    paths: [`${list}/*/burstLimit`, `${list}/*/rateLimit`],
    select: (r) => {
      const at = list
        .split("/")
        .slice(1)
        .reduce<JsonValue | undefined>((v, k) => obj(v)?.[k], r as unknown as JsonValue);
      if (!Array.isArray(at)) return [`${list}/*/burstLimit`, `${list}/*/rateLimit`];
      return at.flatMap((t, i) => {
        const o = obj(t) ?? {};
        return (["burst", "rate"] as const).filter((k) => o[`${k}Source`] === "account").map((k) => `${list}/${i}/${k}Limit`);
      });
    },
  };
}
