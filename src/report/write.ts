import { join } from "node:path";
import { OutputError } from "../errors.js";
import type { ReportInput } from "../model/report.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { fileFormat, type RenderOptions, type ReportFormat } from "./formats.js";
import { renderFileToWrite } from "./renderers.js";

/** What writeReports did. */
export interface WriteResult {
  /** Paths written, in the order of `formats`. */
  files: string[];
  /** Warnings from the renderers, for stderr. */
  warnings: string[];
  /** Files that could not be written (disk full, permission); the others were still written. */
  failures: OutputError[];
}

/**
 * Renders each format and writes it to `dir` under its registry file name (formats.ts), creating `dir`.
 * Every file is written atomically (util/atomic-write), so a reader never sees half a report. A file that cannot
 * be written does not stop the others: its failure is returned in `failures`.
 */
export async function writeReports(
  dir: string,
  formats: readonly ReportFormat[],
  input: ReportInput,
  options: RenderOptions = {},
): Promise<WriteResult> {
  const files: string[] = [];
  const warnings: string[] = [];
  const failures: OutputError[] = [];
  for (const format of [...new Set(formats)]) {
    const path = join(dir, fileFormat(format).fileName);
    const { content, warnings: w } = await renderFileToWrite(format, input, options);
    warnings.push(...w);
    try {
      await writeFileAtomic(path, content);
      files.push(path);
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      failures.push(e);
    }
  }
  return { files, warnings, failures };
}
