/**
 * The probe run: probes every target (bounded concurrency, stoppable) through one session and turns what came back
 * into inventory resources and errors. The steps sent to each endpoint live in steps.ts, the request machinery in
 * session.ts, the verdicts in verdict.ts and the resources in results.ts.
 */
import pLimit from "p-limit";
import type { CollectionError, Resource } from "../model/inventory.js";
import { stopReasonOf, whenAborted } from "../util/stop.js";
import { probeResult, unfinishedErrors } from "./results.js";
import {
  openSession,
  PROBE_DEFAULTS,
  ProbeStopped,
  type ProbeLogEntry,
  type ProbeOptions,
  type ProbeSession,
} from "./session.js";
import { joinUrl, probeTarget } from "./steps.js";
import type { ProbeObservations, ProbeTarget } from "./types.js";

export { PROBE_DEFAULTS, type ProbeLogEntry, type ProbeOptions } from "./session.js";
export { PROBE_RESOURCE_TYPE, probeArn } from "./results.js";
export { concretePath, WAF_MARKERS } from "./steps.js";

/** What a probe run produced: inventory resources and errors, plus the request log. */
export interface ProbeRunResult {
  resources: Resource[];
  errors: CollectionError[];
  log: ProbeLogEntry[];
  requestsSent: number;
}

/** Where each target came from. */
type Sources = ReadonlyMap<string, ProbeObservations["source"]>;

/**
 * Probes every target, at most `concurrency` at a time; undefined for a target a stop left unfinished. A stop does
 * not wait for targets in progress: they are recorded as not finished.
 */
async function probeAll(
  s: ProbeSession,
  targets: readonly ProbeTarget[],
  sources: Sources,
): Promise<(ProbeObservations | undefined)[]> {
  const limit = pLimit(s.opts.concurrency ?? PROBE_DEFAULTS.concurrency);
  const { signal, progress } = s.opts;
  progress?.planned(targets.length);
  const stopped = signal ? whenAborted(signal).then(() => undefined) : undefined;
  const one = (t: ProbeTarget) => {
    const probed = limit(async () => {
      if (signal?.aborted) return undefined;
      const o = await probeTarget(s, t, sources.get(t.id) ?? "endpoints-file");
      progress?.finished(`${t.method} ${joinUrl(t.baseUrl, t.path)}`, o.exchanges.length + (o.throttle?.sent ?? 0));
      return o;
    }).catch((e: unknown) => {
      if (e instanceof ProbeStopped) return undefined;
      throw e;
    });
    return stopped ? Promise.race([probed, stopped]) : probed;
  };
  const observations = await Promise.all(targets.map(one));
  progress?.close();
  return observations;
}

/** Errors for the targets a stop left unfinished, and the requests still in flight logged without an answer. */
function stopErrors(s: ProbeSession, unfinished: readonly ProbeTarget[]): CollectionError[] {
  const signal = s.opts.signal;
  if (!unfinished.length || !signal) return [];
  const why = stopReasonOf(signal);
  for (const entry of s.inFlight) s.log.push({ ...entry, error: `stopped: ${why.message}; no answer recorded` });
  s.inFlight.clear();
  return unfinishedErrors(unfinished, why, s.opts.defaultAccount);
}

/**
 * Runs the live probes on every target and returns `aws.apigateway.probe` resources (raw = redacted requests
 * and responses, derived = verdict facts) and inventory errors for checks that could not run or conclude.
 * Only GET/HEAD/OPTIONS unless a target opts in; a per-request timeout, a per-host rate limit and a run budget.
 */
export async function runProbes(
  targets: ProbeTarget[],
  sources: Map<string, "inventory" | "endpoints-file">,
  opts: ProbeOptions,
): Promise<ProbeRunResult> {
  const s = openSession(opts);
  const observations = await probeAll(s, targets, sources);
  const unfinished = targets.filter((_, i) => observations[i] === undefined);
  const errors = stopErrors(s, unfinished);
  const resources: Resource[] = [];
  for (const o of observations) {
    if (!o) continue;
    const r = probeResult(o, opts.defaultAccount);
    resources.push(r.resource);
    errors.push(...r.errors);
  }
  const notProbed = resources.reduce((n, r) => n + Object.keys(r.skipped ?? {}).length, 0);
  opts.logger?.info(
    `Probes: ${targets.length - (opts.notProbed?.size ?? 0)} endpoint(s), ${s.budget.spent} request(s), ${errors.length} inconclusive check(s), ${notProbed} not probed by design` +
      (unfinished.length ? `, ${unfinished.length} endpoint(s) not finished` : ""),
  );
  // A copy: answers that arrive after a stop must not change what was reported.
  return { resources, errors, log: [...s.log], requestsSent: s.budget.spent };
}
