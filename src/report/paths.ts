/**
 * Exposure paths as reporters see them: a failing `aws.path.exposure` finding carries its path (entry, hops, role,
 * the statement granting the permission, the cheapest fix) as the evidence of the class it reaches.
 */
import type { Finding } from "../model/finding.js";
import type { JsonValue } from "../model/json.js";
import { severityRank } from "../model/severity.js";

/** The resource type of exposure paths. */
export const PATH_RESOURCE_TYPE = "aws.path.exposure";

/** One node of a reported path. */
export interface ReportedNode {
  kind: string;
  arn: string;
  name: string;
  account: string;
  region: string;
  via: string;
}

/** A reported path, as its finding's evidence carries it. */
export interface ReportedPath {
  target: string;
  severity: string;
  chain: ReportedNode[];
  identity: string;
  permission: {
    reason: string;
    actions: string[];
    grants: { action: string; policy: string; statement: number; sid?: string }[];
  };
  alternatives: number;
  fix: { from: string; to: string; cuts: number; advice: string };
  /** The entry's exposure (`unauthenticated`, `api-key`, …); absent in findings written before it was carried. */
  exposure?: string;
  /** Why that exposure: the authorization, and what a probe showed. */
  exposureDetail?: string;
  /** What moved the severity: a probe that showed the entry open (+1), a WAF or private endpoint (-1), …. */
  controls?: { kind: string; detail: string; effect: number }[];
}

const isPath = (v: JsonValue | undefined): boolean =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Array.isArray(v["chain"]) && typeof v["fix"] === "object";

/** The path a failing exposure-path finding reports, or undefined for any other finding. */
export function reportedPath(f: Finding): ReportedPath | undefined {
  if (f.resourceType !== PATH_RESOURCE_TYPE || f.status !== "fail" || f.suppression) return undefined;
  const e = f.evidence.find((x) => /^\/derived\/reaches\/[^/]+$/.test(x.path) && isPath(x.actual));
  return e ? (e.actual as unknown as ReportedPath) : undefined;
}

/** The statement granting the permission, in words: `AdministratorAccess statement 0 grants *`. */
export function grantText(p: ReportedPath): string {
  const g = p.permission.grants[0];
  if (!g) return p.permission.reason;
  const policy = g.policy.startsWith("inline:") ? `inline policy ${g.policy.slice(7)}` : g.policy.split("/").at(-1)!;
  return `${policy} statement ${g.statement}${g.sid ? ` (${g.sid})` : ""} grants ${g.action}`;
}

/** The chain in one line: `orders GET /x → function f → role r ⇒ AdministratorAccess statement 0 grants *`. */
export function chainText(p: ReportedPath): string {
  return `${p.chain.map((n) => n.name).join(" → ")} ⇒ ${grantText(p)}`;
}

/** Failing exposure paths, most severe first (then by entry name), with their findings. */
export function topPaths(findings: readonly Finding[]): { finding: Finding; path: ReportedPath }[] {
  const out: { finding: Finding; path: ReportedPath }[] = [];
  for (const f of findings) {
    const path = reportedPath(f);
    if (path) out.push({ finding: f, path });
  }
  return out.sort(
    (a, b) =>
      severityRank(b.finding.severity) - severityRank(a.finding.severity) ||
      (a.finding.resourceName < b.finding.resourceName ? -1 : a.finding.resourceName > b.finding.resourceName ? 1 : 0) ||
      (a.finding.ruleId < b.finding.ruleId ? -1 : 1),
  );
}
