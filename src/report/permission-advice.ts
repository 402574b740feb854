/**
 * A principal that lacks Tollgate's permissions is denied the same calls in every region and for every API: one
 * warning per call (or per operation) buries the fix. This says it once: who was denied, how much that cost, and
 * which statements of the shipped policy to attach. Pure; the console prints it.
 */
import type { Finding } from "../model/finding.js";
import type { CollectionError } from "../model/inventory.js";
import { READONLY_POLICY_FILE } from "../aws/permissions.js";
import { gapCauses } from "./coverage.js";

/** The advice, and the calls it accounts for (the console lists the other gaps on their own). */
export interface PermissionAdvice {
  message: string;
  /** The denied calls the advice covers. */
  covered: CollectionError[];
}

const capitalize = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * One message for the calls denied for lack of a permission Tollgate knows where to grant: the principals (from
 * `callers`, by account), the statements of policy/tollgate-readonly.json that grant what they lacked, the other
 * grants (e.g. sts:AssumeRole on the scanned roles), and the rules left unevaluated. Undefined when nothing was
 * denied that way.
 */
export function permissionAdvice(
  coverage: readonly CollectionError[],
  findings: readonly Finding[],
  callers: Readonly<Record<string, string>> = {},
  partition = "aws",
): PermissionAdvice | undefined {
  const denied = gapCauses(coverage, findings, partition).filter((c) => c.denied && c.grant);
  if (!denied.length) return undefined;
  const sids = [...new Set(denied.flatMap((c) => (c.grant && "sid" in c.grant ? [c.grant.sid] : [])))].sort();
  const notes = [
    ...new Set(
      denied.flatMap((c) =>
        c.grant && "note" in c.grant ? [`${c.permission!.action} on ${c.permission!.resource} (${c.grant.note})`] : [],
      ),
    ),
  ];
  const accounts = [...new Set(denied.flatMap((c) => c.accounts))].sort();
  const who = accounts.map((a) => callers[a] ?? `the scanner in account ${a}`);
  const calls = denied.reduce((n, c) => n + c.errors.length, 0);
  const rules = new Set(denied.flatMap((c) => c.rules)).size;
  const subject = who.length === 1 ? who[0]! : `the principals of ${plural(who.length, "account")} (${who.join(", ")})`;
  const fixes = [
    ...(sids.length
      ? [
          `attach ${READONLY_POLICY_FILE} to ${who.length === 1 ? "it" : "them"} (its statement${sids.length === 1 ? "" : "s"} ${sids.join(", ")} grant${sids.length === 1 ? "s" : ""} the denied calls)`,
        ]
      : []),
    ...notes.map((n) => `grant ${n}`),
  ];
  return {
    message:
      `${subject} ${who.length === 1 ? "lacks" : "lack"} permissions Tollgate needs: ${plural(calls, "call")} denied, ${plural(rules, "rule")} not evaluated. ` +
      `${capitalize(fixes.join("; and "))}, then run again (findings.json and summary.md list every denied call)`,
    covered: denied.flatMap((c) => c.errors),
  };
}

/** Errors that mean the run's credentials stopped working: the session expired, or could not be refreshed. */
const CREDENTIALS_LOST = new Set(["ExpiredToken", "ExpiredTokenException", "CredentialsProviderError", "TokenProviderError"]);

/**
 * One message for the calls refused because the credentials stopped working during the run (the first call,
 * GetCallerIdentity, proved they worked): a session shorter than the scan, or one whose refresh failed. Every
 * later call fails the same way, so listing them by operation would bury the one fix. Undefined when none did.
 */
export function credentialAdvice(
  coverage: readonly CollectionError[],
  findings: readonly Finding[],
  partition = "aws",
): PermissionAdvice | undefined {
  const lost = gapCauses(coverage, findings, partition).filter((c) => CREDENTIALS_LOST.has(c.errorName));
  if (!lost.length) return undefined;
  const calls = lost.reduce((n, c) => n + c.errors.length, 0);
  const rules = new Set(lost.flatMap((c) => c.rules)).size;
  const names = [...new Set(lost.map((c) => c.errorName))].sort().join(", ");
  return {
    message:
      `the credentials stopped working during the run (${names}): ${plural(calls, "call")} refused, ${plural(rules, "rule")} not evaluated. ` +
      "The session ended before the scan did: give it a longer one (the role's MaxSessionDuration and role-duration-seconds " +
      "of aws-actions/configure-aws-credentials; `aws sso login` again for SSO), or scan less per run (--services, --shard), then run again",
    covered: lost.flatMap((c) => c.errors),
  };
}
