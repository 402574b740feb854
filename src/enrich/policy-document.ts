import type { JsonObject } from "../model/json.js";

/** A policy document that could be decoded and parsed, or why not. */
export type ParsedPolicy = { ok: true; document: JsonObject } | { ok: false; message: string };

/**
 * IAM returns policy documents URL-encoded (RFC 3986). Decode, parse and check the basic shape; a bad
 * document is reported, never guessed at.
 */
export function parsePolicyDocument(encoded: unknown): ParsedPolicy {
  if (typeof encoded !== "string") return { ok: false, message: "policy document is missing" };
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    return { ok: false, message: "policy document is not valid URL encoding" };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `policy document is not valid JSON: ${(e as Error).message}` };
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    return { ok: false, message: "policy document is not a JSON object" };
  const statement = (doc as JsonObject)["Statement"];
  if (statement === undefined) return { ok: false, message: "policy document has no Statement" };
  const statements = Array.isArray(statement) ? statement : [statement];
  for (const [i, s] of statements.entries()) {
    if (s === null || typeof s !== "object" || Array.isArray(s))
      return { ok: false, message: `Statement[${i}] is not an object` };
    const effect = (s as JsonObject)["Effect"];
    if (effect !== "Allow" && effect !== "Deny") return { ok: false, message: `Statement[${i}].Effect must be Allow or Deny` };
  }
  return { ok: true, document: doc as JsonObject };
}
