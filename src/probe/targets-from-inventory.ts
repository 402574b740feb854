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
import { list, obj, str } from "../facts/read.js";
import { hasUserInfo, maskUserInfo } from "../util/url-userinfo.js";
import type { Inventory, Resource } from "../model/inventory.js";
import { httpCorsExpectation, minTlsOfPolicy, restCorsExpectation, throttleExpectation, wafExpectation } from "./expectations.js";
import type { ProbeAuthType, ProbeExpectation, ProbeTarget, TlsVersion } from "./types.js";
import { PROBE_AUTH_TYPES } from "./types.js";
import { backendTargets, type BackendTargetOptions } from "./targets-backend.js";

/** Default invoke URL of a stage (`{apiId}`, `{region}`, `{stage}` are substituted). */
export const DEFAULT_INVOKE_URL_TEMPLATE = "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}";
/** Default URL of a custom domain's base path (`{domain}`, `{basePath}` are substituted). */
export const DEFAULT_DOMAIN_URL_TEMPLATE = "https://{domain}/{basePath}";

/** Options of targetsFromInventory (the backend layer's templates: see targets-backend.ts). */
export interface TargetsFromInventoryOptions extends BackendTargetOptions {
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
const scopeKey = (r: Resource, apiId: string) => `${r.account}|${r.region}|${apiId}`;

/** The inventory's APIs and stages, keyed by account, region and API id. */
interface ApiIndex {
  byArn: Map<string, Resource>;
  apis: Map<string, Resource>;
  stages: Map<string, StageInfo[]>;
}

function indexApis(resources: readonly Resource[]): ApiIndex {
  const index: ApiIndex = { byArn: new Map(resources.map((r) => [r.arn, r])), apis: new Map(), stages: new Map() };
  for (const r of resources) {
    if (r.type === "aws.apigateway.restapi") index.apis.set(scopeKey(r, str(obj(r.raw["restApi"])?.["id"]) ?? ""), r);
    if (r.type === "aws.apigatewayv2.api") index.apis.set(scopeKey(r, str(obj(r.raw["api"])?.["ApiId"]) ?? ""), r);
    if (r.type === "aws.apigateway.stage" || r.type === "aws.apigatewayv2.stage") {
      const stage = obj(r.raw["stage"]) ?? {};
      const apiId = str(r.raw["restApiId"]) ?? str(r.raw["apiId"]) ?? "";
      const name = str(stage["stageName"]) ?? str(stage["StageName"]) ?? "";
      const k = scopeKey(r, apiId);
      index.stages.set(k, [...(index.stages.get(k) ?? []), { resource: r, name, domains: [] }]);
    }
  }
  return index;
}

/** Custom domains: v1 base path mappings (REST APIs) and v2 API mappings (REST or HTTP APIs), added to their stages. */
function addDomains(resources: readonly Resource[], stages: ApiIndex["stages"]): void {
  for (const d of resources) {
    if (d.type !== "aws.apigateway.domain" && d.type !== "aws.apigatewayv2.domain") continue;
    const dn = obj(d.raw["domainName"]) ?? {};
    const v2 = d.type === "aws.apigatewayv2.domain";
    const name = str(v2 ? dn["DomainName"] : dn["domainName"]) ?? d.name;
    const policy = v2 ? str(obj(list(dn["DomainNameConfigurations"])[0])?.["SecurityPolicy"]) : str(dn["securityPolicy"]);
    const minTls = minTlsOfPolicy(policy);
    for (const m of list(v2 ? d.raw["apiMappings"] : d.raw["basePathMappings"])) {
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
}

const isAuthType = (v: string): v is ProbeAuthType => (PROBE_AUTH_TYPES as readonly string[]).includes(v);

/** A REST method as an endpoint, or the problem that keeps it from being one. */
function restEndpoint(r: Resource, apis: ApiIndex["apis"]): Endpoint | string {
  const m = obj(r.raw["method"]) ?? {};
  const apiId = str(r.raw["restApiId"]) ?? "";
  const auth = str(m["authorizationType"]) ?? "NONE";
  if (!isAuthType(auth)) return `unknown authorizationType ${JSON.stringify(auth)}`;
  // With apiKeySource AUTHORIZER the key comes from the authorizer, not x-api-key: nothing to probe.
  const keyFromHeader = str(obj(apis.get(scopeKey(r, apiId))?.raw["restApi"])?.["apiKeySource"]) !== "AUTHORIZER";
  return {
    resource: r,
    apiId,
    method: (str(r.raw["httpMethod"]) ?? "GET").toUpperCase(),
    path: str(r.raw["resourcePath"]) ?? "/",
    auth,
    apiKeyRequired: m["apiKeyRequired"] === true && keyFromHeader,
  };
}

/** An HTTP API route (or a WebSocket API's `$connect` handshake) as an endpoint; undefined for other WebSocket routes. */
function routeEndpoint(r: Resource): Endpoint | string | undefined {
  const rt = obj(r.raw["route"]) ?? {};
  const routeKey = str(rt["RouteKey"]) ?? "";
  const webSocket = r.raw["protocolType"] === "WEBSOCKET";
  // A WebSocket API's only HTTP request is the `$connect` handshake (a GET upgrade), where auth applies;
  // its other routes are messages on the connection.
  if (webSocket && routeKey !== "$connect") return undefined;
  let method: string, path: string;
  // $default catches every method and path: probe the root with GET (ANY is probed with GET).
  if (webSocket) [method, path] = ["GET", "/"];
  else if (routeKey === "$default") [method, path] = ["ANY", "/"];
  else {
    const [mm, pp, extra] = routeKey.split(" ");
    if (!mm || !pp || extra !== undefined) return `route key ${JSON.stringify(routeKey)} is not "METHOD /path"`;
    [method, path] = [mm.toUpperCase(), pp];
  }
  const auth = str(rt["AuthorizationType"]) ?? "NONE";
  if (!isAuthType(auth)) return `unknown AuthorizationType ${JSON.stringify(auth)}`;
  // HTTP APIs have no API keys (ApiKeyRequired is a WebSocket setting).
  return {
    resource: r,
    apiId: str(r.raw["apiId"]) ?? "",
    method,
    path,
    auth,
    apiKeyRequired: webSocket && rt["ApiKeyRequired"] === true,
  };
}

/** Every method and route as an endpoint; the ones whose configuration cannot be read go to `problems`. */
function endpointsOf(resources: readonly Resource[], apis: ApiIndex["apis"], problems: TargetProblem[]): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const r of resources) {
    const e =
      r.type === "aws.apigateway.method"
        ? restEndpoint(r, apis)
        : r.type === "aws.apigatewayv2.route"
          ? routeEndpoint(r)
          : undefined;
    if (typeof e === "string") problems.push({ arn: r.arn, message: e });
    else if (e) endpoints.push(e);
  }
  return endpoints;
}

/** Private REST APIs and WebSocket APIs, with why they are not probed. */
function notProbedApis(apis: ApiIndex["apis"]): NotProbed[] {
  const out: NotProbed[] = [];
  for (const api of apis.values()) {
    const rest = api.type === "aws.apigateway.restapi";
    const raw = obj(rest ? api.raw["restApi"] : api.raw["api"]) ?? {};
    if (rest && list(obj(raw["endpointConfiguration"])?.["types"]).includes("PRIVATE"))
      out.push({ arn: api.arn, reason: "private API: reachable only through its VPC endpoints, not from the scanner" });
    if (!rest && raw["ProtocolType"] === "WEBSOCKET")
      out.push({ arn: api.arn, reason: "WebSocket API: its routes are messages on a connection, not HTTP requests" });
  }
  return out;
}

/** What targetsFromInventory collects while it renders targets. */
interface TargetSink {
  targets: ProbeTarget[];
  skipped: SkippedTarget[];
  problems: TargetProblem[];
}

/** Everything targetsFor needs besides the endpoint. */
interface TargetContext {
  index: ApiIndex;
  opts: TargetsFromInventoryOptions;
  skipReasons: ReadonlyMap<string, string>;
  /** OPTIONS methods by API and path: their integration responses are the REST API's CORS configuration. */
  optionsByPath: ReadonlyMap<string, Resource>;
  sink: TargetSink;
}

/** Files a rendered target: refused (user info in its URL), skipped with the reason, or sent. */
function addTarget(sink: TargetSink, arn: string, t: ProbeTarget, reason: string | undefined): void {
  // Names and ids come from AWS: one that turns the rendered URL into `https://user:pass@…` is not sent.
  if ([t.baseUrl, t.httpBaseUrl].some((u) => u !== undefined && hasUserInfo(u)))
    sink.problems.push({ arn, message: `its URL, rendered from AWS names, has user info (${maskUserInfo(t.baseUrl)})` });
  else if (reason) sink.skipped.push({ target: t, reason });
  else sink.targets.push(t);
}

/** What the configuration says one endpoint should do in one stage. */
function expectationIn(e: Endpoint, st: StageInfo, cors: ProbeExpectation["cors"] | undefined, index: ApiIndex) {
  const rest = e.resource.type === "aws.apigateway.method";
  const waf = wafExpectation(st.resource, index.byArn);
  const throttle = throttleExpectation(e.resource, st.name);
  const expect: ProbeExpectation = {
    auth: e.auth,
    ...(e.apiKeyRequired ? { apiKeyRequired: true } : {}),
    ...(cors !== undefined ? { cors } : {}),
    ...(rest && waf.wafSqliXss !== undefined ? { wafSqliXss: waf.wafSqliXss } : {}),
    ...(throttle !== undefined ? { throttle } : {}),
  };
  return { expect, aclArn: waf.aclArn };
}

/** The targets of one endpoint: one per stage on the execute-api URL (unless disabled) and per custom-domain path. */
function targetsFor(e: Endpoint, ctx: TargetContext): void {
  const { opts, index } = ctx;
  const r = e.resource;
  const api = index.apis.get(scopeKey(r, e.apiId));
  const apiSkip = api && ctx.skipReasons.get(api.arn);
  const rest = r.type === "aws.apigateway.method";
  const apiRaw = obj(rest ? api?.raw["restApi"] : api?.raw["api"]) ?? {};
  const executeApiEnabled = apiRaw[rest ? "disableExecuteApiEndpoint" : "DisableExecuteApiEndpoint"] !== true;
  const cors = api
    ? rest
      ? restCorsExpectation(ctx.optionsByPath.get(`${scopeKey(r, e.apiId)}|${e.path}`), api)
      : httpCorsExpectation(api)
    : undefined;
  for (const st of index.stages.get(scopeKey(r, e.apiId)) ?? []) {
    const { expect, aclArn } = expectationIn(e, st, cors, index);
    const relatedArns = [st.resource.arn, ...(api ? [api.arn] : []), ...(aclArn ? [aclArn] : [])];
    const base = { arn: r.arn, account: r.account, region: r.region, path: e.path, method: e.method };
    if (executeApiEnabled) {
      const vars = { apiId: e.apiId, region: r.region, stage: st.name };
      const t: ProbeTarget = {
        id: `${e.apiId}/${st.name} ${e.method} ${e.path}`,
        ...base,
        relatedArns,
        baseUrl: renderInvokeUrl(opts.invokeUrlTemplate ?? DEFAULT_INVOKE_URL_TEMPLATE, vars),
        ...(opts.httpInvokeUrlTemplate ? { httpBaseUrl: renderInvokeUrl(opts.httpInvokeUrlTemplate, vars) } : {}),
        expect,
      };
      addTarget(ctx.sink, r.arn, t, apiSkip || opts.invokeUnreachable);
    }
    for (const d of st.domains) {
      const basePath = d.basePath === "(none)" ? "" : d.basePath;
      const t: ProbeTarget = {
        id: `${d.name}/${basePath} ${e.method} ${e.path}`,
        ...base,
        relatedArns: [...relatedArns, d.domain.arn],
        baseUrl: renderDomainUrl(opts.domainUrlTemplate ?? DEFAULT_DOMAIN_URL_TEMPLATE, { domain: d.name, basePath }),
        // Plain HTTP is checked on the execute-api URL; a domain has no separate plain-HTTP template.
        expect: { ...expect, httpsOnly: false, ...(d.minTls ? { minTls: d.minTls } : {}) },
      };
      addTarget(ctx.sink, r.arn, t, apiSkip || opts.domainUnreachable);
    }
  }
}

/**
 * Derives probe targets from the inventory's REST and HTTP APIs (and, through backendTargets, its Lambda function
 * URLs and AppSync APIs): one per (stage, REST method) and (stage,
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
  const resources = inventory.resources;
  const index = indexApis(resources);
  addDomains(resources, index.stages);
  const sink: TargetSink = { targets: [], skipped: [], problems: [] };
  const endpoints = endpointsOf(resources, index.apis, sink.problems);
  const notProbed = notProbedApis(index.apis);
  const optionsByPath = new Map<string, Resource>();
  for (const e of endpoints)
    if (e.resource.type === "aws.apigateway.method" && e.method === "OPTIONS")
      optionsByPath.set(`${scopeKey(e.resource, e.apiId)}|${e.path}`, e.resource);
  const ctx: TargetContext = { index, opts, skipReasons: new Map(notProbed.map((n) => [n.arn, n.reason])), optionsByPath, sink };
  for (const e of endpoints) targetsFor(e, ctx);
  const backend = backendTargets(resources, opts);
  sink.targets.push(...backend.targets);
  sink.skipped.push(...backend.skipped);
  sink.problems.push(...backend.problems);
  notProbed.push(...backend.notProbed);
  sink.targets.sort((a, b) => cmp(a.id, b.id));
  sink.skipped.sort((a, b) => cmp(a.target.id, b.target.id));
  notProbed.sort((a, b) => cmp(a.arn, b.arn));
  return { ...sink, notProbed };
}
