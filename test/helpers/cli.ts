import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./sim.js";

/** Result of running the built CLI. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command as a child process without blocking the test's event loop (a simulator may be serving it). */
export function runCommand(
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd ?? ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the built CLI (`dist/src/cli.js`, built by `npm test`'s pretest) as a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return runCommand(process.execPath, [join(ROOT, "dist", "src", "cli.js"), ...args], { env, timeoutMs });
}

/** A CLI child process still running: its output so far, a way to wait for a line, and its end. */
export interface RunningCli {
  child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr matches `pattern` (rejects if the process ends first or after `timeoutMs`). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

/** The preload that fails or slows chosen files (fixtures/fs-faults), as `node` arguments. */
export function fsFaultsPreload(): string[] {
  return ["--import", join(ROOT, "dist", "fixtures", "fs-faults", "preload.js")];
}

/** Starts the built CLI as a child process (optionally with node arguments such as a preload) and returns at once. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = [], timeoutMs = 120_000): RunningCli {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, "dist", "src", "cli.js"), ...args], { env, cwd: ROOT });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const l of listeners) l();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      for (const l of listeners) l();
      resolve({ code, stdout, stderr });
    });
  });
  return {
    child,
    stderr: () => stderr,
    done,
    waitForStderr(pattern, waitMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stderr)) {
            cleanup();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`the CLI ended before stderr matched ${pattern}:\n${stderr}`));
          }
        };
        const t = setTimeout(() => {
          cleanup();
          reject(new Error(`stderr did not match ${pattern} within ${waitMs} ms:\n${stderr}`));
        }, waitMs);
        const cleanup = () => {
          clearTimeout(t);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}
