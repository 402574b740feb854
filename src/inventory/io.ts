import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject } from "ajv";
import { readDocument, type DocumentFormat } from "../util/json-document.js";
import { InputError } from "../errors.js";
import {
  INVENTORY_FORMAT_VERSION,
  RESOURCE_TYPES,
  type CollectionError,
  type Inventory,
  type Resource,
} from "../model/inventory.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { scrubContext, scrubError, scrubResource, type ScrubContext } from "../secrets/scrub.js";
import { packageRoot } from "../util/paths.js";
import { stableStringifyChunks } from "../util/stable-json.js";

/** Describes ajv errors as `pointer: message` lines. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, max = 5): string {
  const list = (errors ?? []).slice(0, max).map((e) => {
    const extra =
      e.keyword === "additionalProperties"
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : "";
    return `${e.instancePath || "/"}: ${e.message ?? e.keyword}${extra}`;
  });
  const more = (errors?.length ?? 0) > max ? `; and ${(errors?.length ?? 0) - max} more` : "";
  return list.join("; ") + more;
}

let schema: DocumentFormat["schema"] | undefined;
function inventorySchema(): DocumentFormat["schema"] {
  schema ??= JSON.parse(readFileSync(join(packageRoot(), "schemas/inventory.schema.json"), "utf8")) as DocumentFormat["schema"];
  return schema;
}

function inventoryFormat(source: string): DocumentFormat {
  return {
    schema: inventorySchema(),
    streamed: ["resources", "errors"],
    identityKeys: ["kind", "formatVersion"],
    checkIdentity(id) {
      if (id["kind"] !== "tollgate-inventory")
        throw new InputError(`${source}: not a Tollgate inventory: /kind must be "tollgate-inventory"`);
      if (id["formatVersion"] !== INVENTORY_FORMAT_VERSION)
        throw new InputError(
          `${source}: unsupported inventory /formatVersion ${JSON.stringify(id["formatVersion"])} (this Tollgate reads version ${INVENTORY_FORMAT_VERSION})`,
        );
    },
    invalid: (errors) => new InputError(`${source}: invalid inventory: ${describeAjvErrors([...errors])}`),
    notJson: (e) =>
      new InputError(
        `${source}: not a Tollgate inventory: invalid JSON (${e.message}); the file ${e.truncated ? "is truncated" : "may be corrupt"}`,
      ),
    unreadable: (e) => new InputError(`${source}: cannot read inventory: ${e.message}`),
  };
}

/** The inventory in canonical order: resources by type and ARN (then account), errors by where they happened. */
function canonical(inv: Inventory): Inventory {
  const rkey = (r: Inventory["resources"][number]) => [r.type, r.arn, r.account].join("|");
  const resources = [...inv.resources].sort((a, b) => {
    // type + arn first (the established order); account only breaks ties between accounts sharing an ARN.
    const ka = a.type + a.arn;
    const kb = b.type + b.arn;
    if (ka !== kb) return ka < kb ? -1 : 1;
    return rkey(a) < rkey(b) ? -1 : rkey(a) > rkey(b) ? 1 : 0;
  });
  const errors = [...inv.errors].sort((a, b) => {
    const ka = [a.account, a.region, a.service, a.operation, a.resourceArn ?? "", a.errorName].join("|");
    const kb = [b.account, b.region, b.service, b.operation, b.resourceArn ?? "", b.errorName].join("|");
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { ...inv, resources, errors };
}

/** The serialised inventory in pieces (sorted keys, stable order): one resource at a time, never the whole text. */
export function* inventoryChunks(inv: Inventory): Generator<string> {
  yield* stableStringifyChunks(canonical(inv));
  yield "\n";
}

/** Serialises an inventory deterministically (sorted keys, resources in a stable order). */
export function serializeInventory(inv: Inventory): string {
  return [...inventoryChunks(inv)].join("");
}

/**
 * Writes an inventory atomically (util/atomic-write), streamed a resource at a time: an interrupted or failed write
 * never leaves half a file, and the event loop stays free (a second Ctrl-C is still heard while writing).
 */
export async function saveInventory(path: string, inv: Inventory): Promise<void> {
  await writeFileAtomic(path, inventoryChunks(inv));
}

/**
 * Reads and validates an inventory from `source` (a path, or its text in pieces) by streaming, a resource at a
 * time: any size, never one string. A corrupt, truncated or foreign document is an InputError naming the problem
 * and its JSON pointer. Secret values an older Tollgate stored are redacted as each resource is read
 * (scrubResource), so they never reach memory for long, nor a report.
 */
async function readInventory(
  source: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  name: string,
  secrets: ScrubContext,
): Promise<Inventory> {
  const known = new Set<string>(RESOURCE_TYPES);
  const resources: Resource[] = [];
  const errors: CollectionError[] = [];
  const doc = await readDocument(source, inventoryFormat(name), (array, value, index) => {
    if (array === "errors") {
      errors.push(scrubError(value as CollectionError, secrets));
      return;
    }
    const r = value as Resource;
    if (!known.has(r.type)) throw new InputError(`${name}: /resources/${index}/type: unknown resource type ${r.type}`);
    resources.push(scrubResource(r, secrets));
  });
  return { ...(doc as unknown as Inventory), resources, errors };
}

/** Parses and validates inventory text (see loadInventory). */
export function parseInventory(text: string, source: string, secrets: ScrubContext = scrubContext()): Promise<Inventory> {
  return readInventory([text], source, secrets);
}

/** Reads and validates an inventory file of any size (secret values redacted, see readInventory). */
export function loadInventory(path: string, secrets: ScrubContext = scrubContext()): Promise<Inventory> {
  return readInventory(path, path, secrets);
}
