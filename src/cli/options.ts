import { InvalidArgumentError } from "commander";
import { checkRegion } from "../aws/regions.js";
import type { ScanSettingsFile } from "../collect/tuning.js";
import { scanSettingProblem } from "../config/scan-settings.js";
import { ExitError, InputError } from "../errors.js";
import { CONSOLE_FORMATS, ON_INCOMPLETE, type ConsoleFormat, type OnIncomplete } from "../model/output.js";
import { isSeverity, type Severity } from "../model/severity.js";
import type { FailOn } from "../report/common.js";
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from "../report/formats.js";

/** A severity as users write it: `informational` is accepted for `info` (Prowler and Security Hub spell it so). */
function severityWord(v: string): Severity | undefined {
  const s = v.trim().toLowerCase();
  const w = s === "informational" ? "info" : s;
  return isSeverity(w) ? w : undefined;
}

/** Parses `diff --fail-on`: a severity at which new failures gate. */
export function parseSeverity(v: string): Severity {
  const s = severityWord(v);
  if (!s) throw new InvalidArgumentError("must be one of critical, high, medium, low, informational");
  return s;
}

/** Parses `--fail-on`: a severity, or `none` (report-only: exit 0 unless bad input or an internal error). */
export function parseFailOn(v: string): FailOn {
  if (v.trim().toLowerCase() === "none") return "none";
  const s = severityWord(v);
  if (!s) throw new InvalidArgumentError("must be one of critical, high, medium, low, informational, none");
  return s;
}

/** Parses `--on-incomplete`. */
export function parseOnIncomplete(v: string): OnIncomplete {
  if (!(ON_INCOMPLETE as readonly string[]).includes(v))
    throw new InvalidArgumentError(`must be one of ${ON_INCOMPLETE.join(", ")}`);
  return v as OnIncomplete;
}

/** Parses `--formats`: a comma-separated list of registry format names (src/report/formats.ts). */
export function parseFormats(v: string): ReportFormat[] {
  const list = [...new Set(parseList(v))];
  const bad = list.filter((f) => !isReportFormat(f));
  if (bad.length || !list.length)
    throw new InvalidArgumentError(
      `${bad.length ? `unknown format ${bad.join(", ")}; ` : ""}must be a comma-separated list of ${REPORT_FORMATS.join(", ")}`,
    );
  return list as ReportFormat[];
}

/**
 * The `--format` that `scan`, `probe`, `evaluate`, `merge` and `report` no longer take: refused (exit 2) with what
 * replaced it, rather than read with its old meaning.
 */
export function refuseOldFormat(v: string): never {
  throw new InputError(
    `--format ${v}: this option was split in two: --formats ${REPORT_FORMATS.join(",")} chooses the files written into --out, ` +
      `--console ${CONSOLE_FORMATS.join("|")} what is printed on stdout`,
  );
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

/** Parses `--console`. */
export function parseConsole(v: string): ConsoleFormat {
  if (!(CONSOLE_FORMATS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`must be one of ${CONSOLE_FORMATS.join(", ")}`);
  return v as ConsoleFormat;
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

/**
 * An option parser for a scan setting (`--regions`, `--role-name`, `--max-attempts`, …): converts the text (a
 * comma-separated list, a number) and refuses a bad value with the words the config file's `scan` section gets for
 * it, from the one validator of scan settings (src/config/scan-settings.ts).
 */
export function scanSettingParser<K extends keyof ScanSettingsFile>(
  key: K,
  kind: "text" | "number" | "list" = "text",
): (v: string, prev?: unknown) => NonNullable<ScanSettingsFile[K]> {
  return (v, prev) => {
    const value = kind === "number" ? Number(v) : kind === "list" ? parseList(v, Array.isArray(prev) ? prev : []) : v;
    const problem = scanSettingProblem(key, value);
    if (problem) throw new InvalidArgumentError(problem);
    return value as NonNullable<ScanSettingsFile[K]>;
  };
}
