import { renderOcsf } from "../export/ocsf.js";
import { planImport } from "../export/import-plan.js";
import type { ReportInput } from "../model/report.js";
import type { ReportOptions } from "./common.js";
import { renderCsvChunks } from "./csv.js";
import type { RenderedFile, RenderOptions, ReportFormat } from "./formats.js";
import { renderHtmlChunks } from "./html.js";
import { renderJsonChunks } from "./json.js";
import { renderJunitChunks } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarifPieces } from "./sarif.js";
import { renderSarifStream } from "./sarif-stream.js";

// The renderer of each format in the registry (formats.ts), apart from it so that parsing `--formats` and printing
// help load none of the reporters: writeReports and renderReport load this module.

/** The options every reporter shares, without the format-specific ones. */
const common = (o: RenderOptions): ReportOptions => ({
  ...(o.toolVersion !== undefined ? { toolVersion: o.toolVersion } : {}),
  ...(o.generatedAt !== undefined ? { generatedAt: o.generatedAt } : {}),
  ...(o.failOn !== undefined ? { failOn: o.failOn } : {}),
});

/** The Region ASFF findings of global services go to: the one given, else the first scanned Region. */
export function asffHomeRegion(input: Pick<ReportInput, "metadata">, explicit?: string): string {
  return explicit ?? input.metadata.regions.find((r) => r !== "global") ?? "us-east-1";
}

/** Renders one document. Pure: no clock, no disk, no stderr. */
type Render = (input: ReportInput, options: RenderOptions) => RenderedFile;

/** The SARIF renderers' options: the common ones and the SARIF limits. */
const sarifOptions = (o: RenderOptions) => ({ ...common(o), ...o.sarif });

/** Each format's renderer, keyed by its registry name (the type makes a format without one a compile error). */
const RENDERERS: Record<ReportFormat, Render> = {
  json: (input, o) => ({ content: renderJsonChunks(input, common(o)), warnings: [] }),
  sarif: (input, o) => {
    const { pieces, warnings } = renderSarifPieces(input, sarifOptions(o));
    return { content: pieces, warnings };
  },
  html: (input, o) => ({ content: renderHtmlChunks(input, common(o)), warnings: [] }),
  markdown: (input, o) => ({ content: renderMarkdown(input, { ...common(o), ...o.markdown }), warnings: [] }),
  junit: (input, o) => ({ content: renderJunitChunks(input, common(o)), warnings: [] }),
  csv: (input) => ({ content: renderCsvChunks(input), warnings: [] }),
  ocsf: (input) => ({ content: renderOcsf(input, input.rules), warnings: [] }),
  asff: (input, o) => {
    const groups = planImport(input, input.rules, {
      homeRegion: asffHomeRegion(input, o.asff?.homeRegion),
      onlyFailed: o.asff?.onlyFailed ?? false,
      updatedAt: o.asff?.updatedAt ?? input.metadata.finishedAt,
    });
    return {
      content:
        JSON.stringify(
          groups.flatMap((g) => g.findings),
          null,
          2,
        ) + "\n",
      warnings: [],
    };
  },
};

/** Renders `format` (its document as a string or pieces, and warnings for stderr). */
export function renderFile(format: ReportFormat, input: ReportInput, options: RenderOptions): RenderedFile {
  return RENDERERS[format](input, options);
}

/**
 * Renders `format` for writing to a file: renderFile's document, but a SARIF log is measured and made as it is
 * written (renderSarifStream), never held whole.
 */
export async function renderFileToWrite(format: ReportFormat, input: ReportInput, options: RenderOptions): Promise<RenderedFile> {
  if (format === "sarif") return renderSarifStream(input, sarifOptions(options));
  return renderFile(format, input, options);
}
