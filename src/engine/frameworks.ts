import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { describeAjvErrors, newAjv } from "../util/ajv.js";
import { packageRoot } from "../util/paths.js";
import { precompiled, VALIDATOR_OPTIONS } from "./validators.js";
import type { Framework } from "../model/framework.js";

export type { Framework, FrameworkRequirement } from "../model/framework.js";

/** The framework file schema (rules/schema/framework.schema.json). */
export function frameworkSchema(): object {
  return JSON.parse(readFileSync(join(packageRoot(), "rules/schema/framework.schema.json"), "utf8")) as object;
}

/** Loads and validates every framework file in `rules/frameworks`. */
export function loadFrameworks(dir = join(packageRoot(), "rules", "frameworks")): Framework[] {
  // Own schema, checked against the meta-schema by test/rules/catalog.test.ts (see ruleSchema in rules.ts); compiled
  // at build (src/engine/validators.ts) unless it changed since.
  const schema = frameworkSchema();
  const validate = precompiled("documents", schema) ?? newAjv(VALIDATOR_OPTIONS.documents).compile(schema);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(path, "utf8"));
      } catch (e) {
        throw new InputError(`${path}: not valid JSON: ${(e as Error).message}`);
      }
      if (!validate(data)) throw new InputError(`${path}: invalid framework: ${describeAjvErrors(validate.errors)}`);
      return data as Framework;
    });
}

/** Rule id → the requirements that cite it. Unknown rule ids in a framework are an error (mappings are tested, not trusted). */
export function complianceIndex(
  frameworks: Framework[],
  knownRuleIds: Set<string>,
): Map<string, { framework: string; requirement: string }[]> {
  const out = new Map<string, { framework: string; requirement: string }[]>();
  for (const fw of frameworks) {
    for (const req of fw.requirements) {
      for (const id of req.rules) {
        if (!knownRuleIds.has(id))
          throw new InputError(`rules/frameworks/${fw.id}.json: requirement ${req.id} names unknown rule ${id}`);
        out.set(id, [...(out.get(id) ?? []), { framework: fw.id, requirement: req.id }]);
      }
    }
  }
  return out;
}
