// Regenerates the checked-in JSON Schemas from the objects the loaders use (`npm run schemas`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_SCHEMA } from "../src/config/schema.js";
import { RULE_SCHEMA } from "../src/engine/rule-schema.js";
import { factsJsonSchema } from "../src/facts/index.js";
import { PROFILE_SCHEMA } from "../src/engine/profiles.js";
import { FINDINGS_SCHEMA } from "../src/report/findings-schema.js";
import { packageRoot } from "../src/util/paths.js";

const out: [string, unknown][] = [
  ["rules/schema/rule.schema.json", RULE_SCHEMA],
  ["rules/schema/profile.schema.json", PROFILE_SCHEMA],
  ["schemas/config.schema.json", CONFIG_SCHEMA],
  ["schemas/findings.schema.json", FINDINGS_SCHEMA],
  ["schemas/facts.schema.json", factsJsonSchema()],
];
for (const [path, schema] of out) writeFileSync(join(packageRoot(), path), JSON.stringify(schema, null, 2) + "\n");
process.stdout.write(`wrote ${out.map(([p]) => p).join(", ")}\n`);
