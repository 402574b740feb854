// Standard output and error are pipes more often than terminals: `tollgate scan --console json | head -1`,
// `tollgate rules list | less` quit early. Node reports the closed pipe as an `error` event on the stream, which
// unhandled crashes the process with a stack trace after the run itself succeeded.
import { EXIT } from "../errors.js";
import { escapeForTerminal } from "../util/escape.js";

/**
 * Makes a closed pipe on stdout or stderr end the run quietly: a reader that went away (EPIPE) is no failure of
 * the run, whose exit code stays its own (findings 1, incomplete 3 …); what was left to print is dropped, the
 * files in --out are written as usual. Any other write failure on stdout (a full disk behind `> file`) is said
 * once on stderr and makes a successful run exit 3: its console output did not all arrive.
 */
export function guardStandardStreams(): void {
  let stdoutFailed = false;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE" || stdoutFailed) return;
    stdoutFailed = true;
    process.stderr.write(`tollgate: cannot write to standard output: ${escapeForTerminal(e.message)}\n`);
  });
  // Nowhere is left to report a failure of stderr itself: dropped, whatever it is.
  process.stderr.on("error", () => undefined);
  process.on("exit", () => {
    if (stdoutFailed && Number(process.exitCode ?? 0) === EXIT.ok) process.exitCode = EXIT.incomplete;
  });
}
