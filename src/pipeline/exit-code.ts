import { EXIT } from "../errors.js";
import type { Finding } from "../model/finding.js";
import type { ConsoleFormat, OnIncomplete } from "../model/output.js";
import type { ReportInput } from "../model/report.js";
import { atLeast } from "../model/severity.js";
import type { FailOn } from "../report/common.js";
import type { ReportFormat } from "../report/formats.js";

// How a run's exit code is decided (`--fail-on`, `--on-incomplete`), and the output options every reporting
// command shares.

/** How the exit code is decided: `--fail-on` and `--on-incomplete`. */
export interface ExitPolicy {
  /** Severity at which a counted failure exits 1; `none` = report-only. */
  failOn: FailOn;
  /** What an incomplete result exits with; default `error` (3), or `ignore` under `--fail-on none`. */
  onIncomplete?: OnIncomplete | undefined;
}

/** Where a run's results go and how its exit code is decided: the options every reporting command shares. */
export interface OutputOptions extends ExitPolicy {
  out: string;
  formats: ReportFormat[];
  console: ConsoleFormat;
}

/** True when a result does not cover everything it should: the scan stopped, a call failed, a rule could not judge. */
export function isIncomplete(input: Pick<ReportInput, "findings" | "coverage" | "metadata">): boolean {
  return !input.metadata.complete || input.coverage.length > 0 || input.findings.some((f) => f.status === "error");
}

/**
 * The exit code of a run. Failing findings at or above `--fail-on` (not suppressed, not unchanged against a
 * baseline) exit 1. Otherwise an incomplete result (including an output file that could not be written) exits as
 * `--on-incomplete` says: error 3, fail 1, ignore 0. `--fail-on none` is report-only: findings never gate, and an
 * incomplete result is ignored unless `--on-incomplete` asks otherwise. Bad input (2) and internal errors (4) are
 * thrown before this is reached, so they exit non-zero whatever the policy.
 */
export function exitCodeFor(findings: readonly Finding[], incomplete: boolean, policy: ExitPolicy): number {
  const { failOn } = policy;
  if (
    failOn !== "none" &&
    findings.some((f) => f.status === "fail" && !f.suppression && f.baseline !== "unchanged" && atLeast(f.severity, failOn))
  )
    return EXIT.findings;
  if (!incomplete) return EXIT.ok;
  const onIncomplete = policy.onIncomplete ?? (failOn === "none" ? "ignore" : "error");
  return onIncomplete === "error" ? EXIT.incomplete : onIncomplete === "fail" ? EXIT.findings : EXIT.ok;
}

/**
 * The exit code once an output of the run could not be written (the saved inventory): that is incompleteness too,
 * exiting as the policy says, unless the code already says why the run did not succeed.
 */
export function withOutputFailures(code: number, failures: readonly unknown[], policy: ExitPolicy): number {
  return failures.length && code === EXIT.ok ? exitCodeFor([], true, policy) : code;
}
