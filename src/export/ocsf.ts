import type { Finding } from "../model/finding.js";
import type { RunMetadata } from "../model/inventory.js";
import type { RuleMeta } from "../model/rule-meta.js";
import type { Severity } from "../model/severity.js";
import { asffId, fallbackRule } from "./asff.js";

/** OCSF schema version the output follows. */
export const OCSF_VERSION = "1.2.0";

// OCSF 1.2.0 severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
const SEVERITY: Record<Severity, { id: number; name: string }> = {
  info: { id: 1, name: "Informational" },
  low: { id: 2, name: "Low" },
  medium: { id: 3, name: "Medium" },
  high: { id: 4, name: "High" },
  critical: { id: 5, name: "Critical" },
};

/** One OCSF Detection Finding (class 2004), as Prowler's json-ocsf output writes them. */
export type OcsfDetectionFinding = Record<string, unknown>;

/** Maps one finding to an OCSF 1.2 Detection Finding (pure). */
export function toOcsf(
  f: Finding,
  rule: RuleMeta,
  metadata: Pick<RunMetadata, "toolVersion" | "collectedAt" | "partition">,
): OcsfDetectionFinding {
  const time = Date.parse(metadata.collectedAt);
  const sev = SEVERITY[f.severity];
  return {
    activity_id: 1,
    activity_name: "Create",
    category_uid: 2,
    category_name: "Findings",
    class_uid: 2004,
    class_name: "Detection Finding",
    type_uid: 200401,
    type_name: "Detection Finding: Create",
    time,
    time_dt: metadata.collectedAt,
    severity_id: sev.id,
    severity: sev.name,
    // status_id: 1 New, 3 Suppressed (OCSF finding status); the verdict itself is in status_code.
    status_id: f.suppression ? 3 : 1,
    status: f.suppression ? "Suppressed" : "New",
    status_code: f.status === "pass" ? "PASS" : f.status === "fail" ? "FAIL" : "ERROR",
    status_detail: f.message,
    message: f.message,
    finding_info: {
      // The same stable uid as the ASFF Id, so both outputs name a finding the same way.
      uid: asffId(f),
      title: f.title || rule.title || f.ruleId,
      desc: rule.rationale || f.message || f.title,
      types: [f.ruleId.split(".").slice(0, 2).join(".")],
      created_time: time,
      created_time_dt: metadata.collectedAt,
    },
    resources: [
      {
        uid: f.resourceArn,
        name: f.resourceName || f.resourceArn,
        type: f.resourceType,
        region: f.region,
        cloud_partition: metadata.partition,
        group: { name: f.resourceType.split(".")[1] ?? "" },
      },
    ],
    cloud: { account: { uid: f.account, type: "AWS Account", type_id: 10 }, provider: "AWS", region: f.region },
    metadata: {
      version: OCSF_VERSION,
      event_code: f.ruleId,
      product: { name: "Tollgate", vendor_name: "Tollgate", version: metadata.toolVersion, uid: "tollgate" },
      profiles: ["cloud", "datetime"],
    },
    remediation: {
      desc: rule.remediation.text || `See the documentation of ${rule.id}.`,
      references: rule.references.filter(Boolean),
    },
    unmapped: {
      compliance: Object.fromEntries(
        [...new Set(rule.compliance.map((c) => c.framework))].map((fw) => [
          fw,
          rule.compliance.filter((c) => c.framework === fw).map((c) => c.requirement),
        ]),
      ),
      evidence: f.evidence,
      ...(f.suppression ? { suppression: f.suppression } : {}),
    },
  };
}

/**
 * The OCSF document: a JSON array of Detection Findings, one per finding in input order, except `skipped` ones:
 * a check not made by design detected nothing, so no Detection Finding describes it.
 */
export function renderOcsf(input: { metadata: RunMetadata; findings: Finding[] }, rules: RuleMeta[]): string {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const out = input.findings
    .filter((f) => f.status !== "skipped")
    .map((f) => toOcsf(f, byId.get(f.ruleId) ?? fallbackRule(f), input.metadata));
  return JSON.stringify(out, null, 2) + "\n";
}
