import type { ScanSettingsFile } from "../collect/tuning.js";
import type { RuleFilters } from "../engine/selection.js";

/** One suppression as written in the config file. */
export interface SuppressionRule {
  /** Rule id, alias or glob. */
  rule: string;
  /** Resource ARN or glob (absent: every resource). */
  resource?: string;
  /** Account id or glob. */
  account?: string;
  /** Region or glob. */
  region?: string;
  /** Why the finding is accepted. */
  reason: string;
  /** Last day it applies, YYYY-MM-DD (UTC). */
  expires: string;
  /** Who owns the decision. */
  owner?: string;
  /** 1-based line of the entry in the config file, for messages. */
  line?: number;
}

/** The `scan` section: the scan engine's own settings type, so the two cannot drift. */
export type ScanConfig = ScanSettingsFile;

/** A loaded, validated config file. */
export interface TollgateConfig {
  /** Path it was read from, or undefined when no config file was found. */
  file?: string;
  /** Rule profile name or path. */
  profile?: string;
  /** Suppressions, in file order. */
  suppressions: SuppressionRule[];
  /** Scan settings (empty when absent). */
  scan: ScanConfig;
  /** The `filters` section (empty when absent); `informational` is already read as `info`. */
  filters?: RuleFilters;
  /** 1-based line of each filter in the config file, for messages. */
  filterLines?: Partial<Record<keyof RuleFilters, number>>;
}
