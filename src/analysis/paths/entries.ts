/**
 * The entry table: for each resource type that can be called from outside the account, the entries it makes,
 * who can use them (exposure) and the controls around them. Adding an entry kind is one entry here.
 */
import { parsePolicyDocument, type NormalizedStatement } from "../iam/policy.js";
import { conditionRestricts, RESTRICTING_KEYS } from "../iam/trust.js";
import { list, obj, str, strings, type Obj } from "../../facts/read.js";
import type { Resource, ResourceType } from "../../model/inventory.js";
import { globMatch } from "../../util/glob.js";
import { key, type PathGraph } from "./graph.js";
import type { WalkNode } from "./hops.js";
import type { Control, EntryKind, Exposure, Gap } from "./types.js";

/** One entry as its resource makes it. */
export interface Entry {
  node: WalkNode & { kind: EntryKind };
  exposure: Exposure;
  exposureDetail: string;
  controls: Control[];
  gaps: Gap[];
  /** The resource the entry comes from (for lineage and reports). */
  source: Resource;
}

/** An entry kind: the resource type it comes from and how to make its entries. */
export interface EntryType {
  kind: EntryKind;
  resourceType: ResourceType;
  entries(r: Resource, graph: PathGraph): Entry[];
}

/** The entry node of `r`: `at` names it (its ARN and name) and says how it is reached (`via`, the exposure). */
const node = (r: Resource, kind: EntryKind, at: { arn: string; name: string; via: string }): WalkNode & { kind: EntryKind } => ({
  kind,
  ...at,
  account: r.account,
  region: r.region,
});

/**
 * Probe outcomes for the configuration resource: an authorizer or API key that did not stop an unsigned request,
 * or an entry without authorization (NONE) that served one (`unsignedAllowed`: a 2xx), confirmed live.
 */
function probeOpen(r: Resource, graph: PathGraph, exposure: Exposure): Control | undefined {
  for (const p of graph.probes.get(key(r.account, r.arn)) ?? []) {
    const auth = p.derived["authOutcome"];
    const apiKey = p.derived["apiKeyOutcome"];
    if (exposure === "unauthenticated" && auth === "not-applicable" && p.derived["unsignedAllowed"] === true)
      return { kind: "probe-confirmed-open", detail: `probe ${p.name}: an unauthenticated request was served`, effect: 1 };
    if ((exposure === "authenticated" || exposure === "iam") && auth === "not-enforced")
      return { kind: "probe-confirmed-open", detail: `probe ${p.name}: an unauthenticated request was served`, effect: 1 };
    if (exposure === "api-key" && apiKey === "not-enforced")
      return { kind: "probe-confirmed-open", detail: `probe ${p.name}: a request without an API key was served`, effect: 1 };
  }
  return undefined;
}

/**
 * What the function-URL probe (`urlAuth`) saw at one URL (`urlFunctionArn`: the URL's FunctionArn, qualified for
 * an alias URL): an AWS_IAM URL that served an unsigned request is open (`not-enforced`), and a NONE URL that
 * answered is confirmed open from the internet (`public`). Both raise the severity, as an API Gateway authorizer
 * shown not to stop an unsigned request does. A NONE URL that refused (`refused`: its resource policy does not let
 * everyone invoke it) is noted, not lowered: one refusal from the scanner's address is no proof nobody gets in.
 */
function urlProbe(r: Resource, urlFunctionArn: string, graph: PathGraph): { open?: Control; refused?: string } {
  for (const p of graph.probes.get(key(r.account, r.arn)) ?? []) {
    if (p.derived["probeKind"] !== "lambda-url") continue;
    const ce = obj(p.derived["configExpectation"]);
    const at = strings(ce?.["relatedArns"])[0] ?? str(ce?.["resourceArn"]);
    if (at !== urlFunctionArn) continue;
    const outcome = p.derived["urlAuthOutcome"];
    if (outcome === "not-enforced")
      return {
        open: { kind: "probe-confirmed-open", detail: `probe ${p.name}: an unsigned request was served`, effect: 1 },
      };
    if (outcome === "public")
      return {
        open: { kind: "probe-confirmed-open", detail: `probe ${p.name}: the function answered an unsigned request`, effect: 1 },
      };
    if (outcome === "refused") return { refused: `probe ${p.name}: an unsigned request was refused` };
  }
  return {};
}

/** Every Allow of a resource policy limited to source IPs (aws:SourceIp), so only those networks reach it. */
function sourceIpLimited(policy: string | undefined): boolean {
  if (!policy) return false;
  const parsed = parsePolicyDocument(policy, "resource");
  if (!parsed.ok) return false;
  const allows = parsed.policy.statements.filter((s) => s.effect === "Allow");
  const ipDeny = parsed.policy.statements.some(
    (s) =>
      s.effect === "Deny" &&
      Object.entries(s.condition ?? {}).some(
        ([op, k]) => /^NotIpAddress/i.test(op) && Object.keys(k).some((x) => x.toLowerCase() === "aws:sourceip"),
      ),
  );
  return allows.length > 0 && (ipDeny || allows.every((s) => conditionRestricts(s.condition, ["aws:sourceip"])));
}

/** The controls of a REST API around its methods: private endpoint, resource policy, WAF on every stage. */
function restControls(r: Resource, graph: PathGraph): { controls: Control[]; gaps: Gap[] } {
  const apiId = str(r.raw["restApiId"]) ?? "";
  const api = graph.restApis.get(key(r.account, apiId));
  const controls: Control[] = [];
  const gaps: Gap[] = [];
  if (!api) return { controls, gaps };
  const restApi = obj(api.raw["restApi"]);
  if (strings(obj(restApi?.["endpointConfiguration"])?.["types"]).includes("PRIVATE"))
    controls.push({ kind: "private-endpoint", detail: "private API: reachable only through VPC endpoints", effect: -1 });
  if (obj(api.derived["resourcePolicy"])?.["vpcRestricted"] === true)
    controls.push({
      kind: "vpc-endpoint-policy",
      detail: "resource policy allows only listed VPC endpoints or VPCs",
      effect: -1,
    });
  else if (sourceIpLimited(str(restApi?.["policy"])))
    controls.push({ kind: "source-ip-policy", detail: "resource policy allows only listed source IP ranges", effect: -1 });
  const stages = graph.restStages.get(key(r.account, apiId)) ?? [];
  const failed = graph.failure(
    { service: "apigateway", operations: ["GetStages"], account: r.account, region: r.region, resourceArn: api.arn },
    `whether a web ACL guards ${r.name} is unknown: the API's stages could not be read`,
  );
  if (failed) gaps.push(failed);
  else if (stages.length && stages.every((s) => s.derived["wafAssociated"] === true)) {
    const acls = [...new Set(stages.map((s) => str(obj(s.derived["webAcl"])?.["arn"])?.split("/").at(-2) ?? "?"))];
    controls.push({ kind: "waf", detail: `web ACL ${acls.join(", ")} on every stage`, effect: -1 });
  }
  return { controls, gaps };
}

/**
 * The configured exposure (`exposure`, `detail`, `controls`), made unauthenticated when a probe showed it open
 * ("but" when the probe contradicts the configuration, "and" when it confirms an entry configured open).
 */
function withProbe(r: Resource, graph: PathGraph, configured: { exposure: Exposure; detail: string; controls: Control[] }) {
  const { exposure, detail, controls } = configured;
  const open = probeOpen(r, graph, exposure);
  if (!open) return { exposure, exposureDetail: detail, controls };
  const joint = exposure === "unauthenticated" ? "and" : "but";
  return {
    exposure: "unauthenticated" as const,
    exposureDetail: `${detail}, ${joint} ${open.detail}`,
    controls: [open, ...controls],
  };
}

const REST_EXPOSURE: Record<string, Exposure> = {
  NONE: "unauthenticated",
  AWS_IAM: "iam",
  CUSTOM: "authenticated",
  COGNITO_USER_POOLS: "authenticated",
};
const V2_EXPOSURE: Record<string, Exposure> = {
  NONE: "unauthenticated",
  AWS_IAM: "iam",
  CUSTOM: "authenticated",
  JWT: "authenticated",
};

/** Whether a Lambda resource-policy statement lets any AWS principal call Invoke without a restricting condition. */
const publicInvoke = (s: NormalizedStatement) =>
  s.effect === "Allow" &&
  (s.principal?.wildcard === true || (s.principal?.entries["AWS"] ?? []).includes("*")) &&
  (s.action ?? []).some((a) => globMatch(a.toLowerCase(), "lambda:invokefunction")) &&
  !conditionRestricts(s.condition, RESTRICTING_KEYS);

/** Every entry type. */
export const ENTRY_TYPES: readonly EntryType[] = [
  {
    kind: "apigateway-method",
    resourceType: "aws.apigateway.method",
    entries(r, graph) {
      const m = obj(r.raw["method"]) ?? {};
      const auth = (str(m["authorizationType"]) ?? "NONE").toUpperCase();
      const keyed = m["apiKeyRequired"] === true;
      const base: Exposure =
        REST_EXPOSURE[auth] === "unauthenticated" && keyed ? "api-key" : (REST_EXPOSURE[auth] ?? "authenticated");
      const detail = `authorizationType ${auth}${keyed ? ", API key required" : ""}`;
      const { controls, gaps } = restControls(r, graph);
      return [
        {
          node: node(r, "apigateway-method", { arn: r.arn, name: r.name, via: detail }),
          source: r,
          gaps,
          ...withProbe(r, graph, { exposure: base, detail, controls }),
        },
      ];
    },
  },
  {
    kind: "apigatewayv2-route",
    resourceType: "aws.apigatewayv2.route",
    entries(r, graph) {
      const route = obj(r.raw["route"]) ?? {};
      let auth = (str(route["AuthorizationType"]) ?? "NONE").toUpperCase();
      let detail = `AuthorizationType ${auth}`;
      if (str(r.raw["protocolType"]) === "WEBSOCKET" && str(route["RouteKey"]) !== "$connect") {
        // A WebSocket API authorises the connection: every message route inherits $connect's authorization.
        const connect = graph.connectRoutes.get(key(r.account, str(r.raw["apiId"]) ?? ""));
        auth = (str(obj(connect?.raw["route"])?.["AuthorizationType"]) ?? "NONE").toUpperCase();
        detail = `WebSocket route behind $connect with AuthorizationType ${auth}`;
      }
      const keyed = route["ApiKeyRequired"] === true;
      const base: Exposure =
        V2_EXPOSURE[auth] === "unauthenticated" && keyed ? "api-key" : (V2_EXPOSURE[auth] ?? "authenticated");
      return [
        {
          node: node(r, "apigatewayv2-route", { arn: r.arn, name: r.name, via: detail }),
          source: r,
          gaps: [],
          ...withProbe(r, graph, { exposure: base, detail, controls: [] }),
        },
      ];
    },
  },
  {
    kind: "lambda-function-url",
    resourceType: "aws.lambda.function",
    entries(r, graph) {
      const fnArn = r.arn;
      return list(r.raw["functionUrlConfigs"]).map((u) => {
        const url = obj(u) ?? {};
        const urlFunctionArn = str(url["FunctionArn"]) ?? fnArn;
        const qualifier = urlFunctionArn.startsWith(`${fnArn}:`) ? urlFunctionArn.slice(fnArn.length + 1) : undefined;
        const auth = (str(url["AuthType"]) ?? "NONE").toUpperCase();
        const detail = `function URL AuthType ${auth}`;
        const arn = qualifier ? `${fnArn}/url/${qualifier}` : `${fnArn}/url`;
        const probe = urlProbe(r, urlFunctionArn, graph);
        const exposure: Exposure = probe.open ? "unauthenticated" : auth === "AWS_IAM" ? "iam" : "unauthenticated";
        const seen = probe.open?.detail ?? probe.refused;
        // "but" when the probe contradicts the configuration (IAM served unsigned, NONE refused), "and" when it confirms.
        const exposureDetail = seen ? `${detail}${(auth === "AWS_IAM") === !!probe.open ? ", but " : ", and "}${seen}` : detail;
        return {
          node: node(r, "lambda-function-url", {
            arn,
            name: `function URL of ${r.name}${qualifier ? `:${qualifier}` : ""}`,
            via: detail,
          }),
          source: r,
          exposure,
          exposureDetail,
          controls: probe.open ? [probe.open] : [],
          gaps: [],
        } satisfies Entry;
      });
    },
  },
  {
    kind: "lambda-function-policy",
    resourceType: "aws.lambda.function",
    entries(r, graph) {
      const arn = `${r.arn}/invoke`;
      const name = `direct invocation of ${r.name}`;
      const policy = r.raw["policy"];
      const entry = (exposure: Exposure, detail: string, gaps: Gap[] = []): Entry[] => [
        {
          node: node(r, "lambda-function-policy", { arn, name, via: detail }),
          source: r,
          exposure,
          exposureDetail: detail,
          controls: [],
          gaps,
        },
      ];
      if (policy === undefined) {
        const failed = graph.failure(
          { service: "lambda", operations: ["GetPolicy"], account: r.account, region: r.region, resourceArn: r.arn },
          `who may invoke ${r.name} is unknown: its resource policy could not be read`,
        );
        return entry("none", "resource policy unknown", [
          failed ?? {
            account: r.account,
            region: r.region,
            resourceArn: r.arn,
            message: `who may invoke ${r.name} is unknown: its resource policy was not collected (lambda:GetPolicy)`,
          },
        ]);
      }
      const doc = str(obj(policy)?.["Policy"]);
      const parsed = doc ? parsePolicyDocument(doc, "resource") : undefined;
      const open = parsed?.ok ? parsed.policy.statements.filter(publicInvoke) : [];
      if (!open.length)
        return entry("none", "resource policy grants lambda:InvokeFunction to no one outside named services and accounts");
      const which = open.map((s) => (s.sid ? `Statement[${s.index}] (${s.sid})` : `Statement[${s.index}]`)).join(", ");
      return entry("any-aws-account", `resource policy ${which} lets any AWS account invoke the function`);
    },
  },
  ...(["unauthenticated", "authenticated"] as const).map((slot): EntryType => ({
    kind: `cognito-identitypool-${slot}`,
    resourceType: "aws.cognito.identitypool",
    entries(r, graph) {
      const arn = `${r.arn}/${slot}`;
      const name = `${slot} identities of identity pool ${r.name}`;
      const pool = obj(r.raw["identityPool"]);
      const make = (exposure: Exposure, detail: string, gaps: Gap[] = []): Entry[] => [
        {
          node: node(r, `cognito-identitypool-${slot}`, { arn, name, via: detail }),
          source: r,
          exposure,
          exposureDetail: detail,
          controls: [],
          gaps,
        },
      ];
      if (slot === "authenticated") return make("authenticated", "any user signed in through the pool's identity providers");
      if (!pool) {
        const failed = graph.failure(
          {
            service: "cognito-identity",
            operations: ["DescribeIdentityPool"],
            account: r.account,
            region: r.region,
            resourceArn: r.arn,
          },
          `whether identity pool ${r.name} lets guests in could not be read`,
        );
        return make("none", "unknown", [
          failed ?? {
            account: r.account,
            region: r.region,
            resourceArn: r.arn,
            message: `whether identity pool ${r.name} lets guests in is unknown: it was not described (cognito-identity:DescribeIdentityPool)`,
          },
        ]);
      }
      return pool["AllowUnauthenticatedIdentities"] === true
        ? make("unauthenticated", "AllowUnauthenticatedIdentities: anyone on the internet gets AWS credentials")
        : make("none", "unauthenticated identities are disabled");
    },
  })),
  {
    kind: "appsync-api",
    resourceType: "aws.appsync.graphqlapi",
    entries(r, graph) {
      // An inventory saved before Tollgate collected data sources cannot follow the API's paths: no entry is made
      // rather than a pass. A failed ListDataSources makes the entry, and its hops report the gap (error).
      const listingFailed = graph.failure(
        { service: "appsync", operations: ["ListDataSources"], account: r.account, region: r.region, resourceArn: r.arn },
        "",
      );
      if (!Array.isArray(r.raw["dataSources"]) && !listingFailed) return [];
      const api: Obj = obj(r.raw["graphqlApi"]) ?? {};
      const types = [
        str(api["authenticationType"]),
        ...list(api["additionalAuthenticationProviders"]).map((p) => str(obj(p)?.["authenticationType"])),
      ].filter((t): t is string => t !== undefined);
      const rank = (t: string): Exposure => (t === "API_KEY" ? "api-key" : t === "AWS_IAM" ? "iam" : "authenticated");
      const order = ["unauthenticated", "api-key", "any-aws-account", "authenticated", "iam", "none"];
      const exposure = types.map(rank).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? "authenticated";
      const detail = `authentication ${types.join(", ") || "unknown"}`;
      return [
        {
          node: node(r, "appsync-api", { arn: r.arn, name: `GraphQL API ${r.name}`, via: detail }),
          source: r,
          exposure,
          exposureDetail: detail,
          controls: [],
          gaps: [],
        },
      ];
    },
  },
];
