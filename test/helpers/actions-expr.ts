// GitHub Actions expressions (`${{ … }}` and `if:`), the subset workflows and composite actions use: literals,
// context properties (`inputs.fail-on`, `steps.scan.outputs.sarif`, `github.run_id`), `! == != < <= > >= && ||`,
// parentheses, and the functions always(), success(), failure(), cancelled(), hashFiles(), contains(),
// startsWith(), endsWith(), format(). Semantics follow GitHub's documentation: loose equality, case-insensitive
// string comparison, `&&`/`||` yielding an operand. Anything else throws, so a document using more fails loudly.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A value of an expression. */
export type ExprValue = string | number | boolean | null | { [k: string]: ExprValue };

/** What an expression can read. */
export interface ExprContext {
  /** Context objects by name (`inputs`, `steps`, `github`, `env`, `runner`, `matrix`, …). */
  contexts: Record<string, ExprValue>;
  /** Whether an earlier step of the job failed (for success() and failure()). */
  failed: boolean;
  /** Folder hashFiles() reads from. */
  workspace: string;
}

type Token = { t: "str" | "num" | "id" | "op"; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (src[i] === "'") break;
        else s += src[i++];
      }
      i++;
      out.push({ t: "str", v: s });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_*][A-Za-z0-9_-]*)*/.exec(src.slice(i))!;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else {
      const op = ["==", "!=", "<=", ">=", "&&", "||"].find((o) => src.startsWith(o, i)) ?? (/[!<>(),]/.test(c) ? c : undefined);
      if (!op) throw new Error(`unsupported character ${JSON.stringify(c)} in expression ${src}`);
      out.push({ t: "op", v: op });
      i += op.length;
    }
  }
  return out;
}

const toNumber = (v: ExprValue): number =>
  v === null
    ? 0
    : typeof v === "boolean"
      ? Number(v)
      : typeof v === "number"
        ? v
        : typeof v === "string"
          ? v.trim() === ""
            ? 0
            : Number(v)
          : NaN;

/** GitHub's truthiness: false, 0, "", null are falsy. */
export function truthy(v: ExprValue): boolean {
  return !(v === false || v === 0 || v === "" || v === null || Number.isNaN(v));
}

/** How a value is spliced into a string. */
export function show(v: ExprValue): string {
  if (v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function equal(a: ExprValue, b: ExprValue): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b && typeof a !== "object") return a === b;
  return toNumber(a) === toNumber(b);
}

function hashFiles(workspace: string, patterns: string[]): string {
  const h = createHash("sha256");
  let any = false;
  for (const p of patterns) {
    if (/[*?[]/.test(p)) throw new Error(`hashFiles: globs are not supported by this runner (${p})`);
    const file = join(workspace, p);
    if (existsSync(file)) {
      h.update(readFileSync(file));
      any = true;
    }
  }
  return any ? h.digest("hex") : "";
}

/** Evaluates one expression (without the `${{ }}`). */
export function evaluate(src: string, ctx: ExprContext): ExprValue {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (v?: string): Token => {
    const t = tokens[pos++];
    if (!t || (v !== undefined && t.v !== v)) throw new Error(`expected ${v ?? "a value"} in ${src}`);
    return t;
  };
  const lookup = (path: string): ExprValue => {
    let v: ExprValue = ctx.contexts as ExprValue;
    for (const part of path.split(".")) {
      if (v === null || typeof v !== "object") return null;
      v = v[part] ?? null;
    }
    return v;
  };
  const call = (name: string, args: ExprValue[]): ExprValue => {
    switch (name) {
      case "always":
        return true;
      case "success":
        return !ctx.failed;
      case "failure":
        return ctx.failed;
      case "cancelled":
        return false;
      case "hashFiles":
        return hashFiles(ctx.workspace, args.map(show));
      case "contains":
        return show(args[0] ?? null)
          .toLowerCase()
          .includes(show(args[1] ?? null).toLowerCase());
      case "startsWith":
        return show(args[0] ?? null)
          .toLowerCase()
          .startsWith(show(args[1] ?? null).toLowerCase());
      case "endsWith":
        return show(args[0] ?? null)
          .toLowerCase()
          .endsWith(show(args[1] ?? null).toLowerCase());
      case "format":
        return show(args[0] ?? null).replace(/\{(\d+)\}/g, (_, i: string) => show(args[Number(i) + 1] ?? null));
      default:
        throw new Error(`unsupported function ${name}() in ${src}`);
    }
  };
  const primary = (): ExprValue => {
    const t = take();
    if (t.t === "str") return t.v;
    if (t.t === "num") return Number(t.v);
    if (t.t === "op" && t.v === "(") {
      const v = or();
      take(")");
      return v;
    }
    if (t.t === "op" && t.v === "!") return !truthy(primary());
    if (t.t === "id") {
      if (t.v === "true" || t.v === "false") return t.v === "true";
      if (t.v === "null") return null;
      if (peek()?.v === "(") {
        take("(");
        const args: ExprValue[] = [];
        while (peek()?.v !== ")") {
          args.push(or());
          if (peek()?.v === ",") take(",");
        }
        take(")");
        return call(t.v, args);
      }
      return lookup(t.v);
    }
    throw new Error(`unexpected ${t.v} in ${src}`);
  };
  const comparison = (): ExprValue => {
    const left = primary();
    const op = peek()?.v;
    if (op === "==" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=") {
      take();
      const right = primary();
      if (op === "==") return equal(left, right);
      if (op === "!=") return !equal(left, right);
      const [a, b] = [toNumber(left), toNumber(right)];
      return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
    }
    return left;
  };
  const and = (): ExprValue => {
    let v = comparison();
    while (peek()?.v === "&&") {
      take();
      const r = comparison();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): ExprValue => {
    let v = and();
    while (peek()?.v === "||") {
      take();
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const v = or();
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos]!.v} in ${src}`);
  return v;
}

/** Replaces every `${{ … }}` in a string with its value. */
export function interpolate(text: string, ctx: ExprContext): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_, e: string) => show(evaluate(e, ctx)));
}

/** Whether a step runs: its `if:` (with or without `${{ }}`), implicitly `success() && …` without a status function. */
export function stepRuns(condition: string | boolean | undefined, ctx: ExprContext): boolean {
  if (condition === undefined) return !ctx.failed;
  const src = String(condition)
    .trim()
    .replace(/^\$\{\{(.*)\}\}$/s, "$1");
  const hasStatus = /\b(always|success|failure|cancelled)\s*\(/.test(src);
  return truthy(evaluate(hasStatus ? src : `success() && (${src})`, ctx));
}
