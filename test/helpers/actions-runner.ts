// A local runner for GitHub Actions YAML: a workflow job or a composite action (action.yml) runs its `run:` steps in
// bash exactly as written, with the runner's files and variables (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH,
// GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH, RUNNER_TEMP, …), and its `uses:` steps through handlers the test gives
// (a local composite action is run by this runner itself). It runs what the YAML says, so a test of it is a test of
// the YAML, not of a copy of it.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { parse } from "yaml";
import { interpolate, stepRuns, type ExprContext, type ExprValue } from "./actions-expr.js";

/** One step of a job or composite action, as YAML gives it. */
interface Step {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  run?: string;
  shell?: string;
  env?: Record<string, string | number | boolean>;
  "working-directory"?: string;
  "continue-on-error"?: boolean;
}

/** What a `uses:` handler gets. */
export interface UsesCall {
  uses: string;
  /** `with:`, expressions evaluated. */
  with: Record<string, string>;
  job: JobState;
}

/** What a `uses:` handler may do: set outputs and environment variables, add to PATH, or fail the step. */
export interface UsesResult {
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  path?: string[];
  summary?: string;
  failed?: boolean;
}

/** Handles `uses:` steps whose reference starts with the key (e.g. `actions/checkout@`). */
export type UsesHandlers = Record<string, (call: UsesCall) => Promise<UsesResult | void> | UsesResult | void>;

/** The record of one step. */
export interface StepRecord {
  name: string;
  uses?: string;
  with?: Record<string, string>;
  skipped: boolean;
  outcome: "success" | "failure" | "skipped";
  exitCode?: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** A job while it runs: environment, PATH additions, step results, the job summary. */
export interface JobState {
  workspace: string;
  runnerTemp: string;
  env: Record<string, string>;
  paths: string[];
  summary: string;
  failed: boolean;
  steps: StepRecord[];
  /** Workflow `permissions:` (a composite action sees its caller's). */
  permissions: Record<string, string>;
  /** The `github` context. */
  github: Record<string, string>;
  /** `uses:` references run by this runner as local composite actions, with their folders. */
  localActions: Record<string, string>;
  handlers: UsesHandlers;
}

/** Parses the `name=value` and `name<<DELIM` lines of GITHUB_OUTPUT / GITHUB_ENV. */
function parseKeyValueFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join("\n");
    } else if (line.includes("=")) out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return out;
}

function runBash(
  script: string,
  opts: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const file = join(opts.env["RUNNER_TEMP"]!, `step-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(file, script);
    // GitHub's `shell: bash`: bash --noprofile --norc -eo pipefail {0}
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd: opts.cwd, env: opts.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

/**
 * Runs steps in order in one job (or composite action: `inputs` and `actionPath` given). Returns the steps'
 * outputs by id, for a composite action's `outputs:`.
 */
async function runSteps(
  steps: Step[],
  job: JobState,
  scope: { inputs?: Record<string, string>; actionPath?: string },
): Promise<Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }>> {
  const byId: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const ctx = (): ExprContext => ({
    contexts: {
      inputs: (scope.inputs ?? {}) as ExprValue,
      steps: byId as unknown as ExprValue,
      github: { ...job.github, workspace: job.workspace, ...(scope.actionPath ? { action_path: scope.actionPath } : {}) },
      env: job.env,
      runner: { temp: job.runnerTemp, os: "Linux" },
    },
    failed: job.failed,
    workspace: job.workspace,
  });
  for (const step of steps) {
    const name = step.name ?? step.uses ?? step.run?.split("\n")[0] ?? "step";
    const record: StepRecord = { name, skipped: false, outcome: "success", stdout: "", stderr: "", outputs: {} };
    if (!stepRuns(step.if, ctx())) {
      record.skipped = true;
      record.outcome = "skipped";
      job.steps.push(record);
      if (step.id) byId[step.id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
      continue;
    }
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(str(v), ctx())]));
    let failed = false;
    if (step.run !== undefined) {
      if (step.shell !== undefined && step.shell !== "bash") throw new Error(`step ${name}: only shell bash is supported`);
      const files = {
        output: join(job.runnerTemp, `out-${job.steps.length}`),
        env: join(job.runnerTemp, `env-${job.steps.length}`),
      };
      const pathFile = join(job.runnerTemp, `path-${job.steps.length}`);
      const summaryFile = join(job.runnerTemp, `summary-${job.steps.length}`);
      for (const f of [files.output, files.env, pathFile, summaryFile]) writeFileSync(f, "");
      const env: Record<string, string> = {
        ...job.env,
        ...stepEnv,
        PATH: [...job.paths, job.env["PATH"] ?? ""].join(delimiter),
        GITHUB_OUTPUT: files.output,
        GITHUB_ENV: files.env,
        GITHUB_PATH: pathFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_WORKSPACE: job.workspace,
        RUNNER_TEMP: job.runnerTemp,
        ...(scope.actionPath ? { GITHUB_ACTION_PATH: scope.actionPath } : {}),
      };
      const cwd = step["working-directory"] ? join(job.workspace, interpolate(step["working-directory"], ctx())) : job.workspace;
      const r = await runBash(interpolate(step.run, ctx()), { cwd, env });
      record.exitCode = r.code;
      record.stdout = r.stdout;
      record.stderr = r.stderr;
      record.outputs = parseKeyValueFile(files.output);
      Object.assign(job.env, parseKeyValueFile(files.env));
      job.paths.unshift(...readFileSync(pathFile, "utf8").split("\n").filter(Boolean).reverse());
      job.summary += readFileSync(summaryFile, "utf8");
      failed = r.code !== 0;
    } else if (step.uses) {
      const withInputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(str(v), ctx())]));
      record.uses = step.uses;
      record.with = withInputs;
      const local = job.localActions[step.uses];
      if (local) {
        const result = await runCompositeAction(local, withInputs, job);
        record.outputs = result.outputs;
        failed = result.failed;
      } else {
        const key = Object.keys(job.handlers).find((k) => step.uses!.startsWith(k));
        if (!key) throw new Error(`no handler for uses: ${step.uses}`);
        const r = (await job.handlers[key]!({ uses: step.uses, with: withInputs, job })) ?? {};
        record.outputs = r.outputs ?? {};
        Object.assign(job.env, r.env ?? {});
        job.paths.unshift(...(r.path ?? []));
        job.summary += r.summary ?? "";
        failed = r.failed === true;
      }
    } else throw new Error(`step ${name}: neither run nor uses`);
    record.outcome = failed ? "failure" : "success";
    const continueOnError = step["continue-on-error"] === true;
    if (step.id)
      byId[step.id] = {
        outputs: record.outputs,
        outcome: record.outcome,
        conclusion: failed && continueOnError ? "success" : record.outcome,
      };
    job.steps.push(record);
    if (failed && !continueOnError) job.failed = true;
  }
  return byId;
}

/** A new job: a workspace, RUNNER_TEMP, and the base environment (PATH and the variables the test gives). */
export function newJob(opts: {
  workspace?: string;
  env: Record<string, string>;
  permissions?: Record<string, string>;
  github?: Record<string, string>;
  localActions?: Record<string, string>;
  handlers?: UsesHandlers;
}): JobState {
  const root = mkdtempSync(join(tmpdir(), "tollgate-actions-"));
  const workspace = opts.workspace ?? join(root, "workspace");
  const runnerTemp = join(root, "runner-temp");
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  return {
    workspace,
    runnerTemp,
    env: { CI: "true", GITHUB_ACTIONS: "true", RUNNER_TEMP: runnerTemp, GITHUB_WORKSPACE: workspace, ...opts.env },
    paths: [],
    summary: "",
    failed: false,
    steps: [],
    permissions: opts.permissions ?? {},
    github: {
      event_name: "schedule",
      run_id: String(Date.now()),
      repository: "example/audit",
      ref: "refs/heads/main",
      ...opts.github,
    },
    localActions: opts.localActions ?? {},
    handlers: opts.handlers ?? {},
  };
}

/** Runs a composite action (its action.yml) in `job` with the given inputs; defaults come from the file. */
export async function runCompositeAction(
  actionDir: string,
  inputs: Record<string, string>,
  job: JobState,
): Promise<{ outputs: Record<string, string>; failed: boolean }> {
  const action = parse(readFileSync(join(actionDir, "action.yml"), "utf8")) as {
    inputs?: Record<string, { default?: string; required?: boolean }>;
    outputs?: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };
  if (action.runs.using !== "composite") throw new Error("only composite actions are supported");
  const unknown = Object.keys(inputs).filter((k) => !(k in (action.inputs ?? {})));
  if (unknown.length) throw new Error(`unexpected inputs ${unknown.join(", ")} (GitHub warns and ignores them)`);
  const all = Object.fromEntries(Object.entries(action.inputs ?? {}).map(([k, d]) => [k, inputs[k] ?? str(d.default)]));
  const failedBefore = job.failed;
  job.failed = false;
  const steps = await runSteps(action.runs.steps, job, { inputs: all, actionPath: actionDir });
  const ctx: ExprContext = {
    contexts: { steps: steps as unknown as ExprValue, inputs: all },
    failed: job.failed,
    workspace: job.workspace,
  };
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, o]) => [k, interpolate(o.value, ctx)]));
  const failed = job.failed;
  job.failed = failedBefore || failed;
  return { outputs, failed };
}

/** Runs one job of a workflow file (its `permissions:` and `env:` apply). */
export async function runWorkflowJob(workflowYaml: string, jobId: string, job: JobState): Promise<JobState> {
  const wf = parse(workflowYaml) as {
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    jobs: Record<string, { permissions?: Record<string, string>; env?: Record<string, string>; steps: Step[] }>;
  };
  const j = wf.jobs[jobId];
  if (!j) throw new Error(`no job ${jobId}`);
  job.permissions = { ...(wf.permissions ?? {}), ...(j.permissions ?? {}) };
  Object.assign(job.env, wf.env ?? {}, j.env ?? {});
  await runSteps(j.steps, job, {});
  return job;
}

/** Appends to a file, creating its folder (for handlers that write artifacts). */
export function appendTo(file: string, text: string): void {
  mkdirSync(join(file, ".."), { recursive: true });
  appendFileSync(file, text);
}
