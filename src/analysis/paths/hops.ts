/**
 * The hop table: each hop type is one entry naming the node kind it leaves, the kinds it reaches and how to find
 * its targets from the inventory. Adding a hop (Step Functions or SQS integrations, say) is one entry here plus,
 * when it reads data nothing collects yet, its fact in src/facts (docs/paths.md).
 */
import type { JsonValue } from "../../model/json.js";
import { list, obj, str, type Obj } from "../../facts/read.js";
import { key, type PathGraph } from "./graph.js";
import type { HopResult, NodeKind, PathNode } from "./types.js";

/** A node while walking: the serialisable node plus the data the next hop reads (an integration's settings). */
export interface WalkNode extends PathNode {
  /** The raw object behind the node (integration settings), not kept in the facts. */
  data?: Obj;
}

/** One hop type. */
export interface HopType {
  /** Stable id, used in docs and the fix advice. */
  id: string;
  /** The node kinds it leaves. */
  from: readonly NodeKind[];
  /** The node kinds it can reach. */
  to: readonly NodeKind[];
  /** What removing this hop means, for the cheapest-fix advice. */
  advice: string;
  /** The targets of `node`: nodes, a gap (data missing, with the failed call) or a deliberate skip. */
  next(node: WalkNode, graph: PathGraph): HopResult & { nodes?: WalkNode[] };
}

const LAMBDA_URI = /^arn:[a-z-]+:apigateway:[a-z0-9-]+:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/;
const FUNCTION_ARN = /^(arn:[a-z-]+:lambda:([a-z0-9-]+):(\d{12}):function:[^:]+)(?::[^:]+)?$/;
const ROLE_ARN = /^arn:[a-z-]+:iam::(\d{12}):role\/.+$/;

/** The node of a Lambda function named by ARN (qualifier dropped), or why it cannot be followed. */
function lambdaNode(fnRef: string, from: WalkNode, graph: PathGraph, via: string): HopResult & { nodes?: WalkNode[] } {
  if (fnRef.includes("${")) {
    return {
      gap: {
        account: from.account,
        region: from.region,
        message: `${from.name} names its function through a stage variable (${fnRef}), which Tollgate does not resolve per stage`,
      },
    };
  }
  const m = FUNCTION_ARN.exec(fnRef);
  if (!m) return { nodes: [terminal(from, `unrecognised function reference ${fnRef}`)] };
  const [, arn, region, account] = m as unknown as [string, string, string, string];
  if (!graph.collected("lambda"))
    return { skip: "Lambda was not collected (--services): the function behind the entry is unknown" };
  const fn = graph.functions.get(arn);
  if (fn) return { nodes: [{ kind: "lambda-function", arn, name: `function ${fn.name}`, account, region, via }] };
  const failed = graph.failure(
    { service: "lambda", operations: ["ListFunctions"], account, region },
    `${from.name} invokes function ${arn}, which could not be looked up`,
  );
  if (failed) return { gap: failed };
  if (!graph.inScan(account, region)) {
    const message = `${from.name} invokes function ${arn}, in ${region} of account ${account}, which the scan did not cover (add that account and region to follow the path)`;
    return { gap: { account, region, message } };
  }
  return { nodes: [terminal(from, `function ${arn} does not exist`)] };
}

/** The node of an IAM role named by ARN, or why it cannot be followed. */
function roleNode(roleArn: string, from: WalkNode, graph: PathGraph, via: string): HopResult & { nodes?: WalkNode[] } {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return { nodes: [terminal(from, `unrecognised role ${roleArn}`)] };
  const account = m[1]!;
  if (!graph.collected("iam")) return { skip: "IAM was not collected (--services): what the role may do is unknown" };
  const role = graph.roles.get(roleArn);
  if (role) return { nodes: [{ kind: "iam-role", arn: roleArn, name: `role ${role.name}`, account, region: "global", via }] };
  const failed = graph.failure(
    { service: "iam", operations: ["GetAccountAuthorizationDetails"], account, region: "global" },
    `${from.name} runs as role ${roleArn}, whose permissions could not be read`,
  );
  if (failed) return { gap: failed };
  if (!graph.inScan(account, "global")) {
    const message = `${from.name} runs as role ${roleArn}, in account ${account}, which the scan did not cover (add that account to follow the path)`;
    return { gap: { account, region: "global", message } };
  }
  return { nodes: [terminal(from, `role ${roleArn} does not exist`)] };
}

/** A node that ends a path without a role: an external backend, a mock, a missing function. */
function terminal(from: WalkNode, what: string, arn?: string): WalkNode {
  return {
    kind: "external-backend",
    arn: arn ?? `${from.arn}#end`,
    name: what,
    account: from.account,
    region: from.region,
    via: "ends",
  };
}

/** The integration node of a REST method or HTTP route, from the integration object. */
function integrationNode(from: WalkNode, data: Obj, arn: string, label: string): WalkNode {
  return {
    kind: "integration",
    arn,
    name: `${label} integration of ${from.name}`,
    account: from.account,
    region: from.region,
    via: "integration",
    data,
  };
}

/** Where an integration leads, from its settings (REST: `type`, `uri`, `credentials`; v2: `IntegrationType`, …). */
function integrationTargets(node: WalkNode, graph: PathGraph): HopResult & { nodes?: WalkNode[] } {
  const d = node.data ?? {};
  const type = (str(d["type"]) ?? str(d["IntegrationType"]) ?? "").toUpperCase();
  const uri = str(d["uri"]) ?? str(d["IntegrationUri"]) ?? "";
  const credentials = str(d["credentials"]) ?? str(d["CredentialsArn"]);
  const subtype = str(d["IntegrationSubtype"]);
  const connection = (str(d["connectionType"]) ?? str(d["ConnectionType"]) ?? "INTERNET").toUpperCase();
  if (type === "MOCK") return { nodes: [terminal(node, "mock integration (no backend)")] };
  if (type === "HTTP" || type === "HTTP_PROXY") {
    const what = connection === "VPC_LINK" ? `private backend through VPC link ${uri}` : `HTTP backend ${uri}`;
    return { nodes: [terminal(node, `external backend: ${what}`, `${node.arn}#backend`)] };
  }
  const lambda = LAMBDA_URI.exec(uri)?.[1] ?? (FUNCTION_ARN.test(uri) ? uri : undefined);
  if ((type === "AWS_PROXY" || type === "AWS") && lambda !== undefined && subtype === undefined) {
    return lambdaNode(lambda, node, graph, `${type} integration invokes`);
  }
  if (type === "AWS" || type === "AWS_PROXY") {
    // An AWS service integration acts as its credentials role: the caller gets what the role may do there.
    if (credentials)
      return roleNode(credentials, node, graph, `AWS service integration (${subtype ?? uri}) runs as credentials role`);
    return { nodes: [terminal(node, `AWS service integration ${subtype ?? uri} without a credentials role`)] };
  }
  return { nodes: [terminal(node, `integration type ${type || "unknown"}`)] };
}

/** The roles of an identity pool for one slot (authenticated also takes the role mappings' rule roles). */
function identityPoolRoles(
  node: WalkNode,
  graph: PathGraph,
  slot: "unauthenticated" | "authenticated",
): HopResult & { nodes?: WalkNode[] } {
  const poolArn = node.arn.replace(/\/(un)?authenticated$/, "");
  const pool = graph.identityPools.get(poolArn);
  const roles = obj(pool?.raw["roles"]);
  if (!pool || !roles) {
    const q = { service: "cognito-identity", operations: ["GetIdentityPoolRoles"], account: node.account, region: node.region };
    return {
      gap: graph.failure({ ...q, resourceArn: poolArn }, `the roles of ${node.name} could not be read`) ?? {
        account: node.account,
        region: node.region,
        message: `the roles of ${node.name} were not collected (cognito-identity:GetIdentityPoolRoles)`,
      },
    };
  }
  const arns = new Set<string>();
  const direct = str(obj(roles["Roles"])?.[slot]);
  if (direct) arns.add(direct);
  if (slot === "authenticated") {
    for (const mapping of Object.values(obj(roles["RoleMappings"]) ?? {})) {
      for (const rule of list(obj(obj(mapping)?.["RulesConfiguration"])?.["Rules"])) {
        const r = str(obj(rule)?.["RoleARN"]);
        if (r) arns.add(r);
      }
    }
  }
  const nodes: WalkNode[] = [];
  for (const arn of [...arns].sort()) {
    const r = roleNode(arn, node, graph, `${slot} role`);
    if (!("nodes" in r)) return r;
    if ("nodes" in r) nodes.push(...(r.nodes as WalkNode[]));
  }
  return { nodes };
}

/** Every hop type. Order is documentation only: the walk follows every hop whose `from` matches. */
export const HOPS: readonly HopType[] = [
  {
    id: "method-integration",
    from: ["apigateway-method"],
    to: ["integration"],
    advice: "require authorization on the method (IAM, Cognito or a Lambda authorizer)",
    next(node, graph) {
      const m = graph.methods.get(key(node.account, node.arn));
      const integ = obj(obj(m?.raw["method"])?.["methodIntegration"]);
      if (!integ) return { nodes: [terminal(node, "no integration")] };
      return { nodes: [integrationNode(node, integ, `${node.arn}/integration`, (str(integ["type"]) ?? "?").toUpperCase())] };
    },
  },
  {
    id: "route-integration",
    from: ["apigatewayv2-route"],
    to: ["integration"],
    advice: "require authorization on the route (IAM, JWT or a Lambda authorizer)",
    next(node, graph) {
      const r = graph.routes.get(key(node.account, node.arn));
      const target = str(obj(r?.raw["route"])?.["Target"]);
      if (!r || !target) return { nodes: [terminal(node, "no integration")] };
      const integ = obj(r.raw["integration"]);
      if (!integ) {
        const apiArn = node.arn.replace(/\/routes\/[^/]+$/, "");
        const failed = graph.failure(
          { service: "apigatewayv2", operations: ["GetIntegrations"], account: r.account, region: r.region, resourceArn: apiArn },
          `the integration behind ${node.name} could not be read`,
        );
        if (failed) return { gap: failed };
        return { nodes: [terminal(node, `target ${target} names no integration of the API`)] };
      }
      const id = str(integ["IntegrationId"]) ?? "?";
      return {
        nodes: [
          integrationNode(
            node,
            integ,
            node.arn.replace(/\/routes\/[^/]+$/, `/integrations/${id}`),
            (str(integ["IntegrationType"]) ?? "?").toUpperCase(),
          ),
        ],
      };
    },
  },
  {
    id: "integration-backend",
    from: ["integration"],
    to: ["lambda-function", "iam-role", "external-backend"],
    advice: "point the integration at a backend that runs with least privilege",
    next: integrationTargets,
  },
  {
    id: "function-url-function",
    from: ["lambda-function-url", "lambda-function-policy"],
    to: ["lambda-function"],
    advice: "require AWS_IAM on the function URL, or remove the public statement from the function's resource policy",
    next(node, graph) {
      const fnArn = node.arn.replace(/\/(url(\/.*)?|invoke)$/, "");
      const fn = graph.functions.get(fnArn);
      if (!fn) return { nodes: [terminal(node, `function ${fnArn} not collected`)] };
      return {
        nodes: [
          {
            kind: "lambda-function",
            arn: fnArn,
            name: `function ${fn.name}`,
            account: fn.account,
            region: fn.region,
            via: "invokes",
          },
        ],
      };
    },
  },
  {
    id: "function-role",
    from: ["lambda-function"],
    to: ["iam-role"],
    advice: "give the function its own least-privilege execution role",
    next(node, graph) {
      const fn = graph.functions.get(node.arn);
      const role = str(obj(fn?.raw["function"])?.["Role"]);
      if (!role) return { nodes: [terminal(node, "function without an execution role")] };
      return roleNode(role, node, graph, "runs as execution role");
    },
  },
  {
    id: "identitypool-unauthenticated-role",
    from: ["cognito-identitypool-unauthenticated"],
    to: ["iam-role"],
    advice: "turn off unauthenticated identities, or scope the unauthenticated role to what guests need",
    next: (node, graph) => identityPoolRoles(node, graph, "unauthenticated"),
  },
  {
    id: "identitypool-authenticated-role",
    from: ["cognito-identitypool-authenticated"],
    to: ["iam-role"],
    advice: "scope the authenticated role (and role-mapping roles) to what signed-in users need",
    next: (node, graph) => identityPoolRoles(node, graph, "authenticated"),
  },
  {
    // AppSync resolvers act through their data sources: an AWS_LAMBDA data source runs its function (and so the
    // function's execution role); the others act as their service role (the next hop).
    id: "appsync-datasource-function",
    from: ["appsync-api"],
    to: ["lambda-function"],
    advice: "detach the Lambda data source, or give its function a least-privilege execution role",
    next(node, graph) {
      const sources = dataSourcesOf(node, graph);
      if (!Array.isArray(sources)) return sources;
      const nodes: WalkNode[] = [];
      for (const s of sources.filter((d) => str(d["type"]) === "AWS_LAMBDA")) {
        const fn = str(obj(s["lambdaConfig"])?.["lambdaFunctionArn"]);
        if (!fn) {
          nodes.push(
            terminal(
              node,
              `Lambda data source ${str(s["name"]) ?? "?"} without a function`,
              `${node.arn}/datasources/${str(s["name"]) ?? "?"}#end`,
            ),
          );
          continue;
        }
        const r = lambdaNode(fn, node, graph, `data source ${str(s["name"]) ?? "?"} invokes`);
        if (!("nodes" in r)) return r;
        nodes.push(...(r.nodes as WalkNode[]));
      }
      return { nodes };
    },
  },
  {
    id: "appsync-datasource-role",
    from: ["appsync-api"],
    to: ["iam-role", "external-backend"],
    advice: "scope the data sources' service roles to the tables and endpoints the resolvers need",
    next(node, graph) {
      const sources = dataSourcesOf(node, graph);
      if (!Array.isArray(sources)) return sources;
      const nodes: WalkNode[] = [];
      for (const s of sources.filter((d) => str(d["type"]) !== "AWS_LAMBDA")) {
        const name = str(s["name"]) ?? "?";
        const type = str(s["type"]) ?? "unknown";
        const role = str(s["serviceRoleArn"]);
        if (!role) {
          const what =
            type === "NONE"
              ? `data source ${name} (NONE: resolved in AppSync, no backend)`
              : type === "HTTP"
                ? `HTTP data source ${name} (${str(obj(s["httpConfig"])?.["endpoint"]) ?? "endpoint unknown"})`
                : `${type} data source ${name} without a service role`;
          nodes.push(terminal(node, what, `${node.arn}/datasources/${name}#end`));
          continue;
        }
        const r = roleNode(role, node, graph, `${type} data source ${name} service role`);
        if (!("nodes" in r)) return r;
        nodes.push(...(r.nodes as WalkNode[]));
      }
      return { nodes };
    },
  },
];

/**
 * An AppSync API's data sources (ListDataSources), or the gap naming the failed listing; an inventory saved before
 * Tollgate collected them has no entry for the API (entries.ts), so the skip is only a safeguard.
 */
function dataSourcesOf(node: WalkNode, graph: PathGraph): Obj[] | (HopResult & { nodes?: WalkNode[] }) {
  const sources = graph.appsync.get(node.arn)?.raw["dataSources"] as JsonValue | undefined;
  if (Array.isArray(sources)) return sources.map((s) => obj(s) ?? {});
  const failed = graph.failure(
    { service: "appsync", operations: ["ListDataSources"], account: node.account, region: node.region, resourceArn: node.arn },
    `what ${node.name} runs (its data sources) could not be listed`,
  );
  return failed ? { gap: failed } : { skip: "AppSync data sources (and their service roles) were not collected" };
}

/** Hop types by the node kind they leave. */
export function hopsFrom(kind: NodeKind): HopType[] {
  return HOPS.filter((h) => h.from.includes(kind));
}

export { key };
