import { createHash } from "node:crypto";
import type { AwsSecurityFinding, ComplianceStatus, SeverityLabel } from "@aws-sdk/client-securityhub";
import { reportedPath } from "../report/paths.js";
import type { Finding } from "../model/finding.js";
import type { RunMetadata } from "../model/inventory.js";
import type { RuleMeta } from "../model/rule-meta.js";
import type { Severity } from "../model/severity.js";
import { asffResourceType } from "./resource-types.js";

/** An ASFF finding as Tollgate sends it (the SDK's own type, so the compiler checks field names). */
export type AsffFinding = AwsSecurityFinding;

/** ASFF schema version (the only one that exists). */
export const ASFF_SCHEMA_VERSION = "2018-10-08";
/** Prefix of every finding Id Tollgate creates; archiving only ever touches Ids that start with it. */
export const ASFF_ID_PREFIX = "tollgate/";
/** Marker appended to anything shortened to fit an ASFF limit. */
export const TRUNCATED = "…[truncated]";
/** Security Hub's documented limit per finding (240 KB), in bytes of the JSON sent. */
export const MAX_FINDING_BYTES = 240 * 1024;

// Documented ASFF limits (API reference AwsSecurityFinding, Compliance, Recommendation, ProductFields).
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
const MAX_RECOMMENDATION = 512;
const MAX_REQUIREMENTS = 32;
const MAX_TYPES = 50;
const MAX_PRODUCT_FIELD_KEY = 128;
const MAX_PRODUCT_FIELD_VALUE = 2048;
// ProductFields allows 50 pairs and Security Hub adds its own `aws/securityhub/*` keys, so keep headroom.
const MAX_EVIDENCE_ENTRIES = 10;

const SEVERITY_LABEL: Record<Severity, SeverityLabel> = {
  critical: "CRITICAL",
  high: "HIGH",
  medium: "MEDIUM",
  low: "LOW",
  info: "INFORMATIONAL",
};

/** Framework id → the ASFF type-taxonomy classifier under `Industry and Regulatory Standards`, and a display name. */
const FRAMEWORKS: { match: RegExp; type?: string; name: (id: string) => string }[] = [
  {
    match: /^aws-fsbp/,
    type: "AWS Foundational Security Best Practices",
    name: () => "AWS Foundational Security Best Practices v1.0.0",
  },
  {
    match: /^cis-aws-(\d+\.\d+)/,
    type: "CIS AWS Foundations Benchmark",
    name: (id) => `CIS AWS Foundations Benchmark v${/^cis-aws-(\d+\.\d+)/.exec(id)?.[1] ?? ""}.0`,
  },
  { match: /^pci/, type: "PCI-DSS", name: (id) => id },
  { match: /^nist/, type: "NIST 800-53 Controls (USA)", name: (id) => id },
  // OWASP API Security has no ASFF taxonomy entry; its requirements still go to RelatedRequirements.
];

const BEST_PRACTICES_TYPE = "Software and Configuration Checks/AWS Security Best Practices";
const STANDARDS_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards";

/** Shortens `text` to at most `max` characters, marking the cut; never returns an empty string for non-empty input. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - TRUNCATED.length)) + TRUNCATED;
}

/** SHA-256 hex of a string. */
function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The finding Id: `tollgate/<rule id>/<account>/<region>/<sha256 hex of resource ARN>`. Security Hub decides
 * create-versus-update by Id, so this must NEVER change between Tollgate versions: a new scheme would leave every
 * earlier finding orphaned and ACTIVE forever (a test pins a known value).
 */
export function asffId(f: Pick<Finding, "ruleId" | "account" | "region" | "resourceArn">): string {
  return `${ASFF_ID_PREFIX}${f.ruleId}/${f.account}/${f.region}/${sha256(f.resourceArn)}`;
}

/** The parts of a Tollgate finding Id, or undefined for an Id Tollgate did not make. */
export function parseAsffId(id: string): { ruleId: string; account: string; region: string } | undefined {
  const m = /^tollgate\/([^/]+)\/(\d{12})\/([^/]+)\/[0-9a-f]{64}$/.exec(id);
  if (!m) return undefined;
  return { ruleId: m[1]!, account: m[2]!, region: m[3]! };
}

/** The account's own custom-integration product ARN, the only one a private import may use. */
export function productArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/** The Security Hub Region a finding is imported into: its own, or the home Region for global services (IAM). */
export function hubRegion(f: Pick<Finding, "region">, homeRegion: string): string {
  return f.region === "global" ? homeRegion : f.region;
}

/** ASFF `Compliance.Status` for a finding. */
export function complianceStatus(f: Pick<Finding, "status" | "suppression">): ComplianceStatus {
  // Skipped findings are never sent (planImport); were one mapped, it was not checked: never FAILED or PASSED.
  if (f.status === "error" || f.status === "skipped") return "NOT_AVAILABLE";
  if (f.status === "pass") return "PASSED";
  // A suppressed failure is accepted risk, not a pass: WARNING keeps it visible (as Prowler does for muted).
  return f.suppression ? "WARNING" : "FAILED";
}

/** ASFF `Types` for a rule: best practices always, plus one standards type per mapped framework. */
export function asffTypes(rule: Pick<RuleMeta, "compliance">): string[] {
  const types = [BEST_PRACTICES_TYPE];
  for (const c of rule.compliance) {
    const fw = FRAMEWORKS.find((x) => x.match.test(c.framework));
    const t = fw?.type ? `${STANDARDS_TYPE}/${fw.type}` : undefined;
    if (t && !types.includes(t)) types.push(t);
  }
  return types.slice(0, MAX_TYPES);
}

/** `RelatedRequirements` entries, e.g. `CIS AWS Foundations Benchmark v3.0.0/1.4`, at most 32. */
export function relatedRequirements(rule: Pick<RuleMeta, "compliance">): string[] {
  const out = rule.compliance.map((c) => {
    const fw = FRAMEWORKS.find((x) => x.match.test(c.framework));
    return `${fw ? fw.name(c.framework) : c.framework}/${c.requirement}`;
  });
  return [...new Set(out)].slice(0, MAX_REQUIREMENTS);
}

function jsonText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Evidence and context as ProductFields: string values, bounded in count and length. */
export function productFields(f: Finding, toolVersion: string, valueMax = MAX_PRODUCT_FIELD_VALUE): Record<string, string> {
  const out: Record<string, string> = {
    "tollgate/ToolVersion": toolVersion,
    "tollgate/Status": f.status,
    "tollgate/ResourceType": f.resourceType,
    "tollgate/RuleId": f.ruleId,
  };
  if (f.suppression) {
    out["tollgate/Suppression/Reason"] = f.suppression.reason;
    out["tollgate/Suppression/Expires"] = f.suppression.expires;
    if (f.suppression.owner) out["tollgate/Suppression/Owner"] = f.suppression.owner;
  }
  f.evidence.slice(0, MAX_EVIDENCE_ENTRIES).forEach((e, i) => {
    out[`tollgate/Evidence/${i}/Path`] = e.path === "" ? "/" : e.path;
    out[`tollgate/Evidence/${i}/Expected`] = e.expected;
    if (e.actual !== undefined) out[`tollgate/Evidence/${i}/Actual`] = jsonText(e.actual);
  });
  if (f.evidence.length > MAX_EVIDENCE_ENTRIES)
    out["tollgate/Evidence/Omitted"] = `${f.evidence.length - MAX_EVIDENCE_ENTRIES} more evidence entries in findings.json`;
  const bounded: Record<string, string> = {};
  for (const [k, v] of Object.entries(out)) {
    // Empty values are rejected by Security Hub; a single space would be noise, so say so instead.
    bounded[truncate(k, MAX_PRODUCT_FIELD_KEY)] = truncate(v === "" ? "(empty)" : v, valueMax);
  }
  return bounded;
}

/** Everything the mapping needs besides the finding itself. */
export interface AsffContext {
  /** Run metadata (partition, timestamps, tool version). */
  metadata: Pick<RunMetadata, "partition" | "collectedAt" | "finishedAt" | "toolVersion">;
  /** Region that findings of global services are imported into. */
  homeRegion: string;
  /** The export time (`UpdatedAt`), from an injected clock. */
  updatedAt: string;
}

/** A minimal RuleMeta for a finding whose rule is not loaded (e.g. a custom pack not passed with --rules). */
export function fallbackRule(f: Finding): RuleMeta {
  return {
    id: f.ruleId,
    title: f.title,
    severity: f.severity,
    resourceType: f.resourceType,
    rationale: "",
    remediation: { text: "" },
    references: [],
    compliance: [],
    file: "",
  };
}

/** Maps one Tollgate finding to ASFF (pure). The result is then fitted to the 240 KB limit by `fitFindingSize`. */
export function toAsff(f: Finding, rule: RuleMeta, ctx: AsffContext): AsffFinding {
  const region = hubRegion(f, ctx.homeRegion);
  const product = productArn(ctx.metadata.partition, region, f.account);
  const severity = { Label: SEVERITY_LABEL[f.severity] };
  const types = asffTypes(rule);
  const requirements = relatedRequirements(rule);
  const url = rule.references.find((r) => /^https:\/\//.test(r));
  const recommendation = truncate(rule.remediation.text || `See the documentation of ${rule.id}.`, MAX_RECOMMENDATION);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(f),
    ProductArn: product,
    GeneratorId: f.ruleId,
    AwsAccountId: f.account,
    Region: region,
    Types: types,
    FirstObservedAt: ctx.metadata.collectedAt,
    LastObservedAt: ctx.metadata.finishedAt,
    CreatedAt: ctx.metadata.collectedAt,
    UpdatedAt: ctx.updatedAt,
    Severity: severity,
    // Providers should put severity and types here too (finding-update-batchimportfindings.md).
    FindingProviderFields: { Severity: severity, Types: types },
    Title: truncate(f.title || rule.title || f.ruleId, MAX_TITLE),
    Description: truncate(f.message || f.title || f.ruleId, MAX_DESCRIPTION),
    Remediation: { Recommendation: { Text: recommendation, ...(url ? { Url: url } : {}) } },
    ProductFields: productFields(f, ctx.metadata.toolVersion),
    Compliance: {
      Status: complianceStatus(f),
      ...(requirements.length ? { RelatedRequirements: requirements } : {}),
    },
    Resources: [
      {
        Type: asffResourceType(f.resourceType),
        Id: f.resourceArn,
        Partition: ctx.metadata.partition as "aws",
        Region: region,
      },
      ...pathResources(f, ctx.metadata.partition, region),
    ],
    RecordState: "ACTIVE",
  };
}

/** Size of a finding as sent (UTF-8 bytes of its JSON). */
export function findingBytes(f: AsffFinding): number {
  return Buffer.byteLength(JSON.stringify(f), "utf8");
}

/**
 * Returns the finding unchanged when it fits in `maxBytes`, otherwise with ProductFields values (evidence) shortened
 * step by step and marked, then the description; throws if even that cannot fit (it always can in practice: the
 * fixed fields are bounded well under the limit).
 */
export function fitFindingSize(f: AsffFinding, maxBytes = MAX_FINDING_BYTES): AsffFinding {
  if (findingBytes(f) <= maxBytes) return f;
  let valueMax = MAX_PRODUCT_FIELD_VALUE;
  let out: AsffFinding = f;
  while (valueMax >= 32) {
    valueMax = Math.floor(valueMax / 2);
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.ProductFields ?? {})) fields[k] = truncate(v, valueMax);
    out = { ...f, ProductFields: fields };
    if (findingBytes(out) <= maxBytes) return out;
  }
  out = { ...out, Description: truncate(f.Description ?? "", 256) };
  if (findingBytes(out) <= maxBytes) return out;
  throw new Error(`finding ${f.Id} cannot be fitted into ${maxBytes} bytes`);
}

/** The archived version of a previously imported finding: same Id, ARCHIVED, PASSED, newer UpdatedAt. */
export function archivedCopy(existing: AsffFinding, updatedAt: string): AsffFinding {
  // Send back only what the provider owns: Security Hub rejects or ignores the fields it manages itself.
  const {
    Workflow: _w,
    WorkflowState: _ws,
    Note: _n,
    UserDefinedFields: _u,
    VerificationState: _v,
    ProcessedAt: _p,
    CompanyName: _c,
    ProductName: _pn,
    ...provider
  } = existing;
  return {
    ...provider,
    UpdatedAt: updatedAt,
    RecordState: "ARCHIVED",
    Compliance: { ...(existing.Compliance ?? {}), Status: "PASSED" },
  };
}

/** ASFF allows at most this many resources per finding. */
const MAX_ASFF_RESOURCES = 32;
/** The Tollgate resource type of each node kind that is a real AWS resource (integrations and backends are not). */
const NODE_TYPES: Record<string, string> = {
  "lambda-function": "aws.lambda.function",
  "iam-role": "aws.iam.role",
  "lambda-function-url": "aws.lambda.function",
  "lambda-function-policy": "aws.lambda.function",
};

/**
 * The resources on an exposure path after its entry (which is the finding's own resource): the function, the role
 * and the managed policy granting the permission, each once, within ASFF's 32-resource limit.
 */
function pathResources(f: Finding, partition: string, region: string): NonNullable<AsffFinding["Resources"]> {
  const path = reportedPath(f);
  if (!path) return [];
  const seen = new Set([f.resourceArn]);
  const out: NonNullable<AsffFinding["Resources"]> = [];
  const add = (type: string, id: string, at: string) => {
    if (seen.has(id) || out.length >= MAX_ASFF_RESOURCES - 1) return;
    seen.add(id);
    out.push({ Type: asffResourceType(type), Id: id, Partition: partition as "aws", Region: at === "global" ? region : at });
  };
  for (const n of path.chain.slice(1)) {
    const type = NODE_TYPES[n.kind];
    if (type) add(type, n.arn.replace(/\/(url(\/.*)?|invoke)$/, ""), n.region);
  }
  for (const g of path.permission.grants) if (g.policy.startsWith("arn:")) add("aws.iam.policy", g.policy, "global");
  return out;
}
