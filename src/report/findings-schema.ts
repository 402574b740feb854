/** Version of the findings.json format; bump on incompatible change (readers reject other versions). */
export const FINDINGS_FORMAT_VERSION = 1;

const str = { type: "string" } as const;
const nonEmpty = { type: "string", minLength: 1 } as const;
// Security Hub and every AWS API need a real 12-digit account id.
const accountId = { type: "string", pattern: "^[0-9]{12}$" } as const;
const severity = { enum: ["critical", "high", "medium", "low", "info"] } as const;

/** `metadata.selection`: the filters, rule profile and config file that produced the results. */
export const SELECTION_SCHEMA = {
  type: "object",
  description:
    "The filters (--services, --rules, --exclude-rules, --severity, --framework), rule profile and config file of the run.",
  additionalProperties: false,
  properties: {
    services: { type: "array", items: str },
    rules: { type: "array", items: str },
    excludeRules: { type: "array", items: str },
    severity,
    framework: str,
    profile: str,
    config: str,
  },
} as const;

const finding = {
  type: "object",
  description: "A rule's verdict on one resource.",
  required: [
    "ruleId",
    "resourceArn",
    "resourceType",
    "resourceName",
    "account",
    "region",
    "status",
    "severity",
    "title",
    "message",
    "evidence",
  ],
  additionalProperties: false,
  properties: {
    ruleId: nonEmpty,
    resourceArn: nonEmpty,
    resourceType: nonEmpty,
    resourceName: str,
    account: accountId,
    region: str,
    status: { enum: ["pass", "fail", "error", "skipped"] },
    severity,
    title: str,
    message: str,
    evidence: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "expected"],
        additionalProperties: false,
        properties: { path: str, actual: {}, expected: str },
      },
    },
    suppression: {
      type: "object",
      required: ["reason", "expires"],
      additionalProperties: false,
      properties: { reason: nonEmpty, expires: str, owner: str },
    },
    baseline: { enum: ["new", "unchanged", "fixed"] },
    probe: { description: "Live probe evidence (requests sent, responses seen)." },
  },
} as const;

/**
 * JSON Schema (draft-07) of `findings.json`. The checked-in `schemas/findings.schema.json` must equal this
 * (a test enforces it), so editors and other tools validate the same thing the loader does.
 */
export const FINDINGS_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Tollgate findings file",
  description: "Every finding of one Tollgate run, with run metadata, rules, coverage gaps and baseline state.",
  type: "object",
  required: ["kind", "formatVersion", "toolVersion", "metadata", "summary", "rules", "findings", "coverage"],
  additionalProperties: false,
  definitions: { finding },
  properties: {
    kind: { const: "tollgate-findings" },
    formatVersion: { const: FINDINGS_FORMAT_VERSION },
    toolVersion: nonEmpty,
    generatedAt: { type: "string", format: "date-time" },
    metadata: {
      type: "object",
      required: ["toolVersion", "collectedAt", "finishedAt", "partition", "accounts", "regions", "services", "complete"],
      additionalProperties: false,
      properties: {
        toolVersion: str,
        collectedAt: { type: "string", format: "date-time" },
        finishedAt: { type: "string", format: "date-time" },
        partition: nonEmpty,
        accounts: { type: "array", items: accountId },
        regions: { type: "array", items: str },
        services: { type: "array", items: str },
        complete: { type: "boolean" },
        callers: { type: "object", additionalProperties: str },
        rulesEvaluated: { type: "array", items: str },
        shard: {
          type: "object",
          required: ["index", "count"],
          additionalProperties: false,
          properties: { index: { type: "integer", minimum: 1 }, count: { type: "integer", minimum: 1 } },
        },
        units: {
          type: "array",
          items: {
            type: "object",
            required: ["account", "region"],
            additionalProperties: false,
            properties: { account: str, region: str },
          },
        },
        merged: {
          type: "object",
          required: ["count", "shards", "missing"],
          additionalProperties: false,
          properties: {
            count: { type: "integer", minimum: 1 },
            shards: { type: "array", items: { type: "integer" } },
            missing: { type: "array", items: { type: "integer" } },
          },
        },
        selection: SELECTION_SCHEMA,
      },
    },
    summary: {
      type: "object",
      description:
        "Derived counts for quick reading (jq), the same the console, summary.md and report.html show. pass, fail, error, skipped and suppressed partition the findings: `fail` and `failBySeverity` count failing findings nobody accepted, `suppressed` the accepted ones; `skipped` counts checks not made by design (probes not sent).",
      required: ["pass", "fail", "error", "suppressed", "failBySeverity"],
      additionalProperties: false,
      properties: {
        pass: { type: "integer", minimum: 0 },
        fail: { type: "integer", minimum: 0 },
        error: { type: "integer", minimum: 0 },
        skipped: { type: "integer", minimum: 0 },
        suppressed: { type: "integer", minimum: 0 },
        new: { type: "integer", minimum: 0 },
        fixed: { type: "integer", minimum: 0 },
        failBySeverity: {
          type: "object",
          required: ["critical", "high", "medium", "low", "info"],
          additionalProperties: false,
          properties: Object.fromEntries(
            ["critical", "high", "medium", "low", "info"].map((s) => [s, { type: "integer", minimum: 0 }]),
          ),
        },
      },
    },
    rules: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "title", "severity", "resourceType", "rationale", "remediation", "references", "compliance", "file"],
        additionalProperties: false,
        properties: {
          id: nonEmpty,
          title: str,
          severity,
          resourceType: str,
          rationale: str,
          remediation: {
            type: "object",
            required: ["text"],
            additionalProperties: false,
            properties: {
              text: str,
              console: { type: "array", items: str },
              cli: str,
              terraform: str,
            },
          },
          references: { type: "array", items: str },
          compliance: {
            type: "array",
            items: {
              type: "object",
              required: ["framework", "requirement"],
              additionalProperties: false,
              properties: { framework: str, requirement: str },
            },
          },
          file: nonEmpty,
        },
      },
    },
    findings: { type: "array", items: { $ref: "#/definitions/finding" } },
    fixed: {
      type: "array",
      description: "Present when a baseline was given: baseline findings absent from this run.",
      items: { $ref: "#/definitions/finding" },
    },
    coverage: {
      type: "array",
      description: "Collection errors: what could not be read, so no verdict is implied for it.",
      items: {
        type: "object",
        required: ["account", "region", "service", "operation", "errorName", "message"],
        additionalProperties: false,
        properties: {
          account: str,
          region: str,
          service: str,
          operation: str,
          errorName: str,
          httpStatus: { type: "integer" },
          message: str,
          resourceArn: str,
        },
      },
    },
    suppressionNotes: { type: "array", items: str },
  },
} as const;
