import type { ErrorObject } from "ajv";
import type { Evidence } from "../model/finding.js";
import type { JsonValue } from "../model/json.js";
import { atKeys, pointerKeys } from "../util/json.js";

// Failure paths repeat across resources (`/derived/accessKeys/0/ageDays`): split each one once.
const keyCache = new Map<string, string[]>();
function keysOf(path: string): string[] {
  let keys = keyCache.get(path);
  if (!keys) {
    keys = pointerKeys(path);
    if (keyCache.size < 10_000) keyCache.set(path, keys);
  }
  return keys;
}

// Evidence paths and expectations repeat across findings (the same rule failing on thousands of resources): each
// finding's evidence refers to one copy of each text, not a string of its own (bounded, like keyCache).
const texts = new Map<string, string>();
function shared(text: string): string {
  const known = texts.get(text);
  if (known !== undefined) return known;
  if (texts.size < 10_000) texts.set(text, text);
  return text;
}

// Wrapper keywords only restate that a nested schema failed; the nested errors carry the reason.
const NOISE = new Set(["if", "then", "else", "allOf", "$ref"]);

function expectation(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "const":
      return `must equal ${JSON.stringify(p["allowedValue"])}`;
    case "enum":
      return `must be one of ${JSON.stringify(p["allowedValues"])}`;
    case "required":
      return `must have ${String(p["missingProperty"])}`;
    case "not":
      return "must not match the forbidden pattern";
    default:
      return e.message ?? e.keyword;
  }
}

/** Turns ajv errors into readable evidence: where, what was found, what was expected. */
export function evidenceFromErrors(errors: ErrorObject[] | null | undefined, resource: unknown): Evidence[] {
  const out: Evidence[] = [];
  if (!errors) return out;
  // Most failures carry one or two errors: dedupe with a Set only when there are more.
  const seen = errors.length > 2 ? new Set<string>() : undefined;
  const small: string[] = [];
  for (const e of errors) {
    if (NOISE.has(e.keyword)) continue;
    const path =
      e.keyword === "required"
        ? `${e.instancePath}/${String((e.params as { missingProperty?: string }).missingProperty)}`
        : e.instancePath;
    const expected = expectation(e);
    const key = `${path}|${expected}`;
    if (seen ? seen.has(key) : small.includes(key)) continue;
    if (seen) seen.add(key);
    else small.push(key);
    const actual = atKeys(resource, keysOf(path)) as JsonValue | undefined;
    out.push({ path: shared(path), expected: shared(expected), ...(actual !== undefined ? { actual } : {}) });
  }
  return out;
}
