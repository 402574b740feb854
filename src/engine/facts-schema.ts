// The rule loader's reader of schemas/facts.schema.json (generated from src/facts), read once per process and passed
// to the pure fact-path checks in src/facts/paths.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FactsSchema } from "../facts/paths.js";
import { packageRoot } from "../util/paths.js";

let loaded: FactsSchema | undefined;
/** schemas/facts.schema.json, read once. */
export function factsSchema(): FactsSchema {
  loaded ??= JSON.parse(readFileSync(join(packageRoot(), "schemas", "facts.schema.json"), "utf8")) as FactsSchema;
  return loaded;
}
