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
