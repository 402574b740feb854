import { methodSettingKey } from "../aws/arns.js";
import type { ThrottleLimits } from "../facts/apigateway.js";
import type { Derived } from "../facts/index.js";
import { arr, inAccount, inScope, num, obj, str, type Obj } from "../facts/read.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { Resource } from "../model/inventory.js";
import type { EnrichResult } from "./iam.js";

const scope = inScope;

/**
 * One throttle limit and the level it comes from. The last level (the account) applies whenever no other sets one,
 * as API Gateway does: its source is known even when its value was not collected (null).
 */
type Level = ThrottleLimits["burstSource"];
function pick(levels: [Level, Obj | undefined, string][]): { value: number | null; source: Level } {
  for (const [source, o, key] of levels) {
    const v = num(o?.[key]);
    if (v !== undefined) return { value: v, source };
  }
  return { value: null, source: levels[levels.length - 1]![0] };
}

/**
 * Effective throttling of one method in one stage: a method's own setting, else the stage default
 * (`*\/*`), else the region's account-level limit; each of burst and rate independently, as API Gateway does.
 */
export function restThrottling(stage: Obj, resourcePath: string, verb: string, account: Obj | undefined): ThrottleLimits {
  const settings = obj(stage["methodSettings"]);
  const own = obj(settings?.[methodSettingKey(resourcePath, verb)]);
  const stageDefault = obj(settings?.["*/*"]);
  const acct = obj(account?.["throttleSettings"]);
  const burst = pick([
    ["method", own, "throttlingBurstLimit"],
    ["stage", stageDefault, "throttlingBurstLimit"],
    ["account", acct, "burstLimit"],
  ]);
  const rate = pick([
    ["method", own, "throttlingRateLimit"],
    ["stage", stageDefault, "throttlingRateLimit"],
    ["account", acct, "rateLimit"],
  ]);
  return {
    stage: str(stage["stageName"]) ?? "",
    burstLimit: burst.value,
    burstSource: burst.source,
    rateLimit: rate.value,
    rateSource: rate.source,
  };
}

/** Effective throttling of one v2 route in one stage: route settings, else the stage default, else the account. */
export function routeThrottling(stage: Obj, routeKey: string, account: Obj | undefined): ThrottleLimits {
  const own = obj(obj(stage["RouteSettings"])?.[routeKey]);
  const def = obj(stage["DefaultRouteSettings"]);
  const acct = obj(account?.["throttleSettings"]);
  const burst = pick([
    ["route", own, "ThrottlingBurstLimit"],
    ["stage", def, "ThrottlingBurstLimit"],
    ["account", acct, "burstLimit"],
  ]);
  const rate = pick([
    ["route", own, "ThrottlingRateLimit"],
    ["stage", def, "ThrottlingRateLimit"],
    ["account", acct, "rateLimit"],
  ]);
  return {
    stage: str(stage["StageName"]) ?? "",
    burstLimit: burst.value,
    burstSource: burst.source,
    rateLimit: rate.value,
    rateSource: rate.source,
  };
}

/**
 * Which management events a trail's selectors record, and what they exclude; null when the answer contradicts
 * the trail. A trail that was never given selectors (`HasCustomEventSelectors` false) has none in the answer and
 * records every read and write management event: AWS's default.
 */
export function managementEvents(
  selectors: Obj,
  trail: Obj = {},
): { read: boolean; write: boolean; excludedSources: string[] } | null {
  const basic = arr(selectors["EventSelectors"]) ?? [];
  const advanced = arr(selectors["AdvancedEventSelectors"]) ?? [];
  if (basic.length === 0 && advanced.length === 0) {
    // Custom selectors the answer does not show: what the trail records cannot be told.
    if (trail["HasCustomEventSelectors"] === true) return null;
    return { read: true, write: true, excludedSources: [] };
  }
  let read = false;
  let write = false;
  const excluded: string[] = [];
  for (const s of basic) {
    const sel = obj(s) ?? {};
    if (sel["IncludeManagementEvents"] === false) continue;
    const rw = str(sel["ReadWriteType"]) ?? "All";
    if (rw === "All" || rw === "ReadOnly") read = true;
    if (rw === "All" || rw === "WriteOnly") write = true;
    for (const e of arr(sel["ExcludeManagementEventSources"]) ?? []) excluded.push(String(e));
  }
  for (const s of advanced) {
    const fields = (arr(obj(s)?.["FieldSelectors"]) ?? []).map((f) => obj(f) ?? {});
    const field = (name: string) => fields.find((f) => f["Field"] === name);
    const category = field("eventCategory");
    if (!(arr(category?.["Equals"]) ?? []).includes("Management")) continue;
    const ro = arr(field("readOnly")?.["Equals"]);
    if (!ro || ro.includes("true")) read = true;
    if (!ro || ro.includes("false")) write = true;
    const src = field("eventSource");
    for (const e of [...(arr(src?.["NotEquals"]) ?? []), ...(arr(src?.["NotStartsWith"]) ?? [])]) excluded.push(String(e));
    // An Equals on eventSource records only those sources: not full coverage either.
    if (arr(src?.["Equals"]) || arr(src?.["StartsWith"])) excluded.push("*(only listed event sources)");
  }
  return { read, write, excludedSources: excluded };
}

/**
 * Whether a multi-region trail that is logging records read and write management events (without
 * exclusions) in this region. `covered` is null when it cannot be told: trails not listed, or no trail
 * qualifies while some trail's status or selectors could not be read.
 */
export function trailCoverage(raw: Record<string, JsonValue>): JsonObject {
  const trails = arr(raw["trails"]);
  if (!trails) return { covered: null, coveringTrails: [], unknownTrails: [] };
  const statuses = obj(raw["trailStatus"]) ?? {};
  const selectors = obj(raw["eventSelectors"]) ?? {};
  const covering: string[] = [];
  const unknown: string[] = [];
  const trailFacts: JsonObject[] = [];
  for (const t of trails) {
    const trail = obj(t) ?? {};
    const arn = str(trail["TrailARN"]) ?? "";
    const status = obj(statuses[arn]);
    const sel = obj(selectors[arn]);
    const mgmt = sel ? managementEvents(sel, trail) : null;
    const multiRegion = trail["IsMultiRegionTrail"] === true;
    const logging = status ? status["IsLogging"] === true : null;
    trailFacts.push({
      arn,
      multiRegion,
      organization: trail["IsOrganizationTrail"] === true,
      homeRegion: str(trail["HomeRegion"]) ?? null,
      logging,
      managementRead: mgmt?.read ?? null,
      managementWrite: mgmt?.write ?? null,
      excludedSources: mgmt?.excludedSources ?? null,
    });
    if (!multiRegion) continue;
    if (logging === false || (mgmt && (!mgmt.read || !mgmt.write || mgmt.excludedSources.length))) continue;
    if (logging === null || !mgmt) unknown.push(arn);
    else covering.push(arn);
  }
  return {
    covered: covering.length ? true : unknown.length ? null : false,
    coveringTrails: covering,
    unknownTrails: unknown,
    trails: trailFacts,
  };
}

/** AWS Config's state in a region; null fields where the call that says so failed. */
export function configStatus(raw: Record<string, JsonValue>): JsonObject {
  const recorders = arr(raw["configurationRecorders"]);
  const statuses = arr(raw["configurationRecordersStatus"]);
  const channels = arr(raw["deliveryChannels"]);
  const channelStatus = arr(raw["deliveryChannelsStatus"]);
  const rec = obj(recorders?.[0]);
  const st = obj(statuses?.find((s) => obj(s)?.["name"] === rec?.["name"]));
  const group = obj(rec?.["recordingGroup"]);
  const failed = (d: JsonValue | undefined) => String(obj(d)?.["lastStatus"] ?? "").toUpperCase() === "FAILURE";
  const recorderPresent = recorders ? recorders.length > 0 : null;
  const recording = recorderPresent === false ? false : statuses ? st?.["recording"] === true : null;
  const lastStatus = st ? (str(st["lastStatus"]) ?? null) : null;
  const channelPresent = channels ? channels.length > 0 : null;
  const deliveryHealthy =
    channelPresent === false
      ? false
      : channelStatus
        ? !channelStatus.some(
            (c) => failed(obj(c)?.["configHistoryDeliveryInfo"]) || failed(obj(c)?.["configSnapshotDeliveryInfo"]),
          )
        : null;
  const parts = [recorderPresent, recording, channelPresent, deliveryHealthy];
  const enabled = parts.includes(false) || lastStatus === "Failure" ? false : parts.includes(null) ? null : true;
  return {
    enabled,
    recorderPresent,
    recording,
    lastStatus,
    lastErrorCode: st ? (str(st["lastErrorCode"]) ?? null) : null,
    allSupported: group ? group["allSupported"] === true : null,
    includeGlobalResourceTypes: group ? group["includeGlobalResourceTypes"] === true : null,
    deliveryChannelPresent: channelPresent,
    deliveryHealthy,
  };
}

function authorizerFacts(list: JsonValue | undefined, id: string | undefined, v2: boolean): JsonObject | null {
  if (!id) return null;
  const a = obj(arr(list)?.find((x) => obj(x)?.[v2 ? "AuthorizerId" : "id"] === id));
  if (!a) return { id, found: false };
  if (v2) {
    const jwt = obj(a["JwtConfiguration"]);
    return {
      id,
      found: true,
      name: a["Name"] ?? null,
      type: a["AuthorizerType"] ?? null,
      identitySource: a["IdentitySource"] ?? null,
      jwtIssuer: jwt?.["Issuer"] ?? null,
      jwtAudience: jwt?.["Audience"] ?? null,
      resultTtlSeconds: a["AuthorizerResultTtlInSeconds"] ?? null,
    };
  }
  return {
    id,
    found: true,
    name: a["name"] ?? null,
    type: a["type"] ?? null,
    identitySource: a["identitySource"] ?? null,
    providerARNs: a["providerARNs"] ?? null,
    resultTtlSeconds: a["authorizerResultTtlInSeconds"] ?? null,
  };
}

/** The joins of the regional API surface, built once. */
class RegionalIndex {
  readonly accountSettings = new Map<string, Obj | undefined>();
  readonly aclsByStage = new Map<string, string[]>();
  readonly wafListed = new Set<string>();
  readonly restApis = new Map<string, Resource>();
  readonly httpApis = new Map<string, Resource>();
  readonly restStages = new Map<string, Obj[]>();
  readonly httpStages = new Map<string, Obj[]>();

  constructor(resources: readonly Resource[]) {
    for (const r of resources) this.add(r);
  }

  private add(r: Resource): void {
    if (r.type === "aws.apigateway.account") this.accountSettings.set(scope(r), obj(r.raw["account"]));
    if (r.type === "aws.apigateway.restapi") this.restApis.set(inAccount(r, r.arn), r);
    if (r.type === "aws.apigatewayv2.api") this.httpApis.set(inAccount(r, r.arn), r);
    if (r.type === "aws.wafv2.webacl") {
      const listed = arr(r.raw["apiGatewayResourceArns"]);
      if (listed) this.wafListed.add(scope(r));
      for (const a of listed ?? [])
        this.aclsByStage.set(inAccount(r, String(a)), [...(this.aclsByStage.get(inAccount(r, String(a))) ?? []), r.arn]);
    }
    if (r.type === "aws.apigateway.stage" || r.type === "aws.apigatewayv2.stage") {
      const apiArn = r.arn.slice(0, r.arn.indexOf("/stages/"));
      const map = r.type === "aws.apigateway.stage" ? this.restStages : this.httpStages;
      map.set(inAccount(r, apiArn), [...(map.get(inAccount(r, apiArn)) ?? []), obj(r.raw["stage"]) ?? {}]);
    }
  }
}

/** A REST stage's web ACL, from the stage itself and from WAF's association listing. */
function stageWebAcl(r: Resource, ix: RegionalIndex): Pick<Derived<"aws.apigateway.stage">, "webAcl" | "wafAssociated"> {
  const fromStage = str(obj(r.raw["stage"])?.["webAclArn"]);
  const fromWaf = ix.aclsByStage.get(inAccount(r, r.arn)) ?? [];
  const arn = fromStage ?? fromWaf[0] ?? null;
  return {
    webAcl: {
      arn,
      reportedByStage: fromStage !== undefined,
      reportedByWaf: fromWaf.length > 0,
      wafListingCollected: ix.wafListed.has(scope(r)),
    },
    wafAssociated: arn !== null,
  };
}

function methodFacts(r: Resource, ix: RegionalIndex): Omit<Derived<"aws.apigateway.method">, "integrationBackend"> {
  const apiArn = r.arn.slice(0, r.arn.indexOf("/resources/"));
  const api = ix.restApis.get(inAccount(r, apiArn));
  const method = obj(r.raw["method"]) ?? {};
  const [path, verb] = [String(r.raw["resourcePath"] ?? ""), String(r.raw["httpMethod"] ?? "")];
  return {
    // "resourcePath VERB", the human form allow-lists use.
    methodKey: `${path} ${verb}`,
    authorizer:
      api && api.raw["authorizers"] !== undefined
        ? (authorizerFacts(
            api.raw["authorizers"],
            str(method["authorizerId"]),
            false,
          ) as Derived<"aws.apigateway.method">["authorizer"])
        : null,
    throttling: (ix.restStages.get(inAccount(r, apiArn)) ?? []).map((s) =>
      restThrottling(s, path, verb, ix.accountSettings.get(scope(r))),
    ),
  };
}

function routeFacts(r: Resource, ix: RegionalIndex): Omit<Derived<"aws.apigatewayv2.route">, "integrationBackend"> {
  const apiArn = r.arn.slice(0, r.arn.indexOf("/routes/"));
  const api = ix.httpApis.get(inAccount(r, apiArn));
  const route = obj(r.raw["route"]) ?? {};
  return {
    authorizer:
      api && api.raw["authorizers"] !== undefined
        ? (authorizerFacts(
            api.raw["authorizers"],
            str(route["AuthorizerId"]),
            true,
          ) as Derived<"aws.apigatewayv2.route">["authorizer"])
        : null,
    throttling: (ix.httpStages.get(inAccount(r, apiArn)) ?? []).map((s) =>
      routeThrottling(s, String(route["RouteKey"] ?? ""), ix.accountSettings.get(scope(r))),
    ),
  };
}

/**
 * Joins for the regional API surface: stage → web ACL (both directions), method/route → authorizer and
 * effective throttling per stage, region → CloudTrail coverage and AWS Config status. Pure.
 */
export function enrichRegional(resources: Resource[]): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const ix = new RegionalIndex(resources);
  for (const r of resources) {
    const facts =
      r.type === "aws.apigateway.stage"
        ? stageWebAcl(r, ix)
        : r.type === "aws.apigateway.method"
          ? methodFacts(r, ix)
          : r.type === "aws.apigatewayv2.route"
            ? routeFacts(r, ix)
            : r.type === "aws.cloudtrail.region"
              ? { trailCoverage: trailCoverage(r.raw) }
              : r.type === "aws.config.region"
                ? { configStatus: configStatus(r.raw) }
                : undefined;
    if (facts) derived.set(r, facts as JsonObject);
  }
  return { derived, errors: [] };
}
