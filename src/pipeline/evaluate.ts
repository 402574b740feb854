import { classifyAgainstBaseline } from "../engine/baseline.js";
import { evaluateStepwise } from "../engine/evaluate.js";
import type { Rule } from "../engine/rules.js";
import { applySuppressions } from "../engine/suppress.js";
import type { Finding } from "../model/finding.js";
import type { CollectionError, Inventory } from "../model/inventory.js";
import { correlate, probeLinks } from "../probe/correlate.js";
import { PROBE_RESOURCE_TYPE } from "../probe/prober.js";
import type { StopReason } from "../util/stop.js";
import type { StageContext } from "./context.js";
import type { RunSetup } from "./setup.js";

/** The evaluate stage's result: findings of the rules that ran, and the rules a stop left out. */
export interface RuleResults {
  findings: Finding[];
  /** Ids of the rules evaluated. */
  evaluated: Set<string>;
  /** Rules not evaluated because the run was stopped during evaluation (empty otherwise). */
  notEvaluated: string[];
}

// Evaluation yields to the event loop at least this often, so a signal is handled within a rule or two.
const EVALUATION_SLICE_MS = 20;

/**
 * The evaluate stage: every rule (in id order) on the enriched inventory. A stop ends it after the rule in
 * progress; the findings of the rules evaluated are kept and the others named in `notEvaluated`.
 */
export async function evaluateStage(inventory: Inventory, rules: Rule[], { stop, log }: StageContext): Promise<RuleResults> {
  stop.enter("evaluation");
  log.info(`Evaluating ${rules.length} rule(s) on ${inventory.resources.length} resource(s)`);
  const signal = stop.stageSignal();
  const findings: Finding[] = [];
  const evaluated = new Set<string>();
  let slice = performance.now();
  for (const id of evaluateStepwise(inventory, rules, findings)) {
    evaluated.add(id);
    if (performance.now() - slice >= EVALUATION_SLICE_MS) {
      await new Promise((r) => setImmediate(r));
      slice = performance.now();
    }
    if (signal?.aborted) break;
  }
  return { findings, evaluated, notEvaluated: rules.map((r) => r.id).filter((id) => !evaluated.has(id)) };
}

/** The correlate stage: probe evidence confirms or contradicts the configuration findings whose rules declare it. */
export function correlateStage(findings: Finding[], inventory: Inventory, rules: Rule[]): Finding[] {
  const probes = inventory.resources.filter((r) => r.type === PROBE_RESOURCE_TYPE);
  return correlate(findings, probes, probeLinks(rules));
}

/** The triage stage's result: findings after suppressions and the baseline, and what to tell about them. */
export interface Triaged {
  findings: Finding[];
  /** With a baseline: its failing findings that no longer fail. */
  fixed?: Finding[];
  /** Expired and stale suppressions, said on stderr and in the reports. */
  notes: string[];
}

/**
 * The triage stage: the config's suppressions (expired ones reported), then the baseline (failures classified
 * new/unchanged, the baseline's fixed ones listed). Rules not evaluated match nothing, so no suppression of theirs
 * is called stale and no finding of theirs is called fixed.
 */
export function triageStage(
  findings: Finding[],
  setup: Pick<RunSetup, "config" | "ruleSet" | "baseline">,
  results: Pick<RuleResults, "evaluated" | "notEvaluated">,
  { clock, log }: Pick<StageContext, "clock" | "log">,
): Triaged {
  const { aliases } = setup.ruleSet;
  const suppressed = applySuppressions(findings, setup.config.suppressions, clock(), aliases);
  const stale = results.notEvaluated.length ? [] : suppressed.stale;
  const notes = [...suppressed.expired, ...stale];
  for (const w of notes) log.warn(w);
  if (!setup.baseline) return { findings: suppressed.findings, notes };
  const aliasOf = new Map<string, string>();
  for (const [id, list] of aliases) for (const a of list) aliasOf.set(a, id);
  const outcome = classifyAgainstBaseline(suppressed.findings, setup.baseline, { aliasOf, evaluatedRules: results.evaluated });
  return { findings: outcome.findings, fixed: outcome.fixed, notes };
}

/** The coverage entry of an evaluation stopped before its last rule. */
export function evaluationGap(inventory: Inventory, notEvaluated: string[], why: StopReason): CollectionError {
  const shown = notEvaluated.slice(0, 5).join(", ") + (notEvaluated.length > 5 ? `, … (${notEvaluated.length - 5} more)` : "");
  return {
    account: inventory.metadata.accounts[0] ?? "unknown",
    region: "global",
    service: "tollgate",
    operation: "Evaluate",
    errorName: why.errorName,
    message: `${why.message}: ${notEvaluated.length} rule(s) not evaluated: ${shown}`,
  };
}
