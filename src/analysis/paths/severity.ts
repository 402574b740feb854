/** Severity of a path: who can use the entry × what the path reaches, moved by the controls on the entry. */
import { SEVERITIES, type Severity } from "../../model/severity.js";
import type { Control, Exposure, TargetClass } from "./types.js";

/** The matrix: unauthenticated → administrator is critical; IAM-authorised and disabled entries are not paths. */
export const SEVERITY_MATRIX: Record<Exclude<Exposure, "iam" | "none">, Record<TargetClass, Severity>> = {
  unauthenticated: { admin: "critical", privilegeEscalation: "critical", writeAll: "high", dataWildcard: "high" },
  "api-key": { admin: "critical", privilegeEscalation: "high", writeAll: "high", dataWildcard: "medium" },
  "any-aws-account": { admin: "high", privilegeEscalation: "high", writeAll: "medium", dataWildcard: "medium" },
  authenticated: { admin: "high", privilegeEscalation: "medium", writeAll: "medium", dataWildcard: "low" },
};

/** Whether an exposure makes a path: IAM-authorised callers already hold AWS credentials, a disabled entry none. */
export const isExposed = (e: Exposure): e is keyof typeof SEVERITY_MATRIX => e !== "iam" && e !== "none";

// critical … low: a path is never `info`, and controls never lower it below low.
const LADDER: readonly Severity[] = SEVERITIES.filter((s) => s !== "info");

/** The matrix severity moved one step per control (raise or lower), within critical … low. */
export function pathSeverity(
  exposure: keyof typeof SEVERITY_MATRIX,
  target: TargetClass,
  controls: readonly Control[],
): Severity {
  const base = LADDER.indexOf(SEVERITY_MATRIX[exposure][target]);
  const shift = controls.reduce((n, c) => n + c.effect, 0);
  const i = Math.min(LADDER.length - 1, Math.max(0, base - shift));
  return LADDER[i]!;
}
