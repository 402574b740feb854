// The rule file format, as data. The loader validates with this object; rules/schema/rule.schema.json is
// generated from it (`npm run schemas`) for editors, and a test fails when the two drift apart.

import { PROBE_CHECKS } from "../probe/types.js";

const ID_PATTERN = "^aws\\.[a-z0-9]+\\.[a-z0-9-]+\\.[a-z0-9-]+$";

/** JSON Schema of a rule file. */
export const RULE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://tollgate.dev/schemas/rule.json",
  title: "Tollgate rule",
  description:
    "One declarative rule: a resource type, an optional match schema, an assert schema the resource must satisfy, and metadata. Besides standard JSON Schema, match/assert may use the custom keywords globAny (string matches one of the globs) and arnMatches (string is an ARN matching a component-wise glob).",
  type: "object",
  required: ["id", "title", "severity", "resourceType", "assert", "message", "rationale", "remediation", "references"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    id: { type: "string", description: "Stable namespaced id: aws.<service>.<resource>.<check>", pattern: ID_PATTERN },
    aliases: {
      type: "array",
      items: { type: "string", pattern: ID_PATTERN },
      uniqueItems: true,
      description: "Earlier ids of a renamed rule; profiles, suppressions and baselines may still use them.",
    },
    title: { type: "string", minLength: 5, maxLength: 200 },
    severity: { enum: ["critical", "high", "medium", "low", "info"] },
    resourceType: { type: "string", pattern: "^aws\\.[a-z0-9]+\\.[a-z0-9-]+$" },
    severityFrom: {
      type: "string",
      pattern: "^(/[^/]+)+$",
      description:
        "JSON pointer to a severity in the resource: a failing finding takes it when it is at most the rule's severity (the rule's severity, which a profile may lower, is the ceiling). For rules whose risk varies per resource, such as exposure paths.",
    },
    missingReasonFrom: {
      type: "string",
      pattern: "^(/[^/]+)+$",
      description:
        "JSON pointer to a string in the resource saying, in words, why data the rule requires is missing (the call that failed, the resource out of reach). An error finding quotes it next to the pointers it could not read. For derived resources whose facts join others, such as exposure paths.",
    },
    probeCheck: {
      enum: [...PROBE_CHECKS],
      description:
        "The live probe check this rule is about: for a probe rule, the check whose outcome it judges; for a configuration rule, the check whose outcome confirms or contradicts its verdict (the correlator joins them).",
    },
    parameters: {
      type: "object",
      description: "JSON Schema of the rule's parameters; every property needs a default and a description.",
      required: ["type", "properties"],
      additionalProperties: false,
      properties: {
        type: { const: "object" },
        properties: {
          type: "object",
          propertyNames: { pattern: "^[a-zA-Z][a-zA-Z0-9]*$" },
          additionalProperties: { type: "object", required: ["default", "description"] },
        },
      },
    },
    requires: {
      type: "array",
      description:
        "JSON pointers into the resource that must hold a collected (non-null) value; otherwise the rule reports error.",
      items: { type: "string", pattern: "^(/[^/]+)+$" },
    },
    match: { type: "object", description: "JSON Schema selecting the resources the rule applies to." },
    assert: {
      type: "object",
      description: 'JSON Schema a compliant resource satisfies. { "$param": name } nodes are replaced by parameter values.',
    },
    message: {
      type: "string",
      minLength: 1,
      description: "Failure message template: {{path.to.field}} over the resource, {{params.name}} over parameters.",
    },
    passMessage: { type: "string", minLength: 1 },
    rationale: { type: "string", minLength: 1 },
    remediation: {
      type: "object",
      required: ["text"],
      additionalProperties: false,
      properties: {
        text: { type: "string", minLength: 1 },
        console: { type: "array", items: { type: "string" } },
        cli: { type: "string" },
        terraform: { type: "string" },
      },
    },
    references: { type: "array", minItems: 1, items: { type: "string", format: "uri" } },
  },
} as const;
