// Secret values never reach the inventory: every collected resource passes through scrubResource before it is
// kept (src/collect/scan.ts), and every inventory read from disk passes through scrubInventory, so an older file
// that still holds values cannot carry them into reports. Scrubbing is idempotent: markers are never re-redacted.
import { SECRET_FIELDS, type SecretField } from "../collect/secret-fields.js";
import { resourceWith, type CollectionError, type Inventory, type Resource } from "../model/inventory.js";
import type { JsonValue } from "../model/json.js";
import type { SecretMatcher } from "./patterns.js";
import { isRedactionMarker, redactionMarker, type SecretHashKey } from "./redaction.js";

/** What scrubbing needs: the patterns and, optionally, the change-detection hash key (see scrubContext in ./load.ts). */
export interface ScrubContext {
  matcher: SecretMatcher;
  hashKey?: SecretHashKey | undefined;
}

type Obj = { [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Copy-on-write map over an array or object's members: the same value back when nothing changed. */
function mapMembers(v: JsonValue, f: (x: JsonValue, key: string) => JsonValue): JsonValue {
  if (Array.isArray(v)) {
    let out: JsonValue[] | undefined;
    v.forEach((x, i) => {
      const y = f(x, String(i));
      if (y !== x) (out ??= v.slice())[i] = y;
    });
    return out ?? v;
  }
  if (isObj(v)) {
    let out: Obj | undefined;
    for (const [k, x] of Object.entries(v)) {
      const y = f(x, k);
      if (y !== x) (out ??= { ...v })[k] = y;
    }
    return out ?? v;
  }
  return v;
}

function decodeOrUndefined(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Replaces every secret-shaped value inside free text (descriptions, policy documents, messages, probe bodies).
 * IAM policy documents are URL-encoded, where a PEM block or `://user:pass@` hides behind `%20`/`%3A`: such
 * text is also searched decoded and, when something was found there, stored re-encoded.
 */
export function scrubText(s: string, ctx: ScrubContext): string {
  if (s.length < 8 || isRedactionMarker(s)) return s;
  const replace = (t: string) => ctx.matcher.replaceValues(t, (m, secret) => redactionMarker(m, secret, ctx.hashKey));
  let out = replace(s);
  if (out.includes("%")) {
    const decoded = decodeOrUndefined(out);
    if (decoded !== undefined && decoded !== out) {
      const redacted = replace(decoded);
      if (redacted !== decoded) out = encodeURIComponent(redacted);
    }
  }
  return out;
}

function scrubEntry(name: string, value: JsonValue, ctx: ScrubContext): JsonValue {
  if (typeof value !== "string" || isRedactionMarker(value)) return value;
  const m = ctx.matcher.field(name, value);
  return m ? redactionMarker(m, value, ctx.hashKey) : value;
}

function scrubField(v: JsonValue, field: SecretField, ctx: ScrubContext): JsonValue {
  if (field.shape === "map") return mapMembers(v, (value, name) => scrubEntry(name, value, ctx));
  return mapMembers(v, (entry) => {
    if (!isObj(entry) || typeof entry["Key"] !== "string") return entry;
    const value = scrubEntry(entry["Key"], entry["Value"] ?? null, ctx);
    return value === entry["Value"] ? entry : { ...entry, Value: value };
  });
}

function atPath(v: JsonValue, path: readonly string[], f: (x: JsonValue) => JsonValue): JsonValue {
  if (!path.length) return f(v);
  const [head, ...rest] = path as [string, ...string[]];
  if (head === "*") return mapMembers(v, (x) => atPath(x, rest, f));
  if (!isObj(v) || v[head] === undefined) return v;
  const next = atPath(v[head], rest, f);
  return next === v[head] ? v : { ...v, [head]: next };
}

function scrubAllText(v: JsonValue, ctx: ScrubContext): JsonValue {
  if (typeof v === "string") return scrubText(v, ctx);
  return mapMembers(v, (x) => scrubAllText(x, ctx));
}

/**
 * A resource without secret values: its declared name/value fields (SECRET_FIELDS) keep each name, and a value
 * that is secret by its name or content becomes a redaction marker (`[redacted name:password]`, with a keyed
 * hash when a key is given); then every string of `raw` and `derived` loses its secret-shaped substrings. The
 * same object back when nothing was secret.
 */
export function scrubResource(r: Resource, ctx: ScrubContext, fields = SECRET_FIELDS[r.type] ?? []): Resource {
  let raw: JsonValue = r.raw;
  for (const field of fields) raw = atPath(raw, field.path, (v) => scrubField(v, field, ctx));
  raw = scrubAllText(raw, ctx);
  // Facts derived from an older, unscrubbed raw may quote it.
  const derived = scrubAllText(r.derived, ctx);
  return raw === r.raw && derived === r.derived
    ? r
    : resourceWith(r, { raw: raw as Resource["raw"], derived: derived as Resource["derived"] });
}

/** A collection error whose message (AWS text) holds no secret-shaped value. */
export function scrubError(e: CollectionError, ctx: ScrubContext): CollectionError {
  const message = scrubText(e.message, ctx);
  return message === e.message ? e : { ...e, message };
}

/** An inventory (e.g. read from an older file) with every resource and error message scrubbed. */
export function scrubInventory(inv: Inventory, ctx: ScrubContext): Inventory {
  return {
    ...inv,
    resources: inv.resources.map((r) => scrubResource(r, ctx)),
    errors: inv.errors.map((e) => scrubError(e, ctx)),
  };
}
