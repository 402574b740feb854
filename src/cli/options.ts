import { InvalidArgumentError } from "commander";
import { checkRegion } from "../aws/regions.js";
import { ExitError } from "../errors.js";
import { isSeverity, type Severity } from "../model/severity.js";

/** Parses `--fail-on`. */
export function parseSeverity(v: string): Severity {
  if (!isSeverity(v) || v === "info") throw new InvalidArgumentError("must be one of critical, high, medium, low");
  return v;
}

/** Parses a comma-separated list. */
export function parseList(v: string, prev: string[] = []): string[] {
  return [
    ...prev,
    ...v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** Parses a repeatable option. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** Stdout formats. */
export const STDOUT_FORMATS = ["none", "text", "json", "sarif"] as const;
/** What `--format` prints on stdout. */
export type StdoutFormat = (typeof STDOUT_FORMATS)[number];

/** Parses `--format`. */
export function parseStdoutFormat(v: string): StdoutFormat {
  if (!(STDOUT_FORMATS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`must be one of ${STDOUT_FORMATS.join(", ")}`);
  return v as StdoutFormat;
}

/** Parses a positive number option (rates may be fractional). */
export function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
}

/** Parses a positive integer option. */
export function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

/** Parses `--format` of the catalogue and diff commands. */
export function parseTextJson(v: string): "text" | "json" {
  if (v !== "text" && v !== "json") throw new InvalidArgumentError("must be text or json");
  return v;
}

/** Parses a region option: one AWS has (a typo would otherwise fail every call made in it). */
export function parseRegion(v: string): string {
  try {
    checkRegion(v, "region");
  } catch (e) {
    if (e instanceof ExitError) throw new InvalidArgumentError(e.message.replace(/^region: /, ""));
    throw e;
  }
  return v;
}

/** Parses a comma-separated list of regions, each checked like `parseRegion`. */
export function parseRegionList(v: string, prev: string[] = []): string[] {
  return parseList(v, prev).map(parseRegion);
}
