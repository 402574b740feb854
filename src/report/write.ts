import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { renderHtmlChunks } from "./html.js";
import { renderJsonChunks } from "./json.js";
import { renderJunitChunks } from "./junit.js";
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
    const path = join(dir, REPORT_FILE_NAMES[format]);
    const tmp = `${path}.tmp-${process.pid}`;
    const base = {
      ...(options.toolVersion !== undefined ? { toolVersion: options.toolVersion } : {}),
      ...(options.generatedAt !== undefined ? { generatedAt: options.generatedAt } : {}),
    };
    // The reports that grow with every finding (pass ones included) are streamed a finding at a time, never
    // built as one string; SARIF is bounded by GitHub's limits (25,000 results, 10 MB gzipped), Markdown by
    // its byte budget.
    if (format === "json") await writeChunks(tmp, renderJsonChunks(input, base));
    else if (format === "html") await writeChunks(tmp, renderHtmlChunks(input, base));
    else if (format === "junit") await writeChunks(tmp, renderJunitChunks(input, base));
    else {
      const { text, warnings: w } = renderReport(format, input, options);
      await writeFile(tmp, text, "utf8");
      warnings.push(...w);
    }
    await rename(tmp, path);
    files.push(path);
  }
  return { files, warnings };
}

/** Writes pieces to `path` with backpressure, gathering them into buffers of about 1 MB. */
async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  const failed = once(out, "error").then(([e]) => Promise.reject(e as Error));
  failed.catch(() => undefined);
  let buf: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!out.write(buf.join(""))) await Promise.race([once(out, "drain"), failed]);
    buf = [];
    size = 0;
  };
  for (const c of chunks) {
    buf.push(c);
    size += c.length;
    if (size >= 1 << 20) await flush();
  }
  if (buf.length) await flush();
  out.end();
  await Promise.race([once(out, "finish"), failed]);
}
