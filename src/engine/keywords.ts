import type { Ajv, FuncKeywordDefinition } from "ajv";
import { arnMatch, globMatch } from "../util/glob.js";

/**
 * `globAny: ["pat", …]` on a string: valid when the string matches at least one glob (`*`, `?`).
 * For names and ids where JSON Schema's `pattern` would need a user-written regex. An empty list matches
 * nothing, so allow-list parameters can default to `[]`.
 */
export const globAnyKeyword: FuncKeywordDefinition = {
  keyword: "globAny",
  type: "string",
  schemaType: "array",
  metaSchema: { type: "array", items: { type: "string" } },
  validate: (patterns: string[], data: string) => patterns.some((p) => globMatch(p, data)),
  errors: false,
};

/**
 * `arnMatches: "arn:*:iam::aws:policy/Name"` on a string: valid when the string is an ARN matching the
 * pattern component by component. Partition-agnostic checks (aws, aws-cn, aws-us-gov) use `*` there.
 */
export const arnMatchesKeyword: FuncKeywordDefinition = {
  keyword: "arnMatches",
  type: "string",
  schemaType: "string",
  metaSchema: { type: "string", pattern: "^arn:" },
  validate: (pattern: string, data: string) => arnMatch(pattern, data),
  errors: false,
};

/** The custom keywords rule schemas may use; each is unit-tested in test/engine/keywords.test.ts. */
export const RULE_KEYWORDS: FuncKeywordDefinition[] = [globAnyKeyword, arnMatchesKeyword];

/** Registers every custom rule keyword on an Ajv instance. */
export function addRuleKeywords(ajv: Ajv): Ajv {
  for (const k of RULE_KEYWORDS) ajv.addKeyword(k);
  return ajv;
}
