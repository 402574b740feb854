import { createHash } from "node:crypto";
import { chainText, grantText, reportedPath, type ReportedPath } from "./paths.js";
import type { Finding } from "../model/finding.js";
import type { JsonValue } from "../model/json.js";
import type { ReportInput } from "../model/report.js";
import type { RuleMeta } from "../model/rule-meta.js";
import type { Severity } from "../model/severity.js";
import { cmp, compareFindings, ruleIndex, TOLLGATE_URI, toolVersionOf, type ReportOptions } from "./common.js";
import { runNotifications, withPlaceholderRules } from "./sarif-run.js";
import { gzippedSize, logPieces, resultText, RESULTS_MARK } from "./sarif-text.js";

/** GitHub code scanning rejects more results than this in one run. */
export const GITHUB_MAX_RESULTS = 25_000;
/** GitHub code scanning rejects SARIF files larger than this once gzipped. */
export const GITHUB_MAX_GZIP_BYTES = 10 * 1024 * 1024;

/** SARIF-specific options. */
export interface SarifOptions extends ReportOptions {
  /** Result cap; defaults to GitHub's 25,000. Tests inject small values. */
  maxResults?: number;
  /** Gzipped size cap in bytes; defaults to GitHub's 10 MB. */
  maxGzipBytes?: number;
  /** Overrides `automationDetails.id` (GitHub reads everything before the last `/` as the category). */
  automationId?: string;
  /** Prefix for rule-file URIs when the rule pack is not at the repository root (e.g. `node_modules/tollgate/`). */
  uriPrefix?: string;
  /** Tool home page; defaults to the Tollgate project URI. */
  informationUri?: string;
}

/** A rendered document plus warnings the caller should print to stderr. */
export interface Rendered {
  /** The document text. */
  text: string;
  /** Human-readable warnings (e.g. truncation); empty when none. */
  warnings: string[];
}

/** Level GitHub shows for each severity. */
export const SARIF_LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/**
 * GitHub `security-severity` scores. 9.5 keeps critical clear of the 9.0 boundary; info has none because
 * GitHub reads 0.0 as "no security severity", so the property is omitted for info rules.
 */
export const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: undefined,
};

const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/** GitHub truncates `shortDescription`/`fullDescription` past this many characters. */
const MAX_DESCRIPTION = 1024;

/**
 * Stable per rule + resource, so GitHub keeps one alert per resource across runs. Frozen: changing the
 * input fields or their order would close every open alert and open new ones.
 */
export function sarifFingerprint(f: Pick<Finding, "ruleId" | "account" | "region" | "resourceArn">): string {
  return createHash("sha256").update(`${f.ruleId}|${f.account}|${f.region}|${f.resourceArn}`).digest("hex");
}

/** `automationDetails.id` naming the scan scope; the trailing `/` means "category only, no run id". */
export function sarifAutomationId(input: ReportInput): string {
  const accounts = [...input.metadata.accounts].sort(cmp).join(",");
  const regions = [...input.metadata.regions].sort(cmp).join(",");
  const scope = `${accounts}/${regions}`;
  // Long scopes (organisations) would make an unwieldy category; a hash is just as stable.
  const short = scope.length <= 200 ? scope : `sha256-${createHash("sha256").update(scope).digest("hex").slice(0, 16)}`;
  return `tollgate/${short}/`;
}

/**
 * Renders a SARIF 2.1.0 log (one run) of the failing findings, shaped for GitHub code scanning, in pieces (joined,
 * the log's text), so that a large account's log is written without being held as one string.
 */
export function renderSarifPieces(input: ReportInput, options: SarifOptions = {}): { pieces: string[]; warnings: string[] } {
  const plan = planSarif(input, options);
  // Each result that may be kept is stringified once, on its own, as it sits in the log; a log is the document
  // around them (see logPieces).
  const resultTexts = Array.from({ length: plan.count }, (_, i) => plan.textAt(i));
  const { pieces, kept, size } = fitGzipped(plan.build, resultTexts, plan.maxGzip);
  pieces.push("\n");
  return { pieces, warnings: plan.finish(kept, size) };
}

/** What both renderings of a SARIF log share: its document, its results' texts, and the warnings to give. */
export interface SarifPlan {
  /** The log with `kept` results (their place marked, see logPieces). */
  build: (kept: number) => Record<string, unknown>;
  /** How many results may be kept (GitHub's result limit). */
  count: number;
  /** The text of result i, most severe first. */
  textAt: (i: number) => string;
  maxGzip: number;
  /** The warnings of a log keeping `kept` results, `size` bytes gzipped. */
  finish: (kept: number, size: number) => string[];
}

/** The plan of a SARIF log (see SarifPlan): renderSarifPieces and renderSarifStream (sarif-stream.ts) write it. */
export function planSarif(input: ReportInput, options: SarifOptions): SarifPlan {
  const warnings: string[] = [];
  const maxResults = options.maxResults ?? GITHUB_MAX_RESULTS;
  const maxGzip = options.maxGzipBytes ?? GITHUB_MAX_GZIP_BYTES;
  const prefix = options.uriPrefix ?? "";

  const known = ruleIndex(input.rules);
  const failing = input.findings.filter((f) => f.status === "fail").sort(compareFindings);

  const rules = withPlaceholderRules(known, failing, warnings);
  const ruleList = [...rules.values()].sort((a, b) => cmp(a.id, b.id));
  const indexOf = new Map(ruleList.map((r, i) => [r.id, i]));
  const sarifRules = ruleList.map((r) => sarifRule(r));

  // Results are built for the kept findings only: an organisation can fail far more than GitHub's 25,000.
  const resultOf = (f: Finding): Record<string, unknown> => {
    const rule = rules.get(f.ruleId) as RuleMeta; // ensured above
    return sarifResult(f, rule, indexOf.get(f.ruleId) ?? 0, prefix);
  };

  const build = (kept: number): Record<string, unknown> => {
    const truncated = kept < failing.length;
    const notifications = runNotifications(input, { kept, failing: failing.length, maxResults, maxGzip });
    const runProps: Record<string, unknown> = {
      partition: input.metadata.partition,
      accounts: input.metadata.accounts,
      regions: input.metadata.regions,
      collectedAt: input.metadata.collectedAt,
      complete: input.metadata.complete,
      coverageGaps: input.coverage.length,
      truncated,
      // The filters, profile and config that produced these results.
      ...(input.metadata.selection ? { selection: input.metadata.selection } : {}),
    };
    if (truncated) {
      runProps.totalResults = failing.length;
      runProps.emittedResults = kept;
      runProps.truncationReason = `GitHub limits: ${maxResults} results per run, ${maxGzip} bytes gzipped`;
    }
    const run: Record<string, unknown> = {
      tool: {
        driver: {
          name: "Tollgate",
          version: toolVersionOf(input, options),
          semanticVersion: toolVersionOf(input, options),
          informationUri: options.informationUri ?? TOLLGATE_URI,
          rules: sarifRules,
        },
      },
      automationDetails: { id: options.automationId ?? sarifAutomationId(input) },
      invocations: [
        {
          executionSuccessful: input.metadata.complete,
          ...(options.generatedAt ? { endTimeUtc: options.generatedAt } : {}),
          toolExecutionNotifications: notifications,
        },
      ],
      columnKind: "utf16CodeUnits",
      results: RESULTS_MARK,
      properties: runProps,
    };
    return { $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs: [run] };
  };

  const finish = (kept: number, size: number): string[] => {
    const out = [...warnings];
    if (size > maxGzip) {
      out.push(`SARIF: even with no results the log is ${size} gzipped bytes, over the ${maxGzip} limit.`);
    }
    if (kept < failing.length) {
      out.push(
        `SARIF truncated: kept ${kept} of ${failing.length} failing results (most severe first) to fit GitHub limits; the full list is in findings.json.`,
      );
    }
    return out;
  };
  const count = Math.min(failing.length, maxResults);
  return { build, count, textAt: (i) => resultText(resultOf(failing[i]!)), maxGzip, finish };
}

/**
 * How many results to try next when `kept` of them made a log of `size` gzipped bytes, over `maxGzip`: shrink
 * proportionally (the tail is the least severe), by one at least.
 */
export function nextKept(kept: number, size: number, maxGzip: number): number {
  return Math.max(0, Math.min(kept - 1, Math.floor((kept * maxGzip * 0.9) / size)));
}

/** The log with as many of the results as fit in `maxGzip` gzipped bytes (results are severity-sorted). */
function fitGzipped(
  build: (kept: number) => Record<string, unknown>,
  resultTexts: readonly string[],
  maxGzip: number,
): { pieces: string[]; kept: number; size: number } {
  let kept = resultTexts.length;
  let pieces = logPieces(build(kept), resultTexts.slice(0, kept));
  let size = gzippedSize(pieces, maxGzip);
  while (size > maxGzip && kept > 0) {
    kept = nextKept(kept, size, maxGzip);
    pieces = logPieces(build(kept), resultTexts.slice(0, kept));
    size = gzippedSize(pieces, maxGzip);
  }
  return { pieces, kept, size };
}

/** renderSarifPieces with the log in one string. */
export function renderSarif(input: ReportInput, options: SarifOptions = {}): Rendered {
  const { pieces, warnings } = renderSarifPieces(input, options);
  return { text: pieces.join(""), warnings };
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}

function sarifRule(r: RuleMeta): Record<string, unknown> {
  const rem = r.remediation;
  const md: string[] = [`**${r.title}**`, "", r.rationale, "", "## Remediation", "", rem.text];
  const text: string[] = [r.title, "", r.rationale, "", "Remediation: " + rem.text];
  if (rem.console?.length) {
    md.push("", "Console:", "", ...rem.console.map((s, i) => `${i + 1}. ${s}`));
    text.push("Console: " + rem.console.join(" → "));
  }
  if (rem.cli) {
    md.push("", "AWS CLI:", "", "```sh", rem.cli, "```");
    text.push("AWS CLI: " + rem.cli);
  }
  if (rem.terraform) {
    md.push("", "Terraform:", "", "```hcl", rem.terraform, "```");
    text.push("Terraform:\n" + rem.terraform);
  }
  if (r.compliance.length) {
    md.push("", "## Compliance", "", ...r.compliance.map((c) => `- ${c.framework}: ${c.requirement}`));
  }
  if (r.references.length) {
    md.push("", "## References", "", ...r.references.map((u) => `- <${u}>`));
    text.push("References: " + r.references.join(" "));
  }
  const tags = ["security", "aws", `aws/${r.resourceType.split(".")[1] ?? "unknown"}`, `severity/${r.severity}`];
  const props: Record<string, JsonValue> = { tags, precision: "very-high" };
  const score = SECURITY_SEVERITY[r.severity];
  if (score !== undefined) props["security-severity"] = score;
  return {
    id: r.id,
    name: r.id,
    shortDescription: { text: clip(r.title, MAX_DESCRIPTION) },
    fullDescription: { text: clip(r.rationale || r.title, MAX_DESCRIPTION) },
    help: { text: text.join("\n"), markdown: md.join("\n") },
    ...(r.references[0] ? { helpUri: r.references[0] } : {}),
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
    properties: props,
  };
}

function sarifResult(f: Finding, rule: RuleMeta, index: number, prefix: string): Record<string, unknown> {
  // The ARN goes in the message too: GitHub shows the message, not logical locations.
  const message = f.message.includes(f.resourceArn) ? f.message : `${f.message} Resource: ${f.resourceArn}`;
  const result: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex: index,
    level: SARIF_LEVEL[f.severity],
    message: { text: `${message} (account ${f.account}, region ${f.region})` },
    locations: [
      {
        // An ARN is never a URI here: `arn:` parses as a scheme and GitHub rejects the upload. The rule file
        // is a real committed file, line 1.
        physicalLocation: {
          artifactLocation: { uri: prefix + rule.file },
          region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 },
        },
        logicalLocations: [{ kind: "resource", name: f.resourceName, fullyQualifiedName: f.resourceArn }],
      },
    ],
    partialFingerprints: { primaryLocationLineHash: sarifFingerprint(f) },
    properties: {
      awsAccountId: f.account,
      region: f.region,
      resourceType: f.resourceType,
      resourceArn: f.resourceArn,
      severity: f.severity,
      ...(f.baseline ? { baseline: f.baseline } : {}),
      ...(f.evidence.length ? { evidence: f.evidence as unknown as JsonValue } : {}),
    },
  };
  const path = reportedPath(f);
  if (path) result.codeFlows = [codeFlow(path, prefix + rule.file)];
  if (f.baseline) result.baselineState = f.baseline === "new" ? "new" : "unchanged";
  if (f.suppression) {
    result.suppressions = [
      {
        kind: "external",
        status: "accepted",
        justification: f.suppression.reason,
        properties: {
          expires: f.suppression.expires,
          ...(f.suppression.owner ? { owner: f.suppression.owner } : {}),
        },
      },
    ];
  }
  return result;
}

/**
 * An exposure path as a SARIF code flow: one thread flow whose locations are the entry, each hop and the role in
 * order, then the statement granting the permission, so code scanning shows the path step by step. Each step
 * points at the rule file (an ARN is never a URI) and names the AWS resource as a logical location.
 */
function codeFlow(path: ReportedPath, ruleFile: string): Record<string, unknown> {
  const at = (text: string, name: string, fqn: string, kind: string) => ({
    physicalLocation: {
      artifactLocation: { uri: ruleFile },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 },
    },
    logicalLocations: [{ kind, name, fullyQualifiedName: fqn }],
    message: { text },
  });
  const steps = path.chain.map((n, i) => ({
    location: at(`${i + 1}. ${n.name} (${n.via})`, n.name, n.arn, "resource"),
    kinds: [i === 0 ? "entry" : "call"],
    executionOrder: i + 1,
  }));
  const g = path.permission.grants[0];
  steps.push({
    location: at(
      `${steps.length + 1}. ${grantText(path)}: ${path.permission.reason}`,
      g ? `${g.policy} statement ${g.statement}` : path.permission.reason,
      g ? `${g.policy}#Statement[${g.statement}]` : path.identity,
      "declaration",
    ),
    kinds: ["exit"],
    executionOrder: steps.length + 1,
  });
  return {
    message: { text: `Exposure path (${path.target}): ${chainText(path)}. Cheapest fix: ${path.fix.advice}.` },
    threadFlows: [{ locations: steps }],
  };
}
