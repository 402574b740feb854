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
  let cur: unknown = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
