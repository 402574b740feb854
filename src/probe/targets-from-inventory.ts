/**
 * INTEGRATION SEAM. Turns API Gateway resources of an inventory into probe targets.
 *
 * Written against the resource shapes the API Gateway collectors are expected to produce (they were being
 * written in parallel); the integrator aligns the field look-ups below with the real collector output.
 * Everything else in the prober consumes only ProbeTarget, so this file is the one place to change.
 *
 * Expected shapes (raw fields are read in camelCase or PascalCase, from raw or derived):
 * - `aws.apigateway.stage`   arn `arn:aws:apigateway:<region>::/restapis/<apiId>/stages/<stage>`;
 *   derived `wafSqliXss?`, `effectiveThrottle?` {rateLimit, burstLimit}, `minTls?`; raw `webAclArn?`.
 * - `aws.apigateway.method`  arn `arn:aws:apigateway:<region>::/restapis/<apiId>/resources/<id>/methods/<M>`;
 *   raw `{ httpMethod, authorizationType, apiKeyRequired, resourcePath }`; derived `effectiveThrottle?`.
 * - `aws.apigatewayv2.stage` arn `arn:aws:apigateway:<region>::/apis/<apiId>/stages/<stage>`.
 * - `aws.apigatewayv2.route` arn `arn:aws:apigateway:<region>::/apis/<apiId>/routes/<routeId>`;
 *   raw `{ routeKey: "GET /pets" | "$default", authorizationType, apiKeyRequired }`.
 * - `aws.apigatewayv2.api`   arn `arn:aws:apigateway:<region>::/apis/<apiId>`; raw `corsConfiguration?`,
 *   `protocolType` (WEBSOCKET APIs are skipped: their routes are not plain HTTP requests).
 * - `aws.apigateway.domain`  raw `{ domainName, securityPolicy }`; not mapped to stages yet (see docs/probes.md).
 */
import type { Inventory, Resource } from "../model/inventory.js";
import type { JsonValue } from "../model/json.js";
import type { ProbeAuthType, ProbeExpectation, ProbeTarget, TlsVersion } from "./types.js";
import { PROBE_AUTH_TYPES, TLS_VERSIONS } from "./types.js";

/** Default invoke URL of a stage (`{apiId}`, `{region}`, `{stage}` are substituted). */
export const DEFAULT_INVOKE_URL_TEMPLATE = "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}";

/** Options of targetsFromInventory. */
export interface TargetsFromInventoryOptions {
  /** Invoke URL template, see DEFAULT_INVOKE_URL_TEMPLATE. */
  invokeUrlTemplate?: string;
  /** Plain-HTTP template for the http:// check (default: the https URL with `http:` and port 80). */
  httpInvokeUrlTemplate?: string;
}

/** A target derivation problem (e.g. an unknown authorization type): reported, never guessed. */
export interface TargetProblem {
  arn: string;
  message: string;
}

const STAGE_ARN = /^arn:[^:]+:apigateway:([^:]+)::\/(restapis|apis)\/([^/]+)\/stages\/([^/]+)$/;
const METHOD_ARN = /^arn:[^:]+:apigateway:([^:]+)::\/restapis\/([^/]+)\/resources\/[^/]+\/methods\/([^/]+)$/;
const ROUTE_ARN = /^arn:[^:]+:apigateway:([^:]+)::\/apis\/([^/]+)\/routes\/[^/]+$/;
const API_ARN = /^arn:[^:]+:apigateway:([^:]+)::\/apis\/([^/]+)$/;

/** A field from derived, raw, or one object level down in raw (raw may be keyed by operation). */
function field(r: Resource, ...names: string[]): JsonValue | undefined {
  for (const bag of [r.derived, r.raw]) {
    for (const n of names) if (bag[n] !== undefined) return bag[n];
  }
  for (const v of Object.values(r.raw)) {
    if (v && typeof v === "object" && !Array.isArray(v)) for (const n of names) if (v[n] !== undefined) return v[n];
  }
  return undefined;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function throttleOf(v: JsonValue | undefined): ProbeExpectation["throttle"] | undefined {
  if (v === null) return null;
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const rate = v["rateLimit"] ?? v["RateLimit"] ?? v["throttlingRateLimit"] ?? v["ThrottlingRateLimit"];
  const burst = v["burstLimit"] ?? v["BurstLimit"] ?? v["throttlingBurstLimit"] ?? v["ThrottlingBurstLimit"];
  return typeof rate === "number" && typeof burst === "number" ? { rateLimit: rate, burstLimit: burst } : undefined;
}

function corsOf(v: JsonValue | undefined): ProbeExpectation["cors"] | undefined {
  if (v === null) return null;
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const origins = v["allowOrigins"] ?? v["AllowOrigins"];
  const creds = v["allowCredentials"] ?? v["AllowCredentials"];
  return {
    allowOrigins: Array.isArray(origins) ? origins.filter((o): o is string => typeof o === "string") : [],
    ...(typeof creds === "boolean" ? { allowCredentials: creds } : {}),
  };
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

interface StageInfo {
  resource: Resource;
  kind: "restapis" | "apis";
  region: string;
  apiId: string;
  stage: string;
}

/**
 * Derives one probe target per (stage, method/route) of the inventory's REST and HTTP APIs, assuming every
 * stage serves the API's current methods (a method missing from a deployment shows up as "route unknown").
 * Pure. Resources with an unknown authorization type are returned as problems, not guessed.
 */
export function targetsFromInventory(
  inventory: Inventory,
  opts: TargetsFromInventoryOptions = {},
): { targets: ProbeTarget[]; problems: TargetProblem[] } {
  const template = opts.invokeUrlTemplate ?? DEFAULT_INVOKE_URL_TEMPLATE;
  const stages: StageInfo[] = [];
  const apis = new Map<string, Resource>();
  for (const r of inventory.resources as Resource[]) {
    const type = r.type as string;
    const s = STAGE_ARN.exec(r.arn);
    if (s && (type === "aws.apigateway.stage" || type === "aws.apigatewayv2.stage")) {
      stages.push({
        resource: r,
        kind: s[2] as "restapis" | "apis",
        region: s[1]!,
        apiId: s[3]!,
        stage: decodeURIComponent(s[4]!),
      });
    }
    const a = API_ARN.exec(r.arn);
    if (a && type === "aws.apigatewayv2.api") apis.set(a[2]!, r);
  }
  const targets: ProbeTarget[] = [];
  const problems: TargetProblem[] = [];
  for (const r of inventory.resources as Resource[]) {
    const type = r.type as string;
    let apiId: string, kind: "restapis" | "apis", method: string, path: string;
    if (type === "aws.apigateway.method") {
      const m = METHOD_ARN.exec(r.arn);
      if (!m) continue;
      apiId = m[2]!;
      kind = "restapis";
      method = (str(field(r, "httpMethod", "HttpMethod")) ?? m[3]!).toUpperCase();
      path = str(field(r, "resourcePath", "ResourcePath", "path")) ?? "/";
    } else if (type === "aws.apigatewayv2.route") {
      const m = ROUTE_ARN.exec(r.arn);
      if (!m) continue;
      apiId = m[2]!;
      kind = "apis";
      const api = apis.get(apiId);
      if (api && str(field(api, "protocolType", "ProtocolType")) === "WEBSOCKET") continue;
      const routeKey = str(field(r, "routeKey", "RouteKey")) ?? "";
      if (routeKey === "$default") [method, path] = ["ANY", "/"];
      else {
        const [mm, pp] = routeKey.split(" ");
        if (!mm || !pp) {
          problems.push({ arn: r.arn, message: `route key ${JSON.stringify(routeKey)} is not "METHOD /path"` });
          continue;
        }
        [method, path] = [mm.toUpperCase(), pp];
      }
    } else continue;
    const authRaw = str(field(r, "authorizationType", "AuthorizationType")) ?? "NONE";
    if (!(PROBE_AUTH_TYPES as readonly string[]).includes(authRaw)) {
      problems.push({ arn: r.arn, message: `unknown authorizationType ${JSON.stringify(authRaw)}` });
      continue;
    }
    const auth = authRaw as ProbeAuthType;
    const apiKeyRequired = field(r, "apiKeyRequired", "ApiKeyRequired") === true;
    const api = apis.get(apiId);
    for (const st of stages.filter((s) => s.apiId === apiId && s.kind === kind)) {
      const sr = st.resource;
      const minTls = str(field(sr, "minTls"));
      const webAcl = str(field(sr, "webAclArn", "WebAclArn"));
      const waf = field(sr, "wafSqliXss");
      const throttle = throttleOf(field(r, "effectiveThrottle")) ?? throttleOf(field(sr, "effectiveThrottle"));
      const cors = api ? corsOf(field(api, "corsConfiguration", "CorsConfiguration")) : undefined;
      const expect: ProbeExpectation = {
        auth,
        ...(apiKeyRequired ? { apiKeyRequired } : {}),
        ...(cors !== undefined ? { cors } : {}),
        ...(minTls && (TLS_VERSIONS as readonly string[]).includes(minTls) ? { minTls: minTls as TlsVersion } : {}),
        ...(typeof waf === "boolean" ? { wafSqliXss: waf } : {}),
        ...(throttle !== undefined ? { throttle } : {}),
      };
      const vars = { apiId, region: st.region, stage: st.stage };
      targets.push({
        id: `${apiId}/${st.stage} ${method} ${path}`,
        arn: r.arn,
        relatedArns: [sr.arn, ...(api ? [api.arn] : []), ...(webAcl ? [webAcl] : [])],
        account: r.account,
        region: st.region,
        baseUrl: renderInvokeUrl(template, vars),
        ...(opts.httpInvokeUrlTemplate ? { httpBaseUrl: renderInvokeUrl(opts.httpInvokeUrlTemplate, vars) } : {}),
        path,
        method,
        expect,
      });
    }
  }
  targets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { targets, problems };
}
