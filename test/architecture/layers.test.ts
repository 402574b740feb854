// The pipeline's layers (#16 item 1): collection records what AWS said and nothing more, so nothing under
// src/collect may reach an enricher, the analysis, the engine, the pipeline or the reporters — directly or through
// other modules. And the pipeline is the run, which the CLI, bench/, the demo and the tests call: nothing under
// src/pipeline may reach the CLI (src/cli, src/cli.ts), which is flags, files and the process.
// Derived facts are the enrich stage's (src/pipeline/enrich.ts), computed again whenever an inventory is evaluated.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/util/paths.js";

const root = packageRoot();

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** The project modules `file` imports (static, re-exports, type-only and dynamic), as .ts paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, ".ts")))
    .filter((path) => existsSync(path));
}

/** Every module reachable from `start`, each with the chain of imports that reaches it. */
function reachable(start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const next of importsOf(file)) {
      if (seen.has(next)) continue;
      seen.set(next, [...seen.get(file)!, next]);
      queue.push(next);
    }
  }
  return seen;
}

// What collection must never depend on: the stages that derive and judge. (src/probe is not listed: the AWS
// identity module, which collection uses, names the probe's signing-credential type.)
const FORBIDDEN = ["src/enrich", "src/analysis", "src/engine", "src/pipeline", "src/report"];

const rel = (p: string) => relative(root, p);

describe("collection records what AWS said, nothing derived", () => {
  const files = sources(join(root, "src", "collect"));

  it("finds the collectors", () => {
    expect(files.map(rel)).toEqual(expect.arrayContaining(["src/collect/scan.ts", "src/collect/iam.ts"]));
  });

  it.each(files.map(rel))("%s reaches no enricher, analysis, engine, pipeline or reporter", (file) => {
    const bad = [...reachable(join(root, file))]
      .filter(([path]) => FORBIDDEN.some((dir) => rel(path).startsWith(`${dir}/`)))
      .map(([, chain]) => chain.map(rel).join(" → "));
    expect(bad).toEqual([]);
  });

  it("the check sees through re-exports and type imports (it would catch the old scan.ts)", () => {
    const old = "import { enrich } from '../enrich/index.js';\nexport type { X } from '../analysis/iam/index.js';\n";
    const info = ts.preProcessFile(old, true, true);
    expect(info.importedFiles.map((i) => i.fileName)).toEqual(["../enrich/index.js", "../analysis/iam/index.js"]);
  });
});

describe("the pipeline does not depend on the CLI", () => {
  const files = sources(join(root, "src", "pipeline"));
  const isCli = (path: string) => rel(path) === "src/cli.ts" || rel(path).startsWith("src/cli/");

  it("finds the stages", () => {
    expect(files.map(rel)).toEqual(expect.arrayContaining(["src/pipeline/run.ts", "src/pipeline/setup.ts"]));
  });

  it.each(files.map(rel))("%s reaches nothing of src/cli", (file) => {
    const bad = [...reachable(join(root, file))].filter(([path]) => isCli(path)).map(([, chain]) => chain.map(rel).join(" → "));
    expect(bad).toEqual([]);
  });
});
