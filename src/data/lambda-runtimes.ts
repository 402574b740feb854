/**
 * The Lambda runtime lifecycle table (rules/data/lambda-runtimes.json): parsed here, read from disk only by the
 * shell (readLambdaRuntimes), and handed to the enrichers, which stay pure.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/paths.js";

/** The dates AWS gives for one runtime (UTC days, `YYYY-MM-DD`). */
export interface RuntimeLifecycle {
  /** Display name, e.g. `Node.js 20`. */
  name: string;
  /** Deprecation: no more security patches (FSBP Lambda.2 fails from then). */
  deprecation: string;
  /** From this day no function can be created with the runtime; null when the source gives none. */
  blockCreate: string | null;
  /** From this day no function using the runtime can be updated; null when the source gives none. */
  blockUpdate: string | null;
}

/** The runtime table: runtime identifier → lifecycle, with where the dates come from. */
export interface LambdaRuntimes {
  /** The day the table was last checked against its source. */
  asOf: string;
  /** The page the dates come from. */
  source: string;
  runtimes: Record<string, RuntimeLifecycle>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses the table; throws an Error naming the file and JSON pointer of a bad member. */
export function parseLambdaRuntimes(json: unknown): LambdaRuntimes {
  const fail = (pointer: string, what: string): never => {
    throw new Error(`lambda-runtimes.json: ${pointer}: ${what}`);
  };
  const o = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const day = (v: unknown, pointer: string, nullable: boolean): string | null => {
    if (v === null && nullable) return null;
    if (typeof v !== "string" || !DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
      return fail(pointer, `must be a YYYY-MM-DD date${nullable ? " or null" : ""}`);
    return v;
  };
  const asOf = day(o["asOf"], "/asOf", false)!;
  const source =
    typeof o["source"] === "string" && /^https:\/\//.test(o["source"]) ? o["source"] : fail("/source", "must be an https URL");
  const table = o["runtimes"];
  if (table === null || typeof table !== "object" || Array.isArray(table)) return fail("/runtimes", "must be an object");
  const runtimes: Record<string, RuntimeLifecycle> = {};
  for (const [id, v] of Object.entries(table as Record<string, unknown>)) {
    const at = `/runtimes/${id}`;
    const e = v !== null && typeof v === "object" ? (v as Record<string, unknown>) : fail(at, "must be an object");
    runtimes[id] = {
      name: typeof e["name"] === "string" ? e["name"] : fail(`${at}/name`, "must be a string"),
      deprecation: day(e["deprecation"], `${at}/deprecation`, false)!,
      blockCreate: day(e["blockCreate"], `${at}/blockCreate`, true),
      blockUpdate: day(e["blockUpdate"], `${at}/blockUpdate`, true),
    };
  }
  return { asOf, source, runtimes };
}

/** Reads and parses the shipped table (I/O: call it from the shell, once per run, and pass the result on). */
export function readLambdaRuntimes(): LambdaRuntimes {
  const file = join(packageRoot(), "rules", "data", "lambda-runtimes.json");
  return parseLambdaRuntimes(JSON.parse(readFileSync(file, "utf8")));
}
