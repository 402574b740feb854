import type { Severity } from "./severity.js";

/** Remediation guidance attached to a rule. */
export interface Remediation {
  /** What to do, in prose. */
  text: string;
  /** Console steps. */
  console?: string[];
  /** AWS CLI commands. */
  cli?: string;
  /** Terraform snippet. */
  terraform?: string;
}

/** The metadata of a rule that reporters need (no predicate). */
export interface RuleMeta {
  /** Stable namespaced id. */
  id: string;
  /** One-line title. */
  title: string;
  /** Default severity (after profile overrides). */
  severity: Severity;
  /** Resource type the rule evaluates. */
  resourceType: string;
  /** Why it matters. */
  rationale: string;
  /** How to fix it. */
  remediation: Remediation;
  /** Documentation links. */
  references: string[];
  /** Compliance requirements this rule maps to, e.g. `{ framework: "aws-fsbp", requirement: "IAM.3" }`. */
  compliance: { framework: string; requirement: string }[];
  /** Repository-relative path of the rule file (SARIF anchors results there). */
  file: string;
}
