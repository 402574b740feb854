/** Finding severities, most severe first. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
/** A finding or rule severity. */
export type Severity = (typeof SEVERITIES)[number];

/** Rank where a larger number is more severe (critical = 4, info = 0). */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** Type guard for severities read from files or options. */
export function isSeverity(v: unknown): v is Severity {
  return typeof v === "string" && (SEVERITIES as readonly string[]).includes(v);
}
