import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { runCommand } from "../helpers/cli.js";
import { installGlobal, packTarball, type PackedTarball } from "../helpers/package.js";
import { account, ROOT, sim, simEnv } from "../helpers/sim.js";

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  license: string;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
  repository?: { type: string; url: string };
  keywords?: string[];
  dependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;
const clean = account("clean");
let s: Simulator;
let packed: PackedTarball;
let prefix: string;

beforeAll(async () => {
  s = await sim([clean]);
  packed = packTarball();
  prefix = await installGlobal(packed.file);
}, 240_000);
afterAll(() => s.close());

/** Runs the installed `tollgate` from an empty working directory (no config file, no repository around it). */
async function installed(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "tollgate-user-"));
  const env0 = { PATH: process.env["PATH"], HOME: "/nonexistent" };
  return { ...(await runCommand(join(prefix, "bin", "tollgate"), args, { env: { ...env0, ...env }, cwd })), cwd };
}

/** The lowest Node version a `>=x[.y[.z]]` range allows; undefined for any other form. */
function lowerBound(range: string): number[] | undefined {
  const m = /^>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}
const atMost = (a: number[], b: number[]) =>
  a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! <= b[2]!)));

describe("the npm package", () => {
  it("is publishable: not private, licence file, repository, keywords, a bin with a shebang", () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe("Apache-2.0");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toContain("Apache License\n                           Version 2.0");
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
    expect(pkg.keywords?.length).toBeGreaterThan(3);
    expect(pkg.bin).toEqual({ tollgate: "dist/src/cli.js" });
    expect(readFileSync(join(ROOT, pkg.bin["tollgate"]!), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("the tarball holds what the CLI reads at run time and nothing of the development tree", () => {
    const paths = packed.files.map((f) => f.path);
    for (const p of ["package.json", "README.md", "LICENSE", "dist/src/cli.js", "policy/tollgate-readonly.json"])
      expect(paths).toContain(p);
    for (const dir of ["rules/aws/", "rules/data/", "rules/frameworks/", "rules/profiles/", "rules/schema/", "schemas/"])
      expect(paths.some((p) => p.startsWith(dir))).toBe(true);
    // Development-only parts: sources, tests, the simulator, benchmarks, scripts, source maps.
    const stray = paths.filter((p) => /^(src|test|fixtures|bench|scripts|docs|dist\/(fixtures|bench|scripts|test))\//.test(p));
    expect(stray).toEqual([]);
    expect(paths.filter((p) => p.endsWith(".map") || p.endsWith(".ts"))).toEqual([]);
    // Every compiled module of src/ is in it (a module left out would break at import time, not here).
    const compiled = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? compiled(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : [],
      );
    expect(compiled("dist/src").filter((p) => !paths.includes(p))).toEqual([]);
  });

  it("engines: every production dependency runs on the Node version the package declares", () => {
    const ours = lowerBound(pkg.engines.node)!;
    expect(ours).toBeDefined();
    const lib = join(prefix, "lib", "node_modules", pkg.name, "node_modules");
    const problems: string[] = [];
    const visit = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (!e.isDirectory() || e.name.startsWith(".")) continue;
        if (e.name.startsWith("@")) {
          visit(join(dir, e.name));
          continue;
        }
        const manifest = join(dir, e.name, "package.json");
        if (!existsSync(manifest)) continue;
        const dep = JSON.parse(readFileSync(manifest, "utf8")) as { name: string; engines?: { node?: string } };
        const range = dep.engines?.node;
        if (range !== undefined && range.trim() !== ">=") {
          const low = lowerBound(range);
          if (!low) problems.push(`${dep.name}: engines.node "${range}" is not a >= range; check it by hand`);
          else if (!atMost(low, ours)) problems.push(`${dep.name} needs Node ${range}, the package declares ${pkg.engines.node}`);
        }
        if (existsSync(join(dir, e.name, "node_modules"))) visit(join(dir, e.name, "node_modules"));
      }
    };
    visit(lib);
    expect(problems).toEqual([]);
  });

  it("installed from the tarball into an empty prefix: --version, rules list, and a scan of the simulator", async () => {
    const v = await installed(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);

    const list = await installed(["rules", "list"]);
    expect(list.code).toBe(0);
    // One line per rule file shipped in the package: the built-in packs were found from the install location.
    const shipped = packed.files.filter((f) => /^rules\/aws\/.+\.json$/.test(f.path)).length;
    expect(list.stdout.split("\n").filter((l) => l.startsWith("aws.")).length).toBe(shipped);

    const out = "audit";
    const scan = await installed(["scan", "--no-probe", "--regions", clean.regions[0]!, "--out", out], simEnv(s, clean));
    expect(scan.stderr).not.toContain("internal error");
    expect(scan.code).toBe(0);
    const findings = JSON.parse(readFileSync(join(scan.cwd, out, "findings.json"), "utf8")) as {
      kind: string;
      findings: { status: string }[];
    };
    expect(findings.kind).toBe("tollgate-findings");
    expect(findings.findings.filter((f) => f.status === "pass").length).toBeGreaterThan(10);
    for (const f of ["results.sarif", "report.html", "summary.md", "junit.xml"])
      expect(existsSync(join(scan.cwd, out, f))).toBe(true);
  });
});
