/**
 * The inventory indexed once for the walk: resources by ARN per kind, probes by the configuration resource they
 * speak for, and the failed calls, so that every lookup is O(1) and a lookup that failed names the call.
 */
import type { CollectionError, Resource } from "../../model/inventory.js";
import { obj, str } from "../../facts/read.js";
import type { Gap } from "./types.js";

/** `account|arn`: API Gateway ARNs carry no account id, so joins are scoped to the account. */
export const key = (account: string, arn: string) => `${account}|${arn}`;

/** The inventory as the hops read it. */
export class PathGraph {
  readonly functions = new Map<string, Resource>();
  readonly roles = new Map<string, Resource>();
  /** Managed policies by `account|arn` (AWS managed policy ARNs carry no account). */
  readonly policies = new Map<string, Resource>();
  /** REST methods and v2 routes by `account|arn`. */
  readonly methods = new Map<string, Resource>();
  readonly routes = new Map<string, Resource>();
  readonly identityPools = new Map<string, Resource>();
  readonly appsync = new Map<string, Resource>();
  readonly restApis = new Map<string, Resource>();
  readonly restStages = new Map<string, Resource[]>();
  readonly v2Apis = new Map<string, Resource>();
  /** WebSocket `$connect` routes by `account|apiId`: they authorise every route of the API. */
  readonly connectRoutes = new Map<string, Resource>();
  readonly probes = new Map<string, Resource[]>();
  /** Account|region units where each service's data was collected (some resource or some call). */
  private readonly scanned = new Set<string>();

  constructor(
    resources: readonly Resource[],
    readonly errors: readonly CollectionError[],
    private readonly services?: readonly string[],
  ) {
    const push = (m: Map<string, Resource[]>, k: string, r: Resource) => {
      const l = m.get(k);
      if (l) l.push(r);
      else m.set(k, [r]);
    };
    for (const r of resources) {
      this.scanned.add(`${r.account}|${r.region}`);
      switch (r.type) {
        case "aws.lambda.function":
          this.functions.set(r.arn, r);
          break;
        case "aws.iam.role":
          this.roles.set(r.arn, r);
          break;
        case "aws.iam.policy":
          this.policies.set(key(r.account, r.arn), r);
          break;
        case "aws.apigateway.restapi":
          this.restApis.set(key(r.account, str(obj(r.raw["restApi"])?.["id"]) ?? r.arn), r);
          break;
        case "aws.apigateway.stage":
          push(this.restStages, key(r.account, str(r.raw["restApiId"]) ?? ""), r);
          break;
        case "aws.apigatewayv2.api":
          this.v2Apis.set(key(r.account, str(obj(r.raw["api"])?.["ApiId"]) ?? r.arn), r);
          break;
        case "aws.apigateway.method":
          this.methods.set(key(r.account, r.arn), r);
          break;
        case "aws.cognito.identitypool":
          this.identityPools.set(r.arn, r);
          break;
        case "aws.appsync.graphqlapi":
          this.appsync.set(r.arn, r);
          break;
        case "aws.apigatewayv2.route":
          this.routes.set(key(r.account, r.arn), r);
          if (str(obj(r.raw["route"])?.["RouteKey"]) === "$connect")
            this.connectRoutes.set(key(r.account, str(r.raw["apiId"]) ?? ""), r);
          break;
        case "aws.apigateway.probe": {
          const at = str(obj(r.derived["configExpectation"])?.["resourceArn"]);
          if (at) push(this.probes, key(r.account, at), r);
          break;
        }
        default:
          break;
      }
    }
    for (const e of errors) this.scanned.add(`${e.account}|${e.region}`);
  }

  /** Whether the run collected `service` (a `--services` run leaves the others out on purpose). */
  collected(service: string): boolean {
    return !this.services || this.services.includes(service);
  }

  /** Whether anything of an account (and region; `global` for IAM) was collected or attempted. */
  inScan(account: string, region: string): boolean {
    return this.scanned.has(`${account}|${region}`);
  }

  /**
   * The failed call behind missing data, as a gap: the first error of `service` (one of `operations`, or the
   * whole unit) in the account and region, concerning `resourceArn` when given (or no resource at all).
   */
  failure(
    q: { service: string; operations: readonly string[]; account: string; region: string; resourceArn?: string },
    message: string,
  ): Gap | undefined {
    const e = this.errors.find(
      (x) =>
        (x.service === "*" || (x.service === q.service && (x.operation === "*" || q.operations.includes(x.operation)))) &&
        x.account === q.account &&
        (x.region === q.region || x.service === "*") &&
        (x.resourceArn === undefined || x.resourceArn === q.resourceArn),
    );
    if (!e) return undefined;
    return gapOf(e, message);
  }
}

/** A gap naming a failed call. */
export function gapOf(e: CollectionError, message: string): Gap {
  return {
    operation: `${e.service}:${e.operation}`,
    account: e.account,
    region: e.region,
    ...(e.resourceArn !== undefined ? { resourceArn: e.resourceArn } : {}),
    message: `${message}: ${e.service}:${e.operation} failed (${e.errorName})`,
  };
}
