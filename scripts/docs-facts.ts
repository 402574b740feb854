// Regenerates docs/facts.md from the fact definitions (src/facts) and the resource types' lineage (`npm run docs:facts`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { factsDoc } from "../src/facts/docs.js";
import { packageRoot } from "../src/util/paths.js";

writeFileSync(join(packageRoot(), "docs", "facts.md"), factsDoc());
process.stdout.write("wrote docs/facts.md\n");
