import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { JsonValue } from "../model/json.js";
import type { Severity } from "../model/severity.js";
import { describeAjvErrors, newAjv } from "../util/ajv.js";
import { packageRoot } from "../util/paths.js";
import { precompiled, VALIDATOR_OPTIONS } from "./validators.js";
import type { RuleOverride } from "./rules.js";

/** JSON Schema of a rule profile (`rules/profiles/<name>.json`). */
export const PROFILE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://tollgate.dev/schemas/profile.json",
  title: "Tollgate rule profile",
  description: "Enables or disables rules and overrides their severity and parameters, without touching rule files.",
  type: "object",
  required: ["id", "description", "rules"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    id: { type: "string", pattern: "^[a-z0-9-]+$" },
    description: { type: "string", minLength: 1 },
    extends: { type: "string", pattern: "^[a-z0-9-]+$", description: "A built-in profile whose overrides apply first." },
    rules: {
      type: "object",
      description: "Rule id (or alias) → override.",
      propertyNames: { pattern: "^aws\\.[a-z0-9]+\\.[a-z0-9-]+\\.[a-z0-9-]+$" },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        properties: {
          enabled: { type: "boolean" },
          severity: { enum: ["critical", "high", "medium", "low", "info"] },
          parameters: { type: "object" },
        },
      },
    },
  },
} as const;

/** A profile file as written. */
export interface ProfileFile {
  id: string;
  description: string;
  extends?: string;
  rules: Record<string, { enabled?: boolean; severity?: Severity; parameters?: Record<string, JsonValue> }>;
}

/** A loaded profile: its overrides (inherited ones merged in) and where it came from. */
export interface Profile {
  id: string;
  description: string;
  file: string;
  overrides: Record<string, RuleOverride>;
}

/** The built-in profiles folder. */
export function profilesDir(): string {
  return join(packageRoot(), "rules", "profiles");
}

let validator: ReturnType<ReturnType<typeof newAjv>["compile"]> | undefined;

function readProfileFile(path: string): ProfileFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError(`${path}: cannot read profile: ${(e as Error).message}`);
  }
  // Own schema, checked against the meta-schema by test/rules/catalog.test.ts (see ruleSchema in rules.ts).
  validator ??= precompiled("documents", PROFILE_SCHEMA) ?? newAjv(VALIDATOR_OPTIONS.documents).compile(PROFILE_SCHEMA);
  if (!validator(data)) throw new InputError(`${path}: invalid profile: ${describeAjvErrors(validator.errors)}`);
  return data as ProfileFile;
}

/**
 * Loads a profile by built-in name (`default`, `strict`) or by path to a JSON file. `extends` chains are
 * followed (built-in names only) and merged per rule, the child winning field by field.
 */
export function loadProfile(nameOrPath: string, seen: string[] = []): Profile {
  const builtIn = /^[a-z0-9-]+$/.test(nameOrPath);
  const file = builtIn ? join(profilesDir(), `${nameOrPath}.json`) : nameOrPath;
  if (!existsSync(file)) {
    throw new InputError(
      builtIn
        ? `unknown rule profile "${nameOrPath}" (no ${file}); built in: default, strict`
        : `${file}: profile file not found`,
    );
  }
  const p = readProfileFile(file);
  if (seen.includes(p.id)) throw new InputError(`${file}: /extends: cycle through ${[...seen, p.id].join(" → ")}`);
  const base = p.extends ? loadProfile(p.extends, [...seen, p.id]).overrides : {};
  const overrides: Record<string, RuleOverride> = { ...base };
  for (const [id, o] of Object.entries(p.rules)) {
    const prev = overrides[id] ?? {};
    overrides[id] = { ...prev, ...o, parameters: { ...(prev.parameters ?? {}), ...(o.parameters ?? {}) } };
  }
  return { id: p.id, description: p.description, file, overrides };
}
