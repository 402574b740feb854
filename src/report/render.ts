import type { ReportInput } from "../model/report.js";
import type { ReportOptions } from "./common.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown, type MarkdownOptions } from "./markdown.js";
import { renderSarif, type Rendered, type SarifOptions } from "./sarif.js";

/** Report formats Tollgate writes. */
export const REPORT_FORMATS = ["json", "sarif", "html", "markdown", "junit"] as const;
/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File name each format is written to by writeReports. */
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  json: "findings.json",
  sarif: "results.sarif",
  html: "report.html",
  markdown: "summary.md",
  junit: "junit.xml",
};

/** Options for every format; format-specific fields are ignored by the others. */
export type RenderOptions = ReportOptions & {
  /** SARIF limits, category and URI prefix. */
  sarif?: Omit<SarifOptions, keyof ReportOptions>;
  /** Markdown byte budget. */
  markdown?: Omit<MarkdownOptions, keyof ReportOptions>;
};

/** Type guard for format names read from flags. */
export function isReportFormat(v: unknown): v is ReportFormat {
  return typeof v === "string" && (REPORT_FORMATS as readonly string[]).includes(v);
}

/**
 * Renders one report document. Pure: no clock, no disk, no stderr. Warnings (e.g. SARIF truncation) are
 * returned for the caller to print.
 */
export function renderReport(format: ReportFormat, input: ReportInput, options: RenderOptions = {}): Rendered {
  const base: ReportOptions = {
    ...(options.toolVersion !== undefined ? { toolVersion: options.toolVersion } : {}),
    ...(options.generatedAt !== undefined ? { generatedAt: options.generatedAt } : {}),
    ...(options.failOn !== undefined ? { failOn: options.failOn } : {}),
  };
  switch (format) {
    case "sarif":
      return renderSarif(input, { ...base, ...options.sarif });
    case "json":
      return { text: renderJson(input, base), warnings: [] };
    case "html":
      return { text: renderHtml(input, base), warnings: [] };
    case "markdown":
      return { text: renderMarkdown(input, { ...base, ...options.markdown }), warnings: [] };
    case "junit":
      return { text: renderJunit(input, base), warnings: [] };
  }
}
