import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import type { Ajv, ValidateFunction } from "ajv";
import { InputError } from "../errors.js";
import { RESOURCE_TYPES, type ResourceType } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { Remediation } from "../model/rule-meta.js";
import type { Severity } from "../model/severity.js";
import { describeAjvErrors, newAjv } from "../util/ajv.js";
import { pointerKeys } from "../util/json.js";
import { packageRoot } from "../util/paths.js";
import type { ProbeCheck } from "../probe/types.js";
import { checkFactReads, checkProbeLink, ruleReads, type RuleRead } from "./fact-checks.js";
import { factsSchema } from "./facts-schema.js";
import { addRuleKeywords } from "./keywords.js";
import { RULE_SCHEMA } from "./rule-schema.js";
import { readsAny, schemaReads, type Read } from "./partial.js";
import { RESOURCE_TYPE_SOURCES } from "./resource-types.js";
import { injectParams } from "./inject.js";
import { compileTemplate, type CompiledTemplate } from "./template.js";
import { parameterSchema, precompiled, VALIDATOR_OPTIONS } from "./validators.js";

/** A rule file as written. */
export interface RuleFile {
  id: string;
  aliases?: string[];
  title: string;
  severity: Severity;
  resourceType: ResourceType;
  /** The probe check the rule judges (probe rules) or that confirms or contradicts it (configuration rules). */
  probeCheck?: ProbeCheck;
  /** JSON pointer to a per-resource severity a failing finding takes, capped at `severity`. */
  severityFrom?: string;
  /** JSON pointer to a string saying why required data is missing, quoted by error findings. */
  missingReasonFrom?: string;
  parameters?: { type: "object"; properties: Record<string, JsonObject> };
  requires?: string[];
  match?: JsonObject;
  assert: JsonObject;
  message: string;
  passMessage?: string;
  rationale: string;
  remediation: Remediation;
  references: string[];
}

/** A loaded rule: validated, parameters resolved, schemas compiled once. */
export interface Rule extends RuleFile {
  /** Path of the rule file relative to the package root when built in, else as given. */
  file: string;
  /** Effective parameter values (defaults + overrides). */
  params: Record<string, JsonValue>;
  matchFn?: ValidateFunction;
  assertFn: ValidateFunction;
  /** `match` and `assert` with parameters injected, for judging resources whose data was partly not collected. */
  matchSchema?: JsonValue;
  assertSchema: JsonValue;
  /** Compiles a part of those schemas with the rule's Ajv (cached), for the parts whose data is all known. */
  compileSubschema: (schema: object) => ValidateFunction;
  /** Every location the rule reads: `requires`, `match` and `assert`. */
  reads: Read[];
  /** `requires` pointers (split) that `match` and `assert` do not read: guards, without which the rule never passes. */
  guardKeys: string[][];
  /**
   * The operations (`service:Operation`) whose failure can leave the rule unable to judge, from the resource
   * type's lineage (src/engine/resource-types.ts): those listing its resources and those feeding what it reads.
   */
  dependsOn: string[];
  /** `requires` pointers split once at compile time (evaluation reads them for every resource). */
  requiresKeys: string[][];
  /** The failure message template, compiled once. */
  renderMessage: CompiledTemplate;
  /** The pass message template (or a default naming the resource), compiled once. */
  renderPassMessage: CompiledTemplate;
}

/** Per-rule changes made by a profile or config, without touching rule files. */
export interface RuleOverride {
  enabled?: boolean;
  severity?: Severity;
  parameters?: Record<string, JsonValue>;
}

const PROBE_TYPE: ResourceType = "aws.apigateway.probe";

export { injectParams };

/** The built-in rule pack folders. */
export function builtInRuleDirs(): string[] {
  return [join(packageRoot(), "rules", "aws")];
}

function listJson(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (e) {
    throw new InputError(`${dir}: cannot read rules folder: ${(e as Error).message}`);
  }
  const out: string[] = [];
  for (const name of entries) {
    const full = join(dir, name);
    if (readable(full, () => statSync(full)).isDirectory()) out.push(...listJson(full));
    else if (name.endsWith(".json")) out.push(full);
  }
  return out;
}

/** Runs a file-system read; a failure (dangling link, no permission) is bad input naming the file, not a crash. */
function readable<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new InputError(`${path}: cannot read rule file: ${(e as Error).message}`);
  }
}

let ruleSchemaValidator: ValidateFunction | undefined;
function ruleSchema(): ValidateFunction {
  // Our own schema, checked against the draft-07 meta-schema by test/rules/catalog.test.ts: compiling that
  // meta-schema in every Ajv instance was a large part of `rules list`. Compiled at build (validators.ts).
  ruleSchemaValidator ??= precompiled("documents", RULE_SCHEMA) ?? newAjv(VALIDATOR_OPTIONS.documents).compile(RULE_SCHEMA);
  return ruleSchemaValidator;
}

/** Resolves parameter values: defaults from the rule, then overrides, validated against the rule's schema. */
function resolveParams(
  rule: RuleFile,
  file: string,
  overrides: Record<string, JsonValue> | undefined,
  ajv: RuleAjv,
): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = { ...(overrides ?? {}) };
  if (!rule.parameters) {
    if (overrides && Object.keys(overrides).length) throw new InputError(`${file}: rule ${rule.id} takes no parameters`);
    return values;
  }
  const schema = parameterSchema(rule.parameters);
  // The built-in rules' parameter schemas are compiled at build (validators.ts); others here, with the same options.
  const validate = precompiled("parameters", schema) ?? ajvOf(ajv).compile(schema);
  for (const [name, spec] of Object.entries(rule.parameters.properties)) {
    if (!(name in values)) values[name] = structuredClone(spec["default"]!);
  }
  if (!validate(values)) throw new InputError(`${file}: parameters of ${rule.id}: ${describeAjvErrors(validate.errors)}`);
  return values;
}

/** Parses and validates one rule file's text; errors name the file and JSON pointer. */
export function parseRuleFile(text: string, file: string): RuleFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (data !== null && typeof data === "object" && "dependsOn" in data) {
    throw new InputError(
      `${file}: /dependsOn: no longer used: the operations a rule depends on are derived from what it reads; remove it`,
    );
  }
  const validate = ruleSchema();
  if (!validate(data)) throw new InputError(`${file}: invalid rule: ${describeAjvErrors(validate.errors)}`);
  const rule = data as RuleFile;
  if (basename(file, ".json") !== rule.id) throw new InputError(`${file}: /id: "${rule.id}" must equal the file name`);
  if (!(RESOURCE_TYPES as readonly string[]).includes(rule.resourceType)) {
    throw new InputError(`${file}: /resourceType: unknown resource type ${rule.resourceType}`);
  }
  return rule;
}

/** The rule Ajv, or a function building it when first needed (commands that compile nothing never build one). */
export type RuleAjv = Ajv | (() => Ajv);
const ajvOf = (ajv: RuleAjv): Ajv => (typeof ajv === "function" ? ajv() : ajv);

/** Compiles a parsed rule with its effective parameters. */
export function compileRule(rule: RuleFile, file: string, override: RuleOverride | undefined, ajv: RuleAjv): Rule {
  const params = resolveParams(rule, file, override?.parameters, ajv);
  const inject = (schema: JsonObject, pointer: string): JsonValue => {
    try {
      return injectParams(schema, params, pointer);
    } catch (e) {
      throw new InputError(`${file}: ${(e as Error).message}`);
    }
  };
  const compile = (schema: JsonValue, pointer: string): ValidateFunction => {
    // The built-in rules' predicates under the built-in profiles are compiled at build (validators.ts).
    const built = precompiled("predicates", schema as object);
    if (built) return built;
    try {
      return ajvOf(ajv).compile(schema as object);
    } catch (e) {
      throw new InputError(`${file}: ${pointer}: not a valid JSON Schema: ${(e as Error).message}`);
    }
  };
  const matchSchema = rule.match ? inject(rule.match, "/match") : undefined;
  const compiled = new WeakMap<object, ValidateFunction>();
  const assertSchema = inject(rule.assert, "/assert");
  // What the rule reads, and what follows from it, worked out on first use: evaluation needs it, `rules list` not.
  let analysis: { reads: Read[]; guardKeys: string[][]; dependsOn: string[] } | undefined;
  const analyse = () => {
    if (analysis) return analysis;
    const judged = [...schemaReads(matchSchema), ...schemaReads(assertSchema)];
    // `requires` asks only that a value be there; what is below it matters only where the schemas read it.
    const reads = [...(rule.requires ?? []).map((p) => ({ path: pointerKeys(p), deep: false })), ...judged];
    analysis = {
      reads,
      guardKeys: (rule.requires ?? []).map(pointerKeys).filter((k) => !readsAny(judged, [k])),
      dependsOn: dependsOn(rule.resourceType, reads),
    };
    return analysis;
  };
  // The predicates are compiled on first use (rules list and show never judge anything, and compiling every
  // schema is most of their time); loadRuleSet forces them unless told not to, so a bad schema still fails the load.
  let matchFn: ValidateFunction | undefined;
  let assertFn: ValidateFunction | undefined;
  const compiledRule: Rule = {
    ...rule,
    ...(override?.severity ? { severity: override.severity } : {}),
    file,
    params,
    ...(matchSchema !== undefined ? { matchSchema } : {}),
    get assertFn(): ValidateFunction {
      return (assertFn ??= compile(assertSchema, "/assert"));
    },
    assertSchema,
    compileSubschema: (schema) => {
      let v = compiled.get(schema);
      if (!v) compiled.set(schema, (v = ajvOf(ajv).compile(schema)));
      return v;
    },
    get reads(): Read[] {
      return analyse().reads;
    },
    get guardKeys(): string[][] {
      return analyse().guardKeys;
    },
    get dependsOn(): string[] {
      return analyse().dependsOn;
    },
    requiresKeys: (rule.requires ?? []).map(pointerKeys),
    renderMessage: compileTemplate(rule.message),
    renderPassMessage: compileTemplate(rule.passMessage ?? `${rule.title}: {{name}} complies.`),
  };
  // Defined, not spread: spreading an object literal's getter would call it (and compile) right away.
  if (matchSchema !== undefined)
    Object.defineProperty(compiledRule, "matchFn", {
      get: () => (matchFn ??= compile(matchSchema, "/match")),
      enumerable: true,
      configurable: true,
    });
  return compiledRule;
}

/**
 * The operations whose failure can leave a rule reading `reads` unable to judge, sorted: those listing the
 * resource type, and those feeding something it reads.
 */
function dependsOn(type: ResourceType, reads: readonly Read[]): string[] {
  const src = RESOURCE_TYPE_SOURCES[type];
  const fed = Object.entries(src.feeds).filter(([, feed]) => readsAny(reads, feedKeys(feed.paths)));
  return [...new Set([...Object.keys(src.listedBy), ...fed.map(([op]) => op)])].sort();
}

/** A feed's paths split into keys, once per feed (every rule of a resource type reads the same feeds). */
const splitFeeds = new WeakMap<readonly string[], string[][]>();
function feedKeys(paths: readonly string[]): string[][] {
  let keys = splitFeeds.get(paths);
  if (!keys) splitFeeds.set(paths, (keys = paths.map(pointerKeys)));
  return keys;
}

/** Ajv for rule predicates: strict, so a misspelt keyword in a rule is an error, not a silent pass. */
export function ruleAjv(): Ajv {
  return addRuleKeywords(newAjv(VALIDATOR_OPTIONS.parameters));
}

/** Every rule found under the rule folders: the enabled ones compiled, plus what profiles and reports need. */
export interface RuleSet {
  /** Enabled rules, compiled with their effective severity and parameters, sorted by id. */
  rules: Rule[];
  /** Every rule id and alias found, enabled or not (framework mappings may cite disabled rules). */
  knownIds: Set<string>;
  /** Rule id → its aliases (earlier ids). */
  aliases: Map<string, string[]>;
  /** Ids of rules a profile disabled. */
  disabled: string[];
}

/** How loadRuleSet treats the rules' predicates. */
export interface LoadOptions {
  /**
   * Compile every `match` and `assert` schema now (default), so an invalid one is refused at load; false leaves
   * them to their first use, for commands that only show rule metadata (`rules list`, `rules show`). Those also
   * leave out the fact-read checks of the built-in rules (every scan and evaluation makes them, and the tests):
   * a rule pack given with `--rule-pack`, where rules are being written, is still checked in full.
   */
  compile?: boolean;
}

/**
 * Loads every rule file under `dirs`, validates it, applies overrides (keyed by id or alias) and compiles
 * its schemas once. A bad file is refused with its path and the JSON pointer of the problem; an override
 * naming no rule is refused too, so a typo in a profile cannot silently leave a rule at its defaults.
 */
export function loadRuleSet(
  dirs: string[],
  overrides: Record<string, RuleOverride> = {},
  overrideSource = "rule overrides",
  { compile = true }: LoadOptions = {},
): RuleSet {
  // Built on first use: with precompiled parameter validators and `compile: false`, never.
  let built: Ajv | undefined;
  const ajv = (): Ajv => (built ??= ruleAjv());
  const root = packageRoot();
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  const aliases = new Map<string, string[]>();
  const disabled: string[] = [];
  const parsed: { rule: RuleFile; file: string; reads: RuleRead[] }[] = [];
  const builtIn = new Set(builtInRuleDirs());
  for (const dir of dirs) {
    // What the rules read is checked against the facts schema unless only their metadata is wanted (LoadOptions).
    const checkReads = compile || !builtIn.has(dir);
    for (const path of listJson(dir)) {
      const rel = path.startsWith(root + sep) ? relative(root, path).split(sep).join("/") : path;
      const rule = parseRuleFile(
        readable(path, () => readFileSync(path, "utf8")),
        rel,
      );
      for (const id of [rule.id, ...(rule.aliases ?? [])]) {
        const prev = seen.get(id);
        if (prev) throw new InputError(`${rel}: /id: ${id} is already defined by ${prev}`);
        seen.set(id, rel);
      }
      // A probe rule's reads are needed for its probe link (below), whichever the mode.
      const reads = checkReads || rule.resourceType === PROBE_TYPE ? ruleReads(rule) : [];
      if (checkReads) checkFactReads(rule, reads, rel, factsSchema());
      parsed.push({ rule, file: rel, reads });
      aliases.set(rule.id, rule.aliases ?? []);
      const override = overrides[rule.id] ?? (rule.aliases ?? []).map((a) => overrides[a]).find(Boolean);
      if (override?.enabled === false) {
        disabled.push(rule.id);
        continue;
      }
      try {
        const compiled = compileRule(rule, rel, override, ajv);
        if (compile) void [compiled.matchFn, compiled.assertFn];
        rules.push(compiled);
      } catch (e) {
        if (override?.parameters && e instanceof InputError && /parameters/.test(e.message))
          throw new InputError(`${overrideSource}: ${e.message}`);
        throw e;
      }
    }
  }
  // Probe links are checked once every rule is known: a configuration rule may name a check judged in another pack.
  const judged = new Set(
    parsed.flatMap((p) => (p.rule.resourceType === PROBE_TYPE && p.rule.probeCheck ? [p.rule.probeCheck] : [])),
  );
  for (const p of parsed) checkProbeLink(p.rule, p.reads, p.file, judged);
  const unknown = Object.keys(overrides).filter((id) => !seen.has(id));
  if (unknown.length) throw new InputError(`${overrideSource}: unknown rule id(s): ${unknown.join(", ")}`);
  return {
    rules: rules.sort((a, b) => (a.id < b.id ? -1 : 1)),
    knownIds: new Set(seen.keys()),
    aliases,
    disabled: disabled.sort(),
  };
}

/** Loads and compiles the enabled rules under `dirs` (see loadRuleSet). */
export function loadRules(dirs: string[], overrides: Record<string, RuleOverride> = {}): Rule[] {
  return loadRuleSet(dirs, overrides).rules;
}
