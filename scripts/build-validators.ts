// Part of `npm run build`: generates the precompiled validators of src/engine/validators.ts (Ajv standalone code) for
// Tollgate's own schemas (rule, profile and framework files) and the parameter schemas of the built-in rules, into
// dist/src/engine/generated/ (out of git: rebuilt from the current schemas on every build).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { frameworkSchema } from "../src/engine/frameworks.js";
import { PROFILE_SCHEMA } from "../src/engine/profiles.js";
import { RULE_SCHEMA } from "../src/engine/rule-schema.js";
import { builtInRuleDirs, parseRuleFile } from "../src/engine/rules.js";
import { generatedModule, parameterSchema, schemaKey, VALIDATOR_OPTIONS, type ValidatorKind } from "../src/engine/validators.js";
import { newAjv } from "../src/util/ajv.js";

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

/** Compiles `schemas` with the kind's options and writes their standalone module; returns how many were written. */
function generate(kind: ValidatorKind, schemas: object[]): { written: number; skipped: string[] } {
  const ajv = newAjv({ ...VALIDATOR_OPTIONS[kind], code: { source: true, lines: false } });
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
  const code = `${standaloneCode(ajv, refs)}\nexports.schemaKeys = ${JSON.stringify(keys)};\n`;
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
for (const s of [...documents.skipped, ...parameters.skipped]) process.stderr.write(`build-validators: skipped: ${s}\n`);
process.stdout.write(
  `build-validators: ${documents.written} file schemas and ${parameters.written} rule parameter schemas precompiled\n`,
);
