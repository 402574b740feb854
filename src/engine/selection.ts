/**
 * Which rules a run evaluates: `--services`, `--rules`, `--exclude-rules`, `--severity` and `--framework` (or the
 * config file's `filters`). Every value is checked against the rule set and the frameworks before anything else
 * happens, so a typo is bad input (exit 2 naming the flag), never a silently empty or partial scan.
 */
import { existsSync, statSync } from "node:fs";
import { InputError } from "../errors.js";
import { atLeast, type Severity } from "../model/severity.js";
import { globMatch, isLiteralGlob } from "../util/glob.js";
import type { Framework } from "./frameworks.js";
import { RESOURCE_TYPE_SOURCES } from "./resource-types.js";
import type { Rule, RuleSet } from "./rules.js";
import { PATH_ENTRY_SERVICES, SERVICE_NAMES } from "./services.js";

export { PATH_ENTRY_SERVICES, SERVICE_NAMES };

/** The filters of a run, as given on the command line or in the config file's `filters`. */
export interface RuleFilters {
  /** Services to collect and evaluate (collector names: iam, apigateway, …). */
  services?: string[];
  /** Rule ids, aliases or globs to evaluate (any of them). */
  rules?: string[];
  /** Rule ids, aliases or globs not to evaluate. */
  excludeRules?: string[];
  /** Minimum effective severity. */
  severity?: Severity;
  /** Only the rules mapped to this framework (e.g. `cis-aws-5.0`). */
  framework?: string;
}

/** Names of the filter keys as the user wrote them: a flag, or a config file field. */
export type FilterSource = Record<keyof RuleFilters, string>;

/** Flag names, for messages about command-line filters. */
export const FLAG_SOURCE: FilterSource = {
  services: "--services",
  rules: "--rules",
  excludeRules: "--exclude-rules",
  severity: "--severity",
  framework: "--framework",
};

/**
 * The services a rule belongs to: its resource type's collector. Probe rules belong to both API Gateway services,
 * whose endpoints they probe; exposure-path rules to every entry-point service (PATH_ENTRY_SERVICES).
 */
export function ruleServices(rule: Pick<Rule, "resourceType">): string[] {
  const svc = RESOURCE_TYPE_SOURCES[rule.resourceType].service;
  if (svc === "probe") return ["apigateway", "apigatewayv2"];
  if (svc === "path") return [...PATH_ENTRY_SERVICES];
  return [svc];
}

const matchesRule = (pattern: string, r: Pick<Rule, "id" | "aliases">) =>
  [r.id, ...(r.aliases ?? [])].some((id) => (isLiteralGlob(pattern) ? id === pattern : globMatch(pattern, id)));

/** The filters that are set, without empty lists (what metadata records). */
export function activeFilters(f: RuleFilters): RuleFilters {
  return {
    ...(f.services?.length ? { services: [...new Set(f.services)] } : {}),
    ...(f.rules?.length ? { rules: [...new Set(f.rules)] } : {}),
    ...(f.excludeRules?.length ? { excludeRules: [...new Set(f.excludeRules)] } : {}),
    ...(f.severity ? { severity: f.severity } : {}),
    ...(f.framework ? { framework: f.framework } : {}),
  };
}

/**
 * Checks every filter value: known services and framework, and rule patterns that match some rule of the rule
 * set (enabled or disabled by the profile). Throws InputError naming where the value came from.
 */
export function validateFilters(
  filters: RuleFilters,
  ruleSet: Pick<RuleSet, "knownIds">,
  frameworks: readonly Framework[],
  source: FilterSource = FLAG_SOURCE,
): void {
  for (const s of filters.services ?? [])
    if (!SERVICE_NAMES.includes(s))
      throw new InputError(`${source.services}: unknown service ${JSON.stringify(s)}; known: ${SERVICE_NAMES.join(", ")}`);
  const ids = [...ruleSet.knownIds];
  for (const key of ["rules", "excludeRules"] as const) {
    for (const p of filters[key] ?? []) {
      if (ids.some((id) => (isLiteralGlob(p) ? id === p : globMatch(p, id)))) continue;
      // `--rules` once named an extra rule pack folder; say where that went.
      const folder = key === "rules" && existsSync(p) && statSync(p).isDirectory();
      throw new InputError(
        `${source[key]}: ${JSON.stringify(p)} matches no rule id or alias (see \`tollgate rules list\`)${
          folder ? `; ${p} is a folder: an extra rule pack is --rule-pack ${p}` : ""
        }`,
      );
    }
  }
  if (filters.framework && !frameworks.some((f) => f.id === filters.framework))
    throw new InputError(
      `${source.framework}: unknown framework ${JSON.stringify(filters.framework)}; known: ${frameworks.map((f) => f.id).join(", ")}`,
    );
}

/**
 * The rules the filters keep, in the rule set's order: all filters must hold (AND), `rules` patterns are
 * alternatives (OR), `excludeRules` removes. Filters that keep nothing are bad input: the run would judge nothing.
 */
export function selectRules(
  rules: readonly Rule[],
  filters: RuleFilters,
  frameworks: readonly Framework[],
  source: FilterSource = FLAG_SOURCE,
): Rule[] {
  const f = activeFilters(filters);
  if (!Object.keys(f).length) return [...rules];
  const mapped = f.framework
    ? new Set(frameworks.find((fw) => fw.id === f.framework)?.requirements.flatMap((r) => r.rules) ?? [])
    : undefined;
  const kept = rules.filter(
    (r) =>
      (!f.services || ruleServices(r).some((s) => f.services!.includes(s))) &&
      (!f.rules || f.rules.some((p) => matchesRule(p, r))) &&
      !(f.excludeRules ?? []).some((p) => matchesRule(p, r)) &&
      (!f.severity || atLeast(r.severity, f.severity)) &&
      (!mapped || mapped.has(r.id) || (r.aliases ?? []).some((a) => mapped.has(a))),
  );
  if (!kept.length) {
    const given = (Object.keys(f) as (keyof RuleFilters)[]).map((k) => `${source[k]} ${String(f[k])}`).join(", ");
    throw new InputError(`no enabled rule matches ${given} (see \`tollgate rules list\`)`);
  }
  return kept;
}
