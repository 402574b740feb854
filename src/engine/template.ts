/**
 * Looks up a dotted path (`derived.accessKeys.0.ageDays`) in an object; a `*` segment maps the rest of the
 * path over an array (`derived.paths.*.name` lists every path's name).
 */
export function lookupPath(obj: unknown, path: string): unknown {
  return lookupKeys(obj, path.split("."), 0);
}

function lookupKeys(obj: unknown, keys: string[], from: number): unknown {
  let cur: unknown = obj;
  for (let i = from; i < keys.length; i++) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (keys[i] === "*" && Array.isArray(cur)) {
      return cur.map((item) => lookupKeys(item, keys, i + 1)).filter((v) => v !== undefined);
    }
    cur = (cur as Record<string, unknown>)[keys[i]!];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "(none)";
  if (Array.isArray(v)) return v.map(show).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.$*-]+)\s*\}\}/g;

/** The placeholder paths a template uses, in order (for lint checks). */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** A template split once into literal text and key paths, so rendering a million findings does no regex work. */
export type CompiledTemplate = (resource: unknown, params: Record<string, unknown>) => string;

const cache = new Map<string, CompiledTemplate>();

/**
 * Compiles `{{path}}` placeholders: `params.x` reads the rule's parameters, anything else reads the
 * resource. No code, no expressions, just lookups. Compiled templates are cached by text.
 */
export function compileTemplate(template: string): CompiledTemplate {
  const hit = cache.get(template);
  if (hit) return hit;
  const literals: string[] = [];
  const paths: string[][] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, m.index));
    paths.push(m[1]!.split("."));
    last = m.index + m[0].length;
  }
  literals.push(template.slice(last));
  const fn: CompiledTemplate =
    paths.length === 0
      ? () => template
      : (resource, params) => {
          // Joined, not concatenated: a message is kept with its finding for the whole run, and `+=` leaves a tree
          // of string pieces behind it (a 32-byte node per piece, on top of the text) where join makes one string.
          const parts: string[] = [literals[0]!];
          for (let i = 0; i < paths.length; i++) {
            const keys = paths[i]!;
            const v = keys[0] === "params" ? lookupKeys(params, keys, 1) : lookupKeys(resource, keys, 0);
            parts.push(show(v), literals[i + 1]!);
          }
          return parts.join("");
        };
  cache.set(template, fn);
  return fn;
}

/** Renders `{{path}}` placeholders against `data`; no code, no expressions, just lookups. */
export function renderTemplate(template: string, data: unknown): string {
  return template.replace(PLACEHOLDER, (_, path: string) => show(lookupPath(data, path)));
}
