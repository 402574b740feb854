/**
 * Looks up a dotted path (`derived.accessKeys.0.ageDays`) in an object; a `*` segment maps the rest of the
 * path over an array (`derived.paths.*.name` lists every path's name).
 */
export function lookupPath(obj: unknown, path: string): unknown {
  return lookupKeys(obj, path.split("."));
}

function lookupKeys(cur: unknown, keys: string[]): unknown {
  if (keys.length === 0) return cur;
  if (cur === null || typeof cur !== "object") return undefined;
  const [key, ...rest] = keys as [string, ...string[]];
  if (key === "*" && Array.isArray(cur)) return cur.map((item) => lookupKeys(item, rest)).filter((v) => v !== undefined);
  return lookupKeys((cur as Record<string, unknown>)[key], rest);
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "(none)";
  if (Array.isArray(v)) return v.map(show).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Renders `{{path}}` placeholders against `data`; no code, no expressions, just lookups. */
export function renderTemplate(template: string, data: unknown): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.$*-]+)\s*\}\}/g, (_, path: string) => show(lookupPath(data, path)));
}
