// The words of a run's output options, shared by the CLI's option parsers, the pipeline and the reporters (no imports,
// so the CLI's start-up loads nothing for them).

/** What `--console` can print on stdout. */
export const CONSOLE_FORMATS = ["none", "text", "json", "sarif"] as const;
/** What `--console` prints on stdout. */
export type ConsoleFormat = (typeof CONSOLE_FORMATS)[number];

/** How an incomplete run (a call failed, a check could not conclude, the scan stopped) sets the exit code. */
export const ON_INCOMPLETE = ["error", "fail", "ignore"] as const;
/** `--on-incomplete`: error = exit 3, fail = exit 1, ignore = judged on the findings only. */
export type OnIncomplete = (typeof ON_INCOMPLETE)[number];
