import { createRequire } from "node:module";
import type { Ajv, ErrorObject, Options } from "ajv";

type AddFormats = (ajv: Ajv) => Ajv;

// ajv and ajv-formats (CommonJS, about 60 modules between them) are required on the first Ajv built, not when a
// module that may build one is imported: `--help`, `--version` and `rules list` never need them.
let loaded: { Ajv: typeof Ajv; addFormats: AddFormats } | undefined;
function ajvModules(): { Ajv: typeof Ajv; addFormats: AddFormats } {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = {
      Ajv: (require("ajv") as { Ajv: typeof Ajv }).Ajv,
      // CommonJS: required, the plugin is the module itself.
      addFormats: require("ajv-formats") as AddFormats,
    };
  }
  return loaded;
}

/** A new draft-07 Ajv with the standard formats (date-time, uri, …), so schema setup is identical everywhere. */
export function newAjv(options: Options = {}): Ajv {
  const { Ajv, addFormats } = ajvModules();
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}

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
