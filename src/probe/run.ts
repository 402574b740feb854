/**
 * A probe run over an inventory: plan (plan.ts), say what will not be probed and why, probe (prober.ts) and merge
 * the results into the inventory; plus the request log (probes.json) and the User-Agent probes send.
 */
import { join } from "node:path";
import type { ProbeProgress } from "../collect/progress.js";
import type { CollectionError, Inventory } from "../model/inventory.js";
import type { Logger } from "../util/logger.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { stableStringify } from "../util/stable-json.js";
import { planProbes, type ProbePlan } from "./plan.js";
import type { PreparedProbes } from "./prepare.js";
import { probeArn, runProbes, type ProbeLogEntry, type ProbeRunResult } from "./prober.js";
import type { SigningCredentialSource } from "./sign.js";
import type { NotProbed } from "./targets-from-inventory.js";
import type { ProbeTarget } from "./types.js";

export { prepareProbes, type PreparedProbes, type ProbeCliOptions } from "./prepare.js";
export { assertProbePlanUsable, planProbes, type ProbePlan } from "./plan.js";

/** The request log file written next to the reports. */
export const PROBE_LOG_FILE = "probes.json";

/** What a probe run leaves for probes.json: every request sent (redacted) and every endpoint not probed, with why. */
export interface ProbeLog {
  requests: ProbeLogEntry[];
  notProbed: NotProbed[];
}

/** What probeInventory needs besides the inventory and the settings. */
export interface ProbeRunContext {
  /** Asked before every signature (see SigningCredentialSource). */
  credentials?: SigningCredentialSource | undefined;
  logger: Logger;
  userAgent: string;
  signal?: AbortSignal | undefined;
  progress?: ProbeProgress | undefined;
}

/** Says what the plan leaves out: endpoints not probed by design, emulator endpoints (once per reason), refusals, clashes. */
function logPlan(plan: ProbePlan, prepared: PreparedProbes, logger: Logger): void {
  for (const n of plan.notProbed) logger.info(`Not probed: ${n.arn}: ${n.reason}`);
  // The emulator's endpoints are skipped as one (or two: stages and domains) reasons, said once each.
  const perReason = new Map<string, number>();
  for (const t of plan.skipped)
    if (plan.unreachable.includes(t.reason)) perReason.set(t.reason, (perReason.get(t.reason) ?? 0) + 1);
  for (const [reason, n] of perReason) logger.warn(`Not probed: ${n} endpoint(s): ${reason}`);
  if (plan.refused.length) {
    logger.warn(
      `--probe-hosts ${prepared.probeHosts!.join(",")}: ${plan.refused.length} endpoint(s) found in the inventory are outside it and were not probed (their probe rules report error):`,
    );
    for (const { target, hosts } of plan.refused) logger.warn(`  refused: ${target.id} (${hosts.join(", ")})`);
  }
  for (const t of plan.clashes)
    logger.warn(
      `--probe-endpoints: endpoint id ${JSON.stringify(t.id)} is also derived from the inventory; not probed (rename it)`,
    );
}

/** Inventory errors for what the plan could not probe: unreadable targets, refused hosts, clashing ids. */
function planErrors(plan: ProbePlan, prepared: PreparedProbes, account: string | undefined): CollectionError[] {
  const notRun = (t: ProbeTarget, errorName: string, message: string): CollectionError => ({
    account: t.account ?? account ?? "000000000000",
    region: t.region ?? "global",
    service: "probe",
    operation: "*",
    errorName,
    message,
    resourceArn: probeArn(t),
  });
  return [
    ...plan.problems.map((p) => ({
      account: account ?? "000000000000",
      region: "global",
      service: "probe",
      operation: "ProbeAuth",
      errorName: "ProbeTargetUnknown",
      message: `not probed: ${p.message}`,
      resourceArn: p.arn,
    })),
    ...plan.refused.map(({ target, hosts }) =>
      notRun(
        target,
        "ProbeHostRefused",
        `not probed: ${hosts.join(", ")} is outside --probe-hosts ${prepared.probeHosts!.join(",")}`,
      ),
    ),
    ...plan.clashes.map((t) =>
      notRun(t, "ProbeTargetClash", `not probed: endpoints-file id ${JSON.stringify(t.id)} is also derived from the inventory`),
    ),
  ];
}

/** probes.json's notes for refused and clashing endpoints. */
function refusedNotes(plan: ProbePlan): NotProbed[] {
  return [
    ...plan.refused.map(({ target, hosts }) => ({
      arn: target.arn ?? probeArn(target),
      reason: `refused: ${hosts.join(", ")} is outside --probe-hosts`,
    })),
    ...plan.clashes.map((t) => ({
      arn: probeArn(t),
      reason: "refused: its endpoints-file id is also derived from the inventory",
    })),
  ];
}

/** Probes the planned targets; targets of unreachable APIs are sent nothing and become resources whose checks are skipped. */
function probePlanned(
  plan: ProbePlan,
  prepared: PreparedProbes,
  ctx: ProbeRunContext,
  account: string | undefined,
): Promise<ProbeRunResult> {
  if (process.env["NODE_TLS_REJECT_UNAUTHORIZED"] === "0" || process.env["NODE_EXTRA_CA_CERTS"])
    ctx.logger.warn(
      "probes ignore NODE_TLS_REJECT_UNAUTHORIZED and NODE_EXTRA_CA_CERTS: certificates are always verified, extra CAs come from --ca-file only",
    );
  ctx.logger.info(
    `Probing ${plan.targets.length} endpoint(s) (budget ${prepared.budget} requests, ${prepared.ratePerSecond}/s per host)`,
  );
  return runProbes([...plan.targets, ...plan.skipped.map((s) => s.target)], plan.sources, {
    notProbed: new Map(plan.skipped.map((s) => [s.target.id, s.reason])),
    credentials: ctx.credentials,
    extraCa: prepared.extraCa,
    timeoutMs: prepared.timeoutMs,
    ratePerSecond: prepared.ratePerSecond,
    budget: prepared.budget,
    throttling: prepared.throttling,
    appsyncPost: prepared.appsyncPost,
    userAgent: ctx.userAgent,
    ...(account ? { defaultAccount: account } : {}),
    logger: ctx.logger,
    ...(prepared.probeHosts ? { allowedHosts: prepared.probeHosts } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    progress: ctx.progress,
  });
}

/**
 * Probes the inventory's API Gateway endpoints plus the endpoints file and merges the results into the inventory
 * (resources and errors). Endpoints that appear only now (derived from the collected inventory) and fall outside
 * `--probe-hosts` are refused, listed and recorded as errors (their rules report `error`), never sent a request;
 * the same goes for an endpoints-file id that clashes with a derived one. With `signal`, a stop keeps what finished
 * (see runProbes). Returns the inventory unchanged and no log when there is nothing to probe.
 */
export async function probeInventory(
  inventory: Inventory,
  prepared: PreparedProbes,
  ctx: ProbeRunContext,
): Promise<{ inventory: Inventory; log?: ProbeLog }> {
  if (!prepared.enabled) return { inventory };
  const plan = planProbes(inventory, prepared);
  logPlan(plan, prepared, ctx.logger);
  const account = inventory.metadata.accounts[0];
  const errors = planErrors(plan, prepared, account);
  const notes = refusedNotes(plan);
  const withPlanErrors = (inv: Inventory): Inventory => (errors.length ? { ...inv, errors: [...inv.errors, ...errors] } : inv);
  if (!plan.targets.length && !plan.skipped.length) {
    const log = notes.length ? { requests: [], notProbed: [...plan.notProbed, ...notes] } : undefined;
    return { inventory: withPlanErrors(inventory), ...(log ? { log } : {}) };
  }
  const result = await probePlanned(plan, prepared, ctx, account);
  return {
    inventory: withPlanErrors({
      ...inventory,
      metadata: { ...inventory.metadata, services: [...new Set([...inventory.metadata.services, "probe"])] },
      resources: [...inventory.resources, ...result.resources],
      errors: [...inventory.errors, ...result.errors],
    }),
    log: { requests: result.log, notProbed: [...plan.notProbed, ...notes] },
  };
}

/** Writes probes.json (every request sent, redacted; every endpoint not probed) atomically into `dir`. */
export async function writeProbeLog(dir: string, log: ProbeLog): Promise<string> {
  const path = join(dir, PROBE_LOG_FILE);
  await writeFileAtomic(path, stableStringify({ kind: "tollgate-probe-log", requests: log.requests, notProbed: log.notProbed }));
  return path;
}

/** The User-Agent probes send: names Tollgate, its version and where to learn what it is. */
export function probeUserAgent(version: string): string {
  return `tollgate/${version} (+https://github.com/tollgate-audit/tollgate; API security probe)`;
}
