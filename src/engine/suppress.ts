import type { SuppressionRule } from "../config/types.js";
import type { Finding } from "../model/finding.js";
import { globMatch } from "../util/glob.js";

/** What applying suppressions did: findings marked, plus notes on expired and stale entries. */
export interface SuppressionOutcome {
  /** The same findings; failing ones covered by a live suppression carry `suppression`. */
  findings: Finding[];
  /** Warnings: expired suppressions (they no longer apply). */
  expired: string[];
  /** Suppressions that matched no failing finding (stale: the problem is gone or the pattern is wrong). */
  stale: string[];
}

function label(s: SuppressionRule, index: number): string {
  const where = s.line !== undefined ? `line ${s.line}` : `#${index + 1}`;
  return `suppression ${where} (rule ${s.rule}${s.resource ? `, resource ${s.resource}` : ""})`;
}

/** True when the suppression's last day (UTC, inclusive) is before `now`'s day. */
export function isExpired(expires: string, now: Date): boolean {
  return now.toISOString().slice(0, 10) > expires;
}

function matches(s: SuppressionRule, f: Finding, ruleNames: string[]): boolean {
  return (
    ruleNames.some((n) => globMatch(s.rule, n)) &&
    globMatch(s.resource ?? "*", f.resourceArn) &&
    globMatch(s.account ?? "*", f.account) &&
    globMatch(s.region ?? "*", f.region)
  );
}

/**
 * Marks failing findings covered by a live suppression. Pure: `now` decides expiry. Only `fail` findings
 * are suppressible: an `error` means Tollgate could not judge, and hiding that would hide a coverage gap.
 * The first matching suppression (file order) is the one recorded on the finding.
 * `aliases` maps a rule id to its earlier ids, so suppressions written for a renamed rule keep working.
 */
export function applySuppressions(
  findings: Finding[],
  suppressions: SuppressionRule[],
  now: Date,
  aliases: Map<string, string[]> = new Map(),
): SuppressionOutcome {
  const live = suppressions.map((s, i) => ({ s, i, expired: isExpired(s.expires, now), hits: 0 }));
  const out = findings.map((f) => {
    if (f.status !== "fail") return f;
    const names = [f.ruleId, ...(aliases.get(f.ruleId) ?? [])];
    let applied: Finding | undefined;
    for (const entry of live) {
      if (!matches(entry.s, f, names)) continue;
      entry.hits++;
      if (entry.expired || applied) continue;
      applied = {
        ...f,
        suppression: {
          reason: entry.s.reason,
          expires: entry.s.expires,
          ...(entry.s.owner !== undefined ? { owner: entry.s.owner } : {}),
        },
      };
    }
    return applied ?? f;
  });
  const expired = live
    .filter((e) => e.expired)
    .map(
      (e) =>
        `${label(e.s, e.i)} expired on ${e.s.expires} and no longer applies` +
        (e.hits ? `: ${e.hits} failing finding(s) count again` : ""),
    );
  const stale = live
    .filter((e) => !e.expired && e.hits === 0)
    .map((e) => `${label(e.s, e.i)} matched no failing finding (stale)`);
  return { findings: out, expired, stale };
}
