import type { Finding } from "../model/finding.js";
import type { Framework, FrameworkRequirement } from "../model/framework.js";
import type { ReportInput } from "../model/report.js";

/**
 * Where one control stands. `pass`, `fail` and `error` come from findings; `no-data` means its rules ran and
 * found nothing to judge (no such resources), `not-run` that none of its rules ran (disabled or filtered),
 * `not-covered` that Tollgate has no rule for it yet, `outside` that it is outside Tollgate's scope.
 */
export type ControlStatus = "pass" | "fail" | "error" | "no-data" | "not-run" | "not-covered" | "outside";

/** Display order of control statuses: what needs attention first. */
export const CONTROL_STATUSES: readonly ControlStatus[] = [
  "fail",
  "error",
  "pass",
  "no-data",
  "not-run",
  "not-covered",
  "outside",
];

/** One control's result. */
export interface ControlResult {
  requirement: FrameworkRequirement;
  status: ControlStatus;
  /** Unsuppressed failing findings of its rules. */
  failing: number;
  /** Error findings of its rules. */
  errors: number;
  /** Passing findings of its rules (suppressed failures count here: accepted, not open). */
  passing: number;
  /** How many of its rules ran in this scan. */
  rulesRun: number;
}

/** One framework's results and score. */
export interface FrameworkResult {
  framework: Framework;
  controls: ControlResult[];
  /** Controls per status. */
  counts: Record<ControlStatus, number>;
  /**
   * Passing controls ÷ judged controls (pass + fail + error), as Security Hub scores a standard; an `error`
   * counts as not passed, since nothing proves it holds. Null when no control was judged.
   */
  score: number | null;
}

interface RuleTally {
  failing: number;
  errors: number;
  passing: number;
}

/** Scores every framework of the report against its findings. Pure. */
export function frameworkResults(input: ReportInput): FrameworkResult[] {
  const tallies = new Map<string, RuleTally>();
  for (const f of input.findings) tally(tallies, f);
  // Rules that ran: recorded by scan/evaluate; older findings files only tell which rules produced findings.
  const ran = new Set(input.metadata.rulesEvaluated ?? input.rules.map((r) => r.id));
  return (input.frameworks ?? []).map((framework) => {
    const controls = framework.requirements.map((requirement) => controlResult(requirement, tallies, ran));
    const counts = Object.fromEntries(CONTROL_STATUSES.map((s) => [s, 0])) as Record<ControlStatus, number>;
    for (const c of controls) counts[c.status]++;
    const judged = counts.pass + counts.fail + counts.error;
    return { framework, controls, counts, score: judged ? counts.pass / judged : null };
  });
}

function tally(tallies: Map<string, RuleTally>, f: Finding): void {
  let t = tallies.get(f.ruleId);
  if (!t) tallies.set(f.ruleId, (t = { failing: 0, errors: 0, passing: 0 }));
  if (f.status === "fail") {
    if (f.suppression) t.passing++;
    else t.failing++;
  } else if (f.status === "error") t.errors++;
  else if (f.status === "pass") t.passing++;
  // Any other status (a probe skipped by design) judges nothing.
}

function controlResult(requirement: FrameworkRequirement, tallies: Map<string, RuleTally>, ran: Set<string>): ControlResult {
  let failing = 0;
  let errors = 0;
  let passing = 0;
  let rulesRun = 0;
  for (const id of requirement.rules) {
    const t = tallies.get(id);
    if (ran.has(id) || t) rulesRun++;
    if (!t) continue;
    failing += t.failing;
    errors += t.errors;
    passing += t.passing;
  }
  const status: ControlStatus = requirement.outOfScope
    ? "outside"
    : requirement.rules.length === 0
      ? "not-covered"
      : failing
        ? "fail"
        : errors
          ? "error"
          : passing
            ? "pass"
            : rulesRun
              ? "no-data"
              : "not-run";
  return { requirement, status, failing, errors, passing, rulesRun };
}
