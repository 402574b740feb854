// Part of `npm run build`: generates the precompiled validators of src/engine/validators.ts (Ajv standalone code) for
// Tollgate's own schemas (rule, profile and framework files) and the parameter schemas of the built-in rules, into
// dist/src/engine/generated/ (out of git: rebuilt from the current schemas on every build).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { _, type Ajv } from "ajv";
import { dirname, join } from "node:path";
import { frameworkSchema } from "../src/engine/frameworks.js";
import { PROFILE_SCHEMA } from "../src/engine/profiles.js";
import { RULE_SCHEMA } from "../src/engine/rule-schema.js";
import { builtInRuleDirs, loadRuleSet, parseRuleFile } from "../src/engine/rules.js";
import { generatedModule, parameterSchema, schemaKey, VALIDATOR_OPTIONS, type ValidatorKind } from "../src/engine/validators.js";
import { newAjv } from "../src/util/ajv.js";
import { addRuleKeywords, RULE_KEYWORDS } from "../src/engine/keywords.js";
import { loadProfile } from "../src/engine/profiles.js";

const require = createRequire(import.meta.url);
const standaloneCode = (require("ajv/dist/standalone") as { default: (ajv: unknown, refs: object) => string }).default;

function ruleFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return ruleFiles(path);
      return name.endsWith(".json") ? [path] : [];
    });
}

/**
 * Standalone code names every function it calls by the code that reaches it; Ajv has none for a keyword's own
 * `validate` function. Each is named `keywords[i]`, the i-th of RULE_KEYWORDS, which the generated module's `load`
 * receives (src/engine/validators.ts passes RULE_KEYWORDS' functions).
 */
function keywordsFromLoad(ajv: Ajv): void {
  RULE_KEYWORDS.forEach((k, i) => {
    const name = ajv.scope.getValue("keyword", k.validate!);
    if (name?.value) name.value.code = _`keywords[${i}]`;
  });
}

/** Compiles `schemas` with the kind's options and writes their standalone module; returns how many were written. */
function generate(kind: ValidatorKind, schemas: object[]): { written: number; skipped: string[] } {
  const ajv = newAjv({ ...VALIDATOR_OPTIONS[kind], code: { source: true, lines: false } });
  const withKeywords = kind === "predicates";
  if (withKeywords) addRuleKeywords(ajv);
  // Export name → the id Ajv knows the schema by (standalone code is generated from registered schemas).
  const refs: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const schema of schemas) {
    const key = schemaKey(schema);
    if (seen.has(key)) continue;
    seen.add(key);
    const name = `v${Object.keys(refs).length}`;
    const own = (schema as { $id?: unknown }).$id;
    const id = typeof own === "string" ? own : name;
    try {
      if (typeof own === "string") ajv.compile(schema);
      else ajv.addSchema(schema, id).getSchema(id);
    } catch (e) {
      // Refused as the run-time compiler would refuse it: left to run time, which reports it where it is used.
      skipped.push((e as Error).message);
      ajv.removeSchema(id);
      continue;
    }
    refs[name] = id;
    keys[name] = key;
  }
  if (withKeywords) keywordsFromLoad(ajv);
  let validators = standaloneCode(ajv, refs);
  // The custom keywords' functions are handed in by the loader (validators.ts): the ones the run-time Ajv calls.
  // Ajv calls them with `this` its instance (`self`), which they, arrow functions, do not read.
  if (withKeywords)
    validators = `"use strict";\nexports.load = function (keywords) {\nconst exports = {};\nconst self = undefined;\n${validators}\nreturn exports;\n};`;
  const code = `${validators}\nexports.schemaKeys = ${JSON.stringify(keys)};\n`;
  const out = generatedModule(kind);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  return { written: Object.keys(refs).length, skipped };
}

const documents = generate("documents", [RULE_SCHEMA, PROFILE_SCHEMA, frameworkSchema()]);
const parameters = generate(
  "parameters",
  builtInRuleDirs()
    .flatMap(ruleFiles)
    .map((f) => parseRuleFile(readFileSync(f, "utf8"), f))
    .flatMap((rule) => (rule.parameters ? [parameterSchema(rule.parameters)] : [])),
);
// The built-in rules' predicates under no profile and under each built-in one (a profile's parameters change them).
const predicates = generate(
  "predicates",
  [{}, loadProfile("default").overrides, loadProfile("strict").overrides].flatMap((overrides) =>
    loadRuleSet(builtInRuleDirs(), overrides, "build-validators", { compile: false }).rules.flatMap((r) => [
      ...(r.matchSchema !== undefined ? [r.matchSchema as object] : []),
      r.assertSchema as object,
    ]),
  ),
);
for (const s of [...documents.skipped, ...parameters.skipped, ...predicates.skipped])
  process.stderr.write(`build-validators: skipped: ${s}\n`);
process.stdout.write(
  `build-validators: ${documents.written} file schemas, ${parameters.written} rule parameter schemas and ${predicates.written} rule predicates precompiled\n`,
);
