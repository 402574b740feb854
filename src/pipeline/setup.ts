import { loadIamAnalysisData } from "../analysis/iam/index.js";
import { configProfile, loadConfig } from "../config/load.js";
import type { TollgateConfig } from "../config/types.js";
import { readBaseline, type BaselineFinding } from "../engine/baseline.js";
import { loadFrameworks, type Framework } from "../engine/frameworks.js";
import { loadProfile, type Profile } from "../engine/profiles.js";
import { builtInRuleDirs, loadRuleSet, type Rule, type RuleSet } from "../engine/rules.js";
import {
  activeFilters,
  FLAG_SOURCE,
  ruleServices,
  selectRules,
  validateFilters,
  type FilterSource,
  type RuleFilters,
} from "../engine/selection.js";
import { InputError } from "../errors.js";
import type { Inventory, RunSelection } from "../model/inventory.js";
import { stderrLogger } from "../util/logger.js";
import { readLambdaRuntimes } from "../data/lambda-runtimes.js";
import type { EnrichData } from "./enrich.js";
import { defaultSecretPatterns } from "../secrets/load.js";
import { secretHashKeyFromEnv, type SecretHashKey } from "../secrets/redaction.js";

// The setup of a run: everything read from files before the first AWS call or output, once, so bad input is
// refused (exit 2) before anything is collected.

/** Config, profile, rules, frameworks and baseline for a run, loaded (and validated) before anything else happens. */
export interface RunSetup {
  config: TollgateConfig;
  profile: Profile;
  ruleSet: RuleSet;
  /** The filters in force: the config's `filters` with the command-line flags over them, key by key. */
  filters: RuleFilters;
  /** The enabled rules the filters keep: what this run evaluates. */
  rules: Rule[];
  /** What the run records in its metadata: filters, profile and config file. */
  selection: RunSelection;
  /** The `--baseline` file's findings, when one was given. */
  baseline?: BaselineFinding[];
  /** The compliance frameworks: filters by `--framework`, the rules' compliance references, report.html's view. */
  frameworks: Framework[];
  /** TOLLGATE_SECRET_HASH_KEY: redacted secrets carry a keyed hash (docs/secrets.md); none when unset. */
  secretHashKey?: SecretHashKey;
}

// configProfile lives with the config loader (rules list needs it without the run's setup); re-exported here.
export { configProfile };

/** What the setup reads: the config file, the profile, rule packs, filters and the baseline. */
export interface SetupOptions extends RuleFilters {
  /** Config file (default: tollgate.config.yaml/.yml/.json in the working directory). */
  config?: string | undefined;
  /** Rule profile name or file; overrides the config's `profile`. */
  profileRules?: string | undefined;
  /** Extra rule pack folders (`--rule-pack`, repeatable). */
  rulePack?: string[] | undefined;
  /** An earlier findings.json: failing findings are classified new/unchanged and only new ones gate. */
  baseline?: string | undefined;
  quiet?: boolean | undefined;
  /** The environment variables the setup reads (TOLLGATE_SECRET_HASH_KEY): the CLI gives the process's; none read when absent. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * Loads the config file, the selected profile, the rules with the profile's overrides, the filters (the config's
 * `filters` under the flags) and the baseline: all of them before the run's first AWS call or output, so bad input
 * is refused (exit 2) before anything is collected. An unknown service or framework, or a rule pattern matching
 * nothing, names the flag or the config file's line and field.
 */
export async function loadSetup(opts: SetupOptions): Promise<RunSetup> {
  const config = loadConfig(opts.config);
  const profile = loadProfile(opts.profileRules ?? configProfile(config) ?? "default");
  const ruleSet = loadRuleSet(
    [...builtInRuleDirs(), ...(opts.rulePack ?? [])],
    profile.overrides,
    `profile ${profile.id} (${profile.file})`,
  );
  const frameworks = loadFrameworks();
  const fromFlags = activeFilters(opts);
  const fromConfig = activeFilters(config.filters ?? {});
  const configSource = Object.fromEntries(
    (Object.keys(FLAG_SOURCE) as (keyof RuleFilters)[]).map((k) => [
      k,
      `${config.file ?? "config"}${config.filterLines?.[k] ? `:${config.filterLines[k]}` : ""}: /filters/${k}`,
    ]),
  ) as FilterSource;
  validateFilters(fromConfig, ruleSet, frameworks, configSource);
  validateFilters(fromFlags, ruleSet, frameworks);
  const filters = { ...fromConfig, ...fromFlags };
  // Messages name each filter where it came from: the flag when given, else the config file's field.
  const source = Object.fromEntries(
    (Object.keys(FLAG_SOURCE) as (keyof RuleFilters)[]).map((k) => [k, k in fromFlags ? FLAG_SOURCE[k] : configSource[k]]),
  ) as FilterSource;
  const rules = selectRules(ruleSet.rules, filters, frameworks, source);
  const selection: RunSelection = {
    ...filters,
    profile: profile.id === "default" || profile.id === "strict" ? profile.id : `${profile.id} (${profile.file})`,
    ...(config.file ? { config: config.file } : {}),
  };
  // A key too short is bad input (exit 2), refused here with the rest before anything is collected.
  const secretHashKey = opts.env ? secretHashKeyFromEnv(opts.env) : undefined;
  const setup: RunSetup = {
    config,
    profile,
    ruleSet,
    filters,
    rules,
    selection,
    frameworks,
    ...(secretHashKey ? { secretHashKey } : {}),
  };
  if (!opts.baseline) return setup;
  const baseline = await readBaseline(opts.baseline);
  if (baseline.skipped)
    stderrLogger({ quiet: opts.quiet }).warn(
      `${opts.baseline}: ${baseline.skipped} baseline entries lack ruleId/resourceArn/account/region/status; ignored`,
    );
  return { ...setup, baseline: baseline.findings };
}

/**
 * Narrows a setup to what a saved inventory holds: an inventory scanned with `--services` has nothing of the
 * other services, deliberately, so their rules are not evaluated (never reported as errors). Asking here for a
 * service that was not collected is bad input.
 */
export function restrictToInventory(setup: RunSetup, inventory: Inventory, name: string): RunSetup {
  const collected = inventory.metadata.selection?.services;
  if (!collected) return setup;
  const asked = setup.filters.services;
  const missing = (asked ?? []).filter((s) => !collected.includes(s));
  if (missing.length)
    throw new InputError(
      `--services ${missing.join(",")}: not collected in ${name}, which was scanned with --services ${collected.join(",")}`,
    );
  const services = asked ?? collected;
  const rules = setup.rules.filter((r) => ruleServices(r).some((s) => services.includes(s)));
  if (!rules.length) throw new InputError(`${name}: no selected rule covers its services (${collected.join(", ")})`);
  return { ...setup, rules, filters: { ...setup.filters, services }, selection: { ...setup.selection, services } };
}

/**
 * Data the enrich stage needs, loading (the IAM action catalog and escalation data) while the run starts: a scan
 * collects meanwhile, and awaits it only to enrich. `settle` gives what has loaded without waiting (a stopped run
 * enriches without what is missing, so its rules report error, never pass).
 */
export interface RunData {
  loaded: Promise<EnrichData>;
  /** What has finished loading so far. */
  settled(): EnrichData;
}

/** Starts loading the run's data (see RunData); a load failure surfaces where `loaded` is awaited. */
export function loadRunData(given?: Partial<EnrichData>): RunData {
  // The secret patterns and the runtime table are small and read at once; `given` (tests, repeated scans) may bring its own.
  let data: EnrichData = { secretPatterns: defaultSecretPatterns(), lambdaRuntimes: readLambdaRuntimes(), ...given };
  const loaded = given ? Promise.resolve(data) : loadIamAnalysisData().then((iamAnalysis) => (data = { ...data, iamAnalysis }));
  // Handled now so a failure is not an unhandled rejection before someone awaits it.
  loaded.catch(() => undefined);
  return { loaded, settled: () => data };
}
