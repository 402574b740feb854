// Readable units (#16 item 8): on the main paths no function over ~80 lines, no module over ~400 lines and no
// function with more than four positional parameters. Extend MAIN_PATHS as modules are brought under the limits.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/util/paths.js";
import { linesOf, unitsOf } from "./units.js";

const root = packageRoot();
const inDir = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `${dir}/${f}`);

const MAIN_PATHS = [
  ...inDir("src/enrich"),
  ...inDir("src/facts"),
  ...inDir("src/pipeline"),
  "src/cli/commands.ts",
  "src/cli/merge.ts",
  "src/collect/scan.ts",
  "src/inventory/io.ts",
  "src/analysis/iam/analyze.ts",
  "src/analysis/iam/documents.ts",
  "src/analysis/iam/principal-facts.ts",
  "src/analysis/iam/policy.ts",
  // runProbes (prober.ts) and probeInventory (run.ts) in named steps: session.ts, steps.ts, results.ts, plan.ts, prepare.ts.
  ...inDir("src/probe"),
];

describe("units on the main paths", () => {
  it.each(MAIN_PATHS)("%s: module ≤ 400 lines, functions ≤ 80 lines and ≤ 4 positional parameters", (file) => {
    const path = join(root, file);
    expect(linesOf(path), `${file} is too long`).toBeLessThanOrEqual(400);
    const long = unitsOf(path).filter((u) => u.lines > 80 || u.params > 4);
    expect(long.map((u) => `${u.name} (line ${u.line}): ${u.lines} lines, ${u.params} parameters`)).toEqual([]);
  });
});
