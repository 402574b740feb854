/**
 * Privilege-escalation catalogue (data in `rules/data/privesc.json`) and its matcher.
 *
 * A method matches when the principal holds every required action, whether on `*` or only
 * limited; `limitedBy` tells rules how much to trust the match. Targets (which role is passed,
 * which user gets the key) are not resolved: this is the Rhino/Prowler action-set model.
 */
import { hasBit } from "./bitset.js";
import type { ActionCatalog } from "./catalog.js";
import type { AllowedSets } from "./grants.js";

/** Where a catalogue entry comes from. */
export interface PrivescSource {
  /** Who documented it. */
  name: string;
  /** URL of the source. */
  reference: string;
  /** Method number in the source, when it numbers them. */
  method?: number;
}

/** One privilege-escalation method. */
export interface PrivescMethod {
  /** Stable kebab-case id. */
  id: string;
  /** Short title. */
  name: string;
  /** How the escalation works. */
  description: string;
  /** All of these actions are needed. */
  requiredActions: string[];
  /** Provenance. */
  source: PrivescSource;
}

/** Why a match is weaker than "allowed on every resource". */
export type LimitedBy = "condition" | "resource" | null;

/** A method the principal can perform. */
export interface PrivescMatch {
  /** Method id. */
  id: string;
  /** Method title. */
  name: string;
  /** The required actions, canonical names, as granted. */
  enablingActions: string[];
  /** `resource` when some action is allowed only on specific resources, else `condition` when
   *  some action is allowed only under a condition, else null (all on `*`, unconditionally). */
  limitedBy: LimitedBy;
}

/** Thrown when the privesc data file is not well-formed (a packaging bug, not user input). */
export class PrivescCatalogError extends Error {
  override name = "PrivescCatalogError";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates the JSON content of `privesc.json`. */
export function parsePrivescCatalog(json: unknown): PrivescMethod[] {
  if (!isRecord(json) || !Array.isArray(json["methods"])) throw new PrivescCatalogError("methods[] missing");
  const seen = new Set<string>();
  return json["methods"].map((m: unknown, i) => {
    const where = `methods[${i}]`;
    if (!isRecord(m)) throw new PrivescCatalogError(`${where} is not an object`);
    const { id, name, description, requiredActions, source } = m;
    if (typeof id !== "string" || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) {
      throw new PrivescCatalogError(`${where}.id must be kebab-case`);
    }
    if (seen.has(id)) throw new PrivescCatalogError(`duplicate id ${id}`);
    seen.add(id);
    if (typeof name !== "string" || typeof description !== "string") {
      throw new PrivescCatalogError(`${id}: name and description are required`);
    }
    if (
      !Array.isArray(requiredActions) ||
      requiredActions.length === 0 ||
      !requiredActions.every((a) => typeof a === "string" && /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a))
    ) {
      throw new PrivescCatalogError(`${id}: requiredActions must be exact service:Action names`);
    }
    if (!isRecord(source) || typeof source["name"] !== "string" || typeof source["reference"] !== "string") {
      throw new PrivescCatalogError(`${id}: source.name and source.reference are required`);
    }
    const src: PrivescSource = { name: source["name"], reference: source["reference"] };
    if (typeof source["method"] === "number") src.method = source["method"];
    return { id, name, description, requiredActions: requiredActions as string[], source: src };
  });
}

/** A method with its actions resolved to catalogue indices. */
export interface ResolvedPrivescMethod {
  /** The method. */
  readonly method: PrivescMethod;
  /** Catalogue index per required action. */
  readonly indices: readonly number[];
}

/** Resolves methods against a catalogue; methods naming unknown actions are returned apart. */
export function resolvePrivescMethods(
  methods: readonly PrivescMethod[],
  catalog: ActionCatalog,
): { resolved: ResolvedPrivescMethod[]; unresolved: { id: string; missingActions: string[] }[] } {
  const resolved: ResolvedPrivescMethod[] = [];
  const unresolved: { id: string; missingActions: string[] }[] = [];
  for (const method of methods) {
    const indices = method.requiredActions.map((a) => catalog.indexOf(a));
    const missing = method.requiredActions.filter((_a, i) => indices[i] === undefined);
    if (missing.length > 0) unresolved.push({ id: method.id, missingActions: missing });
    else resolved.push({ method, indices: indices as number[] });
  }
  return { resolved, unresolved };
}

/** Methods whose every action is allowed (on `*`, on some resources, or under a condition). */
export function matchPrivesc(
  methods: readonly ResolvedPrivescMethod[],
  sets: AllowedSets,
  catalog: ActionCatalog,
): PrivescMatch[] {
  const out: PrivescMatch[] = [];
  for (const { method, indices } of methods) {
    let limitedBy: LimitedBy = null;
    let ok = true;
    for (const i of indices) {
      if (hasBit(sets.unconstrained, i)) continue;
      if (hasBit(sets.resourceScoped, i)) limitedBy = "resource";
      else if (hasBit(sets.conditional, i)) limitedBy = limitedBy ?? "condition";
      else {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    out.push({
      id: method.id,
      name: method.name,
      enablingActions: indices.map((i) => catalog.actions[i]?.name ?? String(i)),
      limitedBy,
    });
  }
  return out;
}
