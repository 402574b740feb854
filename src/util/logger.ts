import { escapeForTerminal } from "./escape.js";

/** Log sink; everything goes to stderr so stdout stays machine-readable. Messages are single lines. */
export interface Logger {
  info(msg: string): void;
  /** The run's closing summary (counts, what gates the exit code): printed even under `--quiet`. */
  summary(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

/**
 * A logger writing to stderr; `quiet` silences info and debug, never the summary or warnings. Messages carry AWS-controlled
 * strings (names, error messages), so each is escaped here, at the output boundary (src/util/escape.ts).
 */
export function stderrLogger(opts: { quiet?: boolean; verbose?: boolean } = {}): Logger {
  const line = (prefix: string, m: string) => process.stderr.write(`${prefix}${escapeForTerminal(m)}\n`);
  return {
    info: (m) => {
      if (!opts.quiet) line("", m);
    },
    summary: (m) => line("", m),
    warn: (m) => line("warning: ", m),
    debug: (m) => {
      if (opts.verbose) line("debug: ", m);
    },
  };
}

/** A logger that records lines, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    summary: (m) => lines.push(`summary: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
  };
}
