/**
 * Policy model: decode, parse and normalise policy documents. The one parser of every policy Tollgate reads:
 * IAM identity, boundary and trust policies, and the resource policies of API Gateway and Lambda.
 *
 * IAM returns documents URL-encoded (RFC 3986); API Gateway returns a REST API's policy as JSON whose quotes
 * may be escaped. Every element that IAM accepts as "a value or an array of values" becomes an array here,
 * so the analysis never branches on shape. Anything IAM itself would reject is reported as
 * `MalformedPolicyDocument`, never thrown and never ignored, because a policy we cannot read must not
 * produce a pass.
 */
import type { JsonObject } from "../../model/json.js";

/**
 * Which grammar a document follows: identity/boundary policies carry Resource and no Principal; trust policies
 * and resource policies (API Gateway, Lambda) carry Principal, and a resource policy may name Resource too.
 */
export type PolicyKind = "identity" | "trust" | "resource";

/** Statement effect. */
export type Effect = "Allow" | "Deny";

/** `Principal`/`NotPrincipal` after normalisation. */
export interface NormalizedPrincipal {
  /** True for the bare string `"*"` (everyone, including anonymous). */
  readonly wildcard: boolean;
  /** Principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) → values. */
  readonly entries: Readonly<Record<string, readonly string[]>>;
}

/** `Condition` after normalisation: operator → key → values (all values as strings). */
export type NormalizedCondition = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** One statement with every element in array form. */
export interface NormalizedStatement {
  /** Position in the document's Statement list (0-based), for evidence. */
  readonly index: number;
  /** Optional statement id. */
  readonly sid?: string;
  /** Allow or Deny. */
  readonly effect: Effect;
  /** `Action` patterns, when the statement uses Action. */
  readonly action?: readonly string[];
  /** `NotAction` patterns, when the statement uses NotAction. */
  readonly notAction?: readonly string[];
  /** `Resource` patterns (identity policies). */
  readonly resource?: readonly string[];
  /** `NotResource` patterns (identity policies). */
  readonly notResource?: readonly string[];
  /** `Principal` (trust policies). */
  readonly principal?: NormalizedPrincipal;
  /** `NotPrincipal` (trust policies). */
  readonly notPrincipal?: NormalizedPrincipal;
  /** Condition block; absent when the statement has none. */
  readonly condition?: NormalizedCondition;
}

/** A parsed, normalised policy document. */
export interface NormalizedPolicy {
  /** `Version`, when present. */
  readonly version?: string;
  /** Statements in document order. */
  readonly statements: readonly NormalizedStatement[];
}

/** Result of parsing: the policy (normalised, and the decoded document as written) or the reason it is malformed. */
export type ParseResult = { ok: true; policy: NormalizedPolicy; document: JsonObject } | { ok: false; message: string };

/** Thrown internally while validating; converted to a `ParseResult` at the boundary. */
class MalformedError extends Error {}

function fail(message: string): never {
  throw new MalformedError(message);
}

function stringList(value: unknown, where: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) return value as string[];
  return fail(`${where} must be a string or a non-empty array of strings`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function principal(value: unknown, where: string): NormalizedPrincipal {
  if (value === "*") return { wildcard: true, entries: {} };
  if (!isRecord(value)) return fail(`${where} must be "*" or an object`);
  const entries: Record<string, string[]> = {};
  for (const [type, v] of Object.entries(value)) entries[type] = stringList(v, `${where}.${type}`);
  if (Object.keys(entries).length === 0) fail(`${where} is empty`);
  return { wildcard: false, entries };
}

function conditionBlock(value: unknown, where: string): NormalizedCondition {
  if (!isRecord(value)) return fail(`${where} must be an object`);
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, keys] of Object.entries(value)) {
    if (!isRecord(keys)) fail(`${where}.${op} must be an object`);
    const inner: Record<string, string[]> = {};
    for (const [key, v] of Object.entries(keys)) {
      const arr = Array.isArray(v) ? v : [v];
      // IAM accepts booleans and numbers in conditions and compares their string forms.
      if (!arr.every((x) => ["string", "number", "boolean"].includes(typeof x))) {
        fail(`${where}.${op}.${key} must be scalar values`);
      }
      inner[key] = arr.map((x) => String(x));
    }
    out[op] = inner;
  }
  return out;
}

function statement(raw: unknown, index: number, kind: PolicyKind): NormalizedStatement {
  const where = `Statement[${index}]`;
  if (!isRecord(raw)) return fail(`${where} must be an object`);
  const effect = raw["Effect"];
  if (effect !== "Allow" && effect !== "Deny") fail(`${where}.Effect must be "Allow" or "Deny"`);
  const hasAction = "Action" in raw;
  const hasNotAction = "NotAction" in raw;
  if (hasAction === hasNotAction) fail(`${where} needs exactly one of Action or NotAction`);
  const s: {
    -readonly [K in keyof NormalizedStatement]: NormalizedStatement[K];
  } = { index, effect };
  const sid = raw["Sid"];
  if (sid !== undefined) {
    if (typeof sid !== "string") fail(`${where}.Sid must be a string`);
    s.sid = sid;
  }
  if (hasAction) s.action = stringList(raw["Action"], `${where}.Action`);
  else s.notAction = stringList(raw["NotAction"], `${where}.NotAction`);
  const hasResource = "Resource" in raw;
  const hasNotResource = "NotResource" in raw;
  const hasPrincipal = "Principal" in raw;
  const hasNotPrincipal = "NotPrincipal" in raw;
  if (hasResource && hasNotResource) fail(`${where} has both Resource and NotResource`);
  if (hasPrincipal && hasNotPrincipal) fail(`${where} has both Principal and NotPrincipal`);
  if (kind === "identity") {
    if (!hasResource && !hasNotResource) fail(`${where} needs Resource or NotResource`);
    if (hasPrincipal || hasNotPrincipal) fail(`${where}: identity policies cannot name a Principal`);
  } else if (!hasPrincipal && !hasNotPrincipal) {
    fail(`${where} needs Principal or NotPrincipal`);
  }
  if (hasResource) s.resource = stringList(raw["Resource"], `${where}.Resource`);
  if (hasNotResource) s.notResource = stringList(raw["NotResource"], `${where}.NotResource`);
  if (hasPrincipal) s.principal = principal(raw["Principal"], `${where}.Principal`);
  if (hasNotPrincipal) s.notPrincipal = principal(raw["NotPrincipal"], `${where}.NotPrincipal`);
  if ("Condition" in raw) {
    const c = conditionBlock(raw["Condition"], `${where}.Condition`);
    if (Object.keys(c).length > 0) s.condition = c;
  }
  return s;
}

/** Validates and normalises an already-parsed JSON document. */
export function normalisePolicy(doc: unknown, kind: PolicyKind): ParseResult {
  try {
    if (!isRecord(doc)) return fail("Policy document must be a JSON object");
    const version = doc["Version"];
    if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17") {
      fail(`Unsupported Version ${JSON.stringify(version)}`);
    }
    if (!("Statement" in doc)) fail("Missing Statement");
    const rawStatements = doc["Statement"];
    const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
    if (list.length === 0) fail("Statement is empty");
    const statements = list.map((s, i) => statement(s, i, kind));
    const policy = version === undefined ? { statements } : { version, statements };
    return { ok: true, policy, document: doc as JsonObject };
  } catch (e) {
    if (e instanceof MalformedError) return { ok: false, message: e.message };
    throw e;
  }
}

/**
 * Decodes, parses and normalises a document as AWS returns it: percent-encoded (IAM), plain JSON (Lambda, CLI
 * output, hand-written snapshots) or JSON with escaped quotes (API Gateway's REST API policy); an object is taken
 * as already parsed.
 */
export function parsePolicyDocument(document: unknown, kind: PolicyKind): ParseResult {
  if (isRecord(document)) return normalisePolicy(document, kind);
  if (typeof document !== "string") return { ok: false, message: "Policy document is missing or not a string" };
  let text: string;
  try {
    // Already-decoded JSON starts with `{`; encoded JSON starts with `%7B`.
    text = document.trimStart().startsWith("{") ? document : decodeURIComponent(document);
  } catch {
    return { ok: false, message: "Policy document is not valid percent-encoded text" };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // API Gateway may return the policy with its quotes (and backslashes) escaped.
    const unescaped = text.includes('\\"') ? text.replace(/\\"/g, '"').replace(/\\\\/g, "\\") : undefined;
    try {
      if (unescaped === undefined) throw e;
      doc = JSON.parse(unescaped);
    } catch {
      return { ok: false, message: `Policy document is not valid JSON: ${(e as Error).message}` };
    }
  }
  return normalisePolicy(doc, kind);
}
