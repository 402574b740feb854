import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { compareFindings, probeRelation, ruleIndex, serviceOf } from "./common.js";

/** Columns of findings.csv, in order; the header row uses these names. */
export const CSV_COLUMNS = [
  "status",
  "severity",
  "rule_id",
  "title",
  "resource_name",
  "resource_arn",
  "resource_type",
  "service",
  "account",
  "region",
  "message",
  "evidence",
  "probe",
  "baseline",
  "suppression_reason",
  "suppression_expires",
  "suppression_owner",
  "compliance",
  "remediation",
] as const;

/**
 * A spreadsheet reads a cell that begins with one of these as a formula (or, for tab and CR, as the start of
 * one after its own trimming); OWASP's CSV-injection guidance lists exactly these.
 */
const FORMULA_START = /^[=+\-@\t\r\n]/;

/**
 * One CSV field: formula-injection safe (a leading `'` makes Excel, LibreOffice and Sheets take the cell as
 * text) and quoted per RFC 4180 when it holds a comma, a quote or a line break.
 */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CRLF = "\r\n";

/** Renders findings.csv: one row per finding (fixed baseline findings are not findings of this run). */
export function renderCsv(input: ReportInput): string {
  return [...renderCsvChunks(input)].join("");
}

/** findings.csv a row at a time, most severe first (the findings.json order), CRLF line ends as RFC 4180 has them. */
export function* renderCsvChunks(input: ReportInput): Generator<string> {
  const rules = ruleIndex(input.rules);
  yield CSV_COLUMNS.join(",") + CRLF;
  for (const f of [...input.findings].sort(compareFindings)) {
    const rule = rules.get(f.ruleId);
    const row: Record<(typeof CSV_COLUMNS)[number], string> = {
      status: f.status,
      severity: f.severity,
      rule_id: f.ruleId,
      title: f.title,
      resource_name: f.resourceName,
      resource_arn: f.resourceArn,
      resource_type: f.resourceType,
      service: serviceOf(f.resourceType),
      account: f.account,
      region: f.region,
      message: f.message,
      evidence: evidenceText(f),
      probe: probeRelation(f) ?? "",
      baseline: f.baseline ?? "",
      suppression_reason: f.suppression?.reason ?? "",
      suppression_expires: f.suppression?.expires ?? "",
      suppression_owner: f.suppression?.owner ?? "",
      compliance: (rule?.compliance ?? []).map((c) => `${c.framework} ${c.requirement}`).join("; "),
      remediation: rule?.remediation.text ?? "",
    };
    yield CSV_COLUMNS.map((c) => csvField(row[c])).join(",") + CRLF;
  }
}

function evidenceText(f: Finding): string {
  return f.evidence
    .map(
      (e) =>
        `${e.path || "(resource)"}: expected ${e.expected}${e.actual !== undefined ? `; found ${JSON.stringify(e.actual)}` : ""}`,
    )
    .join(" | ");
}
