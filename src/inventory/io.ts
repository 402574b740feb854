import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject } from "ajv";
import { newAjv } from "../util/ajv.js";
import { InputError } from "../errors.js";
import { RESOURCE_TYPES, type Inventory } from "../model/inventory.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { scrubContext, scrubInventory, type ScrubContext } from "../secrets/scrub.js";
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

let validator: ((d: unknown) => boolean) & { errors?: ErrorObject[] | null } = undefined as never;
function inventoryValidator() {
  if (!validator) {
    const ajv = newAjv();
    validator = ajv.compile(JSON.parse(readFileSync(join(packageRoot(), "schemas/inventory.schema.json"), "utf8")) as object);
  }
  return validator;
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
 * Parses and validates inventory text; a corrupt, truncated or foreign document is an InputError naming the
 * problem. Secret values an older Tollgate stored are redacted on the way in, so they never reach a report.
 */
export function parseInventory(text: string, source: string, secrets: ScrubContext = scrubContext()): Inventory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(
      `${source}: not a Tollgate inventory: invalid JSON (${(e as Error).message}); the file may be truncated or corrupt`,
    );
  }
  if (data === null || typeof data !== "object" || (data as { kind?: unknown }).kind !== "tollgate-inventory") {
    throw new InputError(`${source}: not a Tollgate inventory: /kind must be "tollgate-inventory"`);
  }
  const version = (data as { formatVersion?: unknown }).formatVersion;
  if (version !== 1) {
    throw new InputError(
      `${source}: unsupported inventory /formatVersion ${JSON.stringify(version)} (this Tollgate reads version 1)`,
    );
  }
  const validate = inventoryValidator();
  if (!validate(data)) throw new InputError(`${source}: invalid inventory: ${describeAjvErrors(validate.errors)}`);
  const inv = data as Inventory;
  const known = new Set<string>(RESOURCE_TYPES);
  inv.resources.forEach((r, i) => {
    if (!known.has(r.type)) throw new InputError(`${source}: /resources/${i}/type: unknown resource type ${r.type}`);
  });
  return scrubInventory(inv, secrets);
}

/** Reads and validates an inventory file (secret values redacted, see parseInventory). */
export function loadInventory(path: string, secrets?: ScrubContext): Inventory {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`${path}: cannot read inventory: ${(e as Error).message}`);
  }
  return parseInventory(text, path, secrets);
}
