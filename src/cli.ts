#!/usr/bin/env node
import { CommanderError } from "commander";
import { buildProgram } from "./cli/program.js";
import { guardStandardStreams } from "./cli/streams.js";
import { ExitError } from "./errors.js";
import { SignalRouter } from "./pipeline/lifecycle.js";
import { escapeForTerminal } from "./util/escape.js";

// The executable: guards the standard streams, routes signals, runs the command line (src/cli/program.ts) and turns
// what it throws into an exit code.

// Tollgate supports Node 20 deliberately; the SDK's one-time upgrade notice is noise on stderr.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

async function main(): Promise<void> {
  guardStandardStreams();
  // One SIGINT/SIGTERM listener for the whole process: a run in progress stops and saves; otherwise exit at once.
  const router = new SignalRouter().install();
  try {
    await buildProgram({ router, vars: process.env }).parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors are bad input.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    // Error messages may quote AWS data (hosts, names, error messages): printed escaped.
    if (e instanceof ExitError) {
      process.stderr.write(`tollgate: ${escapeForTerminal(e.message)}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    const head = String(e);
    const stack = (e as Error).stack ?? head;
    // The stack's frames are Tollgate's own; only its first line (the message) is escaped as one line.
    const frames = stack.startsWith(head) ? stack.slice(head.length) : `\n${stack}`;
    process.stderr.write(
      `tollgate: internal error: ${escapeForTerminal(head)}${frames.split("\n").map(escapeForTerminal).join("\n")}\n`,
    );
    process.exitCode = 4;
  }
}

await main();
