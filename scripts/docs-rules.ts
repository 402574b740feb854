// Regenerates docs/rules.md from the rule files and framework mappings (`npm run docs:rules`).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rulesDoc } from "../src/cli/rules-commands.js";
import { packageRoot } from "../src/util/paths.js";

mkdirSync(join(packageRoot(), "docs"), { recursive: true });
writeFileSync(join(packageRoot(), "docs", "rules.md"), rulesDoc());
process.stdout.write("wrote docs/rules.md\n");
