import type { FindingsFile } from "../report/json.js";
import { loadFindingsFile } from "../report/load.js";

/** What the exporters read from findings.json: run metadata, findings and coverage gaps. */
export type ExportInput = Pick<FindingsFile, "metadata" | "findings" | "coverage">;

/** Reads findings.json through the reporters' validating loader (errors name the file and JSON pointer, exit 2). */
export async function loadExportInput(path: string): Promise<ExportInput> {
  const file = await loadFindingsFile(path);
  return { metadata: file.metadata, findings: file.findings, coverage: file.coverage };
}
