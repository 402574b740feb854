// Slices an AWS SDK client's CommonJS bundle (dist-cjs/index.js: one file of every operation's schemas, commands,
// paginators and waiters) down to the top-level statements some exports need, for `npm run build`
// (scripts/build-sdk-slices.ts). Nothing is written by hand: the slice is the SDK's own code, statements kept whole
// and in their order, and a test checks it against the full package (same request on the wire, same endpoints).
import ts from "typescript";
import { sliceHeader } from "../src/collect/scope.js";

/** One top-level statement of the bundle: the names it declares, the names it reads, the export it makes. */
interface Statement {
  text: string;
  declares: string[];
  reads: Set<string>;
  /** `exports.X = …` / `Object.defineProperty(exports, "X", …)`: the name exported. */
  exports?: string;
  /** For `X.f(…)` and `X.p = …`: X, the object the statement changes. */
  changes?: string;
}

/** The names a declaration binds (identifiers and destructuring patterns). */
function bound(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bound(e.name)));
}

/**
 * Every identifier read in `node` (over-approximated: locals that shadow a top-level name count as reads of it, which
 * only keeps more), except property names (`a.b`'s b, `{ b: 1 }`'s b, class members' names).
 */
function reads(node: ts.Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === n) ||
        ((ts.isPropertyAssignment(p) ||
          ts.isMethodDeclaration(p) ||
          ts.isPropertyDeclaration(p) ||
          ts.isGetAccessorDeclaration(p) ||
          ts.isSetAccessorDeclaration(p)) &&
          p.name === n);
      if (!isName) out.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

/** The name an expression statement exports, if it is an export of the bundle. */
function exported(e: ts.Expression): string | undefined {
  if (
    ts.isBinaryExpression(e) &&
    e.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(e.left) &&
    ts.isIdentifier(e.left.expression) &&
    e.left.expression.text === "exports"
  )
    return e.left.name.text;
  if (
    ts.isCallExpression(e) &&
    e.expression.getText() === "Object.defineProperty" &&
    e.arguments[0]?.getText() === "exports" &&
    e.arguments[1] &&
    ts.isStringLiteral(e.arguments[1])
  )
    return e.arguments[1].text;
  return undefined;
}

/** The object a call of its method or an assignment to its property changes (the leftmost identifier). */
function changed(e: ts.Expression): string | undefined {
  let target: ts.Expression | undefined;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) target = e.expression.expression;
  else if (
    ts.isBinaryExpression(e) &&
    e.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(e.left)
  )
    target = e.left.expression;
  while (target && ts.isPropertyAccessExpression(target)) target = target.expression;
  return target && ts.isIdentifier(target) ? target.text : undefined;
}

function statements(source: string): Statement[] {
  const file = ts.createSourceFile("index.js", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  return file.statements.map((s): Statement => {
    const text = s.getFullText(file);
    if (ts.isVariableStatement(s))
      return { text, declares: s.declarationList.declarations.flatMap((d) => bound(d.name)), reads: reads(s) };
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name)
      return { text, declares: [s.name.text], reads: reads(s) };
    if (ts.isExpressionStatement(s)) {
      const name = exported(s.expression);
      if (name !== undefined) return { text, declares: [], reads: reads(s), exports: name };
      const target = changed(s.expression);
      return { text, declares: [], reads: reads(s), ...(target !== undefined ? { changes: target } : {}) };
    }
    throw new Error(`sdk-slice: unexpected top-level statement: ${text.trim().slice(0, 120)}`);
  });
}

/**
 * The bundle's statements that `keep` (export names) need, in their order: the exports, every declaration they read,
 * transitively, and every other statement that changes a kept object (`registry.registerError(X$, X)`,
 * `functions.aws = …`) or reads only kept names, with what it reads. Throws when an export is missing.
 */
export function sliceBundle(source: string, keep: readonly string[]): string {
  const all = statements(source);
  const declaredBy = new Map<string, Statement>();
  for (const s of all) for (const n of s.declares) declaredBy.set(n, s);
  const kept = new Set<Statement>();
  const add = (s: Statement): void => {
    if (kept.has(s)) return;
    kept.add(s);
    for (const r of s.reads) {
      const d = declaredBy.get(r);
      if (d) add(d);
    }
  };
  for (const name of keep) {
    const s = all.find((x) => x.exports === name);
    if (!s) throw new Error(`sdk-slice: the bundle does not export ${name}`);
    add(s);
  }
  // Statements that change a kept object (a registration such as `registry.registerError(X$, X)`, which the client's
  // error handling reads) or read only kept names, until nothing more is added.
  for (let grew = true; grew;) {
    grew = false;
    for (const s of all) {
      if (kept.has(s) || s.declares.length || s.exports !== undefined) continue;
      const target = s.changes !== undefined ? declaredBy.get(s.changes) : undefined;
      const topLevel = [...s.reads].filter((r) => declaredBy.has(r));
      const onKept = target !== undefined && kept.has(target);
      if (onKept || (topLevel.length && topLevel.every((r) => kept.has(declaredBy.get(r)!)))) {
        add(s);
        grew = true;
      }
    }
  }
  return all
    .filter((s) => kept.has(s))
    .map((s) => s.text)
    .join("");
}

/** A slice the build writes: which package, which of its exports, and where. */
export interface SliceSpec {
  /** The SDK client package, e.g. `@aws-sdk/client-ec2`. */
  package: string;
  /** The exports kept (and everything they need). */
  exports: readonly string[];
}

/**
 * The slice's module text: a CommonJS module that resolves the bundle's own requires from the package's directory
 * (so it uses the same SDK modules the package would) and exports `sdkVersion`, the package version it was cut from.
 */
export function sliceModule(spec: SliceSpec, bundle: string, version: string): string {
  return [
    `${sliceHeader(spec.package, version)}(dist-cjs/index.js): the statements`,
    `// ${spec.exports.join(", ")} need, unchanged and in order. Not in git; \`npm run build\` writes it again.`,
    `require = require("node:module").createRequire(require.resolve(${JSON.stringify(spec.package)}));`,
    `exports.sdkVersion = ${JSON.stringify(version)};`,
    sliceBundle(bundle, spec.exports),
  ].join("\n");
}
