/** The 22 documented credential-report columns, in order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "password_last_used",
  "password_last_changed",
  "password_next_rotation",
  "mfa_active",
  "access_key_1_active",
  "access_key_1_last_rotated",
  "access_key_1_last_used_date",
  "access_key_1_last_used_region",
  "access_key_1_last_used_service",
  "access_key_2_active",
  "access_key_2_last_rotated",
  "access_key_2_last_used_date",
  "access_key_2_last_used_region",
  "access_key_2_last_used_service",
  "cert_1_active",
  "cert_1_last_rotated",
  "cert_2_active",
  "cert_2_last_rotated",
] as const;

/** One credential-report row, keyed by column name, values as written (N/A, no_information, …). */
export type CredentialReportRow = Record<(typeof CREDENTIAL_REPORT_COLUMNS)[number], string>;

/** Splits one CSV line, honouring double quotes (IAM names may contain commas). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Result of parsing a report: good rows, and lines that could not be read (never silently dropped). */
export interface ParsedCredentialReport {
  rows: CredentialReportRow[];
  problems: { line: number; message: string }[];
}

/** Parses the credential report CSV; checks the header names the documented columns. */
export function parseCredentialReport(csv: string): ParsedCredentialReport {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0] ?? "");
  const problems: { line: number; message: string }[] = [];
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = CREDENTIAL_REPORT_COLUMNS.filter((c) => !index.has(c));
  if (missing.length) {
    return { rows: [], problems: [{ line: 1, message: `credential report header lacks columns: ${missing.join(", ")}` }] };
  }
  const rows: CredentialReportRow[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      problems.push({ line: i + 2, message: `expected ${header.length} columns, found ${cells.length}` });
      return;
    }
    const row = {} as CredentialReportRow;
    for (const c of CREDENTIAL_REPORT_COLUMNS) row[c] = cells[index.get(c)!] ?? "";
    rows.push(row);
  });
  return { rows, problems };
}
