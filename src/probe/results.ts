/**
 * Probe observations as inventory content: one probe resource per target (raw = redacted requests and answers,
 * derived = verdict facts) and one inventory error per check that could not conclude or run. Pure.
 */
import type { CollectionError, Resource } from "../model/inventory.js";
import type { JsonObject, JsonValue } from "../model/json.js";
import type { StopReason } from "../util/stop.js";
import { joinUrl } from "./steps.js";
import { CHECK_OPERATIONS, PROBE_RESOURCE_TYPE, type ProbeCheck, type ProbeObservations, type ProbeTarget } from "./types.js";
import { deriveVerdicts, type CheckVerdict } from "./verdict.js";

// Declared in types.ts (no I/O imports) so the inventory reader can name it without loading the prober.
export { PROBE_RESOURCE_TYPE };

/** The pseudo-ARN of a target's probe resource. */
export function probeArn(t: ProbeTarget): string {
  return `tollgate:probe:${t.id}`;
}

/** Account and region a target's results are filed under. */
function placeOf(t: ProbeTarget, defaultAccount: string | undefined): { account: string; region: string } {
  return { account: t.account ?? defaultAccount ?? "000000000000", region: t.region ?? "global" };
}

const asJson = <T extends JsonValue>(v: unknown): T => JSON.parse(JSON.stringify(v)) as T;

/** The error name of a check without an outcome: budget spent, not run, a failed request, or inconclusive answers. */
function errorNameOf(o: ProbeObservations, check: ProbeCheck): string {
  if (o.exchanges.some((x) => x.error?.kind === "budget")) return "ProbeBudgetExhausted";
  if (o.notRun?.[check]) return "ProbeNotRun";
  return o.exchanges.some((x) => x.error && x.error.kind !== "budget") ? "ProbeRequestFailed" : "ProbeInconclusive";
}

/** One error per check that ran (or should have) without an outcome; checks left out by design are not gaps. */
function checkErrors(
  o: ProbeObservations,
  verdicts: Record<ProbeCheck, CheckVerdict>,
  where: { account: string; region: string; arn: string },
): CollectionError[] {
  const errors: CollectionError[] = [];
  for (const [check, v] of Object.entries(verdicts) as [ProbeCheck, CheckVerdict][]) {
    // Left out by design is not a coverage gap: the rules report `skipped` from the resource's `skipped`.
    if (v.outcome !== null || v.skipped) continue;
    errors.push({
      account: where.account,
      region: where.region,
      service: "probe",
      operation: CHECK_OPERATIONS[check],
      errorName: errorNameOf(o, check),
      message: v.reason ?? "inconclusive",
      resourceArn: where.arn,
    });
  }
  return errors;
}

/** The probe resource of one target and the errors of its inconclusive checks. */
export function probeResult(
  o: ProbeObservations,
  defaultAccount: string | undefined,
): { resource: Resource; errors: CollectionError[] } {
  const { derived, verdicts, skipped } = deriveVerdicts(o);
  const t = o.target;
  const place = placeOf(t, defaultAccount);
  const arn = probeArn(t);
  const resource: Resource = {
    type: PROBE_RESOURCE_TYPE,
    arn,
    ...place,
    name: `${t.method} ${joinUrl(t.baseUrl, t.path)}`,
    raw: {
      target: asJson<JsonObject>(t),
      exchanges: asJson(o.exchanges),
      ...(o.throttle ? { throttle: asJson<JsonObject>(o.throttle) } : {}),
      skipped: o.skipped as JsonObject,
      ...(o.notRun && Object.keys(o.notRun).length ? { notRun: o.notRun as JsonObject } : {}),
    },
    derived,
    ...(Object.keys(skipped).length ? { skipped } : {}),
  };
  return { resource, errors: checkErrors(o, verdicts, { ...place, arn }) };
}

/** Errors for targets a stop left unfinished: named after the stop, so their probe rules report `error`. */
export function unfinishedErrors(
  targets: readonly ProbeTarget[],
  why: StopReason,
  defaultAccount: string | undefined,
): CollectionError[] {
  return targets.map((t) => ({
    ...placeOf(t, defaultAccount),
    service: "probe",
    operation: "*",
    errorName: why.errorName,
    message: `not probed: ${why.message}`,
    resourceArn: probeArn(t),
  }));
}
