/**
 * The one registry of file formats: every command that writes reports (`scan`, `probe`, `evaluate`, `merge`,
 * `report`) takes `--formats` from these names, writes each to its fixed file name in `--out`, and the help text
 * and docs list them from here. A new format is one entry in FILE_FORMATS and its renderer in renderers.ts.
 * Names, file names and descriptions only: parsing `--formats` and printing help load no reporter (#19 start-up).
 */
import type { ReportOptions } from "./common.js";
import type { MarkdownOptions } from "./markdown.js";
import type { SarifOptions } from "./sarif.js";

/** Options for every format; format-specific fields are ignored by the others. */
export type RenderOptions = ReportOptions & {
  /** SARIF limits, category and URI prefix. */
  sarif?: Omit<SarifOptions, keyof ReportOptions>;
  /** Markdown byte budget. */
  markdown?: Omit<MarkdownOptions, keyof ReportOptions>;
  /** ASFF choices (`export --format asff` sets them; `--formats asff` takes the defaults). */
  asff?: {
    /** Region for findings of global services (IAM); default the first scanned Region. */
    homeRegion?: string;
    /** Failing findings only. */
    onlyFailed?: boolean;
    /** `UpdatedAt`; default the end of the run, so the file stays deterministic and later runs are later. */
    updatedAt?: string;
  };
};

/** A rendered document: one string or pieces (written without one giant string), plus warnings for stderr. */
export interface RenderedFile {
  content: string | Iterable<string>;
  warnings: string[];
}

/** One file format Tollgate writes (its renderer is in renderers.ts, loaded only to write or print it). */
export interface FileFormat {
  /** Its name in `--formats`. */
  name: string;
  /** The file it is written to in `--out`. */
  fileName: string;
  /** What it is and who reads it (help text and docs). */
  description: string;
}

/**
 * Every file format, in the order they are written. The reports that grow with every finding (pass ones
 * included) stream a finding at a time; SARIF is bounded by GitHub's limits, Markdown by its byte budget.
 */
export const FILE_FORMATS = [
  {
    name: "json",
    fileName: "findings.json",
    description:
      "every finding with run metadata, coverage gaps, suppressions and baseline state; the input of report, merge and --baseline",
  },
  {
    name: "sarif",
    fileName: "results.sarif",
    description: "SARIF 2.1.0 with the failing findings, for GitHub code scanning",
  },
  {
    name: "html",
    fileName: "report.html",
    description: "one self-contained page for people: coverage gaps first, filters, search, evidence",
  },
  {
    name: "markdown",
    fileName: "summary.md",
    description: "counts, top failing rules, new and fixed, gaps; sized for $GITHUB_STEP_SUMMARY and PR comments",
  },
  {
    name: "junit",
    fileName: "junit.xml",
    description: "a test case per rule and resource, for CI test widgets",
  },
  {
    name: "csv",
    fileName: "findings.csv",
    description: "one row per finding (RFC 4180, formula-injection safe), for spreadsheets and ticketing imports",
  },
  {
    name: "ocsf",
    fileName: "findings.ocsf.json",
    description: "OCSF 1.2 Detection Findings (Security Lake, SIEMs); skipped checks are not sent",
  },
  {
    name: "asff",
    fileName: "findings.asff.json",
    description: "AWS Security Finding Format, as `export securityhub` would import it; skipped checks are not sent",
  },
] as const satisfies readonly FileFormat[];

/** The name of one file format. */
export type ReportFormat = (typeof FILE_FORMATS)[number]["name"];

/** Every format name, in writing order. */
export const REPORT_FORMATS: readonly ReportFormat[] = FILE_FORMATS.map((f) => f.name);

/** What `--formats` writes when not given. */
export const DEFAULT_FORMATS: readonly ReportFormat[] = ["json", "sarif", "html", "markdown", "junit"];

/** File name each format is written to. */
export const REPORT_FILE_NAMES = Object.fromEntries(FILE_FORMATS.map((f) => [f.name, f.fileName])) as Record<
  ReportFormat,
  string
>;

/** Type guard for format names read from flags and config. */
export function isReportFormat(v: unknown): v is ReportFormat {
  return typeof v === "string" && (REPORT_FORMATS as readonly string[]).includes(v);
}

/** The registry entry of a format. */
export function fileFormat(name: ReportFormat): FileFormat {
  return FILE_FORMATS.find((f) => f.name === name)!;
}
