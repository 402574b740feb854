/** Looks up a dotted path (`derived.accessKeys.0.ageDays`) in an object. */
export function lookupPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "(none)";
  if (Array.isArray(v)) return v.map(show).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Renders `{{path}}` placeholders against `data`; no code, no expressions, just lookups. */
export function renderTemplate(template: string, data: unknown): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g, (_, path: string) => show(lookupPath(data, path)));
}
