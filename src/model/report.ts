import type { Framework } from "./framework.js";
import type { CollectionError, RunMetadata } from "./inventory.js";
import type { Finding } from "./finding.js";
import type { RuleMeta } from "./rule-meta.js";

/** Everything a reporter needs: pure data, no I/O handles, no credentials. */
export interface ReportInput {
  /** Run metadata from the inventory. */
  metadata: RunMetadata;
  /** All findings (pass, fail, error), suppressed ones included and marked. */
  findings: Finding[];
  /** Metadata for every rule that produced a finding. */
  rules: RuleMeta[];
  /** Collection errors: the coverage gaps. */
  coverage: CollectionError[];
  /** Findings present in the baseline but absent now (fixed), when a baseline was given. */
  fixed?: Finding[];
  /** Stale suppressions (matched nothing) and expired ones, for the record. */
  suppressionNotes?: string[];
  /** The compliance frameworks to score the findings against (report.html's framework view); none when absent. */
  frameworks?: Framework[];
}
