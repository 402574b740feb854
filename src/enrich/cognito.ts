/**
 * Facts of Cognito user pools, their app clients and identity pools: MFA, self sign-up and threat protection with
 * AWS's defaults applied, token lifetimes in one unit, and what an identity pool's unauthenticated (guest) role may
 * do, joined from the IAM analysis of that role (src/enrich/access.ts), never re-derived here.
 */
import type { Derived } from "../facts/index.js";
import { arr, num, obj, str, strings, type Obj } from "../facts/read.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { EnrichResult } from "./iam.js";

/** What the Cognito enricher needs besides the resources. */
export interface CognitoContext {
  /** Collection errors; when absent, whether the account's IAM roles were all read is unknown (facts are null). */
  errors?: readonly CollectionError[] | undefined;
  /** The services collected when a scan was restricted (`--services`); absent: all of them. */
  services?: readonly string[] | undefined;
}

function userPoolFacts(r: Resource): Derived<"aws.cognito.userpool"> {
  const pool = obj(r.raw["userPool"]);
  // DescribeUserPool states the MFA setting; GetUserPoolMfaConfig is read only when it does not.
  const mfa = str(pool?.["MfaConfiguration"]) ?? str(obj(r.raw["mfaConfig"])?.["MfaConfiguration"]) ?? null;
  if (!pool) return { mfa, selfSignUpAllowed: null, threatProtection: null };
  return {
    mfa,
    // AllowAdminCreateUserOnly defaults to false: a pool that does not say so lets anyone sign up.
    selfSignUpAllowed: obj(pool["AdminCreateUserConfig"])?.["AllowAdminCreateUserOnly"] !== true,
    threatProtection: str(obj(pool["UserPoolAddOns"])?.["AdvancedSecurityMode"]) ?? "OFF",
  };
}

const MINUTES: Record<string, number> = { seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 };

/** A token lifetime in minutes: the value in its unit, else AWS's default when the client does not set it. */
function minutes(value: JsonValue | undefined, unit: JsonValue | undefined, defaultUnit: string, defaultMinutes: number): number {
  const v = num(value);
  if (v === undefined) return defaultMinutes;
  return v * (MINUTES[str(unit) ?? defaultUnit] ?? MINUTES[defaultUnit]!);
}

function clientFacts(r: Resource): Derived<"aws.cognito.userpool-client"> {
  const c = obj(r.raw["client"]) ?? {};
  const units = obj(c["TokenValidityUnits"]) ?? {};
  return {
    tokenValidity: {
      accessTokenMinutes: minutes(c["AccessTokenValidity"], units["AccessToken"], "hours", 60),
      idTokenMinutes: minutes(c["IdTokenValidity"], units["IdToken"], "hours", 60),
      refreshTokenDays: minutes(c["RefreshTokenValidity"], units["RefreshToken"], "days", 30 * 1440) / 1440,
    },
    // The flows apply only while OAuth is enabled for the client (AllowedOAuthFlowsUserPoolClient).
    implicitGrant: c["AllowedOAuthFlowsUserPoolClient"] === true && strings(c["AllowedOAuthFlows"]).includes("implicit"),
  };
}

/** The account's IAM roles by ARN, and whether the role listing of each account is complete. */
class RoleIndex {
  private readonly roles = new Map<string, Resource>();
  private readonly incomplete = new Set<string>();
  readonly iamCollected: boolean;

  constructor(resources: readonly Resource[], ctx: CognitoContext) {
    const read = new Set<string>();
    for (const r of resources) {
      if (r.type === "aws.iam.role") this.roles.set(r.arn, r);
      if (r.type === "aws.iam.account") read.add(r.account);
    }
    this.iamCollected = !ctx.services || ctx.services.includes("iam");
    // An account whose IAM was not read in this run (its global unit ran in another shard, or did not finish) has
    // roles this inventory cannot show: a role missing from it is unknown, never absent.
    for (const r of resources) if (!read.has(r.account)) this.incomplete.add(r.account);
    // A listing failure (no resource ARN) or a failed IAM unit leaves roles possibly missing in that account.
    for (const e of ctx.errors ?? []) {
      const iam = e.service === "iam" || e.service === "*";
      if (iam && e.resourceArn === undefined && (e.operation === "GetAccountAuthorizationDetails" || e.operation === "*"))
        this.incomplete.add(e.account);
    }
    if (!ctx.errors) for (const r of resources) this.incomplete.add(r.account);
  }

  /** The role, `missing` when the listing was complete and it is not there, `unknown` when that cannot be told. */
  find(account: string, arn: string): Resource | "missing" | "unknown" {
    const r = this.roles.get(arn);
    if (r) return r;
    return this.incomplete.has(account) ? "unknown" : "missing";
  }
}

const NO_ROLE = {
  found: false,
  adminEquivalent: false,
  adminReasons: [],
  privilegeEscalation: [],
  serviceWildcards: [],
  readActionsOnAllResources: [],
  writeActionsOnAllResources: [],
  listsTruncated: false,
};

/** What guests of the pool get, from the pool's unauthenticated role and that role's IAM analysis. */
function unauthenticatedRole(
  r: Resource,
  roles: RoleIndex,
  skipped: Map<Resource, Record<string, string>>,
): Derived<"aws.cognito.identitypool">["unauthenticatedRole"] {
  const poolRoles = obj(r.raw["roles"]);
  if (!poolRoles) return null;
  const arn = str(obj(poolRoles["Roles"])?.["unauthenticated"]);
  if (!arn) return { arn: null, ...NO_ROLE };
  if (!roles.iamCollected) {
    skipped.set(r, {
      "/derived/unauthenticatedRole": "iam not collected (--services): the unauthenticated role cannot be judged",
    });
    return null;
  }
  const role = roles.find(r.account, arn);
  if (role === "unknown") return null;
  // A role that does not exist hands out no credentials.
  if (role === "missing") return { arn, ...NO_ROLE };
  const p = obj(obj(role.derived["access"])?.["permissions"]);
  if (!p) return null;
  const names = (v: JsonValue | undefined) => strings(v);
  return {
    arn,
    found: true,
    adminEquivalent: p["adminEquivalent"] === true,
    adminReasons: names(p["adminReasons"]),
    privilegeEscalation: (arr(p["privilegeEscalation"]) ?? []).map((m) => str((obj(m) as Obj | undefined)?.["name"]) ?? "?"),
    serviceWildcards: names(p["serviceWildcards"]),
    readActionsOnAllResources: names(p["readActionsOnAllResources"]),
    writeActionsOnAllResources: names(p["writeActionsOnAllResources"]),
    listsTruncated: p["listsTruncated"] === true,
  };
}

/**
 * Cognito facts: per user pool its MFA, self sign-up and threat protection; per app client its token lifetimes and
 * implicit grant; per identity pool what its unauthenticated role may do. Pure; runs after enrichAccess, whose
 * facts of the roles it joins. A fact is null, not a guess, when what it needs was not read.
 */
export function enrichCognito(resources: Resource[], ctx: CognitoContext): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const skipped = new Map<Resource, Record<string, string>>();
  let roles: RoleIndex | undefined;
  for (const r of resources) {
    if (r.type === "aws.cognito.userpool") derived.set(r, userPoolFacts(r) as JsonObject);
    else if (r.type === "aws.cognito.userpool-client") derived.set(r, clientFacts(r) as JsonObject);
    else if (r.type === "aws.cognito.identitypool") {
      roles ??= new RoleIndex(resources, ctx);
      derived.set(r, { unauthenticatedRole: unauthenticatedRole(r, roles, skipped) } as JsonObject);
    }
  }
  return { derived, errors: [], skipped };
}
