import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { RunStop, SignalRouter, type LifecycleProcess } from "../../src/pipeline/lifecycle.js";
import { formatDuration, parseDuration } from "../../src/util/duration.js";
import { memoryLogger } from "../../src/util/logger.js";

/** A process stand-in: signals are emitted by the test, exit is recorded. */
function fakeProcess(): LifecycleProcess & { emitter: EventEmitter; exits: number[]; send(s: NodeJS.Signals): void } {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    emitter,
    exits,
    on: (event, listener) => emitter.on(event, listener),
    exit: ((code: number) => {
      exits.push(code);
    }) as (code: number) => never,
    send: (s) => emitter.emit(s, s),
  };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      pending.set(++next, { fn, ms });
      return next;
    },
    clearTimer: (h: unknown) => void pending.delete(h as number),
    fire() {
      for (const [k, t] of [...pending]) {
        pending.delete(k);
        t.fn();
      }
    },
  };
}

describe("parseDuration", () => {
  it("reads hours, minutes and seconds, and refuses anything else, zero, or more than a week", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1h0m5s")).toBe(3_605_000);
    for (const bad of ["", "30", "m", "0s", "0h0m", "1.5h", "-5m", "30m1h", "5 m", "169h", "1d"])
      expect(parseDuration(bad)).toBeUndefined();
    expect(parseDuration("168h")).toBe(168 * 3_600_000);
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(4_000)).toBe("4s");
  });
});

describe("SignalRouter and RunStop", () => {
  it("without a run, a signal exits at once with 128 + its number", () => {
    const proc = fakeProcess();
    new SignalRouter(proc).install();
    proc.send("SIGTERM");
    proc.send("SIGINT");
    expect(proc.exits).toEqual([143, 130]);
  });

  it("the first signal stops the run (reason ScanInterrupted, naming the phase); the second exits at once", () => {
    const proc = fakeProcess();
    const router = new SignalRouter(proc).install();
    const log = memoryLogger();
    const stop = new RunStop({ log, router });
    stop.enter("collection");
    expect(stop.stageSignal()).toBe(stop.signal);
    proc.send("SIGINT");
    expect(stop.stopped).toBe(true);
    expect(stop.reason).toEqual({
      errorName: "ScanInterrupted",
      message: "the run was interrupted (SIGINT) during collection before this finished",
    });
    expect(proc.exits).toEqual([]);
    // A stage starting after the stop runs to its end.
    expect(stop.stageSignal()).toBeUndefined();
    proc.send("SIGTERM");
    expect(proc.exits).toEqual([143]);
    expect(log.lines.join("\n")).toMatch(/SIGINT during collection: stopping collection.*\n.*SIGTERM again: exiting now/);
  });

  it("--max-duration counts from collection, stops collection or probing, and is disarmed once evaluation starts", () => {
    const router = new SignalRouter(fakeProcess());
    const timers = manualTimers();
    const stop = new RunStop({ log: memoryLogger(), router, maxDurationMs: 90_000, ...timers });
    expect(timers.pending.size).toBe(0);
    stop.enter("collection");
    stop.enter("probing");
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([90_000]);
    timers.fire();
    expect(stop.reason).toEqual({
      errorName: "MaxDurationReached",
      message: "--max-duration 1m30s was reached during probing before this finished",
    });

    const late = new RunStop({ log: memoryLogger(), router, maxDurationMs: 1000, ...timers });
    late.enter("collection");
    late.enter("evaluation");
    expect(timers.pending.size).toBe(0);
    expect(late.stopped).toBe(false);
  });

  it("finish: a run not stopped returns its code; a stopped one exits, incomplete (3) unless failing findings say 1", () => {
    const proc = fakeProcess();
    const router = new SignalRouter(proc).install();
    const exits: number[] = [];
    expect(new RunStop({ log: memoryLogger(), router }).finish(0, (c) => exits.push(c))).toBe(0);
    for (const [code, expected] of [
      [0, 3],
      [1, 1],
      [3, 3],
    ] as const) {
      const stop = new RunStop({ log: memoryLogger(), router });
      stop.enter("writing");
      proc.send("SIGINT");
      expect(stop.finish(code, (c) => exits.push(c))).toBe(expected);
    }
    expect(exits).toEqual([3, 1, 3]);
    // Finished runs are detached: a signal now exits at once.
    proc.send("SIGINT");
    expect(proc.exits).toEqual([130]);
  });
});
