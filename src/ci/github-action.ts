// The scan step of the GitHub Action (action.yml at the repository root). It turns the action's inputs into one
// `tollgate scan`, runs it, and hands GitHub what a workflow needs: summary.md in the job summary, counts, the exit
// reason and the report paths as step outputs. It always exits 0 once the scan has run, so the SARIF upload that
// follows still happens; action.yml's last step fails the job with Tollgate's own exit code.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { constants, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isIncomplete } from "../pipeline/exit-code.js";
import { countFindings } from "../report/common.js";
import { DEFAULT_FORMATS } from "../report/formats.js";
import { fromFindingsFile } from "../report/json.js";
import { loadFindingsFile } from "../report/load.js";
import { packageRoot } from "../util/paths.js";

/** What each exit code of `tollgate scan` means, as the action's `exit-reason` output names it. */
export const EXIT_REASONS: Readonly<Record<number, string>> = {
  0: "passed",
  1: "failing-findings",
  2: "bad-input",
  3: "incomplete",
  4: "internal-error",
  5: "securityhub-import-failed",
};

/** The action's inputs, as action.yml hands them over (INPUT_* variables, empty when not given). */
export interface ActionInputs {
  regions: string;
  failOn: string;
  onIncomplete: string;
  formats: string;
  config: string;
  baseline: string;
  uploadSarif: boolean;
  outputDir: string;
  args: string;
}

/** A problem with the inputs themselves: reported as a workflow error, before Tollgate runs. */
export class ActionInputError extends Error {}

function bool(name: string, v: string | undefined): boolean {
  const s = (v ?? "").trim().toLowerCase();
  if (s === "true") return true;
  if (s === "false" || s === "") return false;
  throw new ActionInputError(`input ${name}: must be true or false, got ${JSON.stringify(v)}`);
}

/** Reads the inputs from the environment action.yml sets. */
export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const get = (name: string) => (env[`INPUT_${name.toUpperCase().replaceAll("-", "_")}`] ?? "").trim();
  return {
    regions: get("regions"),
    failOn: get("fail-on") || "high",
    onIncomplete: get("on-incomplete"),
    formats: get("formats") || DEFAULT_FORMATS.join(","),
    config: get("config"),
    baseline: get("baseline"),
    uploadSarif: bool("upload-sarif", get("upload-sarif") || "true"),
    outputDir: get("output-dir") || "tollgate-reports",
    args: get("args"),
  };
}

/**
 * The `tollgate scan` arguments for the inputs. findings.json (the counts) and summary.md (the job summary) are
 * always written, and results.sarif when it is to be uploaded. A baseline file that does not exist yet (the first
 * run of a schedule) is left out with a notice rather than refused: every finding is then new. `args` is split on
 * whitespace, without shell quoting, and goes last.
 */
export function scanArguments(inputs: ActionInputs, notice: (msg: string) => void): string[] {
  const formats = inputs.formats
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  for (const needed of ["json", "markdown", ...(inputs.uploadSarif ? ["sarif"] : [])])
    if (!formats.includes(needed)) formats.push(needed);
  const args = ["scan", "--out", inputs.outputDir, "--formats", formats.join(","), "--fail-on", inputs.failOn];
  if (inputs.onIncomplete) args.push("--on-incomplete", inputs.onIncomplete);
  if (inputs.regions) args.push("--regions", inputs.regions);
  if (inputs.config) args.push("--config", inputs.config);
  if (inputs.baseline) {
    if (existsSync(inputs.baseline)) args.push("--baseline", inputs.baseline);
    else notice(`baseline ${inputs.baseline} does not exist yet (first run?): every failing finding counts as new`);
  }
  if (inputs.args) args.push(...inputs.args.split(/\s+/));
  return args;
}

/** Appends `name=value` to $GITHUB_OUTPUT, with a delimiter when the value spans lines. */
function setOutput(file: string, name: string, value: string | number): void {
  const v = String(value);
  if (!v.includes("\n")) appendFileSync(file, `${name}=${v}\n`);
  else {
    const eof = `EOF_${randomBytes(8).toString("hex")}`;
    appendFileSync(file, `${name}<<${eof}\n${v}\n${eof}\n`);
  }
}

/** Runs the built CLI with the given arguments, output passed through; resolves its exit code. */
function runTollgate(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(packageRoot(), "dist", "src", "cli.js"), ...args], { stdio: "inherit", env });
    child.on("error", fail);
    // Killed by a signal: the shell's convention, 128 + its number.
    child.on("close", (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}

/**
 * Marks the moment before the scan with a file of its own, so later files are compared with the same
 * filesystem clock (which may lag the process clock by a tick); returns whether a file was written since.
 */
function startMark(env: NodeJS.ProcessEnv): (path: string) => boolean {
  const dir = mkdtempSync(join(env["RUNNER_TEMP"] || tmpdir(), "tollgate-action-"));
  const mark = join(dir, "start");
  writeFileSync(mark, "");
  const since = statSync(mark).mtimeMs;
  rmSync(dir, { recursive: true, force: true });
  return (path) => statSync(path).mtimeMs >= since;
}

/** Report file names by format, for the path outputs. */
const REPORT_FILES = {
  findings: "findings.json",
  sarif: "results.sarif",
  html: "report.html",
  summary: "summary.md",
  junit: "junit.xml",
} as const;

/**
 * The action's scan step. Returns the step's exit code: 0 whenever the outputs say what happened (Tollgate ran, or
 * the inputs were refused as bad input, exit-code 2), so the steps after it run; 1 outside GitHub Actions.
 */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const outputFile = env["GITHUB_OUTPUT"];
  const summaryFile = env["GITHUB_STEP_SUMMARY"];
  if (!outputFile || !summaryFile) {
    process.stderr.write("::error::GITHUB_OUTPUT and GITHUB_STEP_SUMMARY must be set (this runs as a GitHub Actions step)\n");
    return 1;
  }
  try {
    const inputs = readInputs(env);
    const args = scanArguments(inputs, (m) => process.stdout.write(`::notice title=Tollgate::${m}\n`));
    const writtenSince = startMark(env);
    const code = await runTollgate(args, env);
    const reason = EXIT_REASONS[code] ?? "killed";
    const dir = resolve(inputs.outputDir);
    // Only files this run wrote: a folder kept from an earlier run (a self-hosted runner's workspace, a second
    // scan in the same job) must not lend its reports and counts to a run that wrote none.
    const written = (file: string): string | undefined => {
      const path = join(dir, file);
      return existsSync(path) && writtenSince(path) ? path : undefined;
    };
    setOutput(outputFile, "exit-code", code);
    setOutput(outputFile, "exit-reason", reason);
    setOutput(outputFile, "report-dir", dir);
    for (const [name, file] of Object.entries(REPORT_FILES)) setOutput(outputFile, name, written(file) ?? "");
    const summary = written(REPORT_FILES.summary);
    if (summary) appendFileSync(summaryFile, readFileSync(summary, "utf8") + "\n");
    else
      appendFileSync(summaryFile, `## Tollgate\n\nNo report was written: exit ${code} (${reason}). The step's log says why.\n`);
    const findings = written(REPORT_FILES.findings);
    if (findings) {
      const input = fromFindingsFile(await loadFindingsFile(findings));
      const c = countFindings(input);
      const counts: Record<string, number> = {
        failed: c.byStatus.fail,
        ...c.failBySeverity,
        passed: c.byStatus.pass,
        errors: c.byStatus.error,
        "not-probed": c.byStatus.skipped,
        suppressed: c.suppressed,
        // Without a baseline nothing is new or fixed: empty, not 0.
        ...(input.fixed ? { new: c.newCount, fixed: c.fixedCount } : {}),
        "coverage-gaps": input.coverage.length,
      };
      for (const [name, n] of Object.entries(counts)) setOutput(outputFile, name, n);
      // What the exit code cannot say once a finding failed (1 wins over 3): whether everything was read, which
      // decides whether these findings may be the next run's baseline.
      setOutput(outputFile, "complete", String(!isIncomplete(input)));
    }
    return 0;
  } catch (e) {
    if (!(e instanceof ActionInputError)) throw e;
    process.stderr.write(`::error title=Tollgate::${e.message}\n`);
    setOutput(outputFile, "exit-code", 2);
    setOutput(outputFile, "exit-reason", EXIT_REASONS[2]!);
    appendFileSync(summaryFile, `## Tollgate\n\nNot run: ${e.message} (exit 2, bad-input).\n`);
    return 0;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) process.exitCode = await runAction();
