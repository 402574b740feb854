import type { Severity } from "./severity.js";
import type { JsonValue } from "./json.js";

/**
 * Result of one rule on one resource (or scope). `error`: the rule was meant to judge and could not (a failed
 * call, a probe that did not conclude): a coverage gap. `skipped`: deliberately not judged (an unsafe method
 * not probed without opt-in, a private or WebSocket API), with the reason in `message`: never a gap.
 */
export const FINDING_STATUSES = ["pass", "fail", "error", "skipped"] as const;
/** pass | fail | error | skipped. */
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** One piece of evidence: where in the resource, what was found, why it failed. */
export interface Evidence {
  /** JSON pointer into the resource (e.g. `/derived/accessKeys/0/ageDays`), or `` for the whole resource. */
  path: string;
  /** The value found there, if any. */
  actual?: JsonValue;
  /** What was expected, in words. */
  expected: string;
}

/** How a suppression applied to a finding. */
export interface SuppressionState {
  /** Why the finding is accepted. */
  reason: string;
  /** ISO date after which the suppression stops applying. */
  expires: string;
  /** Who owns the decision. */
  owner?: string;
}

/** Classification against a baseline findings file. */
export type BaselineState = "new" | "unchanged" | "fixed";

/** A rule's verdict on a resource. */
export interface Finding {
  /** Rule id. */
  ruleId: string;
  /** Resource ARN, or a scope pseudo-ARN for `error` findings with no resource. */
  resourceArn: string;
  /** Resource type. */
  resourceType: string;
  /** Resource name. */
  resourceName: string;
  /** Account id. */
  account: string;
  /** Region or `global`. */
  region: string;
  /** Verdict. */
  status: FindingStatus;
  /** Severity (after profile overrides). */
  severity: Severity;
  /** Rule title. */
  title: string;
  /** Rendered message. */
  message: string;
  /** Why it failed or errored. */
  evidence: Evidence[];
  /** Present when a suppression covers this finding. */
  suppression?: SuppressionState;
  /** Present when a baseline was given. */
  baseline?: BaselineState;
  /** Live probe evidence (requests sent, responses seen) when a probe confirmed or contradicted this. */
  probe?: JsonValue;
}
