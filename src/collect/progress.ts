import { escapeForTerminal } from "../util/escape.js";

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

/**
 * Live progress for a terminal: a summary line and one line per running unit with its call count, redrawn
 * in place with ANSI cursor movement (at most every 100 ms); finished units with errors stay printed above.
 */
export function ttyProgress(out: TextSink, rows = 12): ScanProgress {
  let total = 0;
  let done = 0;
  let failed = 0;
  let drawn = 0;
  let dirty = false;
  const running = new Map<string, { unit: UnitRef; calls: number }>();
  const clear = (): void => {
    if (drawn) out.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (!dirty) return;
    dirty = false;
    clear();
    const lines = [`Scanning: ${done}/${total} units done${failed ? `, ${failed} with errors` : ""}, ${running.size} running`];
    for (const { unit, calls } of [...running.values()].slice(0, rows)) lines.push(`  ${unitName(unit)}: ${calls} calls`);
    if (running.size > rows) lines.push(`  … and ${running.size - rows} more`);
    out.write(lines.map((l) => `\x1b[2K${l}\n`).join(""));
    drawn = lines.length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    planned: (n) => {
      total += n;
      dirty = true;
    },
    started: (u) => {
      running.set(unitName(u), { unit: u, calls: 0 });
      dirty = true;
    },
    call: (u) => {
      const r = running.get(unitName(u));
      if (r) r.calls += 1;
      dirty = true;
    },
    finished: (u, o) => {
      running.delete(unitName(u));
      done += 1;
      if (o.errors) {
        failed += 1;
        clear();
        out.write(`${unitName(u)}: ${o.resources} resources, ${o.errors} errors\n`);
      }
      dirty = true;
    },
    close: () => {
      clearInterval(timer);
      dirty = true;
      draw();
    },
  };
}

/** Picks the progress display: none when quiet, live on a TTY outside CI, else one line per unit. */
export function chooseProgress(opts: {
  quiet?: boolean;
  stream: TextSink & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}): ScanProgress {
  if (opts.quiet) return silentProgress;
  const interactive = opts.stream.isTTY === true && !opts.env["CI"] && opts.env["TERM"] !== "dumb";
  return interactive ? ttyProgress(opts.stream) : plainProgress(opts.stream);
}
