/** A problem with user-supplied input (a file, a flag); the CLI exits with code 2. */
export class InputError extends Error {
  /** Process exit code the CLI uses for bad input. */
  readonly exitCode = 2;
  override readonly name = "InputError";
}
