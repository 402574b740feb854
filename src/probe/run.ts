import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { refuseUserInfo } from "../util/url-userinfo.js";
import type { Inventory } from "../model/inventory.js";
import type { ProbeProgress } from "../collect/progress.js";
import type { Logger } from "../util/logger.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { stableStringify } from "../util/stable-json.js";
import { loadProbeEndpoints } from "./endpoints-file.js";
import { PROBE_DEFAULTS, probeArn, runProbes, type ProbeLogEntry } from "./prober.js";
import type { SigningCredentials } from "./sign.js";
import { hostAllowed, parseProbeHosts } from "./hosts.js";
import {
  DEFAULT_DOMAIN_URL_TEMPLATE,
  DEFAULT_INVOKE_URL_TEMPLATE,
  targetsFromInventory,
  type NotProbed,
  type SkippedTarget,
} from "./targets-from-inventory.js";
import type { ProbeTarget } from "./types.js";

/** Probe options as the CLI parses them. */
export interface ProbeCliOptions {
  /** False with `--no-probe`. */
  probe?: boolean;
  probeEndpoints?: string;
  invokeUrlTemplate?: string;
  httpInvokeUrlTemplate?: string;
  domainUrlTemplate?: string;
  /** `--probe-hosts`: comma-separated host globs probes may reach. */
  probeHosts?: string;
  caFile?: string;
  probeThrottling?: boolean;
  throttleBudget?: number;
  probeBudget?: number;
  probeRate?: number;
  probeTimeout?: number;
}

/** Validated probe settings: everything that can be refused is refused before any request is made. */
export interface PreparedProbes {
  enabled: boolean;
  endpoints: ProbeTarget[];
  extraCa?: string;
  invokeUrlTemplate: string;
  httpInvokeUrlTemplate?: string;
  domainUrlTemplate: string;
  /** Which templates the user gave (the others are AWS's defaults, wrong for an emulator's inventory). */
  templatesGiven: { invoke: boolean; domain: boolean };
  /** The emulator the inventory's API Gateway was read from (`apiGatewayEmulator`), set once the AWS configuration is read. */
  emulator?: { value: string; source: string; why: string };
  /** Host globs probes may reach; undefined = any host derived from the inventory and the endpoints file. */
  probeHosts?: string[];
  throttling?: { budget: number };
  budget: number;
  ratePerSecond: number;
  timeoutMs: number;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${name}: must be a positive number, got ${String(v)}`);
  return n;
}

/** Validates probe options and reads the endpoints and CA files (exit 2 on bad input). */
export function prepareProbes(opts: ProbeCliOptions): PreparedProbes {
  const throttleBudget = positive("--throttle-budget", opts.throttleBudget, PROBE_DEFAULTS.throttleBudget);
  if (throttleBudget > PROBE_DEFAULTS.maxThrottleBudget) {
    throw new InputError(
      `--throttle-budget: at most ${PROBE_DEFAULTS.maxThrottleBudget} requests per burst, got ${throttleBudget}`,
    );
  }
  const template = opts.invokeUrlTemplate ?? DEFAULT_INVOKE_URL_TEMPLATE;
  const domainTemplate = opts.domainUrlTemplate ?? DEFAULT_DOMAIN_URL_TEMPLATE;
  for (const [name, t, scheme, needs] of [
    ["--invoke-url-template", template, "https:", "{apiId}"],
    ["--http-invoke-url-template", opts.httpInvokeUrlTemplate, "http:", "{apiId}"],
    ["--domain-url-template", domainTemplate, "https:", "{domain}"],
  ] as const) {
    if (t === undefined) continue;
    refuseUserInfo(t, name);
    let ok = false;
    try {
      const sample = t
        .replaceAll("{apiId}", "a")
        .replaceAll("{region}", "r")
        .replaceAll("{stage}", "s")
        .replaceAll("{domain}", "d.example")
        .replaceAll("{basePath}", "b");
      ok = new URL(sample).protocol === scheme;
    } catch {
      ok = false;
    }
    if (!ok || !t.includes(needs)) throw new InputError(`${name}: must be a ${scheme}// URL template with ${needs}, got ${t}`);
  }
  const probeHosts = opts.probeHosts === undefined ? undefined : parseProbeHosts(opts.probeHosts);
  let extraCa: string | undefined;
  if (opts.caFile) {
    try {
      extraCa = readFileSync(opts.caFile, "utf8");
    } catch (e) {
      throw new InputError(`${opts.caFile}: cannot read --ca-file: ${(e as Error).message}`);
    }
    if (!extraCa.includes("-----BEGIN CERTIFICATE-----"))
      throw new InputError(`${opts.caFile}: --ca-file is not a PEM certificate`);
  }
  const endpoints = opts.probeEndpoints ? loadProbeEndpoints(opts.probeEndpoints) : [];
  // Endpoints-file targets are known before the run: one outside --probe-hosts is refused now, not after the scan.
  for (const t of endpoints) {
    const outside = hostsOutside(t, probeHosts);
    if (outside.length)
      throw new InputError(
        `--probe-hosts ${probeHosts!.join(",")}: endpoint ${JSON.stringify(t.id)} of ${opts.probeEndpoints} would reach ${outside.join(", ")}; nothing was sent`,
      );
  }
  return {
    enabled: opts.probe !== false,
    endpoints,
    ...(extraCa ? { extraCa } : {}),
    invokeUrlTemplate: template,
    ...(opts.httpInvokeUrlTemplate ? { httpInvokeUrlTemplate: opts.httpInvokeUrlTemplate } : {}),
    domainUrlTemplate: domainTemplate,
    templatesGiven: { invoke: opts.invokeUrlTemplate !== undefined, domain: opts.domainUrlTemplate !== undefined },
    ...(probeHosts ? { probeHosts } : {}),
    ...(opts.probeThrottling ? { throttling: { budget: throttleBudget } } : {}),
    budget: positive("--probe-budget", opts.probeBudget, PROBE_DEFAULTS.budget),
    ratePerSecond: positive("--probe-rate", opts.probeRate, PROBE_DEFAULTS.ratePerSecond),
    timeoutMs: positive("--probe-timeout", opts.probeTimeout, PROBE_DEFAULTS.timeoutMs),
  };
}

/** The request log file written next to the reports. */
export const PROBE_LOG_FILE = "probes.json";

/** The targets of a probe run, and the endpoints that will not be probed, with why. */
export interface ProbePlan {
  /** Endpoints to probe (inventory-derived first, then the endpoints file's). */
  targets: ProbeTarget[];
  /** Inventory endpoints sent nothing by design (private or WebSocket APIs): their checks are `skipped`. */
  skipped: SkippedTarget[];
  /** Where each target came from. */
  sources: Map<string, "inventory" | "endpoints-file">;
  /** Endpoints of the inventory that are not probed by design (private, WebSocket, …). */
  notProbed: NotProbed[];
  /** Inventory endpoints whose configuration could not be read as a probe target. */
  problems: { arn: string; message: string }[];
  /** Targets whose host is outside `--probe-hosts`: never sent a request. */
  refused: { target: ProbeTarget; hosts: string[] }[];
  /** Endpoints-file entries whose id is also derived from the inventory: not probed. */
  clashes: ProbeTarget[];
  /** Why targets on a URL template left at AWS's default are skipped (the inventory came from an emulator). */
  unreachable: string[];
}

/** Hosts of a target's URLs outside the allow-list (empty when there is no allow-list or all are inside). */
function hostsOutside(t: ProbeTarget, allowed: readonly string[] | undefined): string[] {
  if (!allowed) return [];
  const out = new Set<string>();
  for (const u of [t.baseUrl, t.httpBaseUrl])
    if (u !== undefined && !hostAllowed(new URL(u).hostname, allowed)) out.add(new URL(u).hostname);
  return [...out].sort();
}

/**
 * Plans a probe run (pure): targets derived from the inventory plus the endpoints file, minus those outside
 * `--probe-hosts` and endpoints-file entries clashing with a derived id. Targets known before the run starts
 * (the endpoints file, a saved `--inventory`) are checked up front with assertProbePlanUsable instead.
 */
export function planProbes(inventory: Inventory, prepared: PreparedProbes): ProbePlan {
  // An emulator's API ids mean nothing on AWS: the default templates would reach whoever owns them there.
  const e = prepared.emulator;
  const emulated = (flag: string) =>
    e &&
    `API Gateway was read from ${e.value} (${e.source}), ${e.why}: an emulator, whose APIs are not on AWS's hosts; ` +
      `give ${flag} for the emulator's data plane to probe them`;
  const invokeUnreachable = prepared.templatesGiven.invoke ? undefined : emulated("--invoke-url-template");
  const domainUnreachable = prepared.templatesGiven.domain ? undefined : emulated("--domain-url-template");
  const fromInventory = targetsFromInventory(inventory, {
    invokeUrlTemplate: prepared.invokeUrlTemplate,
    ...(prepared.httpInvokeUrlTemplate ? { httpInvokeUrlTemplate: prepared.httpInvokeUrlTemplate } : {}),
    domainUrlTemplate: prepared.domainUrlTemplate,
    ...(invokeUnreachable ? { invokeUnreachable } : {}),
    ...(domainUnreachable ? { domainUnreachable } : {}),
  });
  const sources = new Map<string, "inventory" | "endpoints-file">();
  for (const t of [...fromInventory.targets, ...fromInventory.skipped.map((s) => s.target)]) sources.set(t.id, "inventory");
  const clashes = prepared.endpoints.filter((t) => sources.has(t.id));
  const fromFile = prepared.endpoints.filter((t) => !sources.has(t.id));
  for (const t of fromFile) sources.set(t.id, "endpoints-file");
  const refused: ProbePlan["refused"] = [];
  const targets: ProbeTarget[] = [];
  for (const t of [...fromInventory.targets, ...fromFile]) {
    const hosts = hostsOutside(t, prepared.probeHosts);
    if (hosts.length) refused.push({ target: t, hosts });
    else targets.push(t);
  }
  return {
    targets,
    skipped: fromInventory.skipped,
    sources,
    notProbed: fromInventory.notProbed,
    problems: fromInventory.problems,
    refused,
    clashes,
    unreachable: [invokeUnreachable, domainUnreachable].filter((r): r is string => r !== undefined),
  };
}

/**
 * Refuses (InputError, exit 2, before any request or AWS call) a plan whose targets were all known up front:
 * an endpoint outside `--probe-hosts`, or an endpoints-file id that the inventory also derives.
 */
export function assertProbePlanUsable(plan: ProbePlan, prepared: PreparedProbes): void {
  const clash = plan.clashes[0];
  if (clash)
    throw new InputError(
      `--probe-endpoints: endpoint id ${JSON.stringify(clash.id)} is also derived from the inventory; rename it`,
    );
  if (plan.refused.length)
    throw new InputError(
      `--probe-hosts ${prepared.probeHosts!.join(",")}: probes would reach ${[...new Set(plan.refused.flatMap((r) => r.hosts))].sort().join(", ")}; nothing was sent`,
    );
}

/** What a probe run leaves for probes.json: every request sent (redacted) and every endpoint not probed, with why. */
export interface ProbeLog {
  requests: ProbeLogEntry[];
  notProbed: NotProbed[];
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
  ctx: {
    credentials?: SigningCredentials | undefined;
    logger: Logger;
    userAgent: string;
    signal?: AbortSignal | undefined;
    progress?: ProbeProgress | undefined;
  },
): Promise<{ inventory: Inventory; log?: ProbeLog }> {
  if (!prepared.enabled) return { inventory };
  const plan = planProbes(inventory, prepared);
  for (const n of plan.notProbed) ctx.logger.info(`Not probed: ${n.arn}: ${n.reason}`);
  // The emulator's endpoints are skipped as one (or two: stages and domains) reasons, said once each.
  const perReason = new Map<string, number>();
  for (const t of plan.skipped)
    if (plan.unreachable.includes(t.reason)) perReason.set(t.reason, (perReason.get(t.reason) ?? 0) + 1);
  for (const [reason, n] of perReason) ctx.logger.warn(`Not probed: ${n} endpoint(s): ${reason}`);
  const account = inventory.metadata.accounts[0];
  const notRun = (t: ProbeTarget, errorName: string, message: string) => ({
    account: t.account ?? account ?? "000000000000",
    region: t.region ?? "global",
    service: "probe",
    operation: "*",
    errorName,
    message,
    resourceArn: probeArn(t),
  });
  const planErrors = [
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
  const refusedNotes: NotProbed[] = [
    ...plan.refused.map(({ target, hosts }) => ({
      arn: target.arn ?? probeArn(target),
      reason: `refused: ${hosts.join(", ")} is outside --probe-hosts`,
    })),
    ...plan.clashes.map((t) => ({
      arn: probeArn(t),
      reason: "refused: its endpoints-file id is also derived from the inventory",
    })),
  ];
  if (plan.refused.length) {
    ctx.logger.warn(
      `--probe-hosts ${prepared.probeHosts!.join(",")}: ${plan.refused.length} endpoint(s) found in the inventory are outside it and were not probed (their probe rules report error):`,
    );
    for (const { target, hosts } of plan.refused) ctx.logger.warn(`  refused: ${target.id} (${hosts.join(", ")})`);
  }
  for (const t of plan.clashes)
    ctx.logger.warn(
      `--probe-endpoints: endpoint id ${JSON.stringify(t.id)} is also derived from the inventory; not probed (rename it)`,
    );
  const withPlanErrors = (inv: Inventory): Inventory =>
    planErrors.length ? { ...inv, errors: [...inv.errors, ...planErrors] } : inv;
  if (!plan.targets.length && !plan.skipped.length) {
    const log = refusedNotes.length ? { requests: [], notProbed: [...plan.notProbed, ...refusedNotes] } : undefined;
    return { inventory: withPlanErrors(inventory), ...(log ? { log } : {}) };
  }
  if (process.env["NODE_TLS_REJECT_UNAUTHORIZED"] === "0" || process.env["NODE_EXTRA_CA_CERTS"])
    ctx.logger.warn(
      "probes ignore NODE_TLS_REJECT_UNAUTHORIZED and NODE_EXTRA_CA_CERTS: certificates are always verified, extra CAs come from --ca-file only",
    );
  ctx.logger.info(
    `Probing ${plan.targets.length} endpoint(s) (budget ${prepared.budget} requests, ${prepared.ratePerSecond}/s per host)`,
  );
  // Targets of unreachable APIs are sent nothing; they still become probe resources whose checks are skipped.
  const result = await runProbes([...plan.targets, ...plan.skipped.map((s) => s.target)], plan.sources, {
    notProbed: new Map(plan.skipped.map((s) => [s.target.id, s.reason])),
    credentials: ctx.credentials,
    extraCa: prepared.extraCa,
    timeoutMs: prepared.timeoutMs,
    ratePerSecond: prepared.ratePerSecond,
    budget: prepared.budget,
    throttling: prepared.throttling,
    userAgent: ctx.userAgent,
    ...(account ? { defaultAccount: account } : {}),
    logger: ctx.logger,
    ...(prepared.probeHosts ? { allowedHosts: prepared.probeHosts } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    progress: ctx.progress,
  });
  return {
    inventory: withPlanErrors({
      ...inventory,
      metadata: { ...inventory.metadata, services: [...new Set([...inventory.metadata.services, "probe"])] },
      resources: [...inventory.resources, ...result.resources],
      errors: [...inventory.errors, ...result.errors],
    }),
    log: { requests: result.log, notProbed: [...plan.notProbed, ...refusedNotes] },
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
