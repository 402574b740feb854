import { parsePolicyDocument, type NormalizedCondition, type NormalizedStatement } from "../analysis/iam/policy.js";
import { RESTRICTING_KEYS, conditionRestricts } from "../analysis/iam/trust.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import { globMatch } from "../util/glob.js";
import { SecretMatcher, type SecretPatterns } from "../secrets/patterns.js";
import { parseRedactionMarker } from "../secrets/redaction.js";
import type { EnrichResult } from "./iam.js";
import { restThrottling } from "./regional.js";

type Obj = Record<string, JsonValue | undefined>;
const obj = (v: JsonValue | undefined): Obj | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
const arr = (v: JsonValue | undefined): JsonValue[] | undefined => (Array.isArray(v) ? v : undefined);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === "string" ? v : undefined);
const scope = (r: Pick<Resource, "account" | "region">) => `${r.account}|${r.region}`;

/**
 * Names (never values) of the stage variables that look like secrets, sorted: the collector already replaced
 * their values with redaction markers (src/secrets/scrub.ts), which still say why; a variable named like a
 * secret with an empty value counts too.
 */
export function secretLikeVariables(variables: JsonValue | undefined, matcher: SecretMatcher): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj(variables) ?? {})) {
    const value = typeof v === "string" ? v : "";
    if (parseRedactionMarker(value) || matcher.field(k, value) || matcher.secretName(k, value)) out.push(k);
  }
  return out.sort();
}

// ---- CORS ----------------------------------------------------------------------------------------------

/** How a response sets Access-Control-Allow-Origin: a literal `*`, a literal origin, or a mapped value. */
type OriginKind = "wildcard" | "literal" | "dynamic";

/** One response that sets CORS headers. */
interface CorsResponse {
  where: string;
  origin: OriginKind | null;
  credentials: boolean;
}

function header(params: Obj | undefined, prefix: string, name: string): string | undefined {
  const want = `${prefix}${name}`.toLowerCase();
  for (const [k, v] of Object.entries(params ?? {})) if (k.toLowerCase() === want) return str(v);
  return undefined;
}

/**
 * Classifies a header mapping value: `'…'` is a static literal; anything else (`method.request.header.Origin`,
 * `integration.response.header.…`, context variables) is computed per request and may reflect the caller.
 */
function originKind(value: string | undefined): OriginKind | null {
  if (value === undefined) return null;
  const m = /^'(.*)'$/s.exec(value.trim());
  if (!m) return "dynamic";
  return m[1]!.trim() === "*" ? "wildcard" : "literal";
}

function corsResponse(
  where: string,
  params: Obj | undefined,
  templates: Obj | undefined,
  prefix: string,
): CorsResponse | undefined {
  let origin = originKind(header(params, prefix, "Access-Control-Allow-Origin"));
  const cred = header(params, prefix, "Access-Control-Allow-Credentials");
  // A mapped (per-request) credentials value may be true: counted as true, never assumed false.
  let credentials = cred !== undefined && (originKind(cred) === "dynamic" || /^'\s*true\s*'$/i.test(cred.trim()));
  // A mapping template may override the header at run time ($context.responseOverride.header.…).
  for (const t of Object.values(templates ?? {})) {
    const text = typeof t === "string" ? t : "";
    if (/responseOverride\.header\.Access-Control-Allow-Origin/i.test(text)) origin = "dynamic";
    if (/responseOverride\.header\.Access-Control-Allow-Credentials/i.test(text)) credentials = true;
  }
  if (origin === null && !credentials) return undefined;
  return { where, origin, credentials };
}

/** The CORS responses one REST method's integration returns. */
function methodCors(method: Obj, where: string): CorsResponse[] {
  const out: CorsResponse[] = [];
  const responses = obj(obj(method["methodIntegration"])?.["integrationResponses"]);
  for (const [status, r] of Object.entries(responses ?? {})) {
    const resp = obj(r);
    const c = corsResponse(
      `${where} (${status})`,
      obj(resp?.["responseParameters"]),
      obj(resp?.["responseTemplates"]),
      "method.response.header.",
    );
    if (c) out.push(c);
  }
  return out;
}

/** A REST method as the CORS analysis needs it. */
export interface CorsMethod {
  /** Resource path, e.g. `/orders`. */
  path: string;
  /** HTTP verb. */
  verb: string;
  /** The method object from GetResources (embed=methods). */
  method: Obj;
}

/** CORS facts from one source (the methods' integration responses, or the gateway responses). */
function corsLists(wildcardOnAuthorized: string[], wildcardOrigin: string[], credentialsWithOpenOrigin: string[]): JsonObject {
  return { wildcardOnAuthorized, wildcardOrigin, credentialsWithOpenOrigin };
}

/**
 * CORS facts of one REST API, from its methods' integration responses and, when they were collected, its gateway
 * responses, each source on its own so that what one proves stands when the other could not be read:
 * `wildcardOrigin` lists where a literal `*` origin is returned; `wildcardOnAuthorized` those on a path with an
 * authorised method (gateway responses count when any method is authorised, since they apply to every path);
 * `credentialsWithOpenOrigin` where `Access-Control-Allow-Credentials: true` meets a `*` or a per-request (possibly
 * reflected) origin on the same path or gateway response. The top-level lists join both sources (null when the
 * gateway responses are unknown); `anyAuthorized` says whether any method requires authorisation.
 */
export function restCors(methods: CorsMethod[], gatewayResponses: JsonValue[] | null): JsonObject {
  const byPath = new Map<string, CorsMethod[]>();
  for (const m of methods) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m]);
  const authorised = (m: CorsMethod) => m.verb !== "OPTIONS" && str(m.method["authorizationType"]) !== "NONE";
  const wildcard: string[] = [];
  const anyWildcard: string[] = [];
  const credentials: string[] = [];
  let anyAuthorised = false;
  for (const [path, list] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const responses = list.flatMap((m) => methodCors(m.method, `${m.verb} ${path}`));
    const auth = list.some(authorised);
    anyAuthorised ||= auth;
    for (const r of responses) if (r.origin === "wildcard") (auth ? wildcard : anyWildcard).push(r.where);
    // Preflight and actual responses of one path work together: credentials on one and an open origin on
    // another still let a foreign page read credentialed responses.
    if (responses.some((r) => r.credentials)) {
      for (const r of responses) if (r.origin === "wildcard" || r.origin === "dynamic") credentials.push(r.where);
    }
  }
  const fromMethods = corsLists(wildcard, [...wildcard, ...anyWildcard].sort(), credentials);
  let fromGateway: JsonObject | null = null;
  if (gatewayResponses) {
    const gw = { wildcard: [] as string[], credentials: [] as string[] };
    for (const g of gatewayResponses) {
      const gr = obj(g) ?? {};
      const c = corsResponse(
        `gateway response ${str(gr["responseType"]) ?? "?"}`,
        obj(gr["responseParameters"]),
        obj(gr["responseTemplates"]),
        "gatewayresponse.header.",
      );
      if (!c) continue;
      if (c.origin === "wildcard") gw.wildcard.push(c.where);
      if (c.credentials && (c.origin === "wildcard" || c.origin === "dynamic")) gw.credentials.push(c.where);
    }
    fromGateway = corsLists(anyAuthorised ? gw.wildcard : [], gw.wildcard, gw.credentials);
  }
  const join = (k: string): JsonValue =>
    fromGateway ? [...(fromMethods[k] as string[]), ...(fromGateway[k] as string[])] : null;
  return {
    anyAuthorized: anyAuthorised,
    methods: fromMethods,
    gatewayResponses: fromGateway,
    wildcardOnAuthorized: join("wildcardOnAuthorized"),
    wildcardOrigin: join("wildcardOrigin"),
    credentialsWithOpenOrigin: join("credentialsWithOpenOrigin"),
  };
}

// ---- Resource policies -----------------------------------------------------------------------------------

const VPC_KEYS = ["aws:sourcevpce", "aws:sourcevpc"] as const;
const NEGATIVE = /^(StringNotEquals|StringNotLike|ArnNotEquals|ArnNotLike|NotIpAddress)(IfExists)?$/i;

/** Whether a Deny condition denies every caller whose `keys` value is outside a list (StringNotEquals & co). */
function negativelyRestricts(condition: NormalizedCondition | undefined, keys: readonly string[]): boolean {
  if (!condition) return false;
  return Object.entries(condition).some(
    ([op, byKey]) =>
      NEGATIVE.test(op) &&
      Object.entries(byKey).some(
        ([k, values]) => keys.includes(k.toLowerCase()) && values.some((v) => v !== "" && !/^[*?]+$/.test(v)),
      ),
  );
}

const isPublic = (s: NormalizedStatement) =>
  s.notPrincipal !== undefined || s.principal?.wildcard === true || (s.principal?.entries["AWS"] ?? []).includes("*");

const coversInvoke = (s: NormalizedStatement) =>
  s.notAction === undefined && (s.action ?? []).some((a) => globMatch(a.toLowerCase(), "execute-api:invoke"));

/** A Deny covers an Allow's resources when each of them is matched by one of the Deny's resource globs. */
function denyCovers(deny: NormalizedStatement, allow: NormalizedStatement): boolean {
  if (deny.notResource || allow.notResource) return false;
  const denied = deny.resource ?? [];
  return (allow.resource ?? ["*"]).every((r) => denied.some((d) => d === "*" || globMatch(d, r)));
}

/**
 * Facts of a REST API resource policy (the JSON string API Gateway returns, sometimes with escaped quotes):
 * `publicAllows` lists Allow statements open to every principal (`*`, `{"AWS": "*"}` or NotPrincipal) with
 * no restricting condition (source VPC/VPCE/IP, principal organisation/account/ARN, …) and no Deny that
 * refuses callers outside such a condition; `vpcRestricted` is true when every Allow is limited to
 * `aws:SourceVpce`/`aws:SourceVpc` the same way. Null when the policy cannot be parsed.
 */
export function resourcePolicyFacts(policy: JsonValue | undefined): JsonObject | null {
  if (policy === undefined || policy === null || policy === "") return { present: false, publicAllows: [], vpcRestricted: false };
  const parsed = parsePolicyDocument(policy, "resource");
  if (!parsed.ok) return null;
  const statements = parsed.policy.statements;
  const allows = statements.filter((s) => s.effect === "Allow");
  const denies = statements.filter((s) => s.effect === "Deny" && isPublic(s) && coversInvoke(s));
  const limited = (s: NormalizedStatement, keys: readonly string[]) =>
    conditionRestricts(s.condition, keys) || denies.some((d) => denyCovers(d, s) && negativelyRestricts(d.condition, keys));
  const label = (s: NormalizedStatement) => (s.sid ? `Statement[${s.index}] (${s.sid})` : `Statement[${s.index}]`);
  return {
    present: true,
    publicAllows: allows.filter((s) => isPublic(s) && !limited(s, RESTRICTING_KEYS)).map(label),
    vpcRestricted: allows.length > 0 && allows.every((s) => limited(s, VPC_KEYS)),
  };
}

// ---- The enricher ------------------------------------------------------------------------------------------

/** What the API-security enricher needs besides the resources. */
export interface ApiSecurityContext {
  /** Collection errors; when absent, facts that depend on a complete listing are null. */
  errors?: readonly CollectionError[] | undefined;
  /** What looks like a secret (rules/data/secret-patterns.json). */
  secretPatterns: SecretPatterns;
  /** The services collected when a scan was restricted (`--services`); absent: all of them. */
  services?: readonly string[] | undefined;
}

const explicit = (source: JsonValue | undefined) => source === "method" || source === "stage";
const quotaOk = (p: Obj) => typeof obj(p["quota"])?.["limit"] === "number";
const throttleOk = (p: Obj) => {
  const t = obj(p["throttle"]);
  return typeof t?.["rateLimit"] === "number" || typeof t?.["burstLimit"] === "number";
};

/**
 * API-security facts: CORS, resource policy, API keys and usage plans, custom domains mapping each API
 * (for the default-endpoint rules), per-stage throttling coverage and secret-looking stage variables,
 * and whether each web ACL logs. Pure; facts are null, not false, when an input was not collected.
 */
export function enrichApiSecurity(resources: Resource[], ctx: ApiSecurityContext): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const errors = ctx.errors;
  const secrets = new SecretMatcher(ctx.secretPatterns);
  const failed = (service: string, ops: string[], s: string) =>
    errors === undefined ||
    errors.some(
      (e) =>
        (e.service === service || e.service === "*") &&
        (ops.includes(e.operation) || e.operation === "*") &&
        `${e.account}|${e.region}` === s,
    );
  // API Gateway ARNs carry no account id: every join and error lookup is keyed by account as well.
  const failedOn = (r: Resource, service: string, op: string, arn: string) =>
    errors === undefined ||
    errors.some((e) => e.account === r.account && e.service === service && e.operation === op && e.resourceArn === arn);
  const inAccount = (r: Resource, arn: string) => `${r.account}|${arn}`;

  const restMethods = new Map<string, Resource[]>();
  const accounts = new Map<string, Resource>();
  const domainsByApi = new Map<string, Set<string>>();
  const domainsIncomplete = new Set<string>();
  const routesByApi = new Map<string, Resource[]>();
  const restApis = new Map<string, Resource>();
  for (const r of resources) {
    if (r.type === "aws.apigateway.restapi") restApis.set(inAccount(r, r.arn), r);
    if (r.type === "aws.apigateway.method") {
      const api = r.arn.slice(0, r.arn.indexOf("/resources/"));
      restMethods.set(inAccount(r, api), [...(restMethods.get(inAccount(r, api)) ?? []), r]);
    }
    if (r.type === "aws.apigatewayv2.route") {
      const api = r.arn.slice(0, r.arn.indexOf("/routes/"));
      routesByApi.set(inAccount(r, api), [...(routesByApi.get(inAccount(r, api)) ?? []), r]);
    }
    if (r.type === "aws.apigateway.account") accounts.set(scope(r), r);
    if (r.type === "aws.apigateway.domain" || r.type === "aws.apigatewayv2.domain") {
      const v1 = r.type === "aws.apigateway.domain";
      const mappings = arr(r.raw[v1 ? "basePathMappings" : "apiMappings"]);
      if (!mappings) domainsIncomplete.add(scope(r));
      for (const m of mappings ?? []) {
        const id = str(obj(m)?.[v1 ? "restApiId" : "ApiId"]);
        if (id) domainsByApi.set(`${scope(r)}|${id}`, (domainsByApi.get(`${scope(r)}|${id}`) ?? new Set()).add(r.name));
      }
    }
  }
  // Domain names are shared by both API Gateway APIs; either listing failing leaves the join unknown, and either
  // left out by --services leaves it out too: skipped with the reason, never judged from half the mappings.
  const skipped = new Map<Resource, Record<string, string>>();
  const notCollected = ["apigateway", "apigatewayv2"].filter((svc) => ctx.services && !ctx.services.includes(svc));
  const customDomains = (r: Resource, id: string): JsonValue => {
    if (!notCollected.length) return joinedDomains(r, id);
    skipped.set(r, {
      "/derived/customDomains": `${notCollected.join(" and ")} not collected (--services): its custom domain mappings may serve this API too`,
    });
    return null;
  };
  const joinedDomains = (r: Resource, id: string): JsonValue =>
    domainsIncomplete.has(scope(r)) ||
    failed("apigateway", ["GetDomainNames", "GetBasePathMappings"], scope(r)) ||
    failed("apigatewayv2", ["GetDomainNames", "GetApiMappings"], scope(r))
      ? null
      : [...(domainsByApi.get(`${scope(r)}|${id}`) ?? [])].sort();

  for (const r of resources) {
    switch (r.type) {
      case "aws.apigateway.restapi": {
        const api = obj(r.raw["restApi"]) ?? {};
        const id = str(api["id"]) ?? "";
        const methodsCollected = r.raw["resourcePaths"] !== undefined;
        const methods = methodsCollected ? (restMethods.get(inAccount(r, r.arn)) ?? []) : null;
        const gateway = arr(r.raw["gatewayResponses"]);
        const keysRequired = methods ? methods.some((m) => obj(m.raw["method"])?.["apiKeyRequired"] === true) : null;
        const plansRaw = arr(accounts.get(scope(r))?.raw["usagePlans"]);
        const plans = (plansRaw ?? [])
          .map((p) => obj(p) ?? {})
          .filter((p) => (arr(p["apiStages"]) ?? []).some((s) => obj(s)?.["apiId"] === id));
        const planName = (p: Obj) => str(p["name"]) ?? str(p["id"]) ?? "?";
        derived.set(r, {
          cors: methods
            ? restCors(
                methods.map((m) => ({
                  path: String(m.raw["resourcePath"] ?? ""),
                  verb: String(m.raw["httpMethod"] ?? ""),
                  method: obj(m.raw["method"]) ?? {},
                })),
                gateway ?? null,
              )
            : null,
          resourcePolicy: resourcePolicyFacts(api["policy"]),
          apiKeyUsage:
            keysRequired === null || (keysRequired && !plansRaw)
              ? null
              : {
                  required: keysRequired,
                  usagePlans: plans.map(planName),
                  plansWithoutLimits: plans.filter((p) => !quotaOk(p) || !throttleOk(p)).map(planName),
                },
          customDomains: customDomains(r, id),
        });
        break;
      }
      case "aws.apigateway.stage": {
        const stage = obj(r.raw["stage"]) ?? {};
        const apiArn = r.arn.slice(0, r.arn.indexOf("/stages/"));
        const apiRes = restApis.get(inAccount(r, apiArn));
        const methods =
          apiRes && apiRes.raw["resourcePaths"] !== undefined ? (restMethods.get(inAccount(r, apiArn)) ?? []) : null;
        const acct = accounts.get(scope(r));
        // Only the explicitly configured levels count; an account-level default is what every API gets.
        const limits = methods?.map((m) => {
          const key = `${String(m.raw["resourcePath"] ?? "")} ${String(m.raw["httpMethod"] ?? "")}`;
          const t = restThrottling(
            stage,
            String(m.raw["resourcePath"] ?? ""),
            String(m.raw["httpMethod"] ?? ""),
            obj(acct?.raw["account"]),
          );
          return { method: key, ...t } as JsonObject;
        });
        derived.set(r, {
          secretVariables: secretLikeVariables(stage["variables"], secrets),
          throttling: limits
            ? {
                methods: limits,
                unthrottled: limits
                  .filter((l) => !explicit(l["rateSource"]) || !explicit(l["burstSource"]))
                  .map((l) => l["method"] ?? null),
              }
            : null,
        });
        break;
      }
      case "aws.apigatewayv2.api": {
        const api = obj(r.raw["api"]) ?? {};
        const id = str(api["ApiId"]) ?? "";
        const routes = failedOn(r, "apigatewayv2", "GetRoutes", r.arn) ? null : (routesByApi.get(inAccount(r, r.arn)) ?? []);
        derived.set(r, {
          authorizedRoutes:
            routes
              ?.filter((x) => (str(obj(x.raw["route"])?.["AuthorizationType"]) ?? "NONE") !== "NONE")
              .map((x) => String(obj(x.raw["route"])?.["RouteKey"] ?? ""))
              .sort() ?? null,
          customDomains: customDomains(r, id),
        });
        break;
      }
      case "aws.apigatewayv2.stage": {
        const stage = obj(r.raw["stage"]) ?? {};
        derived.set(r, {
          secretVariables: secretLikeVariables(stage["StageVariables"], secrets),
        });
        break;
      }
      case "aws.wafv2.webacl": {
        const l = r.raw["loggingConfiguration"];
        // The collector stores null for "no logging configuration" and omits the key when the call failed.
        derived.set(r, { loggingEnabled: l === undefined ? null : (arr(obj(l)?.["LogDestinationConfigs"]) ?? []).length > 0 });
        break;
      }
      default:
        break;
    }
  }
  return { derived, errors: [], skipped };
}
