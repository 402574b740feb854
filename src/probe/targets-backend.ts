/**
 * Probe targets of the backend layer, from the inventory's Lambda functions and AppSync APIs:
 *
 * - `aws.lambda.function`     raw `{ function, functionUrlConfigs?: [{ FunctionUrl, FunctionArn, AuthType, Cors? }] }`:
 *   one target per function URL (the function's own and its aliases'), GET on the URL's root.
 * - `aws.appsync.graphqlapi`  raw `{ graphqlApi: { apiId, uris: { GRAPHQL }, authenticationType,
 *   additionalAuthenticationProviders?, visibility? } }`: one target per API, its GraphQL endpoint (POST, opt-in).
 *
 * Pure; an unknown authentication type or an unreadable URL is a problem, never a guess.
 */
import { list, obj, str, strings } from "../facts/read.js";
import type { Resource } from "../model/inventory.js";
import { hasUserInfo, maskUserInfo } from "../util/url-userinfo.js";
import type { NotProbed, SkippedTarget, TargetProblem } from "./targets-from-inventory.js";
import { APPSYNC_AUTH_TYPES, type AppSyncAuthType, type ProbeExpectation, type ProbeTarget } from "./types.js";

/** Default URL of a Lambda function URL (`{urlId}` = the first label of its host, `{region}`). */
export const DEFAULT_FUNCTION_URL_TEMPLATE = "https://{urlId}.lambda-url.{region}.on.aws";
/** Default GraphQL endpoint of an AppSync API (`{endpointId}` = the first label of its `uris.GRAPHQL` host, `{region}`). */
export const DEFAULT_APPSYNC_URL_TEMPLATE = "https://{endpointId}.appsync-api.{region}.amazonaws.com/graphql";

/** URL templates of the backend targets and why targets on them cannot be probed (an emulator's inventory). */
export interface BackendTargetOptions {
  functionUrlTemplate?: string;
  appsyncUrlTemplate?: string;
  /** Why no function URL on the template can be probed: skipped. */
  functionUrlUnreachable?: string;
  /** Why no AppSync endpoint on the template can be probed: skipped. */
  appsyncUnreachable?: string;
}

/** What backendTargets found. */
export interface BackendTargets {
  targets: ProbeTarget[];
  skipped: SkippedTarget[];
  problems: TargetProblem[];
  notProbed: NotProbed[];
}

/** Renders a template's `{name}` placeholders; no trailing slash. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  let out = template;
  for (const [k, v] of Object.entries(vars)) out = out.replaceAll(`{${k}}`, encodeURIComponent(v));
  return out.replace(/\/+$/, "");
}

/** The first DNS label of a URL's host, or undefined when the text is not a URL. */
function firstLabel(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const label = new URL(url).hostname.split(".")[0];
    return label && /^[a-z0-9-]+$/i.test(label) ? label : undefined;
  } catch {
    return undefined;
  }
}

/** Files a target: refused (user info in its URL), skipped with the reason, or sent. */
function file(out: BackendTargets, t: ProbeTarget, reason: string | undefined): void {
  if (hasUserInfo(t.baseUrl))
    out.problems.push({
      arn: t.arn ?? t.id,
      message: `its URL, rendered from AWS names, has user info (${maskUserInfo(t.baseUrl)})`,
    });
  else if (reason) out.skipped.push({ target: t, reason });
  else out.targets.push(t);
}

/** The CORS a function URL is configured with (FunctionUrlConfig `Cors`), or null. */
function urlCors(c: ReturnType<typeof obj>): ProbeExpectation["cors"] {
  if (!c) return null;
  return { allowOrigins: strings(c["AllowOrigins"]), ...(c["AllowCredentials"] === true ? { allowCredentials: true } : {}) };
}

/** The targets of one function's URLs. */
function functionUrlTargets(r: Resource, opts: BackendTargetOptions, out: BackendTargets): void {
  const name = str(obj(r.raw["function"])?.["FunctionName"]) ?? r.name;
  for (const u of list(r.raw["functionUrlConfigs"])) {
    const cfg = obj(u) ?? {};
    const urlId = firstLabel(str(cfg["FunctionUrl"]));
    const auth = str(cfg["AuthType"]);
    const urlArn = str(cfg["FunctionArn"]) ?? r.arn;
    const qualifier = urlArn.startsWith(`${r.arn}:`) ? urlArn.slice(r.arn.length + 1) : undefined;
    if (!urlId) {
      out.problems.push({ arn: r.arn, message: `function URL ${JSON.stringify(cfg["FunctionUrl"] ?? null)} is not a URL` });
      continue;
    }
    if (auth !== "NONE" && auth !== "AWS_IAM") {
      out.problems.push({ arn: r.arn, message: `unknown function URL AuthType ${JSON.stringify(auth ?? null)}` });
      continue;
    }
    const t: ProbeTarget = {
      id: `lambda-url/${name}${qualifier ? `:${qualifier}` : ""}/${urlId}`,
      kind: "lambda-url",
      arn: r.arn,
      ...(urlArn !== r.arn ? { relatedArns: [urlArn] } : {}),
      account: r.account,
      region: r.region,
      baseUrl: renderTemplate(opts.functionUrlTemplate ?? DEFAULT_FUNCTION_URL_TEMPLATE, { urlId, region: r.region }),
      path: "/",
      method: "GET",
      expect: { auth, cors: urlCors(obj(cfg["Cors"])) },
    };
    file(out, t, opts.functionUrlUnreachable);
  }
}

const isAppSyncAuth = (v: string | undefined): v is AppSyncAuthType =>
  v !== undefined && (APPSYNC_AUTH_TYPES as readonly string[]).includes(v);

/** The target of one AppSync API's GraphQL endpoint (private APIs are not probed). */
function appsyncTarget(r: Resource, opts: BackendTargetOptions, out: BackendTargets): void {
  const api = obj(r.raw["graphqlApi"]) ?? {};
  if (str(api["visibility"]) === "PRIVATE") {
    out.notProbed.push({
      arn: r.arn,
      reason: "private AppSync API: reachable only through its VPC endpoints, not from the scanner",
    });
    return;
  }
  const endpointId = firstLabel(str(obj(api["uris"])?.["GRAPHQL"]));
  const named = [
    api["authenticationType"],
    ...list(api["additionalAuthenticationProviders"]).map((p) => obj(p)?.["authenticationType"]),
  ].map(str);
  const providers = named.filter(isAppSyncAuth);
  if (!endpointId) return void out.problems.push({ arn: r.arn, message: "no GraphQL endpoint (uris.GRAPHQL)" });
  if (!providers.length || providers.length !== named.length) {
    const unknown = named.find((p) => !isAppSyncAuth(p));
    return void out.problems.push({ arn: r.arn, message: `unknown authenticationType ${JSON.stringify(unknown ?? null)}` });
  }
  const url = new URL(renderTemplate(opts.appsyncUrlTemplate ?? DEFAULT_APPSYNC_URL_TEMPLATE, { endpointId, region: r.region }));
  const t: ProbeTarget = {
    id: `appsync/${str(api["apiId"]) ?? endpointId}`,
    kind: "appsync",
    arn: r.arn,
    account: r.account,
    region: r.region,
    baseUrl: url.origin,
    path: url.pathname,
    method: "POST",
    expect: { auth: providers[0]!, authProviders: providers },
  };
  file(out, t, opts.appsyncUnreachable);
}

/** Every function URL and AppSync API of the inventory as a probe target (or a problem, or not probed with why). */
export function backendTargets(resources: readonly Resource[], opts: BackendTargetOptions): BackendTargets {
  const out: BackendTargets = { targets: [], skipped: [], problems: [], notProbed: [] };
  for (const r of resources) {
    if (r.type === "aws.lambda.function") functionUrlTargets(r, opts, out);
    if (r.type === "aws.appsync.graphqlapi") appsyncTarget(r, opts, out);
  }
  return out;
}
