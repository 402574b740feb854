// One validator for the scan settings, whichever way they come: the config file's `scan` section and the scan flags
// (`--regions`, `--role-name`, `--external-id`, `--max-duration`, …) both go through SCAN_SETTINGS_SCHEMA and the few
// checks a schema cannot express (a region AWS has, a duration that is not zero, accounts or org). The same bad value
// gets the same words from both; only the place differs: the flag, or the file, line and JSON pointer.
import type { ErrorObject, ValidateFunction } from "ajv";
import { regionProblem } from "../aws/regions.js";
import type { ScanSettingsFile } from "../collect/tuning.js";
import { InputError } from "../errors.js";
import { newAjv } from "../util/ajv.js";
import { DURATION_HINT, parseDuration } from "../util/duration.js";
import { SCAN_SETTINGS_SCHEMA } from "./schema.js";

/** One thing wrong with a value: where (a JSON pointer relative to what was validated) and the words for it. */
export interface SettingProblem {
  pointer: string;
  message: string;
}

/** The flag that sets each scan setting. */
export const SCAN_SETTING_FLAGS: Partial<Record<keyof ScanSettingsFile, string>> = {
  regions: "--regions",
  accounts: "--accounts",
  roleName: "--role-name",
  externalId: "--external-id",
  org: "--org",
  maxAttempts: "--max-attempts",
  connectTimeoutMs: "--connect-timeout",
  requestTimeoutMs: "--request-timeout",
  maxDuration: "--max-duration",
  shard: "--shard",
};

const shown = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/**
 * The words for one ajv error (compiled with `verbose`): a schema's `errorMessage` where it has one (patterns, whose
 * ajv text is the regular expression), else ajv's own; unknown and missing fields named. Shared by every config
 * validation so a value reads the same whichever way it came.
 */
export function schemaProblem(e: ErrorObject): SettingProblem {
  const params = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (e.keyword === "additionalProperties" && params.additionalProperty)
    return { pointer: `${e.instancePath}/${params.additionalProperty}`, message: "unknown field (not allowed here)" };
  if (e.keyword === "enum" && params.allowedValues)
    return {
      pointer: e.instancePath,
      message: `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`,
    };
  const hint = (e.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage;
  if (typeof hint === "string" && e.keyword !== "type")
    return { pointer: e.instancePath, message: `${hint}, got ${shown(e.data)}` };
  return { pointer: e.instancePath, message: e.message ?? e.keyword };
}

/** What the schema cannot say: regions AWS has, a duration within bounds, accounts or org (not both). */
function semanticProblems(s: ScanSettingsFile): SettingProblem[] {
  const out: SettingProblem[] = [];
  (s.regions ?? []).forEach((r, i) => {
    const problem = regionProblem(r);
    if (problem) out.push({ pointer: `/regions/${i}`, message: problem });
  });
  if (s.maxDuration !== undefined && parseDuration(s.maxDuration) === undefined)
    out.push({ pointer: "/maxDuration", message: `must be ${DURATION_HINT}, got ${shown(s.maxDuration)}` });
  if (s.org && s.accounts?.length) out.push({ pointer: "/org", message: "use either accounts or org, not both" });
  return out;
}

let validator: ValidateFunction | undefined;

/** Everything wrong with scan settings (empty when they are valid). */
export function scanSettingsProblems(data: unknown): SettingProblem[] {
  validator ??= newAjv({ allErrors: true, verbose: true }).compile(SCAN_SETTINGS_SCHEMA);
  if (!validator(data)) {
    const seen = new Set<string>();
    // One problem per place: a value failing two keywords is said once.
    return (validator.errors ?? []).map(schemaProblem).filter((p) => !seen.has(p.pointer) && seen.add(p.pointer));
  }
  return semanticProblems(data as ScanSettingsFile);
}

/** The flag a problem's pointer is about (`/regions/1` → `--regions`). */
function flagOf(pointer: string, given: ReadonlySet<string>): string {
  const key = pointer.split("/")[1] as keyof ScanSettingsFile | undefined;
  // Accounts or org: both flags are named, as both were given.
  if (key === "org" && given.has("accounts")) return "--accounts, --org";
  return (key && SCAN_SETTING_FLAGS[key]) ?? "command line";
}

/**
 * Validates scan settings given as flags (already converted: lists split, numbers read); throws an InputError naming
 * the flag, with the words the config file's route would use for the same value.
 */
export function scanSettingsFromFlagValues(raw: Record<string, unknown>): ScanSettingsFile {
  const problem = scanSettingsProblems(raw)[0];
  if (problem) throw new InputError(`${flagOf(problem.pointer, new Set(Object.keys(raw)))}: ${problem.message}`);
  return raw as ScanSettingsFile;
}

/** The problem with one flag's value, or undefined (option parsers use it to refuse a value as commander does). */
export function scanSettingProblem(key: keyof ScanSettingsFile, value: unknown): string | undefined {
  return scanSettingsProblems({ [key]: value })[0]?.message;
}
