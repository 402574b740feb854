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

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  findings: 1,
  badInput: 2,
  incomplete: 3,
} as const;
