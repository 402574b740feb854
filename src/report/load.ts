import { readFile } from "node:fs/promises";
import type { ErrorObject, ValidateFunction } from "ajv";
import { InputError } from "../errors.js";
import { newAjv } from "../util/ajv.js";
import { FINDINGS_FORMAT_VERSION, FINDINGS_SCHEMA } from "./findings-schema.js";
import type { FindingsFile } from "./json.js";

let validator: ValidateFunction | undefined;

function validate(value: unknown): readonly ErrorObject[] {
  validator ??= newAjv().compile(FINDINGS_SCHEMA);
  return validator(value) ? [] : (validator.errors ?? []);
}

/**
 * Parses and validates findings.json text. `name` (usually the path) appears in every error, together
 * with the JSON pointer of the first offending value. Throws InputError (exit code 2).
 */
export function parseFindingsFile(text: string, name: string): FindingsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${name}: not valid JSON: ${(e as Error).message}`);
  }
  // Check identity first so a wrong file (an inventory, a SARIF log) gets a plain message, not schema noise.
  const obj = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== "object" || value === null || obj.kind !== "tollgate-findings") {
    throw new InputError(
      `${name}: not a Tollgate findings file (at /kind: expected "tollgate-findings", found ${JSON.stringify(obj.kind ?? null)})`,
    );
  }
  if (obj.formatVersion !== FINDINGS_FORMAT_VERSION) {
    throw new InputError(
      `${name}: unsupported findings format version (at /formatVersion: expected ${FINDINGS_FORMAT_VERSION}, found ${JSON.stringify(obj.formatVersion ?? null)})`,
    );
  }
  const errors = validate(value);
  const first = errors[0];
  if (first) {
    const pointer = first.instancePath || "/";
    const detail =
      first.keyword === "additionalProperties"
        ? `unexpected property "${String((first.params as { additionalProperty?: string }).additionalProperty)}"`
        : (first.message ?? first.keyword);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s))` : "";
    throw new InputError(`${name}: invalid findings file at ${pointer}: ${detail}${more}`);
  }
  return value as FindingsFile;
}

/** Reads and validates a findings.json file; throws InputError naming the file and JSON pointer. */
export async function loadFindingsFile(path: string): Promise<FindingsFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new InputError(`${path}: cannot read findings file: ${(e as Error).message}`);
  }
  return parseFindingsFile(text, path);
}
