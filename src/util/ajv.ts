import AjvModule from "ajv";
import addFormatsModule from "ajv-formats";
import type { Ajv as AjvInstance, Options } from "ajv";

// ajv and ajv-formats are CommonJS; under NodeNext the default import is `module.exports`, whose typed
// callable/constructor lives on `.default` (both packages set `exports.default` to the same value).
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** A draft-07 ajv with formats (date-time, uri, …), shared so schema setup is identical everywhere. */
export function createAjv(options: Options = {}): AjvInstance {
  const ajv = new Ajv({ allErrors: true, ...options });
  addFormats(ajv);
  return ajv;
}
