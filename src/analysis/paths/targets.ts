/**
 * What a role reaches, read from the IAM analysis's facts on the role (src/enrich/access.ts): administrator
 * equivalence, privilege escalation, write actions on `*`, wildcard data access. The judgement is the IAM
 * analysis's; this module only names the class and finds the statements that grant it, for the evidence.
 */
import { parsePolicyDocument, type NormalizedStatement } from "../iam/policy.js";
import { isUnconstrainedResource } from "../iam/wildcard.js";
import { list, obj, str, strings, type Obj } from "../../facts/read.js";
import type { JsonValue } from "../../model/json.js";
import type { Resource } from "../../model/inventory.js";
import { globMatch } from "../../util/glob.js";
import { gapOf, key, type PathGraph } from "./graph.js";
import type { Gap, Grant, Reach, TargetClass } from "./types.js";

/**
 * Write actions every function needs to log and trace: allowed on `*` by AWSLambdaBasicExecutionRole and its
 * kind, they give a caller nothing, so they alone do not make a "write on *" target.
 */
export const TELEMETRY_WRITES: readonly string[] = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "cloudwatch:PutMetricData",
];
const TELEMETRY = new Set(TELEMETRY_WRITES.map((a) => a.toLowerCase()));

/** What a role reaches, by class (admin subsumes the others: an administrator's path is reported once), or a gap. */
export type RoleReach = { reach: Partial<Record<TargetClass, Reach>> } | { gap: Gap };

interface Doc {
  policy: string;
  statements: readonly NormalizedStatement[];
}

/** The role's policy documents (inline and attached managed), parsed with the one parser. */
function documents(role: Resource, graph: PathGraph): Doc[] {
  const out: Doc[] = [];
  for (const p of list(role.derived["inlinePolicies"])) {
    const o = obj(p);
    const parsed = o?.["document"] ? parsePolicyDocument(o["document"], "identity") : undefined;
    if (parsed?.ok) out.push({ policy: `inline:${str(o?.["name"]) ?? "?"}`, statements: parsed.policy.statements });
  }
  for (const arn of strings(role.derived["attachedPolicyArns"])) {
    const doc = graph.policies.get(key(role.account, arn))?.derived["document"];
    const parsed = doc ? parsePolicyDocument(doc, "identity") : undefined;
    if (parsed?.ok) out.push({ policy: arn, statements: parsed.policy.statements });
  }
  return out;
}

const matchesAction = (patterns: readonly string[], action: string) =>
  patterns.some((p) => p === "*" || globMatch(p.toLowerCase(), action.toLowerCase()));

/** The first unconditional Allow granting `action` on every resource (or on `target`), as evidence. */
function grantOf(docs: readonly Doc[], action: string, target?: string): Grant | undefined {
  for (const d of docs) {
    for (const s of d.statements) {
      if (s.effect !== "Allow" || s.condition) continue;
      const acts = s.action ? matchesAction(s.action, action) : s.notAction ? !matchesAction(s.notAction, action) : false;
      if (!acts) continue;
      const res = s.notResource
        ? true
        : (s.resource ?? []).some((r) => isUnconstrainedResource(r) || (target !== undefined && globMatch(r, target)));
      if (!res) continue;
      return { action, policy: d.policy, statement: s.index, ...(s.sid ? { sid: s.sid } : {}) };
    }
  }
  return undefined;
}

/** The failed call or unreadable policy behind a role whose permissions are unknown. */
function permissionsGap(role: Resource, graph: PathGraph, access: Obj | undefined): Gap {
  const arns = new Set([role.arn, ...strings(role.derived["attachedPolicyArns"])]);
  const e = graph.errors.find(
    (x) => x.service === "iam" && x.account === role.account && x.resourceArn !== undefined && arns.has(x.resourceArn),
  );
  if (e) return gapOf(e, `what role ${role.name} may do could not be analysed`);
  const why = strings(access?.["errors"]).join("; ");
  return {
    account: role.account,
    region: "global",
    resourceArn: role.arn,
    message: access
      ? `what role ${role.name} may do could not be analysed${why ? `: ${why}` : ""}`
      : `what role ${role.name} may do is unknown: the IAM analysis did not run (its action catalogue was not loaded)`,
  };
}

/** The classes a role reaches, with the permissions and statements behind each. */
export function roleReach(role: Resource, graph: PathGraph): RoleReach {
  const access = obj(role.derived["access"]);
  const perms = obj(access?.["permissions"]);
  if (!perms) return { gap: permissionsGap(role, graph, access) };
  const docs = documents(role, graph);
  const reach = (target: TargetClass, reason: string, actions: string[], on?: string): Reach => ({
    target,
    reason,
    actions,
    grants: actions.map((a) => grantOf(docs, a, on)).filter((g): g is Grant => g !== undefined),
  });
  const out: Partial<Record<TargetClass, Reach>> = {};
  if (perms["adminEquivalent"] === true) {
    const reason = strings(perms["adminReasons"])[0] ?? "administrator-equivalent";
    const self = /^Can grant itself any permission: (\S+) on (\S+)$/.exec(reason);
    const action = self ? self[1]! : reason.includes("iam:*") ? "iam:*" : "*";
    out.admin = reach("admin", reason, [action], self?.[2]);
    return { reach: out };
  }
  const escalations = list(perms["privilegeEscalation"]).filter((m) => obj(m)?.["limitedBy"] === null);
  if (escalations.length) {
    const m = obj(escalations[0])!;
    const actions = strings(m["enablingActions"]);
    const more = escalations.length > 1 ? ` (and ${escalations.length - 1} more method(s))` : "";
    out.privilegeEscalation = reach("privilegeEscalation", `${str(m["name"]) ?? "?"}: ${actions.join(" + ")}${more}`, actions);
  }
  const writes = strings(perms["writeActionsOnAllResources"]).filter((a) => !TELEMETRY.has(a.toLowerCase()));
  const total = typeof perms["writeActionsOnAllResourcesCount"] === "number" ? perms["writeActionsOnAllResourcesCount"] : 0;
  const listed = strings(perms["writeActionsOnAllResources"]).length;
  if (writes.length || total > listed) {
    const shown = writes.slice(0, 5);
    const count = writes.length + (total - listed);
    out.writeAll = reach(
      "writeAll",
      `${count} write action(s) on every resource: ${shown.join(", ")}${count > shown.length ? ", …" : ""}`,
      shown,
    );
  }
  const data = perms["dataAccessOnAllResources"] as JsonValue | undefined;
  if (data === undefined) {
    return {
      gap: {
        account: role.account,
        region: "global",
        resourceArn: role.arn,
        message: `whether role ${role.name} reaches data on every resource is unknown: its IAM analysis predates data-access facts`,
      },
    };
  }
  const dataActions = strings(data);
  if (dataActions.length) {
    out.dataWildcard = reach("dataWildcard", `data actions on every resource: ${dataActions.join(", ")}`, dataActions);
  }
  return { reach: out };
}
