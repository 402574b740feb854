import { Ajv, type Options } from "ajv";
import * as formatsModule from "ajv-formats";

type AddFormats = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS; under NodeNext its callable export sits on `default` (sometimes twice).
const addFormats: AddFormats = ((formatsModule as unknown as { default: AddFormats & { default?: AddFormats } }).default
  .default ?? (formatsModule as unknown as { default: AddFormats }).default) as AddFormats;

/** A new draft-07 Ajv with the standard formats (date-time, uri, …), so schema setup is identical everywhere. */
export function newAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}
