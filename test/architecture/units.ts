// Measures the units of TypeScript sources: each function's length and positional parameters, each module's length.
import { readFileSync } from "node:fs";
import ts from "typescript";

/** One function-like node of a source file. */
export interface Unit {
  file: string;
  name: string;
  line: number;
  lines: number;
  params: number;
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))) return p.name.getText(sf);
  return "(anonymous)";
}

/** Every function, method and arrow function of a file with its length in lines and its parameter count. */
export function unitsOf(file: string): Unit[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: Unit[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file, name: nameOf(node, sf), line: start + 1, lines: end - start + 1, params: node.parameters.length });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Lines of a file. */
export function linesOf(file: string): number {
  return readFileSync(file, "utf8").split("\n").length;
}
