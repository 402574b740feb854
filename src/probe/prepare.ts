/** Probe settings from the CLI, validated before any request is made or AWS is called (exit 2 on bad input). */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { refuseUserInfo } from "../util/url-userinfo.js";
import { loadProbeEndpoints } from "./endpoints-file.js";
import { hostsOutside } from "./plan.js";
import { PROBE_DEFAULTS } from "./session.js";
import { parseProbeHosts } from "./hosts.js";
import { DEFAULT_APPSYNC_URL_TEMPLATE, DEFAULT_FUNCTION_URL_TEMPLATE } from "./targets-backend.js";
import { DEFAULT_DOMAIN_URL_TEMPLATE, DEFAULT_INVOKE_URL_TEMPLATE } from "./targets-from-inventory.js";
import type { ProbeTarget } from "./types.js";

/** Probe options as the CLI parses them. */
export interface ProbeCliOptions {
  /** False with `--no-probe`. */
  probe?: boolean;
  probeEndpoints?: string;
  invokeUrlTemplate?: string;
  httpInvokeUrlTemplate?: string;
  domainUrlTemplate?: string;
  /** `--function-url-template`: where Lambda function URLs are reached, `{urlId}` `{region}`. */
  functionUrlTemplate?: string;
  /** `--appsync-url-template`: where AppSync GraphQL endpoints are reached, `{endpointId}` `{region}`. */
  appsyncUrlTemplate?: string;
  /** `--probe-appsync`: opt in to the read-only GraphQL query (a POST) to AppSync endpoints. */
  probeAppsync?: boolean;
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
  functionUrlTemplate: string;
  appsyncUrlTemplate: string;
  /** AppSync endpoints get the read-only GraphQL query (opt-in: it is a POST). */
  appsyncPost: boolean;
  /** Which templates the user gave (the others are AWS's defaults, wrong for an emulator's inventory). */
  templatesGiven: { invoke: boolean; domain: boolean; functionUrl: boolean; appsync: boolean };
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

/** Refuses (exit 2) a URL template with user info, of the wrong scheme, or without its required placeholder. */
function checkTemplates(templates: [name: string, template: string | undefined, scheme: string, needs: string][]): void {
  for (const [name, t, scheme, needs] of templates) {
    if (t === undefined) continue;
    refuseUserInfo(t, name);
    let ok = false;
    try {
      const sample = t
        .replaceAll("{apiId}", "a")
        .replaceAll("{region}", "r")
        .replaceAll("{stage}", "s")
        .replaceAll("{domain}", "d.example")
        .replaceAll("{basePath}", "b")
        .replaceAll("{urlId}", "u")
        .replaceAll("{endpointId}", "e");
      ok = new URL(sample).protocol === scheme;
    } catch {
      ok = false;
    }
    if (!ok || !t.includes(needs)) throw new InputError(`${name}: must be a ${scheme}// URL template with ${needs}, got ${t}`);
  }
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
  const functionUrlTemplate = opts.functionUrlTemplate ?? DEFAULT_FUNCTION_URL_TEMPLATE;
  const appsyncUrlTemplate = opts.appsyncUrlTemplate ?? DEFAULT_APPSYNC_URL_TEMPLATE;
  checkTemplates([
    ["--invoke-url-template", template, "https:", "{apiId}"],
    ["--http-invoke-url-template", opts.httpInvokeUrlTemplate, "http:", "{apiId}"],
    ["--domain-url-template", domainTemplate, "https:", "{domain}"],
    ["--function-url-template", functionUrlTemplate, "https:", "{urlId}"],
    ["--appsync-url-template", appsyncUrlTemplate, "https:", "{endpointId}"],
  ]);
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
    functionUrlTemplate,
    appsyncUrlTemplate,
    appsyncPost: opts.probeAppsync === true,
    templatesGiven: {
      invoke: opts.invokeUrlTemplate !== undefined,
      domain: opts.domainUrlTemplate !== undefined,
      functionUrl: opts.functionUrlTemplate !== undefined,
      appsync: opts.appsyncUrlTemplate !== undefined,
    },
    ...(probeHosts ? { probeHosts } : {}),
    ...(opts.probeThrottling ? { throttling: { budget: throttleBudget } } : {}),
    budget: positive("--probe-budget", opts.probeBudget, PROBE_DEFAULTS.budget),
    ratePerSecond: positive("--probe-rate", opts.probeRate, PROBE_DEFAULTS.ratePerSecond),
    timeoutMs: positive("--probe-timeout", opts.probeTimeout, PROBE_DEFAULTS.timeoutMs),
  };
}
