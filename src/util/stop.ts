/**
 * Why a run stopped before its end (a signal, `--max-duration`). It travels as an AbortSignal's reason to the
 * stages that stop early, which record every unfinished unit with this `errorName` so its rules report `error`.
 */
export interface StopReason {
  /** Recorded as the `errorName` of each unfinished unit, e.g. `ScanInterrupted`, `MaxDurationReached`. */
  errorName: string;
  /** Why, in words, for the log and the recorded errors. */
  message: string;
}

/** The StopReason of an aborted signal (a generic one when it was aborted without one). */
export function stopReasonOf(signal: AbortSignal): StopReason {
  const r = signal.reason as Partial<StopReason> | undefined;
  return typeof r?.errorName === "string" && typeof r.message === "string"
    ? { errorName: r.errorName, message: r.message }
    : { errorName: "ScanInterrupted", message: "the run was stopped" };
}

/** Resolves when `signal` aborts (at once if it already has); never rejects. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
