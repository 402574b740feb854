import type { ErrorObject } from "ajv";
import { InputError } from "../errors.js";
import { readDocument, type DocumentFormat } from "../util/json-document.js";
import { FINDINGS_FORMAT_VERSION, FINDINGS_SCHEMA } from "./findings-schema.js";
import type { FindingsFile } from "./json.js";

/** The arrays of findings.json that grow with the run: read element by element. */
const STREAMED = ["rules", "findings", "fixed", "coverage"] as const;

function findingsFormat(name: string): DocumentFormat {
  return {
    schema: FINDINGS_SCHEMA,
    streamed: STREAMED,
    identityKeys: ["kind", "formatVersion"],
    // Identity first, so a wrong file (an inventory, a SARIF log) gets a plain message, not schema noise.
    checkIdentity(id) {
      if (id["kind"] !== "tollgate-findings")
        throw new InputError(
          `${name}: not a Tollgate findings file (at /kind: expected "tollgate-findings", found ${JSON.stringify(id["kind"] ?? null)})`,
        );
      if (id["formatVersion"] !== FINDINGS_FORMAT_VERSION)
        throw new InputError(
          `${name}: unsupported findings format version (at /formatVersion: expected ${FINDINGS_FORMAT_VERSION}, found ${JSON.stringify(id["formatVersion"] ?? null)})`,
        );
    },
    invalid(errors: readonly ErrorObject[]) {
      const first = errors[0];
      const pointer = first?.instancePath || "/";
      const detail =
        first?.keyword === "additionalProperties"
          ? `unexpected property "${String((first.params as { additionalProperty?: string }).additionalProperty)}"`
          : (first?.message ?? first?.keyword ?? "invalid");
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s))` : "";
      return new InputError(`${name}: invalid findings file at ${pointer}: ${detail}${more}`);
    },
    notJson: (e) =>
      new InputError(
        `${name}: not valid JSON: ${e.message}${e.truncated ? "; the file is truncated" : "; the file may be corrupt"}`,
      ),
    unreadable: (e) => new InputError(`${name}: cannot read findings file: ${e.message}`),
  };
}

/**
 * Reads and validates a findings file from `source` (a path, or its text in pieces) by streaming: any size, never
 * one string. Every problem is an InputError (exit 2) naming `name` (usually the path) and the JSON pointer.
 */
async function readFindings(
  source: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  name: string,
): Promise<FindingsFile> {
  const arrays: Record<string, unknown[]> = {};
  const doc = await readDocument(source, findingsFormat(name), (array, value) => {
    (arrays[array] ??= []).push(value);
  });
  for (const [key, list] of Object.entries(arrays)) doc[key] = list;
  return doc as unknown as FindingsFile;
}

/** Parses and validates findings.json text (see loadFindingsFile). */
export function parseFindingsFile(text: string, name: string): Promise<FindingsFile> {
  return readFindings([text], name);
}

/** Reads and validates a findings.json file of any size; throws InputError naming the file and JSON pointer. */
export function loadFindingsFile(path: string): Promise<FindingsFile> {
  return readFindings(path, path);
}
