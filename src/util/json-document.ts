import type { ErrorObject, ValidateFunction } from "ajv";
import { InputError } from "../errors.js";
import { newAjv } from "./ajv.js";
import { JsonStreamError, readJsonStream } from "./json-stream.js";

/** What a document of a Tollgate format looks like, and how its problems are worded. */
export interface DocumentFormat {
  /** JSON Schema of the whole document (draft-07, with `$id`); its streamed arrays must not constrain their length. */
  schema: { $id?: string; properties?: Record<string, unknown> };
  /** Top-level arrays read element by element (each validated against its `items` schema) instead of whole. */
  streamed: readonly string[];
  /** Top-level members that identify the format (`kind`, `formatVersion`), checked as soon as all are read. */
  identityKeys: readonly string[];
  /** Throws an InputError when the identity members (any may be undefined) are not this format's. */
  checkIdentity(identity: Record<string, unknown>): void;
  /** The InputError for schema errors (instance paths are absolute JSON pointers). */
  invalid(errors: readonly ErrorObject[]): InputError;
  /** The InputError for text that is not JSON, or ends too early. */
  notJson(e: JsonStreamError): InputError;
  /** The InputError for a file that cannot be read. */
  unreadable(e: Error): InputError;
}

interface Compiled {
  whole: ValidateFunction;
  items: Map<string, ValidateFunction>;
}

const compiled = new WeakMap<object, Compiled>();

function validatorsOf(format: DocumentFormat): Compiled {
  let c = compiled.get(format.schema);
  if (c) return c;
  const ajv = newAjv();
  // Added under its $id (or a local key) so each array's items schema can be compiled by JSON pointer, $refs and all.
  const id = format.schema.$id ?? "tollgate:document";
  ajv.addSchema(format.schema, format.schema.$id ? undefined : id);
  const whole = ajv.getSchema(id)!;
  const items = new Map<string, ValidateFunction>();
  for (const name of format.streamed) {
    const prop = format.schema.properties?.[name] as Record<string, unknown> | undefined;
    // The arrays are validated as [] in the whole document: a length constraint there would be checked wrongly.
    if (!prop || prop["type"] !== "array" || ["minItems", "maxItems", "contains", "uniqueItems"].some((k) => k in prop))
      throw new Error(`${id}: /properties/${name} must be an array schema without length constraints to be streamed`);
    const v = ajv.getSchema(`${id}#/properties/${name}/items`);
    if (!v) throw new Error(`${id}: no items schema at /properties/${name}/items`);
    items.set(name, v);
  }
  c = { whole, items };
  compiled.set(format.schema, c);
  return c;
}

const prefixed = (errors: readonly ErrorObject[] | null | undefined, prefix: string): ErrorObject[] =>
  (errors ?? []).map((e) => ({ ...e, instancePath: `${prefix}${e.instancePath}` }));

/**
 * Reads a document of `format` from a file path (or text chunks) by streaming, so that it may be larger than a
 * JavaScript string can hold. The identity members are checked as soon as they are read (a foreign file is refused
 * without reading the rest), each element of the streamed arrays is validated when it is complete and handed to
 * `onElement` (which keeps or reduces it), and the rest of the document is validated once read. Every problem is an
 * InputError (exit 2) naming the JSON pointer. Returns the document with each streamed array present as `[]`
 * (the caller fills in what it kept).
 */
export async function readDocument(
  source: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  format: DocumentFormat,
  onElement: (array: string, value: unknown, index: number) => void,
): Promise<Record<string, unknown>> {
  const { whole, items } = validatorsOf(format);
  const members: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const identity: Record<string, unknown> = {};
  let confirmed = false;
  // An element error found before the identity is known is held: a foreign file gets the plainer message.
  let held: InputError | undefined;
  const confirm = (final: boolean) => {
    if (confirmed || (!final && !format.identityKeys.every((k) => k in identity))) return;
    format.checkIdentity(identity);
    confirmed = true;
    if (held) throw held;
  };
  const elements: Record<string, (value: unknown, index: number) => void> = {};
  for (const name of format.streamed) {
    const validate = items.get(name)!;
    elements[name] = (value, index) => {
      if (held) return;
      if (!validate(value)) {
        const err = format.invalid(prefixed(validate.errors, `/${name}/${index}`));
        if (confirmed) throw err;
        held = err;
        return;
      }
      onElement(name, value, index);
    };
  }
  const seenArrays = new Set<string>();
  try {
    await readJsonStream(source, {
      elements,
      arrayStart: (key) => seenArrays.add(key),
      member: (key, value) => {
        members[key] = value;
        if (format.identityKeys.includes(key)) {
          identity[key] = value;
          confirm(false);
        }
      },
    });
  } catch (e) {
    if (e instanceof JsonStreamError) {
      // Text that broke off is still worth identifying: a foreign file says so rather than "truncated".
      if (!confirmed && format.identityKeys.every((k) => k in identity)) format.checkIdentity(identity);
      throw format.notJson(e);
    }
    if (e instanceof InputError) throw e;
    if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string") throw format.unreadable(e);
    throw e;
  }
  confirm(true);
  const skeleton: Record<string, unknown> = { ...members };
  for (const name of seenArrays) if (!(name in members)) skeleton[name] = [];
  if (!whole(skeleton)) throw format.invalid(prefixed(whole.errors, ""));
  return skeleton;
}
