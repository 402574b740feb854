// The parts of a SARIF run beside its results: the rules it anchors them to and the notifications it carries.
import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import type { RuleMeta } from "../model/rule-meta.js";
import { cmp } from "./common.js";

/**
 * The known rules plus a placeholder for each failing finding's rule without metadata: every result needs a rule with
 * a file to anchor to; a missing one is an engine bug, but losing the finding would be worse.
 */
export function withPlaceholderRules(
  known: ReadonlyMap<string, RuleMeta>,
  failing: readonly Finding[],
  warnings: string[],
): Map<string, RuleMeta> {
  const rules = new Map<string, RuleMeta>(known);
  for (const f of failing) {
    if (!rules.has(f.ruleId)) {
      warnings.push(`SARIF: no rule metadata for ${f.ruleId}; its results are anchored to "rules".`);
      rules.set(f.ruleId, {
        id: f.ruleId,
        title: f.title,
        severity: f.severity,
        resourceType: f.resourceType,
        rationale: f.title,
        remediation: { text: "See the rule documentation." },
        references: [],
        compliance: [],
        file: "rules",
      });
    }
  }
  return rules;
}

/** The run's notifications: truncation, then the coverage gaps (at most 100 listed). */
export function runNotifications(
  input: ReportInput,
  n: { kept: number; failing: number; maxResults: number; maxGzip: number },
): Record<string, unknown>[] {
  const { kept, maxResults, maxGzip } = n;
  const truncated = kept < n.failing;
  const notifications: Record<string, unknown>[] = [];
  if (truncated) {
    notifications.push({
      level: "warning",
      descriptor: { id: "tollgate.sarif.truncated" },
      message: {
        text: `SARIF truncated: ${kept} of ${n.failing} failing results kept (most severe first) to stay within GitHub limits (${maxResults} results, ${maxGzip} gzipped bytes). See findings.json or report.html for all results.`,
      },
    });
  }
  // Coverage gaps are not results (there is nothing to alert on), but hiding them would let a denied
  // read look like a clean account; notifications show in the SARIF viewer and the upload log.
  const gaps = [...input.coverage].sort(
    (a, b) => cmp(a.account, b.account) || cmp(a.region, b.region) || cmp(a.operation, b.operation),
  );
  for (const e of gaps.slice(0, 100)) {
    notifications.push({
      level: "warning",
      descriptor: { id: "tollgate.coverage-gap" },
      message: {
        text: `Coverage gap: ${e.service}:${e.operation} failed in account ${e.account}, region ${e.region}: ${e.errorName}${e.httpStatus !== undefined ? ` (HTTP ${e.httpStatus})` : ""}. ${e.message}`,
      },
    });
  }
  if (gaps.length > 100) {
    notifications.push({
      level: "warning",
      descriptor: { id: "tollgate.coverage-gap" },
      message: { text: `${gaps.length - 100} more coverage gaps; see findings.json.` },
    });
  }
  return notifications;
}
