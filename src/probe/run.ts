import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { InputError } from "../errors.js";
import type { Inventory } from "../model/inventory.js";
import type { Logger } from "../util/logger.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { stableStringify } from "../util/stable-json.js";
import { loadProbeEndpoints } from "./endpoints-file.js";
import { PROBE_DEFAULTS, runProbes, type ProbeLogEntry } from "./prober.js";
import type { SigningCredentials } from "./sign.js";
import { hostAllowed, parseProbeHosts } from "./hosts.js";
import {
  DEFAULT_DOMAIN_URL_TEMPLATE,
  DEFAULT_INVOKE_URL_TEMPLATE,
  targetsFromInventory,
  type NotProbed,
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
  return {
    enabled: opts.probe !== false,
    endpoints: opts.probeEndpoints ? loadProbeEndpoints(opts.probeEndpoints) : [],
    ...(extraCa ? { extraCa } : {}),
    invokeUrlTemplate: template,
    ...(opts.httpInvokeUrlTemplate ? { httpInvokeUrlTemplate: opts.httpInvokeUrlTemplate } : {}),
    domainUrlTemplate: domainTemplate,
    ...(probeHosts ? { probeHosts } : {}),
    ...(opts.probeThrottling ? { throttling: { budget: throttleBudget } } : {}),
    budget: positive("--probe-budget", opts.probeBudget, PROBE_DEFAULTS.budget),
    ratePerSecond: positive("--probe-rate", opts.probeRate, PROBE_DEFAULTS.ratePerSecond),
    timeoutMs: positive("--probe-timeout", opts.probeTimeout, PROBE_DEFAULTS.timeoutMs),
  };
}

/** Resolves signing credentials from the chain; probes still run without (SigV4 checks then report error). */
export async function resolveSigningCredentials(
  provider: AwsCredentialIdentityProvider | AwsCredentialIdentity | undefined,
  log: Logger,
): Promise<SigningCredentials | undefined> {
  if (!provider) return undefined;
  try {
    const c = typeof provider === "function" ? await provider() : provider;
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    };
  } catch (e) {
    log.warn(`no AWS credentials for signing probes (${(e as Error).name}); SigV4 checks will report error`);
    return undefined;
  }
}

/** The request log file written next to the reports. */
export const PROBE_LOG_FILE = "probes.json";

/**
 * Probes the inventory's API Gateway endpoints plus the endpoints file, merges the results into the inventory
 * (resources and errors) and writes the request log. Returns the inventory unchanged when there is nothing
 * to probe (no file is written then).
 */
export async function probeInventory(
  inventory: Inventory,
  prepared: PreparedProbes,
  ctx: { credentials?: SigningCredentials | undefined; logger: Logger; userAgent: string; outDir: string },
): Promise<Inventory> {
  if (!prepared.enabled) return inventory;
  const fromInventory = targetsFromInventory(inventory, {
    invokeUrlTemplate: prepared.invokeUrlTemplate,
    ...(prepared.httpInvokeUrlTemplate ? { httpInvokeUrlTemplate: prepared.httpInvokeUrlTemplate } : {}),
    domainUrlTemplate: prepared.domainUrlTemplate,
  });
  for (const n of fromInventory.notProbed) ctx.logger.info(`Not probed: ${n.arn}: ${n.reason}`);
  const sources = new Map<string, "inventory" | "endpoints-file">();
  for (const t of [...fromInventory.targets, ...fromInventory.skipped.map((s) => s.target)]) sources.set(t.id, "inventory");
  const clash = prepared.endpoints.find((t) => sources.has(t.id));
  if (clash)
    throw new InputError(
      `--probe-endpoints: endpoint id ${JSON.stringify(clash.id)} is also derived from the inventory; rename it`,
    );
  for (const t of prepared.endpoints) sources.set(t.id, "endpoints-file");
  const targets = [...fromInventory.targets, ...prepared.endpoints];
  if (prepared.probeHosts) {
    // Checked before any request: a target outside the allow-list is a mistake to stop at, not to skip.
    const outside = new Set<string>();
    for (const t of targets)
      for (const u of [t.baseUrl, t.httpBaseUrl])
        if (u !== undefined && !hostAllowed(new URL(u).hostname, prepared.probeHosts)) outside.add(new URL(u).hostname);
    if (outside.size)
      throw new InputError(
        `--probe-hosts ${prepared.probeHosts.join(",")}: probes would reach ${[...outside].sort().join(", ")}; nothing was sent`,
      );
  }
  const account = inventory.metadata.accounts[0];
  const problemErrors = fromInventory.problems.map((p) => ({
    account: account ?? "000000000000",
    region: "global",
    service: "probe",
    operation: "ProbeAuth",
    errorName: "ProbeTargetUnknown",
    message: `not probed: ${p.message}`,
    resourceArn: p.arn,
  }));
  if (!targets.length && !fromInventory.skipped.length) {
    return problemErrors.length ? { ...inventory, errors: [...inventory.errors, ...problemErrors] } : inventory;
  }
  if (process.env["NODE_TLS_REJECT_UNAUTHORIZED"] === "0" || process.env["NODE_EXTRA_CA_CERTS"])
    ctx.logger.warn(
      "probes ignore NODE_TLS_REJECT_UNAUTHORIZED and NODE_EXTRA_CA_CERTS: certificates are always verified, extra CAs come from --ca-file only",
    );
  ctx.logger.info(
    `Probing ${targets.length} endpoint(s) (budget ${prepared.budget} requests, ${prepared.ratePerSecond}/s per host)`,
  );
  // Targets of unreachable APIs are sent nothing; they still become probe resources whose checks are skipped.
  const result = await runProbes([...targets, ...fromInventory.skipped.map((s) => s.target)], sources, {
    notProbed: new Map(fromInventory.skipped.map((s) => [s.target.id, s.reason])),
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
  });
  await writeProbeLog(ctx.outDir, result.log, fromInventory.notProbed);
  return {
    ...inventory,
    metadata: { ...inventory.metadata, services: [...new Set([...inventory.metadata.services, "probe"])] },
    resources: [...inventory.resources, ...result.resources],
    errors: [...inventory.errors, ...problemErrors, ...result.errors],
  };
}

/** Writes probes.json (every request sent, redacted) atomically. */
export async function writeProbeLog(dir: string, log: ProbeLogEntry[], notProbed: NotProbed[] = []): Promise<string> {
  const path = join(dir, PROBE_LOG_FILE);
  await writeFileAtomic(path, stableStringify({ kind: "tollgate-probe-log", requests: log, notProbed }));
  return path;
}

/** The User-Agent probes send: names Tollgate, its version and where to learn what it is. */
export function probeUserAgent(version: string): string {
  return `tollgate/${version} (+https://github.com/tollgate-audit/tollgate; API security probe)`;
}
