import type { JsonValue } from "../model/json.js";
import { sortKeys } from "./stable-json.js";

/** Converts SDK output to plain JSON: Dates to ISO strings, `$metadata` and undefined dropped. */
export function toJson(value: unknown): JsonValue {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)) {
    const { $metadata: _drop, ...rest } = value as Record<string, unknown>;
    return sortKeys(rest) as JsonValue;
  }
  return sortKeys(value) as JsonValue;
}

/** Reads the value at a JSON pointer (RFC 6901), or undefined. */
export function atPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "" || pointer === "/") return doc;
  return atKeys(doc, pointerKeys(pointer));
}

/** Splits a JSON pointer into unescaped keys once, for callers that read the same pointer many times. */
export function pointerKeys(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  const parts = pointer.split("/");
  const keys: string[] = new Array<string>(parts.length - 1);
  for (let i = 1; i < parts.length; i++) {
    const raw = parts[i]!;
    keys[i - 1] = raw.includes("~") ? raw.replace(/~1/g, "/").replace(/~0/g, "~") : raw;
  }
  return keys;
}

/** Reads the value at pre-split pointer keys (see pointerKeys), or undefined. */
export function atKeys(doc: unknown, keys: readonly string[]): unknown {
  let cur: unknown = doc;
  for (let i = 0; i < keys.length; i++) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[keys[i]!];
  }
  return cur;
}

/**
 * Objects with more members than this may have been built into dictionaries (hash tables, several times the size
 * of an object with a hidden class) by the code that assembled them: V8 turns an object into one once a dozen or
 * so members are added one by one through a generic store, as a streaming JSON parser does.
 */
const DICTIONARY_PRONE = 12;

/**
 * The same JSON value, with every object of more than a dozen members rebuilt by `Object.fromEntries`, which gives
 * it fast properties and shares one hidden class between objects with the same keys in the same order (IAM's
 * credential-report rows, 22 members each: 1.5 KB apiece as dictionaries). Smaller objects and arrays are updated
 * in place; the result is deeply equal to the input, keys in the same order. For values this process assembled
 * and owns (a value read from a file), not for shared ones.
 */
export function withFastObjects<T>(value: T): T {
  return fast(value) as T;
}

function fast(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as unknown;
      if (x !== null && typeof x === "object") v[i] = fast(x);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length > DICTIONARY_PRONE) return Object.fromEntries(keys.map((k) => [k, fast(o[k])]));
  for (const k of keys) {
    const x = o[k];
    if (x !== null && typeof x === "object") {
      const y = fast(x);
      if (y !== x) o[k] = y;
    }
  }
  return o;
}
