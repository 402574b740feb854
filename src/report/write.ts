import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ReportInput } from "../model/report.js";
import { renderReport, REPORT_FILE_NAMES, type RenderOptions, type ReportFormat } from "./render.js";

/** What writeReports did. */
export interface WriteResult {
  /** Paths written, in the order of `formats`. */
  files: string[];
  /** Warnings from the renderers, for stderr. */
  warnings: string[];
}

/**
 * Renders each format and writes it to `dir` under its fixed name (see REPORT_FILE_NAMES), creating `dir`.
 * Each file is written to a temporary name and renamed, so a reader never sees half a report.
 */
export async function writeReports(
  dir: string,
  formats: readonly ReportFormat[],
  input: ReportInput,
  options: RenderOptions = {},
): Promise<WriteResult> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const warnings: string[] = [];
  for (const format of [...new Set(formats)]) {
    const { text, warnings: w } = renderReport(format, input, options);
    const path = join(dir, REPORT_FILE_NAMES[format]);
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, text, "utf8");
    await rename(tmp, path);
    files.push(path);
    warnings.push(...w);
  }
  return { files, warnings };
}
