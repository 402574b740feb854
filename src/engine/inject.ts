import type { JsonObject, JsonValue } from "../model/json.js";

// Parameters injected into a rule's schemas (src/engine/rules.ts compiles the result).

/** Replaces every `{ "$param": name }` node with the parameter's value: structural, never textual. */
export function injectParams(schema: JsonValue, params: Record<string, JsonValue>, where: string): JsonValue {
  return inject(schema, params, where, []);
}

const pointerKey = (k: string) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;

/** injectParams below `keys` (the JSON pointer of an unknown parameter is spelt out only when refusing it). */
function inject(schema: JsonValue, params: Record<string, JsonValue>, where: string, keys: string[]): JsonValue {
  if (Array.isArray(schema))
    return schema.map((s, i) => {
      keys.push(String(i));
      const out = inject(s, params, where, keys);
      keys.pop();
      return out;
    });
  if (schema !== null && typeof schema === "object") {
    const names = Object.keys(schema);
    if (names.length === 1 && names[0] === "$param") {
      const name = schema["$param"];
      if (typeof name !== "string" || !(name in params))
        throw new Error(`${where}${keys.map(pointerKey).join("")}: unknown parameter ${JSON.stringify(name)}`);
      return params[name]!;
    }
    const out: JsonObject = {};
    for (const k of names) {
      keys.push(k);
      out[k] = inject(schema[k]!, params, where, keys);
      keys.pop();
    }
    return out;
  }
  return schema;
}
