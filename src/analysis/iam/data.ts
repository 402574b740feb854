/**
 * Loads the analysis data (action catalogue, privesc methods, trust-service list) once, so the
 * analysis itself stays a pure synchronous function of its inputs.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadActionCatalog, type ActionCatalog } from "./catalog.js";
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
