/**
 * Every resource type's facts, defined once (src/facts/<service>.ts): the TypeScript types enrichers produce,
 * the JSON Schema `npm run schemas` writes to schemas/facts.schema.json (which the rule loader checks rules
 * against) and docs/facts.md (`npm run docs:facts`). Importing this module loads the SDK clients' schemas: the
 * CLI reads the generated JSON Schema instead (src/engine/facts-schema.ts).
 */
import type { ResourceType } from "../model/inventory.js";
import type { JsonObject } from "../model/json.js";
import { apigatewayFacts } from "./apigateway.js";
import { apigatewayv2Facts } from "./apigatewayv2.js";
import { backendFacts } from "./backend.js";
import { SchemaWriter, type DerivedOf, type FactNode, type RawOf, type ResourceFacts } from "./define.js";
import { exposureFacts } from "./exposure.js";
import { iamFacts } from "./iam.js";
import { probeFacts } from "./probe.js";
import { regionalFacts } from "./regional.js";

/** The facts of every resource type. */
export const FACTS = {
  ...iamFacts,
  ...apigatewayFacts,
  ...apigatewayv2Facts,
  ...regionalFacts,
  ...backendFacts,
  ...probeFacts,
  ...exposureFacts,
} satisfies Record<ResourceType, ResourceFacts>;

type Facts = typeof FACTS;
/** The raw data of a resource type, as the collector saves it. */
export type Raw<T extends ResourceType> = RawOf<Facts[T]>;
/** The derived facts of a resource type, as the enrichers produce them. */
export type Derived<T extends ResourceType> = DerivedOf<Facts[T]>;

/** The JSON Schema of the fields every resource has besides raw and derived. */
const RESOURCE_FIELDS: JsonObject = {
  type: { type: "string", description: "Resource type." },
  arn: { type: "string", description: "The resource ARN (or a stable pseudo-ARN for account-level resources)." },
  account: { type: "string", description: "12-digit account id." },
  region: { type: "string", description: "Region, or `global`." },
  name: { type: "string", description: "Human-readable name." },
  skipped: {
    type: "object",
    additionalProperties: { type: "string" },
    description: "Facts deliberately left out (JSON pointer → why).",
  },
};

/**
 * The JSON Schema of every resource type's resources: `$defs[<type>]` is one resource (raw and derived with no
 * undeclared member), and SDK shapes are `$defs[<service>.<Shape>]`.
 */
export function factsJsonSchema(): JsonObject {
  const w = new SchemaWriter();
  const types: JsonObject = {};
  for (const [type, facts] of Object.entries(FACTS) as [ResourceType, ResourceFacts][]) {
    const part = (props: Record<string, FactNode>, description: string) =>
      w.node({ kind: "object", properties: props, optionalKeys: optionalKeys(props), description });
    types[type] = {
      type: "object",
      required: ["type", "arn", "account", "region", "name", "raw", "derived"],
      additionalProperties: false,
      properties: {
        ...RESOURCE_FIELDS,
        type: { const: type },
        raw: part(facts.raw, "What AWS said, as the collector saved it."),
        derived: part(facts.derived, "Facts the enrichers derive from raw data and the collection clock."),
      },
    };
  }
  const defs = Object.fromEntries(Object.entries(w.defs).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://tollgate.dev/schemas/facts.json",
    title: "Tollgate resource facts",
    description: "Generated from src/facts by `npm run schemas`: every resource type's raw data and derived facts.",
    $defs: { ...types, ...defs },
  };
}

function optionalKeys(props: Record<string, FactNode>): string[] {
  return Object.keys(props).filter((k) => (props[k] as { optional?: boolean }).optional === true);
}
