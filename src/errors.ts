/** An expected failure that ends the program with a specific exit code. */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "ExitError";
  }
}

/** Bad input (file, option, rule, config): exit code 2, with a message naming what is wrong. */
export class InputError extends ExitError {
  constructor(message: string) {
    super(message, 2);
    this.name = "InputError";
  }
}

/**
 * An output file that could not be written (disk full, permission, read-only mount): exit code 3, since the
 * run's results did not all reach disk. Names the file and the system error; never a stack trace.
 */
export class OutputError extends ExitError {
  /** The system error code, e.g. `ENOSPC` or `EACCES`. */
  readonly code: string | undefined;
  constructor(
    readonly path: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(`cannot write ${path}: ${cause.message}`, 3);
    this.name = "OutputError";
    this.code = cause.code;
    this.cause = cause;
  }
}

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  findings: 1,
  badInput: 2,
  incomplete: 3,
} as const;
