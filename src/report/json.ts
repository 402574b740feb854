import type { CollectionError, RunMetadata } from "../model/inventory.js";
import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import type { RuleMeta } from "../model/rule-meta.js";
import type { Severity } from "../model/severity.js";
import { stableStringify, stableStringifyChunks } from "../util/stable-json.js";
import { cmp, compareFindings, countFindings, toolVersionOf, type ReportOptions } from "./common.js";
import { FINDINGS_FORMAT_VERSION } from "./findings-schema.js";

/** The document written to `findings.json` (schema: `schemas/findings.schema.json`). */
export interface FindingsFile {
  /** Always `tollgate-findings`. */
  kind: "tollgate-findings";
  /** See FINDINGS_FORMAT_VERSION. */
  formatVersion: number;
  /** Tollgate version that wrote the file. */
  toolVersion: string;
  /** When the file was written, if the caller supplied a time. */
  generatedAt?: string;
  /** Run metadata of the scan. */
  metadata: RunMetadata;
  /** Derived counts for humans and jq (countFindings: the same numbers every report and the console show). */
  summary: {
    pass: number;
    /** Failing findings nobody accepted; suppressed ones are in `suppressed` only. */
    fail: number;
    error: number;
    /** Not checked by design (e.g. probes not sent); absent in files of earlier versions. */
    skipped?: number;
    suppressed: number;
    new?: number;
    fixed?: number;
    failBySeverity: Record<Severity, number>;
  };
  /** Rules that produced findings. */
  rules: RuleMeta[];
  /** All findings, pass and error included. */
  findings: Finding[];
  /** Baseline findings not seen in this run (only when a baseline was used). */
  fixed?: Finding[];
  /** Collection errors. */
  coverage: CollectionError[];
  /** Stale or expired suppressions. */
  suppressionNotes?: string[];
}

// Readers see identity first; everything else is alphabetical via stableStringify.
const LEADING_KEYS = ["kind", "formatVersion", "toolVersion", "ruleId", "id", "resourceArn", "status"] as const;

/** Builds the findings document with every array in a canonical order. */
export function toFindingsFile(input: ReportInput, options: ReportOptions = {}): FindingsFile {
  const counts = countFindings(input);
  const baselineUsed = input.fixed !== undefined;
  return {
    kind: "tollgate-findings",
    formatVersion: FINDINGS_FORMAT_VERSION,
    toolVersion: toolVersionOf(input, options),
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
    metadata: input.metadata,
    summary: {
      pass: counts.byStatus.pass,
      fail: counts.byStatus.fail,
      error: counts.byStatus.error,
      skipped: counts.byStatus.skipped,
      suppressed: counts.suppressed,
      ...(baselineUsed ? { new: counts.newCount, fixed: counts.fixedCount } : {}),
      failBySeverity: counts.failBySeverity,
    },
    rules: [...input.rules].sort((a, b) => cmp(a.id, b.id)),
    findings: [...input.findings].sort(compareFindings),
    ...(baselineUsed ? { fixed: [...(input.fixed ?? [])].sort(compareFindings) } : {}),
    coverage: [...input.coverage].sort(
      (a, b) =>
        cmp(a.account, b.account) ||
        cmp(a.region, b.region) ||
        cmp(a.service, b.service) ||
        cmp(a.operation, b.operation) ||
        cmp(a.resourceArn ?? "", b.resourceArn ?? ""),
    ),
    ...(input.suppressionNotes ? { suppressionNotes: [...input.suppressionNotes] } : {}),
  };
}

/** Renders `findings.json`: deterministic (sorted arrays, fixed key order), newline-terminated. */
export function renderJson(input: ReportInput, options: ReportOptions = {}): string {
  return stableStringify(toFindingsFile(input, options), { leadingKeys: LEADING_KEYS }) + "\n";
}

/** `findings.json` in pieces (finding by finding), byte-identical to renderJson, for writing large runs without one giant string. */
export function* renderJsonChunks(input: ReportInput, options: ReportOptions = {}): Generator<string> {
  yield* stableStringifyChunks(toFindingsFile(input, options), { leadingKeys: LEADING_KEYS });
  yield "\n";
}

/** Turns a loaded findings file back into reporter input (for `tollgate report --from`). */
export function fromFindingsFile(file: FindingsFile): ReportInput {
  return {
    metadata: file.metadata,
    findings: file.findings,
    rules: file.rules,
    coverage: file.coverage,
    ...(file.fixed ? { fixed: file.fixed } : {}),
    ...(file.suppressionNotes ? { suppressionNotes: file.suppressionNotes } : {}),
  };
}
