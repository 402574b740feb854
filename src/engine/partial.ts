/**
 * Rule schemas judged over partly collected resources. When a call failed, the paths its data feeds are unknown;
 * a JSON Schema is then evaluated in three-valued (Kleene) logic: `true` or `false` when every completion of the
 * unknown data gives that answer, `null` when the missing data could change it. So a failure that the collected
 * data already proves is a `fail`, and only a verdict that really hangs on the missing data is an `error`.
 */
import type { ValidateFunction } from "ajv";
import type { JsonObject, JsonValue } from "../model/json.js";
import { pointerKeys } from "../util/json.js";

/** Three-valued truth: `null` when the unknown data could make it either. */
export type Truth = boolean | null;

/** A location pattern: pointer keys, where `*` matches any key or index. */
export type PathPattern = readonly string[];

/** Splits a JSON pointer pattern (`/derived/throttling/*\/rateSource`) into keys. */
export function pattern(pointer: string): PathPattern {
  return pointerKeys(pointer);
}

/** How unknown data relates to one location: its whole value unknown, only something below it, or none. */
export type Relation = "covered" | "inside" | "clear";

/** Where `unknown` sits relative to the concrete location `at` (plus `child` below it, when given). */
export function relation(unknown: readonly PathPattern[], at: readonly string[], child?: string): Relation {
  const len = child === undefined ? at.length : at.length + 1;
  let inside = false;
  for (const u of unknown) {
    const n = Math.min(u.length, len);
    let i = 0;
    while (i < n && (u[i] === "*" || u[i] === (i < at.length ? at[i] : child))) i++;
    if (i < n) continue;
    if (u.length <= len) return "covered";
    inside = true;
  }
  return inside ? "inside" : "clear";
}

/** True when some pattern may name a direct child of `at` whose presence is then unknown. */
function childPresenceUnknown(unknown: readonly PathPattern[], at: readonly string[]): boolean {
  return unknown.some((u) => u.length === at.length + 1 && relation([u.slice(0, at.length)], at) === "covered");
}

const and = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === null || b === null ? null : true);
const or = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === null || b === null ? null : false);
const not = (a: Truth): Truth => (a === null ? null : !a);

const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
// Keywords that only constrain strings or numbers: a container ignores them.
const SCALAR_ONLY = new Set([
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "globAny",
  "arnMatches",
]);
// Keywords answered from an object's key set or an array's length, which stay known when only values inside are.
const SHAPE = new Set(["type", "minItems", "maxItems", "minProperties", "maxProperties", "propertyNames", "dependentRequired"]);

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);
// A schema's keywords other than annotations, listed once per schema object (rules are judged many times).
const keywordCache = new WeakMap<JsonObject, string[]>();
const keywordsOf = (s: JsonObject): string[] => {
  let k = keywordCache.get(s);
  if (!k) keywordCache.set(s, (k = Object.keys(s).filter((x) => !ANNOTATIONS.has(x))));
  return k;
};
const isEmpty = (s: JsonObject): boolean => keywordsOf(s).length === 0;

/** What a partial evaluation needs: the unknown locations and a (caching) compiler for fully known parts. */
export interface PartialContext {
  unknown: readonly PathPattern[];
  compile: (schema: object) => ValidateFunction;
}

/** Evaluates `schema` on `value` found at `at`, in three-valued logic over `ctx.unknown`. */
export function evaluatePartial(schema: JsonValue, value: unknown, ctx: PartialContext, at: readonly string[] = []): Truth {
  if (schema === true) return true;
  if (schema === false) return false;
  if (!isObject(schema)) return null;
  const rel = relation(ctx.unknown, at);
  // Nothing unknown here: the ordinary validator answers exactly.
  if (rel === "clear") return ctx.compile(schema)(value);
  if (isEmpty(schema)) return true;
  // The whole value is unknown, or a scalar was computed from unknown data.
  if (rel === "covered" || !(isObject(value) || Array.isArray(value))) return null;
  const site: Site = { schema, value, at, ctx };
  let result: Truth = true;
  for (const k of keywordsOf(schema)) {
    result = and(result, keyword(k, site));
    if (result === false) return false;
  }
  return result;
}

/** A schema object applied to a container value at a location: what every keyword handler reads. */
interface Site {
  schema: JsonObject;
  value: JsonObject | JsonValue[];
  at: readonly string[];
  ctx: PartialContext;
}

/** The verdict of keyword `k`, whose value in the site's schema is `s`, in three-valued logic. */
type KeywordHandler = (s: JsonValue, site: Site, k: string) => Truth;

/** Evaluates a subschema `x` on `v` at `where` (by default the site's own location). */
const sub = (site: Site, x: JsonValue, v: unknown, where: readonly string[] = site.at): Truth =>
  evaluatePartial(x, v, site.ctx, where);

/** One keyword of the site's schema on a container value that holds unknown data somewhere below it. */
function keyword(k: string, site: Site): Truth {
  if (ANNOTATIONS.has(k) || SCALAR_ONLY.has(k)) return true;
  if (READ_WITH_OTHERS.has(k)) return true;
  const s = site.schema[k]!;
  if (SHAPE.has(k)) {
    if (isObject(site.value) && k !== "type" && childPresenceUnknown(site.ctx.unknown, site.at)) return null;
    return site.ctx.compile({ [k]: s })(site.value);
  }
  // const, enum, uniqueItems, $ref and anything else read the unknown values themselves.
  return KEYWORDS.get(k)?.(s, site, k) ?? null;
}

// Read by the keyword they belong with (`if`, `contains`), not on their own.
const READ_WITH_OTHERS = new Set(["then", "else", "minContains", "maxContains"]);

function oneOf(s: JsonValue, site: Site): Truth {
  const t = (s as JsonValue[]).map((x) => sub(site, x, site.value));
  const yes = t.filter((x) => x === true).length;
  const maybe = t.filter((x) => x === null).length;
  if (yes > 1) return false;
  if (maybe === 0) return yes === 1;
  return null;
}

function ifThenElse(s: JsonValue, site: Site): Truth {
  const { schema, value } = site;
  const c = sub(site, s, value);
  const branch = (name: string): Truth => (schema[name] === undefined ? true : sub(site, schema[name]!, value));
  if (c !== null) return branch(c ? "then" : "else");
  const t = branch("then");
  const e = branch("else");
  return t === e ? t : null;
}

function properties(s: JsonValue, site: Site): Truth {
  const { value, at, ctx } = site;
  if (!isObject(value)) return true;
  let r: Truth = true;
  for (const name of Object.keys(s as JsonObject)) {
    const x = (s as JsonObject)[name]!;
    if (relation(ctx.unknown, at, name) === "covered") r = and(r, (isObject(x) && isEmpty(x)) || x === true ? true : null);
    else if (value[name] !== undefined) r = and(r, sub(site, x, value[name], [...at, name]));
    if (r === false) return false;
  }
  return r;
}

function required(s: JsonValue, site: Site): Truth {
  const { value, at, ctx } = site;
  if (!isObject(value)) return true;
  let r: Truth = true;
  for (const name of s as string[]) {
    if (relation(ctx.unknown, at, name) === "covered") r = and(r, null);
    else if (value[name] === undefined) return false;
  }
  return r;
}

/** `patternProperties` and `additionalProperties`: which subschemas apply to a key depends on both and `properties`. */
function keyedProperties(s: JsonValue, site: Site, k: string): Truth {
  const { schema, value, at, ctx } = site;
  if (!isObject(value)) return true;
  if (childPresenceUnknown(ctx.unknown, at)) return null;
  const props = isObject(schema["properties"]) ? Object.keys(schema["properties"]) : [];
  const patterns = isObject(schema["patternProperties"]) ? Object.entries(schema["patternProperties"]) : [];
  let r: Truth = true;
  for (const name of Object.keys(value)) {
    const matching = patterns.filter(([p]) => new RegExp(p, "u").test(name));
    const applies = k === "patternProperties" ? matching.map(([, x]) => x) : props.includes(name) || matching.length ? [] : [s];
    for (const x of applies) r = and(r, sub(site, x, value[name], [...at, name]));
    if (r === false) return false;
  }
  return r;
}

/** `items` and `prefixItems`: `items` applies only past the prefix. */
function arrayItems(s: JsonValue, site: Site, k: string): Truth {
  const { schema, value, at } = site;
  if (!Array.isArray(value)) return true;
  let r: Truth = true;
  value.forEach((v, i) => {
    const x = Array.isArray(s)
      ? s[i]
      : k === "items" && Array.isArray(schema["prefixItems"]) && i < schema["prefixItems"].length
        ? undefined
        : s;
    if (x !== undefined && r !== false) r = and(r, sub(site, x, v, [...at, String(i)]));
  });
  return r;
}

function contains(s: JsonValue, site: Site): Truth {
  const { schema, value, at } = site;
  if (!Array.isArray(value)) return true;
  const t = value.map((v, i) => sub(site, s, v, [...at, String(i)]));
  const min = typeof schema["minContains"] === "number" ? schema["minContains"] : 1;
  const max = typeof schema["maxContains"] === "number" ? schema["maxContains"] : Infinity;
  const yes = t.filter((x) => x === true).length;
  const maybe = t.filter((x) => x === null).length;
  if (yes > max || yes + maybe < min) return false;
  if (maybe === 0 || (yes >= min && yes + maybe <= max)) return true;
  return null;
}

/** The keywords evaluated in three-valued logic; a Map, so no schema key reaches an inherited property. */
const KEYWORDS = new Map<string, KeywordHandler>([
  ["allOf", (s, site) => (s as JsonValue[]).reduce<Truth>((r, x) => and(r, sub(site, x, site.value)), true)],
  ["anyOf", (s, site) => (s as JsonValue[]).reduce<Truth>((r, x) => or(r, sub(site, x, site.value)), false)],
  ["oneOf", oneOf],
  ["not", (s, site) => not(sub(site, s, site.value))],
  ["if", ifThenElse],
  ["properties", properties],
  ["required", required],
  ["patternProperties", keyedProperties],
  ["additionalProperties", keyedProperties],
  ["items", arrayItems],
  ["prefixItems", arrayItems],
  ["contains", contains],
]);

/** One location a schema reads: its whole subtree (`deep`), or only its presence and type. */
export interface Read {
  path: PathPattern;
  deep: boolean;
}

/** Every location `schema` can read, as patterns (`*` for any key or index); used to cite failures and list sources. */
export function schemaReads(schema: JsonValue | undefined, at: PathPattern = []): Read[] {
  if (!isObject(schema)) return [];
  const out: Read[] = [];
  for (const [k, s] of Object.entries(schema)) {
    if (ANNOTATIONS.has(k)) continue;
    switch (k) {
      case "properties":
        for (const [name, x] of Object.entries(s as JsonObject)) out.push(...schemaReads(x, [...at, name]));
        break;
      case "required":
        for (const name of s as string[]) out.push({ path: [...at, name], deep: false });
        break;
      case "patternProperties":
        for (const x of Object.values(s as JsonObject)) out.push(...schemaReads(x, [...at, "*"]));
        break;
      case "additionalProperties":
      case "items":
      case "contains":
      case "propertyNames":
        if (Array.isArray(s)) for (const x of s) out.push(...schemaReads(x, [...at, "*"]));
        else if (isObject(s)) out.push(...schemaReads(s, [...at, "*"]));
        out.push({ path: [...at, "*"], deep: false });
        break;
      case "prefixItems":
        for (const x of s as JsonValue[]) out.push(...schemaReads(x, [...at, "*"]));
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        for (const x of s as JsonValue[]) out.push(...schemaReads(x, at));
        break;
      case "not":
      case "if":
      case "then":
      case "else":
        out.push(...schemaReads(s, at));
        break;
      case "dependentSchemas":
        for (const x of Object.values(s as JsonObject)) out.push(...schemaReads(x, at));
        out.push({ path: [...at, "*"], deep: false });
        break;
      case "type":
        out.push({ path: at, deep: false });
        break;
      default:
        out.push({ path: at, deep: true });
    }
  }
  return out;
}

/** True when data fed to `fed` can change what a schema reading `reads` decides. */
export function readsAny(reads: readonly Read[], fed: readonly PathPattern[]): boolean {
  return reads.some((r) =>
    fed.some((f) => {
      const n = Math.min(r.path.length, f.length);
      for (let i = 0; i < n; i++) if (r.path[i] !== "*" && f[i] !== "*" && r.path[i] !== f[i]) return false;
      return f.length <= r.path.length || r.deep;
    }),
  );
}
