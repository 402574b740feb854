// First-cut reporters (findings.json and a minimal valid SARIF); the full reporters replace these.
import { createHash } from "node:crypto";
import type { ReportInput } from "../model/report.js";
import { stableStringify } from "../util/stable-json.js";

/** findings.json: findings, run metadata and coverage gaps, deterministic. */
export function renderFindingsJson(input: ReportInput): string {
  return (
    stableStringify({
      kind: "tollgate-findings",
      formatVersion: 1,
      metadata: input.metadata,
      findings: input.findings,
      coverage: input.coverage,
    }) + "\n"
  );
}

const LEVEL = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" } as const;
const SCORE = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "0.0" } as const;

/** A minimal SARIF 2.1.0 log: one run, failing findings only, anchored to the rule file. */
export function renderBasicSarif(input: ReportInput): string {
  const rules = [...input.rules].sort((a, b) => (a.id < b.id ? -1 : 1));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = input.findings
    .filter((f) => f.status === "fail")
    .map((f) => {
      const rule = rules[index.get(f.ruleId) ?? 0];
      return {
        ruleId: f.ruleId,
        ruleIndex: index.get(f.ruleId),
        level: LEVEL[f.severity],
        message: { text: `${f.message} [${f.resourceArn}]` },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: rule?.file ?? "rules" }, region: { startLine: 1 } },
            logicalLocations: [{ kind: "resource", name: f.resourceName, fullyQualifiedName: f.resourceArn }],
          },
        ],
        partialFingerprints: {
          primaryLocationLineHash: createHash("sha256")
            .update(`${f.ruleId}|${f.account}|${f.region}|${f.resourceArn}`)
            .digest("hex"),
        },
      };
    });
  return (
    JSON.stringify(
      {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
          {
            tool: {
              driver: {
                name: "Tollgate",
                version: input.metadata.toolVersion,
                rules: rules.map((r) => ({
                  id: r.id,
                  shortDescription: { text: r.title },
                  fullDescription: { text: r.rationale },
                  help: { text: r.remediation.text },
                  defaultConfiguration: { level: LEVEL[r.severity] },
                  properties: { tags: ["security"], "security-severity": SCORE[r.severity] },
                })),
              },
            },
            automationDetails: { id: `tollgate/${input.metadata.accounts.join("+")}/` },
            results,
          },
        ],
      },
      null,
      2,
    ) + "\n"
  );
}
