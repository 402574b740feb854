/** Facts of API Gateway resource policies: Allow statements open to everyone, and VPC restriction. */
import { parsePolicyDocument, type NormalizedCondition, type NormalizedStatement } from "../analysis/iam/policy.js";
import { RESTRICTING_KEYS, conditionRestricts } from "../analysis/iam/trust.js";
import type { Derived } from "../facts/index.js";
import type { JsonValue } from "../model/json.js";
import { globMatch } from "../util/glob.js";

const VPC_KEYS = ["aws:sourcevpce", "aws:sourcevpc"] as const;
const NEGATIVE = /^(StringNotEquals|StringNotLike|ArnNotEquals|ArnNotLike|NotIpAddress)(IfExists)?$/i;

/** Whether a Deny condition denies every caller whose `keys` value is outside a list (StringNotEquals & co). */
function negativelyRestricts(condition: NormalizedCondition | undefined, keys: readonly string[]): boolean {
  if (!condition) return false;
  return Object.entries(condition).some(
    ([op, byKey]) =>
      NEGATIVE.test(op) &&
      Object.entries(byKey).some(
        ([k, values]) => keys.includes(k.toLowerCase()) && values.some((v) => v !== "" && !/^[*?]+$/.test(v)),
      ),
  );
}

const isPublic = (s: NormalizedStatement) =>
  s.notPrincipal !== undefined || s.principal?.wildcard === true || (s.principal?.entries["AWS"] ?? []).includes("*");

const coversInvoke = (s: NormalizedStatement) =>
  s.notAction === undefined && (s.action ?? []).some((a) => globMatch(a.toLowerCase(), "execute-api:invoke"));

/** A Deny covers an Allow's resources when each of them is matched by one of the Deny's resource globs. */
function denyCovers(deny: NormalizedStatement, allow: NormalizedStatement): boolean {
  if (deny.notResource || allow.notResource) return false;
  const denied = deny.resource ?? [];
  return (allow.resource ?? ["*"]).every((r) => denied.some((d) => d === "*" || globMatch(d, r)));
}

/**
 * Facts of a REST API resource policy (the JSON string API Gateway returns, sometimes with escaped quotes):
 * `publicAllows` lists Allow statements open to every principal (`*`, `{"AWS": "*"}` or NotPrincipal) with
 * no restricting condition (source VPC/VPCE/IP, principal organisation/account/ARN, …) and no Deny that
 * refuses callers outside such a condition; `vpcRestricted` is true when every Allow is limited to
 * `aws:SourceVpce`/`aws:SourceVpc` the same way. Null when the policy cannot be parsed.
 */
export function resourcePolicyFacts(policy: JsonValue | undefined): Derived<"aws.apigateway.restapi">["resourcePolicy"] {
  if (policy === undefined || policy === null || policy === "") return { present: false, publicAllows: [], vpcRestricted: false };
  const parsed = parsePolicyDocument(policy, "resource");
  if (!parsed.ok) return null;
  const statements = parsed.policy.statements;
  const allows = statements.filter((s) => s.effect === "Allow");
  const denies = statements.filter((s) => s.effect === "Deny" && isPublic(s) && coversInvoke(s));
  const limited = (s: NormalizedStatement, keys: readonly string[]) =>
    conditionRestricts(s.condition, keys) || denies.some((d) => denyCovers(d, s) && negativelyRestricts(d.condition, keys));
  const label = (s: NormalizedStatement) => (s.sid ? `Statement[${s.index}] (${s.sid})` : `Statement[${s.index}]`);
  return {
    present: true,
    publicAllows: allows.filter((s) => isPublic(s) && !limited(s, RESTRICTING_KEYS)).map(label),
    vpcRestricted: allows.length > 0 && allows.every((s) => limited(s, VPC_KEYS)),
  };
}
