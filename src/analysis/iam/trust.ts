/**
 * Trust-policy analysis: who can assume a role, and whether a condition narrows it.
 *
 * Only positive, non-`IfExists`, non-`ForAllValues` operators with a concrete value count as
 * restricting: `StringNotEquals`, `...IfExists` and `ForAllValues:` all evaluate to true when
 * the key is absent, which is exactly the case of an unexpected caller.
 */
import type { NormalizedCondition, NormalizedPolicy, NormalizedStatement } from "./policy.js";
import { globToRegExp } from "./wildcard.js";

/** Finding codes, from most to least severe in spirit. */
export const TRUST_CODES = [
  "trust-any-principal",
  "trust-cross-account-root",
  "trust-service-no-source-condition",
  "trust-oidc-no-audience",
  "trust-oidc-no-subject",
  "trust-oidc-subject-wildcard",
  "trust-oidc-subject-any-ref",
  "trust-oidc-provider-unknown",
] as const;
/** One trust finding code. */
export type TrustCode = (typeof TRUST_CODES)[number];

/** One problem in one trust-policy statement. */
export interface TrustFinding {
  /** What is wrong. */
  code: TrustCode;
  /** Index of the statement in the trust policy. */
  statementIndex: number;
  /** The principal value concerned (e.g. `*`, an account root ARN, a provider ARN). */
  principal: string;
  /** Human-readable explanation. */
  detail: string;
}

/** Context for trust analysis. */
export interface TrustContext {
  /** The role's own account id. */
  accountId: string;
  /** Service principals (lower-case) that must carry aws:SourceAccount/aws:SourceArn. */
  sourceConditionServices: ReadonlySet<string>;
  /** OIDC provider ARNs in the account, when known. */
  oidcProviderArns?: readonly string[] | undefined;
}

/** Condition keys that narrow an otherwise open trust to known callers. */
export const RESTRICTING_KEYS = [
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceowner",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceip",
  "aws:userid",
  "sts:externalid",
] as const;

const MFA_KEYS = ["aws:multifactorauthpresent", "aws:multifactorauthage"];
const SOURCE_KEYS = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"];
const ASSUME_ACTIONS = ["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"];
const NEGATIVE_OPERATOR = /^(StringNot|ArnNot|NotIpAddress|NumericNotEquals|DateNotEquals|Null)/i;

/** A value of a positive condition on a key, with whether the operator does wildcard matching. */
interface PositiveValue {
  value: string;
  like: boolean;
}

/** Values a statement requires for `key` (case-insensitive), through positive operators only. */
function positiveValues(condition: NormalizedCondition | undefined, key: string): PositiveValue[] {
  const out: PositiveValue[] = [];
  if (!condition) return out;
  for (const [rawOp, keys] of Object.entries(condition)) {
    if (/^ForAllValues:/i.test(rawOp) || /IfExists$/i.test(rawOp)) continue;
    const op = rawOp.replace(/^ForAnyValue:/i, "");
    if (NEGATIVE_OPERATOR.test(op)) continue;
    const like = /Like$/i.test(op);
    for (const [k, values] of Object.entries(keys)) {
      if (k.toLowerCase() !== key) continue;
      for (const value of values) out.push({ value, like });
    }
  }
  return out;
}

function isAllWildcard(v: PositiveValue): boolean {
  return v.like && /^[*?]*$/.test(v.value);
}

/** Whether the statement restricts `key` to something other than "anything". */
function restricts(condition: NormalizedCondition | undefined, keys: readonly string[]): boolean {
  return keys.some((k) => {
    const vals = positiveValues(condition, k);
    if (k === "aws:multifactorauthpresent") return vals.some((v) => v.value.toLowerCase() === "true");
    return vals.length > 0 && vals.some((v) => !isAllWildcard(v) && v.value !== "");
  });
}

/**
 * Whether a statement's condition limits one of `keys` (lower-case) to specific values through positive
 * operators; shared with the API Gateway resource-policy facts so both judge conditions alike.
 */
export const conditionRestricts = restricts;

function allowsAssume(s: NormalizedStatement): boolean {
  if (s.notAction) return true; // NotAction in a trust policy admits every assume action not listed.
  return (s.action ?? []).some((p) => ASSUME_ACTIONS.some((a) => globToRegExp(p, true).test(a)));
}

function accountOf(awsPrincipal: string): string | undefined {
  if (/^\d{12}$/.test(awsPrincipal)) return awsPrincipal;
  const m = /^arn:[^:]+:iam::(\d{12}):root$/.exec(awsPrincipal);
  return m?.[1];
}

/** Classifies one GitHub Actions `sub` pattern: does it admit any repo, or any ref of one repo? */
function githubSubjectBreadth(v: PositiveValue): "any-repo" | "any-ref" | null {
  if (!v.like || !/[*?]/.test(v.value)) return null;
  if (isAllWildcard(v)) return "any-repo";
  const m = /^repo:([^:]*)(?::(.*))?$/i.exec(v.value);
  if (!m) return /^[*?]/.test(v.value) ? "any-repo" : "any-ref";
  const repo = m[1] ?? "";
  // `repo:org/*`, `repo:*`, `repo:org/app-*` — the repository itself is open.
  if (/[*?]/.test(repo) || !repo.includes("/")) return "any-repo";
  return /[*?]/.test(m[2] ?? "") ? "any-ref" : null;
}

/** Cognito identity pools' token issuer, as a trust policy names it (`.cn` in the China partition). */
const COGNITO_IDENTITY = /^cognito-identity\.amazonaws\.com(\.cn)?$/i;

function oidcHost(federated: string, known: readonly string[] | undefined): string | undefined {
  const m = /:oidc-provider\/(.+)$/.exec(federated);
  if (m?.[1]) return m[1];
  return known?.includes(federated) ? federated : undefined;
}

/**
 * A role trusted by Cognito identity pools, scoped as AWS documents it: `cognito-identity.amazonaws.com:aud` is
 * the identity pool id and `amr` (optional) says authenticated or unauthenticated. The token's `sub` is the
 * identity id, which no trust policy pins, so only the audience matters: without a concrete pool id (absent, or
 * a wildcard pattern), identity pools of any AWS account can obtain this role's credentials.
 */
function analyseCognitoIdentity(s: NormalizedStatement, federated: string): TrustFinding[] {
  const key = `${federated.toLowerCase()}:aud`;
  const auds = positiveValues(s.condition, key);
  const wide = auds.filter((v) => v.value === "" || (v.like && /[*?]/.test(v.value)));
  if (auds.length > 0 && wide.length === 0) return [];
  const detail =
    auds.length === 0
      ? `No condition on ${federated}:aud naming the identity pool; identity pools of any AWS account can obtain credentials for this role`
      : `${federated}:aud pattern ${wide.map((v) => v.value).join(", ")} admits identity pools other than the intended one, including other accounts'`;
  return [{ code: "trust-oidc-no-audience", statementIndex: s.index, principal: federated, detail }];
}

function analyseOidc(s: NormalizedStatement, federated: string, host: string, ctx: TrustContext): TrustFinding[] {
  const out: TrustFinding[] = [];
  const f = (code: TrustCode, detail: string): void => {
    out.push({ code, statementIndex: s.index, principal: federated, detail });
  };
  if (ctx.oidcProviderArns && federated.startsWith("arn:") && !ctx.oidcProviderArns.includes(federated)) {
    f("trust-oidc-provider-unknown", `OIDC provider ${federated} is not in the account's provider list`);
  }
  const hostKey = host.toLowerCase();
  if (!restricts(s.condition, [`${hostKey}:aud`])) {
    f("trust-oidc-no-audience", `No condition on ${host}:aud; tokens issued for any audience are accepted`);
  }
  const subs = positiveValues(s.condition, `${hostKey}:sub`);
  if (subs.length === 0) {
    f("trust-oidc-no-subject", `No condition on ${host}:sub; any identity of the provider can assume the role`);
    return out;
  }
  const github = hostKey === "token.actions.githubusercontent.com";
  const breadths = subs.map((v) => (github ? githubSubjectBreadth(v) : isAllWildcard(v) ? "any-repo" : null));
  const wide = subs.filter((_v, i) => breadths[i] === "any-repo").map((v) => v.value);
  const refs = subs.filter((_v, i) => breadths[i] === "any-ref").map((v) => v.value);
  if (wide.length > 0) {
    f("trust-oidc-subject-wildcard", `${host}:sub pattern ${wide.join(", ")} admits any repository or subject`);
  } else if (refs.length > 0) {
    f("trust-oidc-subject-any-ref", `${host}:sub pattern ${refs.join(", ")} admits any branch/ref of the repository`);
  }
  return out;
}

/** Analyses one parsed trust policy; returns findings in statement order. */
export function analyzeTrustPolicy(policy: NormalizedPolicy, ctx: TrustContext): TrustFinding[] {
  const out: TrustFinding[] = [];
  for (const s of policy.statements) {
    if (s.effect !== "Allow" || !allowsAssume(s)) continue;
    const push = (code: TrustCode, principal: string, detail: string): void => {
      out.push({ code, statementIndex: s.index, principal, detail });
    };
    const restricted = restricts(s.condition, RESTRICTING_KEYS);
    if (s.notPrincipal) {
      if (!restricted) push("trust-any-principal", "*", "Allow with NotPrincipal trusts every other principal");
      continue;
    }
    const p = s.principal;
    if (!p) continue;
    const awsValues = p.entries["AWS"] ?? [];
    if ((p.wildcard || awsValues.includes("*")) && !restricted) {
      push("trust-any-principal", "*", "Any AWS principal (including other accounts) can assume the role");
    }
    for (const v of awsValues) {
      const acct = accountOf(v);
      if (acct && acct !== ctx.accountId && !restricted && !restricts(s.condition, MFA_KEYS)) {
        push(
          "trust-cross-account-root",
          v,
          `Every principal of account ${acct} that its admins allow can assume the role; no sts:ExternalId or other restricting condition`,
        );
      }
    }
    for (const svc of p.entries["Service"] ?? []) {
      if (ctx.sourceConditionServices.has(svc.toLowerCase()) && !restricts(s.condition, SOURCE_KEYS)) {
        push(
          "trust-service-no-source-condition",
          svc,
          `${svc} can assume the role on behalf of any account: no aws:SourceAccount/aws:SourceArn condition`,
        );
      }
    }
    for (const fed of p.entries["Federated"] ?? []) {
      if (COGNITO_IDENTITY.test(fed)) {
        out.push(...analyseCognitoIdentity(s, fed));
        continue;
      }
      const host = oidcHost(fed, ctx.oidcProviderArns);
      if (host) out.push(...analyseOidc(s, fed, host, ctx));
    }
  }
  return out;
}
