/**
 * Rules are checked against the facts of their resource type when they are loaded: a rule reading a location the
 * type does not have (a misspelt fact, a fact of another type, a fact that was renamed) could never judge what it
 * claims, and would silently pass or fail on nothing. Likewise a probe link must name a check a probe rule judges.
 */
import { InputError } from "../errors.js";
import { missingFact, type FactsSchema } from "../facts/paths.js";
import type { ResourceType } from "../model/inventory.js";
import { outcomeFact } from "../probe/correlate.js";
import type { ProbeCheck } from "../probe/types.js";
import type { JsonObject } from "../model/json.js";
import { pointerKeys } from "../util/json.js";
import { schemaReads } from "./partial.js";
import { templatePaths } from "./template.js";

/** One location a rule reads, and where in the rule file it is read. */
export interface RuleRead {
  /** Pointer keys (`*` for any member or index). */
  keys: readonly string[];
  /** JSON pointer into the rule file where the read is written (`/requires/0`, `/assert`, `/message`). */
  where: string;
}

const RESOURCE_FIELDS = new Set(["type", "arn", "account", "region", "name"]);
const pointer = (keys: readonly string[]) => keys.map((k) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

/** The resource locations a message template reads (`{{derived.x.y}}`), parameters left out. */
export function templateReads(template: string | undefined, where: string): RuleRead[] {
  return templatePaths(template ?? "")
    .filter((p) => !p.startsWith("params."))
    .map((p) => p.split("."))
    .map((keys) => ({
      // A template may show an array's length, as JavaScript reads it.
      keys: keys.length > 2 && keys[keys.length - 1] === "length" ? keys.slice(0, -1) : keys,
      where,
    }));
}

/** Every location a rule file reads: `requires`, `match`, `assert` and the message templates. */
export function ruleReads(rule: {
  requires?: string[] | undefined;
  match?: JsonObject | undefined;
  assert: JsonObject;
  message: string;
  passMessage?: string | undefined;
}): RuleRead[] {
  return [
    ...(rule.requires ?? []).map((p, i) => ({ keys: pointerKeys(p), where: `/requires/${i}` })),
    ...schemaReads(rule.match).map((r) => ({ keys: r.path, where: "/match" })),
    ...schemaReads(rule.assert).map((r) => ({ keys: r.path, where: "/assert" })),
    ...templateReads(rule.message, "/message"),
    ...templateReads(rule.passMessage, "/passMessage"),
  ];
}

/**
 * Refuses (InputError, exit 2) a rule that reads a location its resource type does not have (by the generated facts
 * schema, which the rule loader reads), naming the rule file, the rule, where it reads it and the JSON pointer.
 */
export function checkFactReads(
  rule: { id: string; resourceType: ResourceType },
  reads: readonly RuleRead[],
  file: string,
  schema: FactsSchema,
): void {
  for (const r of reads) {
    if (r.keys.length === 1 && RESOURCE_FIELDS.has(r.keys[0]!)) continue;
    const missing = missingFact(rule.resourceType, r.keys, schema);
    if (missing) {
      throw new InputError(
        `${file}: ${r.where}: rule ${rule.id} reads ${pointer(r.keys)}, but ${rule.resourceType} has no ${pointer(missing)} (docs/facts.md lists its facts)`,
      );
    }
  }
}

/**
 * A probe rule must declare the check whose outcome it judges and read that outcome; a configuration rule's check
 * must be one some probe rule judges (`judged`), so the correlator can confirm or contradict it.
 */
export function checkProbeLink(
  rule: { id: string; resourceType: ResourceType; probeCheck?: ProbeCheck | undefined },
  reads: readonly RuleRead[],
  file: string,
  judged: ReadonlySet<ProbeCheck>,
): void {
  const isProbe = rule.resourceType === "aws.apigateway.probe";
  if (isProbe && !rule.probeCheck)
    throw new InputError(`${file}: /probeCheck: probe rule ${rule.id} must name the check it judges`);
  if (!rule.probeCheck) return;
  if (isProbe) {
    const outcome = outcomeFact(rule.probeCheck);
    if (!reads.some((r) => pointer(r.keys) === outcome))
      throw new InputError(`${file}: /probeCheck: rule ${rule.id} names check ${rule.probeCheck} but does not read ${outcome}`);
  } else if (!judged.has(rule.probeCheck)) {
    throw new InputError(`${file}: /probeCheck: rule ${rule.id} names check ${rule.probeCheck}, which no probe rule judges`);
  }
}
