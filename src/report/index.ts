/** Public reporting API: pure renderers (`renderReport`), the file writer and the findings.json loader. */
export { renderReport } from "./render.js";
export {
  DEFAULT_FORMATS,
  FILE_FORMATS,
  fileFormat,
  isReportFormat,
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  type FileFormat,
  type RenderOptions,
  type ReportFormat,
} from "./formats.js";
export type { Rendered, SarifOptions } from "./sarif.js";
export type { MarkdownOptions } from "./markdown.js";
export type { ReportOptions } from "./common.js";
export type { FindingsFile } from "./json.js";
export { fromFindingsFile } from "./json.js";
export { loadFindingsFile, parseFindingsFile } from "./load.js";
export { writeReports, type WriteResult } from "./write.js";
