/**
 * Facts of the backends API Gateway integrations call: REST methods (their embedded methodIntegration) and HTTP or
 * WebSocket routes (the integration their Target names). An HTTP integration over the internet to an `http://` URL
 * sends every request unencrypted; a VPC link integration stays private and is not such a URL. An AWS or AWS_PROXY
 * integration naming a Lambda function of a scanned account and region is joined with the Lambda listing there.
 */
import { obj, str } from "../facts/read.js";
import type { Derived } from "../facts/index.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { EnrichResult } from "./iam.js";

/** What the integration enricher needs besides the resources. */
export interface IntegrationContext {
  /** Collection errors; when absent, no Lambda listing is known to be complete. */
  errors?: readonly CollectionError[] | undefined;
  /** The services collected when a scan was restricted (`--services`); absent: all of them. */
  services?: readonly string[] | undefined;
  /** The (account, region) units of the scan; absent: only each integration's own account and region is known scanned. */
  units?: readonly { account: string; region: string }[] | undefined;
}

type Backend = NonNullable<Derived<"aws.apigateway.method">["integrationBackend"]>;

const EXISTS = "/derived/integrationBackend/functionExists";
const PLAIN_HTTP = "/derived/integrationBackend/plainHttp";
const FUNCTION_ARN = /^arn:([^:/]+):lambda:([^:/]+):(\d{12}):function:([^:/]+)(?::[^:/]+)?$/;

/** The function ARN an integration URI names: the ARN itself (v2) or inside an API Gateway invocation path. */
function functionArnOf(uri: string): { arn: string; account: string; region: string; name: string } | "variable" | undefined {
  const inner = /:lambda:path\/[^/]+\/functions\/(.+?)\/invocations$/.exec(uri)?.[1] ?? uri;
  if (!inner.includes(":lambda:") && !inner.startsWith("arn:")) return undefined;
  if (inner.includes("${")) return "variable";
  const m = FUNCTION_ARN.exec(inner);
  if (!m) return undefined;
  const [, partition, region, account, name] = m as unknown as [string, string, string, string, string];
  return { arn: `arn:${partition}:lambda:${region}:${account}:function:${name}`, account, region, name };
}

/** One integration as both API Gateway versions describe it (REST names are lower-case, v2 upper-case). */
interface Integration {
  type: string | undefined;
  uri: string | undefined;
  connectionType: string | undefined;
}

const restIntegration = (m: JsonValue | undefined): Integration | undefined => {
  const i = obj(obj(m)?.["methodIntegration"]);
  return i ? { type: str(i["type"]), uri: str(i["uri"]), connectionType: str(i["connectionType"]) } : undefined;
};
const v2Integration = (i: JsonValue | undefined): Integration | undefined => {
  const o = obj(i);
  return o
    ? { type: str(o["IntegrationType"]), uri: str(o["IntegrationUri"]), connectionType: str(o["ConnectionType"]) }
    : undefined;
};

/** The functions listed and the scopes whose Lambda listing is complete, built once. */
class FunctionIndex {
  private readonly functions = new Set<string>();
  private readonly units: Set<string> | undefined;

  constructor(
    resources: readonly Resource[],
    private readonly ctx: IntegrationContext,
  ) {
    for (const r of resources) if (r.type === "aws.lambda.function") this.functions.add(`${r.account}|${r.region}|${r.name}`);
    this.units = ctx.units ? new Set(ctx.units.map((u) => `${u.account}|${u.region}`)) : undefined;
  }

  /** Whether the scan covered (account, region); without the units, only the integration's own scope is known. */
  scanned(owner: Resource, account: string, region: string): boolean {
    return this.units ? this.units.has(`${account}|${region}`) : owner.account === account && owner.region === region;
  }

  get lambdaCollected(): boolean {
    return !this.ctx.services || this.ctx.services.includes("lambda");
  }

  /** True/false when the region's Lambda listing is complete; null when it failed (or the errors are unknown). */
  exists(account: string, region: string, name: string): boolean | null {
    const failed =
      this.ctx.errors === undefined ||
      this.ctx.errors.some(
        (e) =>
          e.account === account &&
          (e.region === region || e.service === "*") &&
          (e.service === "*" || (e.service === "lambda" && (e.operation === "ListFunctions" || e.operation === "*"))),
      );
    if (failed) return null;
    return this.functions.has(`${account}|${region}|${name}`);
  }
}

/** The backend facts of one integration, and why a fact is left out (a stage variable, Lambda not collected). */
function backend(
  owner: Resource,
  i: Integration | undefined,
  index: FunctionIndex,
): { facts: Backend; skip: Record<string, string> } {
  const skip: Record<string, string> = {};
  const facts: Backend = { httpUrl: null, plainHttp: null, functionArn: null, functionScanned: false, functionExists: null };
  const type = (i?.type ?? "").toUpperCase();
  const uri = i?.uri ?? "";
  if ((type === "HTTP" || type === "HTTP_PROXY") && (i?.connectionType ?? "INTERNET").toUpperCase() === "INTERNET") {
    facts.httpUrl = uri;
    if (/^http:\/\//i.test(uri)) facts.plainHttp = true;
    else if (/^https:\/\//i.test(uri)) facts.plainHttp = false;
    else skip[PLAIN_HTTP] = `the integration URL's scheme comes from a stage variable (${uri})`;
  }
  if (type === "AWS" || type === "AWS_PROXY") {
    const fn = functionArnOf(uri);
    if (fn === "variable") skip[EXISTS] = `a stage variable names the function (${uri})`;
    else if (fn) {
      facts.functionArn = fn.arn;
      facts.functionScanned = index.scanned(owner, fn.account, fn.region);
      if (facts.functionScanned && !index.lambdaCollected) skip[EXISTS] = "Lambda was not collected (--services)";
      else if (facts.functionScanned) facts.functionExists = index.exists(fn.account, fn.region, fn.name);
    }
  }
  return { facts, skip };
}

/** Derives the integration backend of every REST method and v2 route. */
export function enrichIntegrations(resources: readonly Resource[], ctx: IntegrationContext): EnrichResult {
  const index = new FunctionIndex(resources, ctx);
  const derived = new Map<Resource, JsonObject>();
  const skipped = new Map<Resource, Record<string, string>>();
  for (const r of resources) {
    let integration: Integration | undefined;
    if (r.type === "aws.apigateway.method") integration = restIntegration(r.raw["method"]);
    else if (r.type === "aws.apigatewayv2.route") {
      // A route naming an integration that was not read: its backend is unknown, not absent.
      const target = str(obj(r.raw["route"])?.["Target"]);
      if (target?.startsWith("integrations/") && r.raw["integration"] === undefined) {
        derived.set(r, { integrationBackend: null });
        continue;
      }
      integration = v2Integration(r.raw["integration"]);
    } else continue;
    const { facts, skip } = backend(r, integration, index);
    derived.set(r, { integrationBackend: facts as unknown as JsonObject });
    if (Object.keys(skip).length) skipped.set(r, skip);
  }
  return { derived, errors: [], skipped };
}
