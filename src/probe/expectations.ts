/**
 * What the configuration of an API says a probe should see: the minimum TLS of a security policy, the SQLi/XSS
 * markers a web ACL blocks, the CORS headers an API sends and the throttling of a method or route in a stage.
 * Pure readers of inventory resources, used by targetsFromInventory and the account simulator's data plane.
 */
import { list, obj, str, strings, type Obj } from "../facts/read.js";
import type { Resource } from "../model/inventory.js";
import type { JsonValue } from "../model/json.js";
import type { ProbeExpectation, TlsVersion } from "./types.js";

/**
 * Minimum TLS version of an API Gateway security policy: the classic `TLS_1_0`/`TLS_1_2` and the enhanced
 * `SecurityPolicy_TLS13_1_3_*` (TLS 1.3 only) / `SecurityPolicy_TLS13_1_2_*` / `SecurityPolicy_TLS12_*` names.
 * Unknown names give undefined: no TLS expectation rather than a guessed one.
 */
export function minTlsOfPolicy(policy: string | undefined): TlsVersion | undefined {
  if (!policy) return undefined;
  if (policy === "TLS_1_0") return "TLS_1_0";
  if (policy === "TLS_1_2") return "TLS_1_2";
  if (/^SecurityPolicy_TLS13_1_3_/.test(policy)) return "TLS_1_3";
  if (/^SecurityPolicy_TLS1[23]_(1_2_|PFS_)|^SecurityPolicy_TLS12_/.test(policy)) return "TLS_1_2";
  return undefined;
}

/** Managed rule groups (vendor AWS) whose rules match the SQL-injection and XSS probe markers. */
const SQLI_GROUPS = new Set(["AWSManagedRulesSQLiRuleSet"]);
const XSS_GROUPS = new Set(["AWSManagedRulesCommonRuleSet"]);

/**
 * Which probe markers a web ACL (GetWebACL `WebACL`) blocks: top-level AWS managed SQLi / common (XSS) rule
 * groups, or SQLi/XSS match statements with a Block action. A group in Count mode (`OverrideAction.Count`)
 * blocks nothing.
 */
export function wafMarkerCoverage(webAcl: JsonValue | undefined): { sqli: boolean; xss: boolean } {
  let sqli = false;
  let xss = false;
  for (const r of list(obj(webAcl)?.["Rules"])) {
    const rule = obj(r) ?? {};
    const st = obj(rule["Statement"]) ?? {};
    const group = obj(st["ManagedRuleGroupStatement"]);
    if (group && str(group["VendorName"]) === "AWS" && !obj(rule["OverrideAction"])?.["Count"]) {
      const name = str(group["Name"]) ?? "";
      if (SQLI_GROUPS.has(name)) sqli = true;
      if (XSS_GROUPS.has(name)) xss = true;
    }
    if (obj(rule["Action"])?.["Block"] !== undefined) {
      if (st["SqliMatchStatement"] !== undefined) sqli = true;
      if (st["XssMatchStatement"] !== undefined) xss = true;
    }
  }
  return { sqli, xss };
}

/**
 * Whether a REST stage's web ACL blocks both probe markers: undefined when it cannot be told (no ACL data, or no
 * ACL named and WAF's association listing not read). WAF attaches to REST stages only.
 */
export function wafExpectation(stage: Resource, byArn: ReadonlyMap<string, Resource>): { aclArn?: string; wafSqliXss?: boolean } {
  const webAcl = obj(stage.derived["webAcl"]);
  const aclArn = str(webAcl?.["arn"]);
  const acl = aclArn ? byArn.get(aclArn) : undefined;
  if (aclArn && acl?.raw["webAcl"] !== undefined) {
    const c = wafMarkerCoverage(acl.raw["webAcl"]);
    return { aclArn, wafSqliXss: c.sqli && c.xss };
  }
  if (aclArn) return { aclArn };
  return webAcl?.["wafListingCollected"] === true ? { wafSqliXss: false } : {};
}

/** `'value'` (API Gateway's static header mapping) → value. */
const unquote = (v: JsonValue | undefined) => str(v)?.replace(/^'(.*)'$/, "$1");

/**
 * CORS headers a REST API sends: the OPTIONS method's integration responses on the same path (the console's
 * "Enable CORS") and gateway responses' `Access-Control-Allow-Origin`. null when neither sets one.
 */
export function restCorsExpectation(options: Resource | undefined, api: Resource | undefined): ProbeExpectation["cors"] {
  const origins = new Set<string>();
  let credentials = false;
  const read = (params: Obj | undefined, prefix: string) => {
    const o = unquote(params?.[`${prefix}.header.Access-Control-Allow-Origin`]);
    if (o) origins.add(o);
    if (unquote(params?.[`${prefix}.header.Access-Control-Allow-Credentials`]) === "true") credentials = true;
  };
  const integration = obj(obj(options?.raw["method"])?.["methodIntegration"]);
  for (const ir of Object.values(obj(integration?.["integrationResponses"]) ?? {}))
    read(obj(obj(ir)?.["responseParameters"]), "method.response");
  for (const gr of list(api?.raw["gatewayResponses"])) read(obj(obj(gr)?.["responseParameters"]), "gatewayresponse");
  if (!origins.size) return null;
  return { allowOrigins: [...origins].sort(), ...(credentials ? { allowCredentials: true } : {}) };
}

/** An HTTP API's CorsConfiguration, or null when none is configured. */
export function httpCorsExpectation(api: Resource | undefined): ProbeExpectation["cors"] {
  const c = obj(obj(api?.raw["api"])?.["CorsConfiguration"]);
  if (!c) return null;
  return {
    allowOrigins: strings(c["AllowOrigins"]),
    ...(c["AllowCredentials"] === true ? { allowCredentials: true } : {}),
  };
}

/** Effective throttling of a method/route in one stage (enrichRegional's `throttling`); undefined when partial. */
export function throttleExpectation(r: Resource, stage: string): ProbeExpectation["throttle"] | undefined {
  const t = list(r.derived["throttling"])
    .map(obj)
    .find((x) => x?.["stage"] === stage);
  if (!t) return undefined;
  const [rate, burst] = [t["rateLimit"], t["burstLimit"]];
  if (rate === null && burst === null) return null;
  return typeof rate === "number" && typeof burst === "number" ? { rateLimit: rate, burstLimit: burst } : undefined;
}
