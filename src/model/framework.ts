/** One requirement (control) of a compliance framework and the rules that judge it. */
export interface FrameworkRequirement {
  /** Control id as the framework numbers it, e.g. `IAM.3`, `1.14`, `API2`. */
  id: string;
  /** Control title. */
  title: string;
  /** Rule ids; empty when Tollgate does not judge the requirement. */
  rules: string[];
  /** Why the requirement is outside Tollgate's scope (set only when `rules` is empty); absent = in scope. */
  outOfScope?: string;
  /** How Tollgate reads the requirement, where that needs saying. */
  notes?: string;
}

/** A compliance framework (`rules/frameworks/*.json`): every requirement of the standard and the rules that judge it. */
export interface Framework {
  /** Stable id, e.g. `cis-aws-5.0`. */
  id: string;
  /** Display name. */
  name: string;
  /** Version of the standard. */
  version: string;
  /** Home page of the standard. */
  url?: string;
  /** How Tollgate maps it. */
  notes?: string;
  /** Where the requirement list comes from. */
  sources: { title: string; url: string }[];
  /** Requirements; no rules and no `outOfScope` means "in scope, not covered yet". */
  requirements: FrameworkRequirement[];
}
