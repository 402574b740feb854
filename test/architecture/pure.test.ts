// No hidden I/O or clocks in pure code (#16 item 6). Enrichers, the engine's evaluation, the IAM analysis, the
// reporters' renderers, the fact definitions and secret scrubbing are functions of their inputs: they import nothing
// that reads files or the network, read no clock or environment of their own, and start no timers. What they need
// (patterns, frameworks, profiles, privilege-escalation data, rules, the time) is loaded once by the setup and passed
// in. The few loaders that live beside them are listed in LOADERS, each with why; a pure module importing a loader
// would hide its I/O again, so that is refused too.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/util/paths.js";

const root = packageRoot();

/** The pure parts of src/. */
const PURE_DIRS = ["src/enrich", "src/engine", "src/analysis", "src/report", "src/facts", "src/secrets"];

/**
 * Loaders: modules in PURE_DIRS that read or write files, each with why. Pure modules do not import them (a barrel's
 * re-export is not a call); the setup does and passes what they load.
 */
const LOADERS: Record<string, string> = {
  "src/analysis/iam/data.ts":
    "loadIamAnalysisData: the action catalogue, privesc.json and trust-services.json, read once by the setup",
  "src/engine/rules.ts": "loadRules: the rule files, read once by the setup",
  "src/engine/frameworks.ts": "loadFrameworks: rules/frameworks/*.json, read once by the setup",
  "src/engine/profiles.ts": "loadProfile: the built-in or given profile file, read once by the setup",
  "src/engine/facts-schema.ts": "schemas/facts.schema.json, read once when rules are loaded (fact checks)",
  "src/engine/selection.ts": "checks the --rules filters at setup; stats a path only to say it is a folder in the error",
  "src/report/load.ts": "reads a findings.json (report, export, merge) through src/util/json-document.ts",
  "src/engine/baseline.ts": "loadBaseline: reads --baseline's findings.json, once by the setup",
  "src/report/write.ts": "writes the report files atomically",
  "src/secrets/load.ts": "rules/data/secret-patterns.json, read once by the setup (scrubContext, defaultSecretPatterns)",
};

/**
 * Pure modules with one impurity that stays for now, each with why. (None now: secretHashKeyFromEnv is given the
 * environment by the setup.)
 */
const EXCEPTIONS: Record<string, string> = {};

/** Modules that read or write outside the process. */
const IO_MODULES = new Set(
  ["fs", "fs/promises", "http", "https", "http2", "net", "tls", "dns", "dgram", "child_process", "worker_threads"].flatMap(
    (m) => [m, `node:${m}`],
  ),
);
const IO_PACKAGES = [/^@smithy\/node-http-handler$/, /^playwright/];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const rel = `${dir}/${f}`;
    if (statSync(join(root, rel)).isDirectory()) return sources(rel);
    return f.endsWith(".ts") ? [rel] : [];
  });
}

const ioMemo = new Map<string, boolean>();

/** Whether a module of src/ reads or writes outside the process: it imports a file or network module, or a module that does. */
function doesIo(file: string): boolean {
  const known = ioMemo.get(file);
  if (known !== undefined) return known;
  ioMemo.set(file, false); // a cycle adds nothing
  let text: string;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    return false;
  }
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const io = sf.statements.some((st) => {
    if (!ts.isImportDeclaration(st) || st.importClause?.isTypeOnly || !ts.isStringLiteral(st.moduleSpecifier)) return false;
    const spec = st.moduleSpecifier.text;
    if (IO_MODULES.has(spec) || IO_PACKAGES.some((re) => re.test(spec))) return true;
    const own = ownModule(file, spec);
    return own !== undefined && doesIo(own);
  });
  ioMemo.set(file, io);
  return io;
}

/** A module specifier as a path relative to the root (`src/…/x.ts`), when it is one of ours. */
function ownModule(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  return resolve(root, dirname(file), spec.replace(/\.js$/, ".ts")).slice(root.length + 1);
}

/** What a module does that pure code may not: I/O imports, loader imports, clocks, timers, the environment. */
function scan(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const at = (n: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const imported = (spec: string, n: ts.Node) => {
    if (IO_MODULES.has(spec) || IO_PACKAGES.some((re) => re.test(spec))) out.push(`${at(n)}: imports ${spec}`);
    const own = ownModule(file, spec);
    if (own && own in LOADERS) out.push(`${at(n)}: imports the loader ${own}`);
    else if (own && doesIo(own)) out.push(`${at(n)}: imports ${own}, which does I/O (directly or through its imports)`);
  };
  const visit = (n: ts.Node) => {
    // Type-only imports carry no code; a barrel's re-export calls nothing.
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && !n.importClause?.isTypeOnly)
      imported(n.moduleSpecifier.text, n);
    if (ts.isCallExpression(n)) {
      const callee = n.expression.getText(sf);
      if (n.expression.kind === ts.SyntaxKind.ImportKeyword || callee === "require") {
        const arg = n.arguments[0];
        if (arg && ts.isStringLiteral(arg)) imported(arg.text, n);
      }
      if (["Date.now", "performance.now", "process.hrtime", "process.hrtime.bigint"].includes(callee))
        out.push(`${at(n)}: reads the clock (${callee}()); take a Clock`);
      if (["setTimeout", "setInterval", "setImmediate", "globalThis.setTimeout"].includes(callee))
        out.push(`${at(n)}: starts a timer (${callee}); take a sleep or clock`);
    }
    if (ts.isNewExpression(n) && n.expression.getText(sf) === "Date" && !n.arguments?.length)
      out.push(`${at(n)}: reads the clock (new Date()); take a Clock`);
    if (ts.isPropertyAccessExpression(n) && n.getText(sf) === "process.env")
      out.push(`${at(n)}: reads the environment (process.env); take it as a parameter`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** `scan` of a module on disk. */
const impurities = (file: string): string[] => scan(file, readFileSync(join(root, file), "utf8"));

describe("no hidden I/O or clocks in pure code", () => {
  const files = PURE_DIRS.flatMap(sources);

  it("pure modules import no file or network module and no loader, read no clock or environment, start no timer", () => {
    const found = files.filter((f) => !(f in LOADERS) && !(f in EXCEPTIONS)).flatMap(impurities);
    expect(found).toEqual([]);
  });

  it("every LOADERS and EXCEPTIONS entry is a module of a pure directory that does need it", () => {
    for (const file of [...Object.keys(LOADERS), ...Object.keys(EXCEPTIONS)]) {
      expect(files, `${file} is not in a pure directory`).toContain(file);
      expect(impurities(file), `${file} is pure: remove it from LOADERS`).not.toEqual([]);
    }
  });

  it("the check sees what it looks for", () => {
    // A module under a pure directory (not on disk) is caught on each count, and new Date(t) is not.
    const sample = "src/facts/sample.ts";
    const text = [
      'import { readFileSync } from "node:fs";',
      'import { defaultSecretPatterns } from "../secrets/load.js";',
      "export const a = () => [Date.now(), new Date(), setTimeout(() => 0, 1), process.env, readFileSync, defaultSecretPatterns];",
      "export const b = (t: number) => new Date(t);",
    ].join("\n");
    const found = scan(sample, text);
    expect(found.map((f) => f.replace(/^[^:]+:\d+: /, ""))).toEqual([
      "imports node:fs",
      "imports the loader src/secrets/load.ts",
      "reads the clock (Date.now()); take a Clock",
      "reads the clock (new Date()); take a Clock",
      "starts a timer (setTimeout); take a sleep or clock",
      "reads the environment (process.env); take it as a parameter",
    ]);
  });
});
