import { EXIT } from "../errors.js";
import { removeTemporaryFiles } from "../util/atomic-write.js";
import { formatDuration } from "../util/duration.js";
import type { Logger } from "../util/logger.js";
import type { StopReason } from "../util/stop.js";

/** The phases of a run, in order; a stop request is handled according to the phase it arrives in. */
export type RunPhase = "setup" | "collection" | "probing" | "evaluation" | "writing";

/** The process surface the lifecycle touches: signals and exit (injectable in tests). */
export interface LifecycleProcess {
  on(event: "SIGINT" | "SIGTERM", listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): never;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Handles a signal for the run in progress; returns false when it did not take it (the process then exits). */
type SignalTaker = (signal: NodeJS.Signals) => boolean;

/**
 * The one SIGINT/SIGTERM listener of the process. While a run is in progress the signal goes to it (RunStop);
 * otherwise, and for a run's second signal, the process exits at once (130 or 143) after removing the temporary
 * files of writes in progress, so the files they would replace keep their old content and nothing stray is left.
 */
export class SignalRouter {
  private taker: SignalTaker | undefined;

  constructor(private readonly proc: LifecycleProcess = process) {}

  /** Listens to SIGINT and SIGTERM; called once, when the program starts. */
  install(): this {
    for (const s of ["SIGINT", "SIGTERM"] as const) this.proc.on(s, (signal) => this.route(signal));
    return this;
  }

  /** Sends signals to `taker` until the returned function is called. */
  attach(taker: SignalTaker): () => void {
    this.taker = taker;
    return () => {
      if (this.taker === taker) this.taker = undefined;
    };
  }

  /** Ends the process now, as a second signal does. */
  exitNow(signal: NodeJS.Signals): never {
    removeTemporaryFiles();
    return this.proc.exit(SIGNAL_EXIT[signal] ?? 130);
  }

  private route(signal: NodeJS.Signals): void {
    if (this.taker?.(signal)) return;
    this.exitNow(signal);
  }
}

/** What a stop does in each phase, for the message printed when it arrives. */
const ON_STOP: Record<RunPhase, string> = {
  setup: "nothing was collected yet",
  collection: "stopping collection; what was collected is evaluated and saved",
  probing: "stopping the probes; the results so far are evaluated and saved",
  evaluation: "stopping evaluation; the rules evaluated so far are reported",
  writing: "finishing the files being written",
};

/** Options of createRunStop. */
export interface RunStopOptions {
  log: Logger;
  router: SignalRouter;
  /** `--max-duration` in milliseconds (collection and probing); none when undefined. */
  maxDurationMs?: number;
  /** Monotonic timer functions (injected in tests). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * How a run stops early. The first SIGINT/SIGTERM, or `--max-duration` running out during collection or probing,
 * aborts `signal` with a StopReason: the phase in progress stops and saves what it has, later phases still run on
 * it (evaluation, writing), and the run exits 3. A second signal exits at once (see SignalRouter).
 */
export class RunStop {
  private readonly controller = new AbortController();
  private current: RunPhase = "setup";
  private timer: unknown;
  private armed = false;
  private readonly detach: () => void;
  private readonly opts: RunStopOptions;

  constructor(opts: RunStopOptions) {
    this.opts = opts;
    this.detach = opts.router.attach((signal) => this.onSignal(signal));
  }

  /** Aborted on the first stop request; its reason is the StopReason. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the run was asked to stop. */
  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /** Why the run stopped, once it has. */
  get reason(): StopReason | undefined {
    return this.stopped ? (this.controller.signal.reason as StopReason) : undefined;
  }

  /**
   * Enters `phase`. `--max-duration` bounds collection and probing only: it starts counting when collection
   * starts (or probing, for a run without collection) and is disarmed on leaving them.
   */
  enter(phase: RunPhase): void {
    this.current = phase;
    if (phase === "collection" || phase === "probing") this.armDeadline();
    else this.disarmDeadline();
  }

  /**
   * The signal a stage may stop on: this run's, unless the run has already stopped (a stage that starts after a
   * stop runs to its end, on what the earlier stages saved).
   */
  stageSignal(): AbortSignal | undefined {
    return this.stopped ? undefined : this.signal;
  }

  /**
   * The run's exit code: a stopped run is incomplete (3) unless failing findings already say 1 (or another
   * failure code applies). Detaches from signals; a stopped run then ends the process at once, abandoning AWS
   * calls and probes still in flight (their results are not needed: what was kept is on disk).
   */
  finish(code: number, exit: (code: number) => void = (c) => process.exit(c)): number {
    this.disarmDeadline();
    this.detach();
    if (!this.stopped) return code;
    const final = code === EXIT.ok ? EXIT.incomplete : code;
    exit(final);
    return final;
  }

  private stop(reason: StopReason, announce: string): void {
    this.opts.log.warn(`${announce}: ${ON_STOP[this.current]} (a second Ctrl-C or SIGTERM exits at once)`);
    this.controller.abort(reason);
  }

  private onSignal(signal: NodeJS.Signals): boolean {
    if (this.stopped) {
      this.opts.log.warn(`${signal} again: exiting now; files being written keep their previous content`);
      return false;
    }
    this.stop(
      {
        errorName: "ScanInterrupted",
        message: `the run was interrupted (${signal}) during ${this.current} before this finished`,
      },
      `${signal} during ${this.current}`,
    );
    return true;
  }

  private onDeadline(ms: number): void {
    this.timer = undefined;
    if (this.stopped || (this.current !== "collection" && this.current !== "probing")) return;
    const d = formatDuration(ms);
    this.stop(
      { errorName: "MaxDurationReached", message: `--max-duration ${d} was reached during ${this.current} before this finished` },
      `--max-duration ${d} reached during ${this.current}`,
    );
  }

  private armDeadline(): void {
    const ms = this.opts.maxDurationMs;
    if (ms === undefined || this.armed) return;
    this.armed = true;
    this.timer = (this.opts.setTimer ?? ((fn, t) => setTimeout(fn, t).unref()))(() => this.onDeadline(ms), ms);
  }

  private disarmDeadline(): void {
    if (this.timer === undefined) return;
    (this.opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.timer);
    this.timer = undefined;
  }
}
