import type { ErrorObject } from "ajv";
import type { Evidence } from "../model/finding.js";
import type { JsonValue } from "../model/json.js";
import { atPointer } from "../util/json.js";

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
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (NOISE.has(e.keyword)) continue;
    const path =
      e.keyword === "required"
        ? `${e.instancePath}/${String((e.params as { missingProperty?: string }).missingProperty)}`
        : e.instancePath;
    const expected = expectation(e);
    const key = `${path}|${expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const actual = atPointer(resource, path) as JsonValue | undefined;
    out.push({ path, expected, ...(actual !== undefined ? { actual } : {}) });
  }
  return out;
}
