// What start-up loads (#19): `--help`, `--version` and a command's help load commander and the command-line
// definitions only; `rules list` and `rules show` add the rule loader and the catalogue, never a reporter, an AWS
// SDK client, the run's pipeline or the Ajv compiler (their validators are generated at build). Each command runs
// the built CLI with a preload logging every module it loads (fixtures/module-log), so lazy imports, `createRequire`
// and package code are all seen. Time and memory are measured by `npm run bench:startup`, not here.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { MODULE_LOG_ENV } from "../../fixtures/module-log/preload.js";
import { startCli } from "../helpers/cli.js";
import { ROOT } from "../helpers/sim.js";

const tmp = mkdtempSync(join(tmpdir(), "tollgate-startup-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let runs = 0;
/** The modules a CLI command loads: local ones relative to dist/ (`src/cli.js`), packages by name and path. */
async function modulesLoaded(args: string[], quiet = true): Promise<string[]> {
  const log = join(tmp, `modules-${runs++}.txt`);
  const preload = ["--import", join(ROOT, "dist", "fixtures", "module-log", "preload.js")];
  const { code, stderr } = await startCli(args, { ...process.env, [MODULE_LOG_ENV]: log }, preload).done;
  if (quiet) expect(stderr).toBe("");
  expect(code).toBe(0);
  const urls = readFileSync(log, "utf8")
    .split("\n")
    .filter((u) => u.startsWith("file:"));
  const names = urls.map((u) => {
    const path = fileURLToPath(u);
    const pkg = /node_modules\/(.+)$/.exec(path);
    return pkg ? `package:${pkg[1]}` : path.slice(join(ROOT, "dist").length + 1);
  });
  return [...new Set(names)].sort();
}

/** Modules no command without AWS work or reports may load. */
const NEVER = [
  /^src\/report\/(?!formats\.js$)/, // reporters: the format registry alone names the formats
  /^src\/export\//,
  /^src\/pipeline\/(?!lifecycle\.js$)/, // the run (lifecycle: the signal router of cli.ts)
  /^src\/collect\/(?!registry\.js$|shard\.js$)/, // collectors and their SDK clients
  /^src\/aws\/(?!regions\.js$)/,
  /^src\/(probe\/(?!types\.js$|correlate\.js$)|analysis|enrich|inventory)\//,
  /^package:@aws-sdk\//,
  /^package:@smithy\//,
  /^package:@cloud-copilot\//,
  /^package:ajv\/dist\/(?!runtime\/)/, // the compiler; generated validators use only its runtime helpers
  /^package:yaml\//,
  /^package:@streamparser\//,
];

const forbidden = (modules: string[], patterns: RegExp[]) => modules.filter((m) => patterns.some((p) => p.test(m)));

describe("start-up loads only what the command needs", () => {
  it.each([[["--help"]], [["--version"]], [["scan", "--help"]], [["rules", "list", "--help"]]])(
    "%j loads the command line and nothing of the run or the rules",
    async (args) => {
      const modules = await modulesLoaded(args);
      expect(modules).toEqual(expect.arrayContaining(["src/cli.js", "src/cli/program.js", "src/report/formats.js"]));
      expect(forbidden(modules, [...NEVER, /^src\/engine\/(?!services\.js$)/, /^src\/cli\/(?!program|options|streams)/])).toEqual(
        [],
      );
      expect(modules.filter((m) => m.startsWith("src/")).length).toBeLessThanOrEqual(25);
    },
  );

  it.each([[["rules", "list"]], [["rules", "list", "--format", "json"]], [["rules", "show", "IAM.3"]]])(
    "%j loads the rule loader and the catalogue, no reporter, SDK client or Ajv compiler",
    async (args) => {
      const modules = await modulesLoaded(args);
      expect(modules).toEqual(
        expect.arrayContaining(["src/engine/rules.js", "src/cli/rules-commands.js", "src/engine/generated/documents.cjs"]),
      );
      expect(
        forbidden(modules, [...NEVER, /^src\/engine\/(evaluate|baseline|selection)\.js$/, /^src\/cli\/(commands|diff)\.js$/]),
      ).toEqual([]);
    },
  );

  it("an offline `evaluate` loads no AWS SDK client, credential provider, collector or Security Hub export", async () => {
    const inventory = join(ROOT, "fixtures", "inventories", "demo-v1.inventory.json");
    const modules = await modulesLoaded(
      ["evaluate", "--inventory", inventory, "--out", join(tmp, "evaluate"), "--fail-on", "none", "--quiet"],
      false,
    );
    expect(modules).toEqual(expect.arrayContaining(["src/cli/commands.js", "src/engine/generated/predicates.cjs"]));
    const aws = [
      /^package:@aws-sdk\//,
      /^src\/collect\/(?!registry\.js$|shard\.js$|secret-fields\.js$)/,
      /^src\/aws\/(config|identity|sdk-config|credential-errors|emulator)\.js$/,
      /^src\/export\/securityhub/,
      /^src\/cli\/(aws-commands|export)\.js$/,
    ];
    expect(forbidden(modules, aws)).toEqual([]);
  });
});
