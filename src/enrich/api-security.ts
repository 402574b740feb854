/**
 * API-security facts of REST and HTTP APIs, their stages and web ACLs: CORS, resource policy, API keys and usage
 * plans, custom domains, per-stage throttling coverage, secret-looking stage variables and web ACL logging.
 */
import { arr, inAccount, inScope, obj, str, type Obj } from "../facts/read.js";
import type { Derived } from "../facts/index.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import { SecretMatcher, type SecretPatterns } from "../secrets/patterns.js";
import { parseRedactionMarker } from "../secrets/redaction.js";
import { restCors } from "./cors.js";
import type { EnrichResult } from "./iam.js";
import { restThrottling } from "./regional.js";
import { resourcePolicyFacts } from "./resource-policy.js";

export { restCors } from "./cors.js";
export { resourcePolicyFacts } from "./resource-policy.js";

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
const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);
/** `resourcePath VERB` of a REST method. */
const methodKey = (m: Resource) => `${String(m.raw["resourcePath"] ?? "")} ${String(m.raw["httpMethod"] ?? "")}`;

/**
 * The joins the facts need, built once: REST methods and HTTP routes by API, each region's API Gateway account
 * resource and the custom domains mapping each API. API Gateway ARNs carry no account id: every join and error
 * lookup is keyed by account as well.
 */
class ApiIndex {
  readonly restMethods = new Map<string, Resource[]>();
  readonly routesByApi = new Map<string, Resource[]>();
  readonly restApis = new Map<string, Resource>();
  readonly accounts = new Map<string, Resource>();
  /** Facts left out, by resource (JSON pointer → why). */
  readonly skipped = new Map<Resource, Record<string, string>>();
  private readonly domainsByApi = new Map<string, Set<string>>();
  private readonly domainsIncomplete = new Set<string>();
  private readonly notCollected: string[];
  private readonly errors: readonly CollectionError[] | undefined;

  constructor(resources: readonly Resource[], ctx: ApiSecurityContext) {
    this.errors = ctx.errors;
    this.notCollected = ["apigateway", "apigatewayv2"].filter((svc) => ctx.services && !ctx.services.includes(svc));
    for (const r of resources) this.add(r);
  }

  private add(r: Resource): void {
    if (r.type === "aws.apigateway.restapi") this.restApis.set(inAccount(r, r.arn), r);
    if (r.type === "aws.apigateway.method") push(this.restMethods, inAccount(r, r.arn.slice(0, r.arn.indexOf("/resources/"))), r);
    if (r.type === "aws.apigatewayv2.route") push(this.routesByApi, inAccount(r, r.arn.slice(0, r.arn.indexOf("/routes/"))), r);
    if (r.type === "aws.apigateway.account") this.accounts.set(inScope(r), r);
    if (r.type === "aws.apigateway.domain" || r.type === "aws.apigatewayv2.domain") {
      const v1 = r.type === "aws.apigateway.domain";
      const mappings = arr(r.raw[v1 ? "basePathMappings" : "apiMappings"]);
      if (!mappings) this.domainsIncomplete.add(inScope(r));
      for (const m of mappings ?? []) {
        const id = str(obj(m)?.[v1 ? "restApiId" : "ApiId"]);
        const key = `${inScope(r)}|${id}`;
        if (id) this.domainsByApi.set(key, (this.domainsByApi.get(key) ?? new Set()).add(r.name));
      }
    }
  }

  /** True when any of `ops` failed in the scope (or the errors are unknown). */
  failed(service: string, ops: string[], scope: string): boolean {
    return (
      this.errors === undefined ||
      this.errors.some(
        (e) =>
          (e.service === service || e.service === "*") &&
          (ops.includes(e.operation) || e.operation === "*") &&
          `${e.account}|${e.region}` === scope,
      )
    );
  }

  /** True when `op` failed on the resource `arn` of r's account (or the errors are unknown). */
  failedOn(r: Resource, service: string, op: string, arn: string): boolean {
    return (
      this.errors === undefined ||
      this.errors.some((e) => e.account === r.account && e.service === service && e.operation === op && e.resourceArn === arn)
    );
  }

  /**
   * Custom domains mapping API `id`; null when a domain listing of either API Gateway version failed. Domain names
   * are shared by both API Gateway APIs: either left out by --services leaves the join out too, skipped with the
   * reason, never judged from half the mappings.
   */
  customDomains(r: Resource, id: string): string[] | null {
    if (this.notCollected.length) {
      this.skipped.set(r, {
        "/derived/customDomains": `${this.notCollected.join(" and ")} not collected (--services): its custom domain mappings may serve this API too`,
      });
      return null;
    }
    const scope = inScope(r);
    return this.domainsIncomplete.has(scope) ||
      this.failed("apigateway", ["GetDomainNames", "GetBasePathMappings"], scope) ||
      this.failed("apigatewayv2", ["GetDomainNames", "GetApiMappings"], scope)
      ? null
      : [...(this.domainsByApi.get(`${scope}|${id}`) ?? [])].sort();
  }

  /** The REST API's methods, or null when its resources were not read. */
  methodsOf(r: Resource, apiArn: string): Resource[] | null {
    const api = this.restApis.get(inAccount(r, apiArn));
    return api && api.raw["resourcePaths"] !== undefined ? (this.restMethods.get(inAccount(r, apiArn)) ?? []) : null;
  }
}

/** API keys and usage plans of a REST API; null when its methods (or, keys being required, the plans) were not read. */
function apiKeyUsage(r: Resource, id: string, methods: Resource[] | null, ix: ApiIndex) {
  const keysRequired = methods ? methods.some((m) => obj(m.raw["method"])?.["apiKeyRequired"] === true) : null;
  const plansRaw = arr(ix.accounts.get(inScope(r))?.raw["usagePlans"]);
  if (keysRequired === null || (keysRequired && !plansRaw)) return null;
  const plans = (plansRaw ?? [])
    .map((p) => obj(p) ?? {})
    .filter((p) => (arr(p["apiStages"]) ?? []).some((s) => obj(s)?.["apiId"] === id));
  const planName = (p: Obj) => str(p["name"]) ?? str(p["id"]) ?? "?";
  return {
    required: keysRequired,
    usagePlans: plans.map(planName),
    plansWithoutLimits: plans.filter((p) => !quotaOk(p) || !throttleOk(p)).map(planName),
  };
}

function restApiFacts(r: Resource, ix: ApiIndex): Derived<"aws.apigateway.restapi"> {
  const api = obj(r.raw["restApi"]) ?? {};
  const id = str(api["id"]) ?? "";
  const methods = ix.methodsOf(r, r.arn);
  const corsMethods = methods?.map((m) => ({
    path: String(m.raw["resourcePath"] ?? ""),
    verb: String(m.raw["httpMethod"] ?? ""),
    method: obj(m.raw["method"]) ?? {},
  }));
  return {
    cors: restCors(corsMethods ?? null, arr(r.raw["gatewayResponses"]) ?? null),
    resourcePolicy: resourcePolicyFacts(api["policy"]),
    apiKeyUsage: apiKeyUsage(r, id, methods, ix),
    customDomains: ix.customDomains(r, id),
  };
}

function restStageFacts(
  r: Resource,
  ix: ApiIndex,
  secrets: SecretMatcher,
): Pick<Derived<"aws.apigateway.stage">, "secretVariables" | "throttling"> {
  const stage = obj(r.raw["stage"]) ?? {};
  const methods = ix.methodsOf(r, r.arn.slice(0, r.arn.indexOf("/stages/")));
  const account = obj(ix.accounts.get(inScope(r))?.raw["account"]);
  // Only the explicitly configured levels count; an account-level default is what every API gets.
  const limits = methods?.map((m) => ({
    method: methodKey(m),
    ...restThrottling(stage, String(m.raw["resourcePath"] ?? ""), String(m.raw["httpMethod"] ?? ""), account),
  }));
  return {
    secretVariables: secretLikeVariables(stage["variables"], secrets),
    throttling: limits
      ? {
          methods: limits,
          unthrottled: limits.filter((l) => !explicit(l["rateSource"]) || !explicit(l["burstSource"])).map((l) => l.method),
        }
      : null,
  };
}

function httpApiFacts(r: Resource, ix: ApiIndex): Derived<"aws.apigatewayv2.api"> {
  const id = str(obj(r.raw["api"])?.["ApiId"]) ?? "";
  const routes = ix.failedOn(r, "apigatewayv2", "GetRoutes", r.arn) ? null : (ix.routesByApi.get(inAccount(r, r.arn)) ?? []);
  const route = (x: Resource) => obj(x.raw["route"]);
  return {
    authorizedRoutes:
      routes
        ?.filter((x) => (str(route(x)?.["AuthorizationType"]) ?? "NONE") !== "NONE")
        .map((x) => String(route(x)?.["RouteKey"] ?? ""))
        .sort() ?? null,
    customDomains: ix.customDomains(r, id),
  };
}

/** Whether a web ACL logs; the collector stores null for "no logging configuration" and omits it when the call failed. */
function webAclFacts(r: Resource): Derived<"aws.wafv2.webacl"> {
  const l = r.raw["loggingConfiguration"];
  return { loggingEnabled: l === undefined ? null : (arr(obj(l)?.["LogDestinationConfigs"]) ?? []).length > 0 };
}

/**
 * API-security facts: CORS, resource policy, API keys and usage plans, custom domains mapping each API
 * (for the default-endpoint rules), per-stage throttling coverage and secret-looking stage variables,
 * and whether each web ACL logs. Pure; facts are null, not false, when an input was not collected.
 */
export function enrichApiSecurity(resources: Resource[], ctx: ApiSecurityContext): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const secrets = new SecretMatcher(ctx.secretPatterns);
  const ix = new ApiIndex(resources, ctx);
  for (const r of resources) {
    const facts =
      r.type === "aws.apigateway.restapi"
        ? restApiFacts(r, ix)
        : r.type === "aws.apigateway.stage"
          ? restStageFacts(r, ix, secrets)
          : r.type === "aws.apigatewayv2.api"
            ? httpApiFacts(r, ix)
            : r.type === "aws.apigatewayv2.stage"
              ? { secretVariables: secretLikeVariables(obj(r.raw["stage"])?.["StageVariables"], secrets) }
              : r.type === "aws.wafv2.webacl"
                ? webAclFacts(r)
                : undefined;
    if (facts) derived.set(r, facts as JsonObject);
  }
  return { derived, errors: [], skipped: ix.skipped };
}
