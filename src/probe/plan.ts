/** Planning a probe run: which endpoints are probed, which are refused or skipped, and why. Pure. */
import { InputError } from "../errors.js";
import type { Inventory } from "../model/inventory.js";
import { hostAllowed } from "./hosts.js";
import type { PreparedProbes } from "./prepare.js";
import { targetsFromInventory, type NotProbed, type SkippedTarget } from "./targets-from-inventory.js";
import type { ProbeTarget } from "./types.js";

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
export function hostsOutside(t: ProbeTarget, allowed: readonly string[] | undefined): string[] {
  if (!allowed) return [];
  const out = new Set<string>();
  for (const u of [t.baseUrl, t.httpBaseUrl])
    if (u !== undefined && !hostAllowed(new URL(u).hostname, allowed)) out.add(new URL(u).hostname);
  return [...out].sort();
}

/**
 * Why targets on a URL template left at AWS's default are not probed: the inventory was read from an emulator, whose
 * API ids, URL ids and endpoint ids mean nothing on AWS (the default templates would reach whoever owns them there).
 */
function emulatorReasons(prepared: PreparedProbes): Partial<Record<EmulatorReason, string>> {
  const e = prepared.emulator;
  if (!e) return {};
  const emulated = (what: string, flag: string) =>
    `API Gateway was read from ${e.value} (${e.source}), ${e.why}: an emulator, whose ${what} are not on AWS's hosts; ` +
    `give ${flag} for the emulator's data plane to probe them`;
  const given = prepared.templatesGiven;
  return {
    ...(given.invoke ? {} : { invokeUnreachable: emulated("APIs", "--invoke-url-template") }),
    ...(given.domain ? {} : { domainUnreachable: emulated("APIs", "--domain-url-template") }),
    ...(given.functionUrl ? {} : { functionUrlUnreachable: emulated("function URLs", "--function-url-template") }),
    ...(given.appsync ? {} : { appsyncUnreachable: emulated("AppSync APIs", "--appsync-url-template") }),
  };
}

type EmulatorReason = "invokeUnreachable" | "domainUnreachable" | "functionUrlUnreachable" | "appsyncUnreachable";

/**
 * Plans a probe run (pure): targets derived from the inventory plus the endpoints file, minus those outside
 * `--probe-hosts` and endpoints-file entries clashing with a derived id. Targets known before the run starts
 * (the endpoints file, a saved `--inventory`) are checked up front with assertProbePlanUsable instead.
 */
export function planProbes(inventory: Inventory, prepared: PreparedProbes): ProbePlan {
  const unreachable = emulatorReasons(prepared);
  const fromInventory = targetsFromInventory(inventory, {
    invokeUrlTemplate: prepared.invokeUrlTemplate,
    ...(prepared.httpInvokeUrlTemplate ? { httpInvokeUrlTemplate: prepared.httpInvokeUrlTemplate } : {}),
    domainUrlTemplate: prepared.domainUrlTemplate,
    functionUrlTemplate: prepared.functionUrlTemplate,
    appsyncUrlTemplate: prepared.appsyncUrlTemplate,
    ...unreachable,
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
    unreachable: Object.values(unreachable),
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
