/** Public reporting API: pure renderers (`renderReport`), the file writer and the findings.json loader. */
export {
  isReportFormat,
  renderReport,
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  type RenderOptions,
  type ReportFormat,
} from "./render.js";
export type { Rendered, SarifOptions } from "./sarif.js";
export type { MarkdownOptions } from "./markdown.js";
export type { ReportOptions } from "./common.js";
export type { FindingsFile } from "./json.js";
export { fromFindingsFile } from "./json.js";
export { loadFindingsFile, parseFindingsFile } from "./load.js";
export { writeReports, type WriteResult } from "./write.js";
