/**
 * CORS facts of REST APIs: where responses return a `*` or per-request (possibly reflected) origin, and where that
 * meets `Access-Control-Allow-Credentials: true`, from the methods' integration responses and the gateway responses.
 */
import { obj, str, type Obj } from "../facts/read.js";
import type { Derived } from "../facts/index.js";
import type { JsonValue } from "../model/json.js";

type CorsFacts = Derived<"aws.apigateway.restapi">["cors"];
type CorsLists = CorsFacts["methods"];

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

/**
 * CORS facts of one REST API, from its methods' integration responses and its gateway responses, each source on
 * its own (null when it could not be read) so that what one proves stands when the other is unknown:
 * `wildcardOrigin` lists where a literal `*` origin is returned; `wildcardOnAuthorized` those on a path with an
 * authorised method (gateway responses count when any method is authorised, since they apply to every path, so
 * theirs is unknown without the methods); `credentialsWithOpenOrigin` where `Access-Control-Allow-Credentials: true`
 * meets a `*` or a per-request (possibly reflected) origin on the same path or gateway response. The top-level
 * lists join both sources (null when either is unknown); `anyAuthorized` says whether any method requires
 * authorisation.
 */
export function restCors(methods: CorsMethod[] | null, gatewayResponses: JsonValue[] | null): CorsFacts {
  let fromMethods: CorsLists = null;
  let anyAuthorised: boolean | null = null;
  if (methods) {
    const byPath = new Map<string, CorsMethod[]>();
    for (const m of methods) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m]);
    const authorised = (m: CorsMethod) => m.verb !== "OPTIONS" && str(m.method["authorizationType"]) !== "NONE";
    const wildcard: string[] = [];
    const anyWildcard: string[] = [];
    const credentials: string[] = [];
    anyAuthorised = false;
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
    fromMethods = {
      wildcardOnAuthorized: wildcard,
      wildcardOrigin: [...wildcard, ...anyWildcard].sort(),
      credentialsWithOpenOrigin: credentials,
    };
  }
  let fromGateway: CorsFacts["gatewayResponses"] = null;
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
    fromGateway = {
      wildcardOnAuthorized: anyAuthorised === null ? null : anyAuthorised ? gw.wildcard : [],
      wildcardOrigin: gw.wildcard,
      credentialsWithOpenOrigin: gw.credentials,
    };
  }
  const join = (k: keyof NonNullable<CorsLists>): string[] | null => {
    const a = fromMethods?.[k];
    const b = fromGateway?.[k];
    return a && b ? [...a, ...b] : null;
  };
  return {
    anyAuthorized: anyAuthorised,
    methods: fromMethods,
    gatewayResponses: fromGateway,
    wildcardOnAuthorized: join("wildcardOnAuthorized"),
    wildcardOrigin: join("wildcardOrigin"),
    credentialsWithOpenOrigin: join("credentialsWithOpenOrigin"),
  };
}
