import { escapeForTerminal } from "../util/escape.js";
import { displayWidth } from "../util/text-layout.js";

/** One (account, region, service) unit of a scan. */
export interface UnitRef {
  account: string;
  region: string;
  service: string;
}

/** What a finished unit produced. */
export interface UnitOutcome {
  resources: number;
  errors: number;
  /** Attempts made, retries included. */
  calls: number;
}

/** Receives scan progress; the scan calls it, the CLI decides how (and whether) to show it. */
export interface ScanProgress {
  /** More units are known (accounts are set up one by one). */
  planned(count: number): void;
  started(unit: UnitRef): void;
  /** One attempt of an AWS call was made in the unit. */
  call(unit: UnitRef): void;
  finished(unit: UnitRef, outcome: UnitOutcome): void;
  /** The scan ended (or was interrupted): stop drawing. */
  close(): void;
}

/** Progress that shows nothing (`--quiet`, library use). */
export const silentProgress: ScanProgress = {
  planned: () => undefined,
  started: () => undefined,
  call: () => undefined,
  finished: () => undefined,
  close: () => undefined,
};

// Account ids (Organizations) and region names (DescribeRegions) come from AWS: escaped before they are drawn.
const unitName = (u: UnitRef): string => escapeForTerminal(`${u.account} ${u.region} ${u.service}`);

/** A sink with only `write`, so tests can capture output. */
export interface TextSink {
  write(s: string): unknown;
}

/**
 * Non-interactive progress (CI, pipes, files): one line per finished unit, nothing rewritten, e.g.
 * `[3/12] 111122223333 eu-west-1 apigateway: 14 resources, 0 errors, 9 calls`.
 */
export function plainProgress(out: TextSink): ScanProgress {
  let total = 0;
  let done = 0;
  return {
    planned: (n) => {
      total += n;
    },
    started: () => undefined,
    call: () => undefined,
    finished: (u, o) => {
      done += 1;
      out.write(
        `[${done}/${total}] ${unitName(u)}: ${o.resources} resources, ${o.errors} error${o.errors === 1 ? "" : "s"}, ${o.calls} call${o.calls === 1 ? "" : "s"}\n`,
      );
    },
    close: () => undefined,
  };
}

/** Receives probe progress: the prober calls it, the CLI decides how (and whether) to show it. */
export interface ProbeProgress {
  /** Endpoints to probe (or to record as not probed by design). */
  planned(count: number): void;
  /** An endpoint is done: the requests its probes sent (0 when it is not probed by design). */
  finished(endpoint: string, requests: number): void;
  /** Probing ended (or was stopped): stop drawing. */
  close(): void;
}

/** Probe progress that shows nothing. */
export const silentProbeProgress: ProbeProgress = {
  planned: () => undefined,
  finished: () => undefined,
  close: () => undefined,
};

/** One line per finished endpoint, e.g. `[probe 3/14] GET https://…/prod/pets: 9 requests`. */
export function plainProbeProgress(out: TextSink): ProbeProgress {
  let total = 0;
  let done = 0;
  return {
    planned: (n) => {
      total += n;
    },
    finished: (endpoint, requests) => {
      done += 1;
      out.write(`[probe ${done}/${total}] ${escapeForTerminal(endpoint)}: ${requests} request${requests === 1 ? "" : "s"}\n`);
    },
    close: () => undefined,
  };
}

/** A terminal sink: its width, when known, keeps live lines from wrapping (which would break redrawing). */
export type TerminalSink = TextSink & { isTTY?: boolean; columns?: number };

/** Monotonic milliseconds (injected in tests). */
export type Now = () => number;

/** `m:ss` or `h:mm:ss`. */
export function clockTime(ms: number): string {
  const t = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * Elapsed time and, once something is done, the time left estimated from the pace so far (the work still to do
 * at the average rate of the work done): `1:02 elapsed, about 0:40 left`.
 */
export function timing(elapsedMs: number, done: number, total: number): string {
  const elapsed = `${clockTime(elapsedMs)} elapsed`;
  if (!done || done >= total) return elapsed;
  return `${elapsed}, about ${clockTime((elapsedMs / done) * (total - done))} left`;
}

/** The phase's label: running, done, or stopped early (a signal, `--max-duration`) with work left. */
/** The verb of a progress line: still running, stopped before the end, or finished. */
const phase = (p: { closed: boolean; done: number; total: number; running: string; finished: string }): string =>
  !p.closed ? p.running : p.done < p.total ? `${p.running} stopped` : p.finished;

const count = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/**
 * A block of lines redrawn in place (ANSI cursor movement, at most every 100 ms) below the lines printed for
 * good. Each line is cut to the terminal's width: a line the terminal wrapped would take two rows, and the
 * redraw would move up too few.
 */
function liveBlock(out: TerminalSink, render: () => string[]) {
  let drawn = 0;
  let dirty = false;
  const fit = (l: string) => {
    const cols = out.columns ?? 0;
    if (cols < 2 || displayWidth(l) < cols) return l;
    let cut = "";
    for (const ch of l) {
      if (displayWidth(cut + ch) > cols - 2) break;
      cut += ch;
    }
    return `${cut}…`;
  };
  const clear = (): void => {
    if (drawn) out.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (!dirty) return;
    dirty = false;
    clear();
    const lines = render();
    out.write(lines.map((l) => `\x1b[2K${fit(l)}\n`).join(""));
    drawn = lines.length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    changed: () => {
      dirty = true;
    },
    /** Prints a line for good, above the live block. */
    print: (line: string) => {
      clear();
      dirty = true;
      out.write(line);
    },
    /** Draws the last state, which stays on screen, and stops. */
    close: () => {
      clearInterval(timer);
      dirty = true;
      draw();
    },
  };
}

/**
 * Live collection progress for a terminal: the phase with units done, calls made, resources found, elapsed time
 * and time left, then one line per running unit with its call count; finished units with errors stay printed
 * above.
 */
export function ttyProgress(out: TerminalSink, opts: { rows?: number; now?: Now } = {}): ScanProgress {
  const rows = opts.rows ?? 12;
  const now = opts.now ?? (() => performance.now());
  const start = now();
  let total = 0;
  let done = 0;
  let failed = 0;
  let calls = 0;
  let resources = 0;
  let closed = false;
  const running = new Map<string, { unit: UnitRef; calls: number }>();
  const block = liveBlock(out, () => {
    const lines = [
      `${phase({ closed, done, total, running: "Collecting", finished: "Collected" })}: ${done}/${total} units${failed ? ` (${failed} with errors)` : ""}, ` +
        `${count(calls, "call")}, ${count(resources, "resource")}, ${timing(now() - start, done, closed ? done : total)}`,
    ];
    for (const { unit, calls: n } of [...running.values()].slice(0, rows)) lines.push(`  ${unitName(unit)}: ${count(n, "call")}`);
    if (running.size > rows) lines.push(`  … and ${running.size - rows} more running`);
    return lines;
  });
  return {
    planned: (n) => {
      total += n;
      block.changed();
    },
    started: (u) => {
      running.set(unitName(u), { unit: u, calls: 0 });
      block.changed();
    },
    call: (u) => {
      calls += 1;
      const r = running.get(unitName(u));
      if (r) r.calls += 1;
      block.changed();
    },
    finished: (u, o) => {
      running.delete(unitName(u));
      done += 1;
      resources += o.resources;
      block.changed();
      if (o.errors) {
        failed += 1;
        block.print(`${unitName(u)}: ${count(o.resources, "resource")}, ${count(o.errors, "error")}\n`);
      }
    },
    close: () => {
      closed = true;
      running.clear();
      block.close();
    },
  };
}

/** Live probe progress for a terminal: endpoints done, requests sent, elapsed time and time left. */
export function ttyProbeProgress(out: TerminalSink, opts: { now?: Now } = {}): ProbeProgress {
  const now = opts.now ?? (() => performance.now());
  const start = now();
  let total = 0;
  let done = 0;
  let requests = 0;
  let closed = false;
  const block = liveBlock(out, () => [
    `${phase({ closed, done, total, running: "Probing", finished: "Probed" })}: ${done}/${total} endpoints, ${count(requests, "request")}, ` +
      timing(now() - start, done, closed ? done : total),
  ]);
  return {
    planned: (n) => {
      total += n;
      block.changed();
    },
    finished: (_endpoint, n) => {
      done += 1;
      requests += n;
      block.changed();
    },
    close: () => {
      closed = true;
      block.close();
    },
  };
}

/** Whether progress is drawn live: a terminal, outside CI, that understands cursor movement. */
function interactive(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env["CI"] && env["TERM"] !== "dumb";
}

/** Picks the collection progress display: none when quiet, live on a TTY outside CI, else one line per unit. */
export function chooseProgress(opts: {
  quiet?: boolean | undefined;
  stream: TerminalSink;
  env: NodeJS.ProcessEnv;
}): ScanProgress {
  if (opts.quiet) return silentProgress;
  return interactive(opts.stream, opts.env) ? ttyProgress(opts.stream) : plainProgress(opts.stream);
}

/** Picks the probe progress display, as chooseProgress does. */
export function chooseProbeProgress(opts: {
  quiet?: boolean | undefined;
  stream: TerminalSink;
  env: NodeJS.ProcessEnv;
}): ProbeProgress {
  if (opts.quiet) return silentProbeProgress;
  return interactive(opts.stream, opts.env) ? ttyProbeProgress(opts.stream) : plainProbeProgress(opts.stream);
}
