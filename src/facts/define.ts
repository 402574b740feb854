/**
 * The fact definition language: one definition per resource type gives its TypeScript type (Static<…>), its JSON
 * Schema (toJsonSchema) and its documentation (docs/facts.md). Raw SDK output is named by the SDK's own schema of
 * the shape (`Method$` of @aws-sdk/client-api-gateway), so member names come from the SDK the collectors call.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import type { JsonObject, JsonValue } from "../model/json.js";

declare const STATIC: unique symbol;

/** One node of a definition, with its TypeScript type as a phantom. */
export type Fact<T> = FactNode & { readonly [STATIC]?: T };
/** The TypeScript type a definition describes. */
export type Static<F> = F extends Fact<infer T> ? T : never;

/** The untyped node behind a Fact. */
export type FactNode =
  | { kind: "string" | "number" | "integer" | "boolean" | "json"; description?: string }
  | { kind: "enum"; values: readonly string[]; description?: string }
  | { kind: "array"; items: FactNode; description?: string }
  | { kind: "object"; properties: Record<string, FactNode>; optionalKeys: readonly string[]; description?: string }
  | { kind: "record"; values: FactNode; description?: string }
  | { kind: "nullable"; of: FactNode; description?: string }
  | { kind: "sdk"; service: string; shape: unknown; extra?: Record<string, FactNode>; description?: string };

/** A property that may be absent (not merely null). */
export type Optional<F> = F & { readonly optional: true };

type Props = Record<string, Fact<unknown>>;
type OptionalKeys<P> = { [K in keyof P]: P[K] extends { optional: true } ? K : never }[keyof P];
type RequiredKeys<P> = Exclude<keyof P, OptionalKeys<P>>;
type Flatten<T> = { [K in keyof T]: T[K] };
/** The object type of a set of properties. */
export type ObjectOf<P> = Flatten<{ [K in RequiredKeys<P>]: Static<P[K]> } & { [K in OptionalKeys<P>]?: Static<P[K]> }>;

/** SDK output as saved in the inventory: Dates became ISO strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

const describe = <N extends FactNode>(n: N, description: string | undefined): N =>
  description === undefined ? n : { ...n, description };

/** The builders of fact definitions. */
export const f = {
  string: (description?: string): Fact<string> => describe({ kind: "string" }, description),
  number: (description?: string): Fact<number> => describe({ kind: "number" }, description),
  integer: (description?: string): Fact<number> => describe({ kind: "integer" }, description),
  boolean: (description?: string): Fact<boolean> => describe({ kind: "boolean" }, description),
  /** Any JSON value (a policy document as written, a credential-report row): not walked further. */
  json: (description?: string): Fact<JsonValue> => describe({ kind: "json" }, description),
  enum: <const V extends readonly string[]>(values: V, description?: string): Fact<V[number]> =>
    describe({ kind: "enum", values }, description),
  array: <T>(items: Fact<T>, description?: string): Fact<T[]> => describe({ kind: "array", items }, description),
  record: <T>(values: Fact<T>, description?: string): Fact<Record<string, T>> =>
    describe({ kind: "record", values }, description),
  nullable: <T>(of: Fact<T>, description?: string): Fact<T | null> =>
    describe({ kind: "nullable", of }, description ?? of.description),
  object: <P extends Props>(properties: P, description?: string): Fact<ObjectOf<P>> =>
    describe(
      {
        kind: "object",
        properties,
        optionalKeys: Object.keys(properties).filter((k) => (properties[k] as { optional?: boolean }).optional),
      },
      description,
    ),
  /** A property that may be absent. */
  optional: <T>(of: Fact<T>): Optional<Fact<T>> => ({ ...of, optional: true }) as Optional<Fact<T>>,
  /** The same properties, each optional. */
  partial: <P extends Props>(props: P): { [K in keyof P]: Optional<P[K]> } =>
    Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { ...v, optional: true }])) as unknown as {
      [K in keyof P]: Optional<P[K]>;
    },
  /** SDK output of the shape `shape` (its static schema, e.g. `Method$`), typed `T` as saved (dates as strings). */
  sdk: <T>(service: string, shape: unknown, description?: string): Fact<Jsonified<T>> =>
    describe({ kind: "sdk", service, shape }, description),
  /** SDK output the collector changed: members it removed are typed away in `T`, the ones it added are `extra`. */
  sdkWith: <T, P extends Props>(
    service: string,
    shape: unknown,
    extra: P,
    description?: string,
  ): Fact<Jsonified<T> & ObjectOf<P>> => describe({ kind: "sdk", service, shape, extra }, description),
};

/** The facts of one resource type: what the collector saves (`raw`) and what enrichers derive (`derived`). */
export interface ResourceFacts<R extends Props = Props, D extends Props = Props> {
  raw: R;
  derived: D;
}

/** Defines a resource type's facts; keeps the literal types for Static. */
export function resourceFacts<R extends Props, D extends Props>(raw: R, derived: D): ResourceFacts<R, D> {
  return { raw, derived };
}

/** The raw data type of a definition. */
export type RawOf<F extends ResourceFacts> = ObjectOf<F["raw"]>;
/** The derived facts type of a definition. */
export type DerivedOf<F extends ResourceFacts> = ObjectOf<F["derived"]>;

// ---- JSON Schema ----------------------------------------------------------------------------------------------

/** Turns definitions into JSON Schema; SDK shapes go to `$defs` once each (they may be recursive). */
export class SchemaWriter {
  readonly defs: Record<string, JsonObject> = {};

  node(n: FactNode): JsonObject {
    const d: JsonObject = n.description !== undefined ? { description: n.description } : {};
    switch (n.kind) {
      case "string":
      case "number":
      case "integer":
      case "boolean":
        return { type: n.kind, ...d };
      case "json":
        return { ...d };
      case "enum":
        return { enum: [...n.values], ...d };
      case "array":
        return { type: "array", items: this.node(n.items), ...d };
      case "record":
        return { type: "object", additionalProperties: this.node(n.values), ...d };
      case "nullable": {
        const inner = this.node(n.of);
        return { anyOf: [inner, { type: "null" }], ...d };
      }
      case "object":
        return {
          type: "object",
          properties: Object.fromEntries(Object.entries(n.properties).map(([k, v]) => [k, this.node(v)])),
          required: Object.keys(n.properties).filter((k) => !n.optionalKeys.includes(k)),
          additionalProperties: false,
          ...d,
        };
      case "sdk": {
        const name = this.sdkShape(n.service, NormalizedSchema.of(n.shape as never));
        if (!n.extra) return { $ref: `#/$defs/${name}`, ...d };
        const base = this.defs[name]!;
        const extra = Object.fromEntries(Object.entries(n.extra).map(([k, v]) => [k, this.node(v)]));
        return {
          ...base,
          title: `${name} as Tollgate saves it`,
          properties: { ...(base["properties"] as JsonObject), ...extra },
          ...d,
        };
      }
    }
  }

  /** The `$defs` name of an SDK shape, written once. */
  private sdkShape(service: string, s: NormalizedSchema): string {
    const name = `${service}.${s.getName() ?? "?"}`;
    if (this.defs[name]) return name;
    this.defs[name] = {};
    this.defs[name] = { title: `${name} (SDK shape)`, ...this.sdkNode(service, s) };
    return name;
  }

  // Members are listed by name; their values are typed loosely where JSON carries them differently (timestamps as
  // ISO strings, blobs as base64), and the SDK may learn members the saved data lacks, so none is required.
  private sdkNode(service: string, s: NormalizedSchema): JsonObject {
    if (s.isStructSchema()) {
      if (!s.getName()?.length) return { type: "object" };
      const properties: JsonObject = {};
      for (const [k, m] of s.structIterator()) properties[k] = this.sdkMember(service, m);
      return { type: "object", properties, additionalProperties: false };
    }
    return this.sdkMember(service, s);
  }

  private sdkMember(service: string, m: NormalizedSchema): JsonObject {
    if (m.isStructSchema()) return { $ref: `#/$defs/${this.sdkShape(service, m)}` };
    if (m.isListSchema()) return { type: "array", items: this.sdkMember(service, m.getValueSchema()) };
    if (m.isMapSchema()) return { type: "object", additionalProperties: this.sdkMember(service, m.getValueSchema()) };
    if (m.isBooleanSchema()) return { type: "boolean" };
    if (m.isNumericSchema() || m.isBigIntegerSchema() || m.isBigDecimalSchema()) return { type: "number" };
    if (m.isTimestampSchema()) return { type: "string" };
    if (m.isStringSchema() || m.isBlobSchema()) return { type: "string" };
    return {};
  }
}
