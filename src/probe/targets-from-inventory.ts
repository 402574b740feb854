/**
 * Turns the API Gateway resources of an inventory (as the real collectors and `enrichRegional` produce them)
 * into probe targets. Everything else in the prober consumes only ProbeTarget, so this is the one place that
 * knows the resource shapes:
 *
 * - `aws.apigateway.restapi`  raw `{ restApi, authorizers?, gatewayResponses? }` (SDK camelCase)
 * - `aws.apigateway.method`   raw `{ method: { authorizationType, apiKeyRequired, methodIntegration }, httpMethod,
 *   resourcePath, restApiId }`, derived `{ authorizer, throttling: [{ stage, rateLimit, burstLimit }] }`
 * - `aws.apigateway.stage`    raw `{ stage, restApiId }`, derived `{ webAcl: { arn, wafListingCollected } }`
 * - `aws.apigateway.domain`   raw `{ domainName: { domainName, securityPolicy }, basePathMappings? }`
 * - `aws.apigatewayv2.api|stage|route|domain` raw `{ api | stage | route | domainName, apiMappings? }` (SDK
 *   PascalCase), route derived `{ throttling }`
 * - `aws.wafv2.webacl`        raw `{ webAcl: { Rules } }`
 *
 * Known limitation: a REST method is assumed deployed on every stage of its API (the collectors do not read
 * deployments); a method missing from a stage's deployment answers like an unknown path → `error`, never pass.
 */
import { hasUserInfo, maskUserInfo } from "../util/url-userinfo.js";
import type { Inventory, Resource } from "../model/inventory.js";
import type { JsonValue } from "../model/json.js";
import type { ProbeAuthType, ProbeExpectation, ProbeTarget, TlsVersion } from "./types.js";
import { PROBE_AUTH_TYPES } from "./types.js";

/** Default invoke URL of a stage (`{apiId}`, `{region}`, `{stage}` are substituted). */
export const DEFAULT_INVOKE_URL_TEMPLATE = "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}";
/** Default URL of a custom domain's base path (`{domain}`, `{basePath}` are substituted). */
export const DEFAULT_DOMAIN_URL_TEMPLATE = "https://{domain}/{basePath}";

/** Options of targetsFromInventory. */
export interface TargetsFromInventoryOptions {
  /** Invoke URL template, see DEFAULT_INVOKE_URL_TEMPLATE. */
  invokeUrlTemplate?: string;
  /** Plain-HTTP template for the http:// check (default: the https URL with `http:` and port 80). */
  httpInvokeUrlTemplate?: string;
  /** Custom-domain URL template, see DEFAULT_DOMAIN_URL_TEMPLATE. */
  domainUrlTemplate?: string;
  /** Why no target on the invoke URL template can be probed (e.g. an emulator's APIs on the AWS default): skipped. */
  invokeUnreachable?: string;
  /** Why no target on the custom-domain template can be probed: skipped. */
  domainUnreachable?: string;
}

/** A target derivation problem (e.g. an unknown authorization type): reported, never guessed. */
export interface TargetProblem {
  arn: string;
  message: string;
}

/** An API deliberately not probed (private or WebSocket), with the reason. */
export interface NotProbed {
  arn: string;
  reason: string;
}

/** A target that is sent nothing by design: its checks are reported `skipped` with the reason. */
export interface SkippedTarget {
  target: ProbeTarget;
  reason: string;
}

type Obj = Record<string, JsonValue | undefined>;
const obj = (v: JsonValue | undefined): Obj | undefined =>
  v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === "string" ? v : undefined);

/** Renders an invoke URL template; a `$default` (HTTP API) stage has no path segment. */
export function renderInvokeUrl(template: string, v: { apiId: string; region: string; stage: string }): string {
  const stage = v.stage === "$default" ? "" : encodeURIComponent(v.stage);
  return template
    .replaceAll("{apiId}", v.apiId)
    .replaceAll("{region}", v.region)
    .replaceAll("{stage}", stage)
    .replace(/\/+$/, "");
}

/** Renders a custom-domain URL template; the empty or `(none)` base path has no path segment. */
export function renderDomainUrl(template: string, v: { domain: string; basePath: string }): string {
  const basePath = v.basePath === "(none)" ? "" : v.basePath.split("/").map(encodeURIComponent).join("/");
  return template.replaceAll("{domain}", v.domain).replaceAll("{basePath}", basePath).replace(/\/+$/, "");
}

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
  for (const r of arr(obj(webAcl)?.["Rules"])) {
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

/** `'value'` (API Gateway's static header mapping) → value. */
const unquote = (v: JsonValue | undefined) => str(v)?.replace(/^'(.*)'$/, "$1");

/**
 * CORS headers a REST API sends: the OPTIONS method's integration responses on the same path (the console's
 * "Enable CORS") and gateway responses' `Access-Control-Allow-Origin`. null when neither sets one.
 */
function restCors(options: Resource | undefined, api: Resource | undefined): ProbeExpectation["cors"] {
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
  for (const gr of arr(api?.raw["gatewayResponses"])) read(obj(obj(gr)?.["responseParameters"]), "gatewayresponse");
  if (!origins.size) return null;
  return { allowOrigins: [...origins].sort(), ...(credentials ? { allowCredentials: true } : {}) };
}

/** An HTTP API's CorsConfiguration, or null when none is configured. */
function httpCors(api: Resource | undefined): ProbeExpectation["cors"] {
  const c = obj(obj(api?.raw["api"])?.["CorsConfiguration"]);
  if (!c) return null;
  return {
    allowOrigins: arr(c["AllowOrigins"]).filter((o): o is string => typeof o === "string"),
    ...(c["AllowCredentials"] === true ? { allowCredentials: true } : {}),
  };
}

/** Effective throttling of a method/route in one stage (enrichRegional's `throttling`); undefined when partial. */
function throttleIn(r: Resource, stage: string): ProbeExpectation["throttle"] | undefined {
  const t = arr(r.derived["throttling"])
    .map(obj)
    .find((x) => x?.["stage"] === stage);
  if (!t) return undefined;
  const [rate, burst] = [t["rateLimit"], t["burstLimit"]];
  if (rate === null && burst === null) return null;
  return typeof rate === "number" && typeof burst === "number" ? { rateLimit: rate, burstLimit: burst } : undefined;
}

/** A stage of an API and the custom-domain base paths that serve it. */
interface StageInfo {
  resource: Resource;
  name: string;
  domains: { domain: Resource; name: string; basePath: string; minTls?: TlsVersion }[];
}

/** One method (REST) or route (HTTP API) with what its configuration says. */
interface Endpoint {
  resource: Resource;
  apiId: string;
  method: string;
  path: string;
  auth: ProbeAuthType;
  apiKeyRequired: boolean;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Derives probe targets from the inventory's REST and HTTP APIs: one per (stage, REST method) and (stage,
 * HTTP route) on the execute-api URL (unless the API disables it), plus one per custom-domain base path
 * mapped to the stage (there the domain's security policy gives the minimum TLS). Private REST APIs and
 * WebSocket APIs are returned in `notProbed`, and the targets they would have given (a WebSocket API's
 * `$connect` handshake per stage) in `skipped`, so their checks are reported as not probed rather than
 * vanish. Pure; unknown authorization types are problems, not guesses.
 */
export function targetsFromInventory(
  inventory: Inventory,
  opts: TargetsFromInventoryOptions = {},
): { targets: ProbeTarget[]; skipped: SkippedTarget[]; problems: TargetProblem[]; notProbed: NotProbed[] } {
  const template = opts.invokeUrlTemplate ?? DEFAULT_INVOKE_URL_TEMPLATE;
  const domainTemplate = opts.domainUrlTemplate ?? DEFAULT_DOMAIN_URL_TEMPLATE;
  const resources = inventory.resources as Resource[];
  const byArn = new Map(resources.map((r) => [r.arn, r]));
  const apis = new Map<string, Resource>();
  const stages = new Map<string, StageInfo[]>();
  const endpoints: Endpoint[] = [];
  const problems: TargetProblem[] = [];
  const notProbed: NotProbed[] = [];
  const scopeKey = (r: Resource, apiId: string) => `${r.account}|${r.region}|${apiId}`;

  for (const r of resources) {
    const type = r.type as string;
    if (type === "aws.apigateway.restapi") apis.set(scopeKey(r, str(obj(r.raw["restApi"])?.["id"]) ?? ""), r);
    if (type === "aws.apigatewayv2.api") apis.set(scopeKey(r, str(obj(r.raw["api"])?.["ApiId"]) ?? ""), r);
    if (type === "aws.apigateway.stage" || type === "aws.apigatewayv2.stage") {
      const stage = obj(r.raw["stage"]) ?? {};
      const apiId = str(r.raw["restApiId"]) ?? str(r.raw["apiId"]) ?? "";
      const name = str(stage["stageName"]) ?? str(stage["StageName"]) ?? "";
      const k = scopeKey(r, apiId);
      stages.set(k, [...(stages.get(k) ?? []), { resource: r, name, domains: [] }]);
    }
  }
  // Custom domains: v1 base path mappings (REST APIs) and v2 API mappings (REST or HTTP APIs).
  for (const d of resources) {
    const type = d.type as string;
    if (type !== "aws.apigateway.domain" && type !== "aws.apigatewayv2.domain") continue;
    const dn = obj(d.raw["domainName"]) ?? {};
    const v2 = type === "aws.apigatewayv2.domain";
    const name = str(v2 ? dn["DomainName"] : dn["domainName"]) ?? d.name;
    const policy = v2 ? str(obj(arr(dn["DomainNameConfigurations"])[0])?.["SecurityPolicy"]) : str(dn["securityPolicy"]);
    const minTls = minTlsOfPolicy(policy);
    for (const m of arr(v2 ? d.raw["apiMappings"] : d.raw["basePathMappings"])) {
      const mo = obj(m) ?? {};
      const apiId = str(v2 ? mo["ApiId"] : mo["restApiId"]) ?? "";
      const stage = str(v2 ? mo["Stage"] : mo["stage"]);
      // A mapping without a stage takes the stage from the URL; not mapped here (documented limitation).
      const st = stage === undefined ? undefined : stages.get(scopeKey(d, apiId))?.find((s) => s.name === stage);
      if (!st) continue;
      const basePath = str(v2 ? mo["ApiMappingKey"] : mo["basePath"]) ?? "";
      st.domains.push({ domain: d, name, basePath, ...(minTls ? { minTls } : {}) });
    }
  }

  for (const r of resources) {
    const type = r.type as string;
    if (type === "aws.apigateway.method") {
      const m = obj(r.raw["method"]) ?? {};
      const apiId = str(r.raw["restApiId"]) ?? "";
      const authRaw = str(m["authorizationType"]) ?? "NONE";
      if (!(PROBE_AUTH_TYPES as readonly string[]).includes(authRaw)) {
        problems.push({ arn: r.arn, message: `unknown authorizationType ${JSON.stringify(authRaw)}` });
        continue;
      }
      // With apiKeySource AUTHORIZER the key comes from the authorizer, not x-api-key: nothing to probe.
      const keyFromHeader = str(obj(apis.get(scopeKey(r, apiId))?.raw["restApi"])?.["apiKeySource"]) !== "AUTHORIZER";
      endpoints.push({
        resource: r,
        apiId,
        method: (str(r.raw["httpMethod"]) ?? "GET").toUpperCase(),
        path: str(r.raw["resourcePath"]) ?? "/",
        auth: authRaw as ProbeAuthType,
        apiKeyRequired: m["apiKeyRequired"] === true && keyFromHeader,
      });
    } else if (type === "aws.apigatewayv2.route") {
      const rt = obj(r.raw["route"]) ?? {};
      const routeKey = str(rt["RouteKey"]) ?? "";
      const webSocket = r.raw["protocolType"] === "WEBSOCKET";
      // A WebSocket API's only HTTP request is the `$connect` handshake (a GET upgrade), where auth applies;
      // its other routes are messages on the connection.
      if (webSocket && routeKey !== "$connect") continue;
      let method: string, path: string;
      // $default catches every method and path: probe the root with GET (ANY is probed with GET).
      if (webSocket) [method, path] = ["GET", "/"];
      else if (routeKey === "$default") [method, path] = ["ANY", "/"];
      else {
        const [mm, pp, extra] = routeKey.split(" ");
        if (!mm || !pp || extra !== undefined) {
          problems.push({ arn: r.arn, message: `route key ${JSON.stringify(routeKey)} is not "METHOD /path"` });
          continue;
        }
        [method, path] = [mm.toUpperCase(), pp];
      }
      const authRaw = str(rt["AuthorizationType"]) ?? "NONE";
      if (!(PROBE_AUTH_TYPES as readonly string[]).includes(authRaw)) {
        problems.push({ arn: r.arn, message: `unknown AuthorizationType ${JSON.stringify(authRaw)}` });
        continue;
      }
      // HTTP APIs have no API keys (ApiKeyRequired is a WebSocket setting).
      endpoints.push({
        resource: r,
        apiId: str(r.raw["apiId"]) ?? "",
        method,
        path,
        auth: authRaw as ProbeAuthType,
        apiKeyRequired: webSocket && rt["ApiKeyRequired"] === true,
      });
    }
  }

  for (const api of apis.values()) {
    const rest = api.type === "aws.apigateway.restapi";
    const raw = obj(rest ? api.raw["restApi"] : api.raw["api"]) ?? {};
    if (rest && arr(obj(raw["endpointConfiguration"])?.["types"]).includes("PRIVATE"))
      notProbed.push({ arn: api.arn, reason: "private API: reachable only through its VPC endpoints, not from the scanner" });
    if (!rest && raw["ProtocolType"] === "WEBSOCKET")
      notProbed.push({ arn: api.arn, reason: "WebSocket API: its routes are messages on a connection, not HTTP requests" });
  }
  const skipReasons = new Map(notProbed.map((n) => [n.arn, n.reason]));

  // OPTIONS methods by API and path: their integration responses are the REST API's CORS configuration.
  const optionsByPath = new Map<string, Resource>();
  for (const e of endpoints)
    if (e.resource.type === "aws.apigateway.method" && e.method === "OPTIONS")
      optionsByPath.set(`${scopeKey(e.resource, e.apiId)}|${e.path}`, e.resource);

  const targets: ProbeTarget[] = [];
  const skipped: SkippedTarget[] = [];
  for (const e of endpoints) {
    const r = e.resource;
    const api = apis.get(scopeKey(r, e.apiId));
    const apiSkip = api && skipReasons.get(api.arn);
    const add = (t: ProbeTarget, unreachable: string | undefined) => {
      const reason = apiSkip || unreachable;
      // Names and ids come from AWS: one that turns the rendered URL into `https://user:pass@…` is not sent.
      if ([t.baseUrl, t.httpBaseUrl].some((u) => u !== undefined && hasUserInfo(u)))
        problems.push({
          arn: r.arn,
          message: `its URL, rendered from AWS names, has user info (${maskUserInfo(t.baseUrl)})`,
        });
      else if (reason) skipped.push({ target: t, reason });
      else targets.push(t);
    };
    const rest = r.type === "aws.apigateway.method";
    const apiRaw = obj(rest ? api?.raw["restApi"] : api?.raw["api"]) ?? {};
    const executeApiEnabled = apiRaw[rest ? "disableExecuteApiEndpoint" : "DisableExecuteApiEndpoint"] !== true;
    const cors = api ? (rest ? restCors(optionsByPath.get(`${scopeKey(r, e.apiId)}|${e.path}`), api) : httpCors(api)) : undefined;
    for (const st of stages.get(scopeKey(r, e.apiId)) ?? []) {
      const webAcl = obj(st.resource.derived["webAcl"]);
      const aclArn = str(webAcl?.["arn"]);
      const acl = aclArn ? byArn.get(aclArn) : undefined;
      // WAF attaches to REST stages only. No ACL is a fact only when WAF's association listing was read.
      let wafSqliXss: boolean | undefined;
      if (rest && aclArn && acl?.raw["webAcl"] !== undefined) {
        const c = wafMarkerCoverage(acl.raw["webAcl"]);
        wafSqliXss = c.sqli && c.xss;
      } else if (rest && webAcl && !aclArn && webAcl["wafListingCollected"] === true) wafSqliXss = false;
      const throttle = throttleIn(r, st.name);
      const expect: ProbeExpectation = {
        auth: e.auth,
        ...(e.apiKeyRequired ? { apiKeyRequired: true } : {}),
        ...(cors !== undefined ? { cors } : {}),
        ...(wafSqliXss !== undefined ? { wafSqliXss } : {}),
        ...(throttle !== undefined ? { throttle } : {}),
      };
      const relatedArns = [st.resource.arn, ...(api ? [api.arn] : []), ...(aclArn ? [aclArn] : [])];
      const base = { arn: r.arn, account: r.account, region: r.region, path: e.path, method: e.method };
      if (executeApiEnabled) {
        const vars = { apiId: e.apiId, region: r.region, stage: st.name };
        add(
          {
            id: `${e.apiId}/${st.name} ${e.method} ${e.path}`,
            ...base,
            relatedArns,
            baseUrl: renderInvokeUrl(template, vars),
            ...(opts.httpInvokeUrlTemplate ? { httpBaseUrl: renderInvokeUrl(opts.httpInvokeUrlTemplate, vars) } : {}),
            expect,
          },
          opts.invokeUnreachable,
        );
      }
      for (const d of st.domains) {
        const basePath = d.basePath === "(none)" ? "" : d.basePath;
        add(
          {
            id: `${d.name}/${basePath} ${e.method} ${e.path}`,
            ...base,
            relatedArns: [...relatedArns, d.domain.arn],
            baseUrl: renderDomainUrl(domainTemplate, { domain: d.name, basePath }),
            // Plain HTTP is checked on the execute-api URL; a domain has no separate plain-HTTP template.
            expect: { ...expect, httpsOnly: false, ...(d.minTls ? { minTls: d.minTls } : {}) },
          },
          opts.domainUnreachable,
        );
      }
    }
  }
  targets.sort((a, b) => cmp(a.id, b.id));
  skipped.sort((a, b) => cmp(a.target.id, b.target.id));
  notProbed.sort((a, b) => cmp(a.arn, b.arn));
  return { targets, skipped, problems, notProbed };
}
