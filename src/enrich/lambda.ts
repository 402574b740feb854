/**
 * Facts of Lambda functions: function URLs without authentication or with credentialed wildcard CORS, what the
 * function's (and its URL aliases') resource policies grant outside the account, the runtime's lifecycle against
 * the collection clock, and environment variables named like secrets. Pure: the runtime table and the secret
 * patterns are passed in.
 */
import { parsePolicyDocument, type NormalizedStatement } from "../analysis/iam/policy.js";
import { RESTRICTING_KEYS, conditionRestricts } from "../analysis/iam/trust.js";
import type { LambdaRuntimes } from "../data/lambda-runtimes.js";
import { obj, str, strings } from "../facts/read.js";
import type { Derived } from "../facts/index.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import { SecretMatcher, type SecretPatterns } from "../secrets/patterns.js";
import { secretLikeVariables } from "./api-security.js";
import type { EnrichResult } from "./iam.js";

/** What the Lambda enricher needs besides the resources. */
export interface LambdaContext {
  /** The collection clock. */
  now: Date;
  /** The runtime table; when absent, runtime lifecycle facts are null (the runtime rules report error). */
  runtimes?: LambdaRuntimes | undefined;
  /** What looks like a secret (rules/data/secret-patterns.json). */
  secretPatterns: SecretPatterns;
}

type Facts = Derived<"aws.lambda.function">;
type PolicyFacts = NonNullable<Facts["resourcePolicy"]>;

/**
 * Condition keys that tie a grant to known callers. Besides the keys the IAM trust analysis uses, Alexa skills are
 * pinned by `lambda:EventSourceToken`. `lambda:FunctionUrlAuthType` and `lambda:InvokedViaFunctionUrl` are not
 * among them: AWS adds them to the statements of a public URL, and they restrict only *how* the function is called.
 */
const LAMBDA_RESTRICTING_KEYS = [...RESTRICTING_KEYS, "lambda:eventsourcetoken"];

const label = (s: NormalizedStatement, where: string) => `${where}Statement[${s.index}]${s.sid ? ` (${s.sid})` : ""}`;

/** The account a principal value names as a whole (a bare id or its root), if any. */
function wholeAccount(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:iam::(\d{12}):root$/.exec(principal)?.[1];
}

/** Why a statement opens the function, as a short note after its label. */
function publicNote(s: NormalizedStatement): string | undefined {
  const p = s.principal;
  if (s.notPrincipal) return "NotPrincipal: everyone else";
  if (!p) return undefined;
  const url = Object.keys(s.condition ?? {}).some((op) =>
    Object.keys(s.condition?.[op] ?? {}).some((k) => k.toLowerCase() === "lambda:functionurlauthtype"),
  );
  if (p.wildcard || (p.entries["AWS"] ?? []).includes("*")) return url ? "everyone, through the function URL" : "everyone";
  const services = p.entries["Service"] ?? [];
  return services.length ? `${services.join(", ")} on behalf of any account` : undefined;
}

/**
 * Allow statements of one policy that open the function to everyone, or to whole other accounts, without a
 * condition naming the caller's source, account or organisation. `where` prefixes labels (`alias live: `).
 */
export function lambdaPolicyFacts(
  policy: JsonValue,
  account: string,
  where = "",
): { ok: true; facts: PolicyFacts } | { ok: false; message: string } {
  const parsed = parsePolicyDocument(policy, "resource");
  if (!parsed.ok) return parsed;
  const facts: PolicyFacts = { present: true, publicStatements: [], crossAccountStatements: [] };
  for (const s of parsed.policy.statements) {
    if (s.effect !== "Allow" || conditionRestricts(s.condition, LAMBDA_RESTRICTING_KEYS)) continue;
    const note = publicNote(s);
    if (note) facts.publicStatements.push(`${label(s, where)}: ${note}`);
    const others = (s.principal?.entries["AWS"] ?? []).map(wholeAccount).filter((a) => a && a !== account);
    if (others.length) facts.crossAccountStatements.push(`${label(s, where)}: account ${[...new Set(others)].join(", ")}`);
  }
  return { ok: true, facts };
}

/** A malformed policy of `r`, as an inventory error of the GetPolicy call that returned it. */
function malformed(r: Resource, message: string): CollectionError {
  return {
    account: r.account,
    region: r.region,
    service: "lambda",
    operation: "GetPolicy",
    errorName: "MalformedPolicyDocument",
    message,
    resourceArn: r.arn,
  };
}

/** The function's own policy facts: GetPolicy's `Policy` string, null answer = no policy; undefined = not read. */
function ownPolicy(r: Resource, errors: CollectionError[]): Facts["resourcePolicy"] {
  const raw = r.raw["policy"];
  if (raw === undefined) return null;
  if (raw === null) return { present: false, publicStatements: [], crossAccountStatements: [] };
  const out = lambdaPolicyFacts(obj(raw)?.["Policy"] ?? null, r.account);
  if (out.ok) return out.facts;
  errors.push(malformed(r, `resource policy of ${r.name}: ${out.message}`));
  return null;
}

/** The joined policy facts of the aliases serving a URL; null when the URLs or one of their policies are unknown. */
function aliasPolicies(r: Resource, errors: CollectionError[]): Facts["aliasResourcePolicies"] {
  const urls = r.raw["functionUrlConfigs"];
  if (!Array.isArray(urls)) return null;
  const known = obj(r.raw["aliasPolicies"]) ?? {};
  const out: PolicyFacts = { present: false, publicStatements: [], crossAccountStatements: [] };
  for (const alias of [...new Set(urls.map((u) => qualifier(r.arn, u)).filter((q) => q !== null))].sort()) {
    const p = known[alias];
    if (p === undefined) return null;
    if (p === null) continue;
    const facts = lambdaPolicyFacts(obj(p)?.["Policy"] ?? null, r.account, `alias ${alias}: `);
    if (!facts.ok) {
      errors.push(malformed(r, `resource policy of ${r.name}:${alias}: ${facts.message}`));
      return null;
    }
    out.present = true;
    out.publicStatements.push(...facts.facts.publicStatements);
    out.crossAccountStatements.push(...facts.facts.crossAccountStatements);
  }
  return out;
}

/** The alias or version a URL serves (after the function's ARN), or null for the unqualified function. */
function qualifier(functionArn: string, url: JsonValue): string | null {
  const arn = str(obj(url)?.["FunctionArn"]) ?? "";
  return arn.startsWith(`${functionArn}:`) ? arn.slice(functionArn.length + 1) : null;
}

/** The URL facts: AuthType NONE, and CORS allowing `*` with credentials; null when the URLs were not read. */
function urlFacts(r: Resource): Pick<Facts, "publicUrls" | "corsCredentialedAnyOrigin"> {
  const urls = r.raw["functionUrlConfigs"];
  if (!Array.isArray(urls)) return { publicUrls: null, corsCredentialedAnyOrigin: null };
  const name = (u: JsonValue) => {
    const q = qualifier(r.arn, u);
    return `${str(obj(u)?.["FunctionUrl"]) ?? "(no URL)"}${q ? ` (alias ${q})` : ""}`;
  };
  return {
    publicUrls: urls.filter((u) => obj(u)?.["AuthType"] === "NONE").map(name),
    corsCredentialedAnyOrigin: urls
      .filter((u) => {
        const cors = obj(obj(u)?.["Cors"]);
        return cors?.["AllowCredentials"] === true && strings(cors["AllowOrigins"]).includes("*");
      })
      .map(name),
  };
}

const DAY_MS = 86_400_000;

/** The runtime and its lifecycle against the clock; `skip` says why it is not judged when it is not listed. */
export function runtimeFacts(
  fn: JsonValue | undefined,
  ctx: Pick<LambdaContext, "now" | "runtimes">,
): { runtime: Facts["runtime"]; skip?: string } {
  const f = obj(fn) ?? {};
  const packageType = str(f["PackageType"]) ?? "Zip";
  const identifier = packageType === "Image" ? null : (str(f["Runtime"]) ?? null);
  const entry = identifier !== null ? ctx.runtimes?.runtimes[identifier] : undefined;
  const base = { identifier, packageType, listed: entry !== undefined };
  if (!entry) {
    const runtime = {
      ...base,
      deprecationDate: null,
      blockCreateDate: null,
      blockUpdateDate: null,
      deprecated: null,
      daysUntilDeprecation: null,
    };
    // A runtime missing from the table is newer than the table (every retired runtime is listed): not judged.
    const skip =
      identifier !== null && ctx.runtimes
        ? `runtime ${identifier} is not in rules/data/lambda-runtimes.json (as of ${ctx.runtimes.asOf}); update the table from ${ctx.runtimes.source}`
        : undefined;
    return skip ? { runtime, skip } : { runtime };
  }
  const deprecation = Date.parse(`${entry.deprecation}T00:00:00Z`);
  const days = Math.floor((deprecation - ctx.now.getTime()) / DAY_MS);
  return {
    runtime: {
      ...base,
      deprecationDate: entry.deprecation,
      blockCreateDate: entry.blockCreate,
      blockUpdateDate: entry.blockUpdate,
      deprecated: ctx.now.getTime() >= deprecation,
      daysUntilDeprecation: days,
    },
  };
}

const RUNTIME_POINTERS = ["/derived/runtime/deprecated", "/derived/runtime/daysUntilDeprecation"];

/** Derives the facts of every Lambda function. */
export function enrichLambda(resources: readonly Resource[], ctx: LambdaContext): EnrichResult {
  const derived = new Map<Resource, JsonObject>();
  const skipped = new Map<Resource, Record<string, string>>();
  const errors: CollectionError[] = [];
  const matcher = new SecretMatcher(ctx.secretPatterns);
  for (const r of resources) {
    if (r.type !== "aws.lambda.function") continue;
    const { runtime, skip } = runtimeFacts(r.raw["function"], ctx);
    if (skip) skipped.set(r, Object.fromEntries(RUNTIME_POINTERS.map((p) => [p, skip])));
    const env = obj(obj(obj(r.raw["function"])?.["Environment"])?.["Variables"]);
    const facts: Facts = {
      ...urlFacts(r),
      resourcePolicy: ownPolicy(r, errors),
      aliasResourcePolicies: aliasPolicies(r, errors),
      runtime,
      secretEnvironmentVariables: secretLikeVariables((env ?? {}) as JsonObject, matcher),
    };
    derived.set(r, facts as unknown as JsonObject);
  }
  return { derived, errors, skipped };
}
