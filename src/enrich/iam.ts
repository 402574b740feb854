import type { JsonObject, JsonValue } from "../model/json.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { Derived } from "../facts/index.js";
import { daysBetween } from "../util/clock.js";
import { arnMatch } from "../util/glob.js";
import { parsePolicyDocument } from "../analysis/iam/policy.js";

/** Output of an enricher: new derived facts per resource, and problems found in the raw data. */
export interface EnrichResult {
  derived: Map<Resource, JsonObject>;
  errors: CollectionError[];
  /** Facts left out by design per resource (JSON pointer → why): their rules report `skipped`, not `error`. */
  skipped?: Map<Resource, Record<string, string>>;
}

type Row = Record<string, string>;

/** A credential-report timestamp, or null for N/A, no_information, not_supported. */
function reportTime(v: string | undefined): Date | null {
  if (!v || !/^\d{4}-/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function bool(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  const s = v.toLowerCase();
  return s === "true" ? true : s === "false" ? false : null;
}

function ago(d: Date | null, now: Date): number | null {
  return d ? daysBetween(d, now) : null;
}

type AccessKey = NonNullable<Derived<"aws.iam.user">["accessKeys"]>[number];

/** Facts about the two access-key slots of a credential-report row. */
export function accessKeyFacts(row: Row, now: Date): AccessKey[] {
  const keys: AccessKey[] = [];
  for (const slot of [1, 2] as const) {
    const rotated = reportTime(row[`access_key_${slot}_last_rotated`]);
    if (!rotated) continue; // slot never had a key
    const lastUsed = reportTime(row[`access_key_${slot}_last_used_date`]);
    keys.push({
      slot,
      active: bool(row[`access_key_${slot}_active`]) === true,
      lastRotated: rotated.toISOString(),
      ageDays: daysBetween(rotated, now),
      lastUsed: lastUsed ? lastUsed.toISOString() : null,
      daysSinceLastUse: ago(lastUsed, now),
      neverUsed: lastUsed === null,
      // A never-used key has been idle since it was created: that is what "unused for N days" must count.
      daysUnused: lastUsed ? daysBetween(lastUsed, now) : daysBetween(rotated, now),
      lastUsedService: row[`access_key_${slot}_last_used_service`] ?? "N/A",
    });
  }
  return keys;
}

/** A malformed policy document of `resource`, as an inventory error of the call that returned it. */
function malformed(resource: Resource, message: string): CollectionError {
  return {
    account: resource.account,
    region: resource.region,
    service: "iam",
    operation: "GetAccountAuthorizationDetails",
    errorName: "MalformedPolicyDocument",
    message,
    resourceArn: resource.arn,
  };
}

type InlinePolicies = Derived<"aws.iam.user">["inlinePolicies"];

function parseInline(resource: Resource, list: JsonValue | undefined, errors: CollectionError[]): InlinePolicies {
  const out: InlinePolicies = [];
  for (const p of Array.isArray(list) ? list : []) {
    const item = p as JsonObject;
    // An inline policy has no ARN to take its name from when the answer omits it.
    const name = typeof item["PolicyName"] === "string" && item["PolicyName"] ? item["PolicyName"] : "(unnamed)";
    const parsed = parsePolicyDocument(item["PolicyDocument"], "identity");
    if (parsed.ok) out.push({ name, document: parsed.document });
    else {
      errors.push(malformed(resource, `inline policy ${name} of ${resource.name}: ${parsed.message}`));
      out.push({ name, document: null, malformed: true });
    }
  }
  return out;
}

function names(list: JsonValue | undefined, key: string): string[] {
  return (Array.isArray(list) ? list : []).map((x) => String((x as JsonObject)[key] ?? "")).filter(Boolean);
}

const detailOf = (r: Resource) => (r.raw["detail"] ?? {}) as JsonObject;
const boundaryOf = (detail: JsonObject) =>
  (((detail["PermissionsBoundary"] ?? {}) as JsonObject)["PermissionsBoundaryArn"] as string | undefined) ?? null;

function userFacts(r: Resource, now: Date, errors: CollectionError[]): Omit<Derived<"aws.iam.user">, "access"> {
  const detail = detailOf(r);
  const row = r.raw["credentialReport"] as Row | undefined;
  const keys = row ? accessKeyFacts(row, now) : null;
  const passwordLastUsed = row ? reportTime(row["password_last_used"]) : null;
  const hasPassword = row ? bool(row["password_enabled"]) : null;
  const activeKeys = keys ? keys.filter((k) => k.active) : null;
  const lastActivity = [passwordLastUsed, ...(activeKeys ?? []).map((k) => reportTime(k.lastUsed ?? ""))].filter(
    (d): d is Date => d !== null,
  );
  const created = typeof detail["CreateDate"] === "string" ? new Date(detail["CreateDate"]) : null;
  const passwordChanged = row ? reportTime(row["password_last_changed"]) : null;
  const userCreated = row ? reportTime(row["user_creation_time"]) : null;
  return {
    hasConsolePassword: hasPassword,
    passwordLastUsedDaysAgo: ago(passwordLastUsed, now),
    passwordNeverUsed: row ? hasPassword === true && passwordLastUsed === null : null,
    // Days the console password has sat idle: since last use, else since it was set (or the user was
    // created). Null when there is no password, or when no date at all is known (rules then fail it).
    passwordDaysUnused: hasPassword === true ? ago(passwordLastUsed ?? passwordChanged ?? userCreated ?? created, now) : null,
    mfaActive: row ? bool(row["mfa_active"]) : null,
    virtualMfaCount: Array.isArray(r.raw["virtualMfaDevices"]) ? r.raw["virtualMfaDevices"].length : null,
    accessKeys: keys,
    activeAccessKeyCount: activeKeys ? activeKeys.length : null,
    daysSinceCreated: ago(created, now),
    daysSinceLastActivity: lastActivity.length
      ? daysBetween(new Date(Math.max(...lastActivity.map((d) => d.getTime()))), now)
      : null,
    groups: (Array.isArray(detail["GroupList"]) ? detail["GroupList"] : []).map(String),
    attachedPolicyArns: names(detail["AttachedManagedPolicies"], "PolicyArn"),
    inlinePolicies: parseInline(r, detail["UserPolicyList"], errors),
    permissionsBoundaryArn: boundaryOf(detail),
  };
}

function roleFacts(r: Resource, now: Date, errors: CollectionError[]): Omit<Derived<"aws.iam.role">, "access"> {
  const detail = detailOf(r);
  const trust = parsePolicyDocument(detail["AssumeRolePolicyDocument"], "trust");
  if (!trust.ok) errors.push(malformed(r, `trust policy of ${r.name}: ${trust.message}`));
  const lastUsed = ((detail["RoleLastUsed"] ?? {}) as JsonObject)["LastUsedDate"];
  return {
    trustPolicy: trust.ok ? trust.document : null,
    attachedPolicyArns: names(detail["AttachedManagedPolicies"], "PolicyArn"),
    inlinePolicies: parseInline(r, detail["RolePolicyList"], errors),
    permissionsBoundaryArn: boundaryOf(detail),
    daysSinceLastUsed: typeof lastUsed === "string" ? daysBetween(new Date(lastUsed), now) : null,
  };
}

function policyFacts(r: Resource, errors: CollectionError[]): Omit<Derived<"aws.iam.policy">, "access"> {
  const detail = detailOf(r);
  const versions = Array.isArray(detail["PolicyVersionList"]) ? (detail["PolicyVersionList"] as JsonObject[]) : [];
  const def = versions.find((v) => v["IsDefaultVersion"] === true);
  const parsed = parsePolicyDocument(def?.["Document"], "identity");
  if (!parsed.ok) errors.push(malformed(r, `policy ${r.name}: ${parsed.message}`));
  return {
    awsManaged: r.arn.includes(":iam::aws:policy/"),
    attachmentCount: typeof detail["AttachmentCount"] === "number" ? detail["AttachmentCount"] : 0,
    document: parsed.ok ? parsed.document : null,
  };
}

function certificateFacts(r: Resource, now: Date): Derived<"aws.iam.server-certificate"> {
  const meta = (r.raw["metadata"] ?? {}) as JsonObject;
  const expiration = typeof meta["Expiration"] === "string" ? new Date(meta["Expiration"]) : null;
  const valid = expiration !== null && !Number.isNaN(expiration.getTime());
  return {
    expiration: valid ? expiration.toISOString() : null,
    // Null (not false) when the expiry is unknown: a rule must not pass a certificate it cannot date.
    expired: valid ? expiration.getTime() <= now.getTime() : null,
    daysUntilExpiry: valid ? Math.floor((expiration.getTime() - now.getTime()) / 86_400_000) : null,
  };
}

type RootFacts = Omit<Derived<"aws.iam.account">, "supportRoleArns" | "cloudShellFullAccessIdentities">;

function rootFacts(r: Resource, now: Date): RootFacts {
  const row = r.raw["credentialReport"] as Row | undefined;
  const summary = r.raw["accountSummary"] as Record<string, number> | undefined;
  const policy = r.raw["passwordPolicy"];
  const keys = row ? accessKeyFacts(row, now) : null;
  const rootVirtual = Array.isArray(r.raw["virtualMfaDevices"]) ? r.raw["virtualMfaDevices"].length : null;
  const mfaActive = row ? bool(row["mfa_active"]) : summary ? summary["AccountMFAEnabled"] === 1 : null;
  return {
    rootAccessKeysPresent: summary ? summary["AccountAccessKeysPresent"] === 1 : keys ? keys.some((k) => k.active) : null,
    rootActiveAccessKeyCount: keys ? keys.filter((k) => k.active).length : null,
    rootAccessKeys: keys,
    rootMfaActive: mfaActive,
    // Hardware MFA on root = MFA active and no virtual device assigned to root (no MFA: no hardware MFA).
    rootHardwareMfa: mfaActive === false ? false : mfaActive === null || rootVirtual === null ? null : rootVirtual === 0,
    rootPasswordLastUsedDaysAgo: row ? ago(reportTime(row["password_last_used"]), now) : null,
    hasPasswordPolicy: policy === undefined ? null : policy !== null,
    passwordPolicy: policy === undefined ? null : (policy as JsonValue),
  };
}

/**
 * Derives IAM facts (key ages, MFA, password use, parsed policy documents) from raw collection output and
 * the collection clock. Pure: same raw + same clock → same facts.
 */
export function enrichIam(resources: Resource[], now: Date): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const errors: CollectionError[] = [];
  for (const r of resources) {
    const facts =
      r.type === "aws.iam.user"
        ? userFacts(r, now, errors)
        : r.type === "aws.iam.group"
          ? {
              attachedPolicyArns: names(detailOf(r)["AttachedManagedPolicies"], "PolicyArn"),
              inlinePolicies: parseInline(r, detailOf(r)["GroupPolicyList"], errors),
            }
          : r.type === "aws.iam.role"
            ? roleFacts(r, now, errors)
            : r.type === "aws.iam.policy"
              ? policyFacts(r, errors)
              : r.type === "aws.iam.server-certificate"
                ? certificateFacts(r, now)
                : r.type === "aws.iam.account"
                  ? rootFacts(r, now)
                  : undefined;
    if (facts) derived.set(r, facts as JsonObject);
  }
  accountFacts(resources, derived);
  return { derived, errors };
}

// Partition-agnostic patterns: arn:aws:, arn:aws-cn:, arn:aws-us-gov: name the same AWS managed policy.
/** The AWS managed policy that grants access to AWS Support (CIS "support role"). */
const SUPPORT_POLICY = "arn:*:iam::aws:policy/AWSSupportAccess";
/** The AWS managed policy CIS and FSBP IAM.27 restrict. */
const CLOUDSHELL_POLICY = "arn:*:iam::aws:policy/AWSCloudShellFullAccess";

/**
 * Account-level facts joined across identities: which roles carry AWSSupportAccess (IAM.18), which users,
 * groups and roles carry AWSCloudShellFullAccess (IAM.27). They only mean something when the
 * authorization details were collected; rules using them declare `dependsOn` that operation.
 */
function accountFacts(resources: Resource[], derived: Map<Resource, JsonObject>): void {
  const supportRoles: string[] = [];
  const cloudShell: string[] = [];
  for (const r of resources) {
    if (r.type !== "aws.iam.user" && r.type !== "aws.iam.group" && r.type !== "aws.iam.role") continue;
    const arns = (derived.get(r)?.["attachedPolicyArns"] ?? []) as string[];
    if (r.type === "aws.iam.role" && arns.some((a) => arnMatch(SUPPORT_POLICY, a))) supportRoles.push(r.arn);
    if (arns.some((a) => arnMatch(CLOUDSHELL_POLICY, a))) cloudShell.push(r.arn);
  }
  for (const r of resources) {
    if (r.type !== "aws.iam.account") continue;
    const d = derived.get(r) ?? {};
    derived.set(r, {
      ...d,
      supportRoleArns: supportRoles.filter((a) => a.split(":")[4] === r.account).sort(),
      cloudShellFullAccessIdentities: cloudShell.filter((a) => a.split(":")[4] === r.account).sort(),
    });
  }
}
