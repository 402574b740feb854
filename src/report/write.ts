import { join } from "node:path";
import { OutputError } from "../errors.js";
import type { ReportInput } from "../model/report.js";
import { writeFileAtomic, type WriteContent } from "../util/atomic-write.js";
import { renderHtmlChunks } from "./html.js";
import { renderJsonChunks } from "./json.js";
import { renderJunitChunks } from "./junit.js";
import { renderReport, REPORT_FILE_NAMES, type RenderOptions, type ReportFormat } from "./render.js";

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
 * Renders each format and writes it to `dir` under its fixed name (see REPORT_FILE_NAMES), creating `dir`.
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
    const path = join(dir, REPORT_FILE_NAMES[format]);
    const base = {
      ...(options.toolVersion !== undefined ? { toolVersion: options.toolVersion } : {}),
      ...(options.generatedAt !== undefined ? { generatedAt: options.generatedAt } : {}),
      ...(options.failOn !== undefined ? { failOn: options.failOn } : {}),
    };
    // The reports that grow with every finding (pass ones included) are streamed a finding at a time, never
    // built as one string; SARIF is bounded by GitHub's limits (25,000 results, 10 MB gzipped), Markdown by
    // its byte budget.
    let content: WriteContent;
    if (format === "json") content = renderJsonChunks(input, base);
    else if (format === "html") content = renderHtmlChunks(input, base);
    else if (format === "junit") content = renderJunitChunks(input, base);
    else {
      const rendered = renderReport(format, input, options);
      content = rendered.text;
      warnings.push(...rendered.warnings);
    }
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
