/**
 * Coverage gaps grouped by cause. A scan with a missing permission fails the same call in every region and for
 * every API or domain; the reader needs one line per cause (which permission, which statement of the policy to
 * add, how much it left unjudged), not one line per failed call. Pure: console, summary.md and HTML share it.
 */
import { isPermissionDenied, permissionFor, READONLY_POLICY_FILE } from "../aws/permissions.js";
import type { Finding } from "../model/finding.js";
import type { CollectionError } from "../model/inventory.js";

/** Where a missing permission is granted: a statement of the shipped policy, or a note when it belongs elsewhere. */
export type GapGrant = { file: string; sid: string } | { note: string };

/** One reason parts of the scan could not be read, with every failed call it explains. */
export interface GapCause {
  /** Stable identity: `service:Operation:denied`, or `service:Operation:<error name>` for other failures. */
  key: string;
  /** Service of the failed calls, as inventory errors name it. */
  service: string;
  /** Operation of the failed calls. */
  operation: string;
  /** True when AWS refused the calls for lack of permission. */
  denied: boolean;
  /** The error name (for denials, the first one seen: services spell it differently). */
  errorName: string;
  /** The IAM permission the calls need, partition filled in; absent for calls Tollgate does not know. */
  permission?: { action: string; resource: string };
  /** Where to grant the permission; only for denials of known calls. */
  grant?: GapGrant;
  /** The failed calls, in a stable order. */
  errors: CollectionError[];
  /** Accounts the calls failed in, sorted. */
  accounts: string[];
  /** Regions the calls failed in (`global` for IAM), sorted. */
  regions: string[];
  /** Ids of the rules that reported `error` because of these calls, sorted. */
  rules: string[];
  /** Number of `error` findings that cite these calls. */
  findings: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareErrors = (a: CollectionError, b: CollectionError): number =>
  cmp(a.account, b.account) ||
  cmp(a.region, b.region) ||
  cmp(a.resourceArn ?? "", b.resourceArn ?? "") ||
  cmp(a.message, b.message);

function causeKey(e: Pick<CollectionError, "service" | "operation" | "errorName">): string {
  return `${e.service}:${e.operation}:${isPermissionDenied(e.errorName) ? "denied" : e.errorName}`;
}

// Error findings cite each call as `service:Operation failed: ErrorName …` (describeCallError).
const CITED = /^(\S+?):(\S+) failed: ([^\s:(]+)/;

/** The keys (GapCause.key) of the failed calls an `error` finding's evidence cites. */
export function citedCauseKeys(f: Finding): Set<string> {
  const cited = new Set<string>();
  for (const ev of f.evidence) {
    const m = typeof ev.actual === "string" ? CITED.exec(ev.actual) : null;
    if (m) cited.add(causeKey({ service: m[1]!, operation: m[2]!, errorName: m[3]! }));
  }
  return cited;
}

/**
 * Groups coverage gaps by cause: one per failed operation and reason (every denial of an operation is one
 * cause, wherever it happened), with the permission to grant and the rules the calls left unevaluated, counted
 * from the `error` findings that cite them. Denials come first, then the causes that cost the most rules.
 */
export function gapCauses(coverage: readonly CollectionError[], findings: readonly Finding[], partition = "aws"): GapCause[] {
  const causes = new Map<string, GapCause>();
  for (const e of [...coverage].sort(compareErrors)) {
    const key = causeKey(e);
    let c = causes.get(key);
    if (!c) {
      const denied = isPermissionDenied(e.errorName);
      const p = permissionFor(e.service, e.operation);
      c = {
        key,
        service: e.service,
        operation: e.operation,
        denied,
        errorName: e.errorName,
        ...(p ? { permission: { action: p.action, resource: p.resource.replace("{partition}", partition) } } : {}),
        ...(denied && p ? { grant: p.sid ? { file: READONLY_POLICY_FILE, sid: p.sid } : { note: p.note ?? "" } } : {}),
        errors: [],
        accounts: [],
        regions: [],
        rules: [],
        findings: 0,
      };
      causes.set(key, c);
    }
    c.errors.push(e);
    if (!c.accounts.includes(e.account)) c.accounts.push(e.account);
    if (!c.regions.includes(e.region)) c.regions.push(e.region);
  }
  const rules = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.status !== "error") continue;
    for (const key of citedCauseKeys(f)) {
      const c = causes.get(key);
      if (!c) continue;
      c.findings++;
      rules.set(key, (rules.get(key) ?? new Set()).add(f.ruleId));
    }
  }
  const out = [...causes.values()];
  for (const c of out) {
    c.accounts.sort(cmp);
    c.regions.sort(cmp);
    c.rules = [...(rules.get(c.key) ?? [])].sort(cmp);
  }
  return out.sort((a, b) => Number(b.denied) - Number(a.denied) || b.rules.length - a.rules.length || cmp(a.key, b.key));
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Where a cause happened, briefly: one account or region by name, more by count. */
export function gapScope(c: Pick<GapCause, "accounts" | "regions">): string {
  const accounts = c.accounts.length === 1 ? `account ${c.accounts[0]}` : plural(c.accounts.length, "account");
  const regions =
    c.regions.length === 1
      ? c.regions[0] === "global"
        ? ""
        : ` in ${c.regions[0]}`
      : ` in ${plural(c.regions.length, "region")}`;
  return `${accounts}${regions}`;
}

/** What to do about a cause: the permission and the statement to add, or nothing for failures that are not denials. */
export function gapRemedy(c: Pick<GapCause, "permission" | "grant">): string | undefined {
  if (!c.permission || !c.grant) return undefined;
  const where = "sid" in c.grant ? `statement ${c.grant.sid} of ${c.grant.file}` : c.grant.note;
  return `grant ${c.permission.action} on ${c.permission.resource} (${where})`;
}

/**
 * One line for a cause: what failed, where, how much it cost, and the remedy for denials, e.g.
 * `apigateway:GetAccount denied (AccessDeniedException) for account 111122223333 in 2 regions: 2 calls, 1 rule
 * not evaluated; grant apigateway:GET on arn:aws:apigateway:*::/account (statement … of policy/…)`.
 */
export function describeGapCause(c: GapCause): string {
  const what = `${c.service}:${c.operation} ${c.denied ? "denied" : "failed"} (${c.errorName})`;
  const cost = `${plural(c.errors.length, "call")}, ${plural(c.rules.length, "rule")} not evaluated`;
  const remedy = gapRemedy(c);
  return `${what} for ${gapScope(c)}: ${cost}${remedy ? `; ${remedy}` : ""}`;
}
