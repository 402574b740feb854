import { complianceIndex } from "../engine/frameworks.js";
import type { Rule } from "../engine/rules.js";
import type { Finding } from "../model/finding.js";
import type { Framework } from "../model/framework.js";
import type { Inventory, RunSelection } from "../model/inventory.js";
import type { ReportInput } from "../model/report.js";
import type { RuleMeta } from "../model/rule-meta.js";

/** The frameworks (loaded by the setup) to cite, and the rule ids they may cite. */
export interface ComplianceSource {
  frameworks: Framework[];
  /** Every rule id the rule packs define, a profile's disabled ones included (default: the rules given). */
  knownIds?: Set<string> | undefined;
}

/** Rule metadata for reporters, with compliance references from the setup's frameworks. */
export function ruleMetas(rules: Rule[], { frameworks, knownIds }: ComplianceSource): RuleMeta[] {
  // Known ids include rules a profile disabled: a framework citing them is still a valid mapping.
  const compliance = complianceIndex(frameworks, knownIds ?? new Set(rules.map((r) => r.id)));
  return rules.map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    resourceType: r.resourceType,
    rationale: r.rationale,
    remediation: r.remediation,
    references: r.references,
    compliance: compliance.get(r.id) ?? [],
    file: r.file,
  }));
}

/** What a report input is built from: an evaluated inventory, its findings and the rules that ran. */
export interface ReportInputSource extends ComplianceSource {
  inventory: Inventory;
  findings: Finding[];
  /** The rules evaluated. */
  rules: Rule[];
  /** This run's filters, profile and config, recorded in the metadata. */
  selection?: RunSelection | undefined;
}

/** Builds the reporters' input from an evaluated inventory. */
export function reportInput({ inventory, findings, rules, selection, ...compliance }: ReportInputSource): ReportInput {
  // rulesEvaluated tells `export securityhub` which rules ran even where they produced no finding.
  const metadata = {
    ...inventory.metadata,
    rulesEvaluated: rules.map((r) => r.id).sort(),
    ...(selection ? { selection } : {}),
  };
  return { metadata, findings, rules: ruleMetas(rules, compliance), coverage: inventory.errors };
}
