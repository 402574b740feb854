import type { ReportInput } from "../model/report.js";
import type { RenderOptions, ReportFormat } from "./formats.js";
import { renderFile } from "./renderers.js";
import type { Rendered } from "./sarif.js";

/**
 * Renders one report document as one string (stdout, tests). Pure: no clock, no disk, no stderr. Warnings (e.g.
 * SARIF truncation) are returned for the caller to print. Files are written piece by piece by writeReports.
 */
export function renderReport(format: ReportFormat, input: ReportInput, options: RenderOptions = {}): Rendered {
  const { content, warnings } = renderFile(format, input, options);
  return { text: typeof content === "string" ? content : [...content].join(""), warnings };
}
