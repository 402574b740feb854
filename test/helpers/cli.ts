import { spawn } from "node:child_process";
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
