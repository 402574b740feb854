/**
 * Which locations a resource type has, from the generated JSON Schema of its facts (schemas/facts.schema.json,
 * written from src/facts by `npm run schemas`), which the rule loader reads (src/engine/facts-schema.ts) and passes
 * in. Reading the generated file keeps the SDK clients, whose schemas the definitions name, out of every command that
 * only loads rules.
 */
import type { ResourceType } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";

/** The generated facts schema: `$defs[<resource type>]` and `$defs[<service>.<SDK shape>]`. */
export interface FactsSchema {
  $defs: Record<string, JsonObject>;
}

const isObject = (v: JsonValue | undefined): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);
const SCALARS = new Set(["string", "number", "integer", "boolean", "null"]);

/** The schemas a node stands for: `$ref` followed, `anyOf` branches (nullable facts) spread. */
function alternatives(node: JsonObject, schema: FactsSchema): JsonObject[] {
  const ref = node["$ref"];
  if (typeof ref === "string") {
    const target = schema.$defs[ref.replace(/^#\/\$defs\//, "")];
    return target ? alternatives(target, schema) : [];
  }
  const anyOf = node["anyOf"];
  if (Array.isArray(anyOf)) return anyOf.filter(isObject).flatMap((n) => alternatives(n, schema));
  return [node];
}

/** The schemas of `key` below one node (`*`: any member or index); undefined when the node takes anything. */
function childrenOf(node: JsonObject, key: string): JsonObject[] | undefined {
  const type = node["type"];
  if ((typeof type === "string" && SCALARS.has(type)) || "const" in node || "enum" in node) return [];
  if (type === "array") {
    const items = node["items"];
    return key === "*" || /^\d+$/.test(key) ? (isObject(items) ? [items] : undefined) : [];
  }
  const props = isObject(node["properties"]) ? node["properties"] : undefined;
  const extra = node["additionalProperties"];
  if (!props && extra === undefined) return type === "object" || type === undefined ? undefined : [];
  const out: JsonObject[] = [];
  if (props) {
    if (key === "*") out.push(...Object.values(props).filter(isObject));
    else if (isObject(props[key])) out.push(props[key]);
  }
  if (isObject(extra) && (key === "*" || !props?.[key])) out.push(extra);
  else if (extra === undefined && !props?.[key]) return undefined;
  return out;
}

/**
 * The shortest prefix of `keys` (pointer keys; `*` for any member or index) that a resource of `type` cannot
 * have, or undefined when every step exists. Below a free-form value (a policy document) anything may exist.
 */
export function missingFact(type: ResourceType, keys: readonly string[], schema: FactsSchema): string[] | undefined {
  const root = schema.$defs[type];
  if (!root) return [];
  let nodes: JsonObject[] = alternatives(root, schema);
  for (let i = 0; i < keys.length; i++) {
    const next: JsonObject[] = [];
    for (const n of nodes) {
      const c = childrenOf(n, keys[i]!);
      if (c === undefined) return undefined;
      for (const x of c) next.push(...alternatives(x, schema));
    }
    if (!next.length) return keys.slice(0, i + 1);
    nodes = next;
  }
  return undefined;
}
