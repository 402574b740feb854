import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import type { ValidateFunction } from "ajv";
import { GITHUB_MAX_GZIP_BYTES, GITHUB_MAX_RESULTS } from "../../src/report/sarif.js";

// CommonJS packages: under NodeNext the typed constructor/plugin is on `.default`.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(
      readFileSync(new URL("../../fixtures/schemas/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
    ) as object;
    // strict:false because the OASIS draft-04 schema has `required` inside `anyOf` branches.
    const ajv = new Ajv04({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator as ValidateFunction;
}

/** Limits the GitHub checks enforce; tests that inject small limits pass the same ones here. */
export interface SarifLimits {
  maxResults?: number;
  maxGzipBytes?: number;
}

/**
 * Validates a SARIF document against the OASIS 2.1.0 schema and against what GitHub code scanning accepts.
 * Returns the parsed log; throws with every problem listed.
 */
export function assertValidSarif(text: string, limits: SarifLimits = {}): SarifLog {
  const problems: string[] = [];
  const log = JSON.parse(text) as SarifLog;
  const validate = schemaValidator();
  if (!validate(log)) {
    for (const e of validate.errors ?? []) problems.push(`schema: ${e.instancePath} ${e.message ?? ""}`);
  }
  const gz = gzipSync(text).length;
  if (gz > (limits.maxGzipBytes ?? GITHUB_MAX_GZIP_BYTES)) problems.push(`gzip size ${gz} over limit`);
  if (!log.$schema) problems.push("missing $schema");
  if (log.version !== "2.1.0") problems.push(`version ${String(log.version)}`);
  if (!Array.isArray(log.runs) || log.runs.length !== 1) problems.push("GitHub: expected exactly one run");
  for (const [ri, run] of (log.runs ?? []).entries()) {
    const driver = run.tool?.driver;
    if (!driver?.name) problems.push(`runs/${ri}: tool.driver.name required`);
    if (!Array.isArray(driver?.rules)) problems.push(`runs/${ri}: tool.driver.rules required`);
    if (!Array.isArray(run.results)) problems.push(`runs/${ri}: results required`);
    const ruleIds = new Set<string>();
    for (const [i, rule] of (driver?.rules ?? []).entries()) {
      const at = `runs/${ri}/rules/${i}`;
      if (ruleIds.has(rule.id)) problems.push(`${at}: duplicate rule id ${rule.id}`);
      ruleIds.add(rule.id);
      if (!rule.shortDescription?.text) problems.push(`${at}: shortDescription.text required`);
      if (!rule.fullDescription?.text) problems.push(`${at}: fullDescription.text required`);
      if (!rule.help?.text) problems.push(`${at}: help.text required`);
      if ((rule.shortDescription?.text.length ?? 0) > 1024) problems.push(`${at}: shortDescription > 1024`);
      if ((rule.fullDescription?.text.length ?? 0) > 1024) problems.push(`${at}: fullDescription > 1024`);
      const sev = rule.properties?.["security-severity"];
      if (sev !== undefined) {
        if (typeof sev !== "string" || !/^\d+(\.\d+)?$/.test(sev)) {
          problems.push(`${at}: security-severity must be a numeric string, got ${JSON.stringify(sev)}`);
        } else if (!(Number(sev) > 0 && Number(sev) <= 10)) {
          problems.push(`${at}: security-severity ${sev} outside (0, 10]`);
        }
        if (!rule.properties?.tags?.includes("security")) problems.push(`${at}: security tag missing`);
      }
      if ((rule.properties?.tags?.length ?? 0) > 20) problems.push(`${at}: more than 20 tags`);
    }
    const results = run.results ?? [];
    if (results.length > (limits.maxResults ?? GITHUB_MAX_RESULTS)) {
      problems.push(`runs/${ri}: ${results.length} results over limit`);
    }
    for (const [i, r] of results.entries()) {
      const at = `runs/${ri}/results/${i}`;
      if (!r.message?.text) problems.push(`${at}: message.text required`);
      if (!r.ruleId || !ruleIds.has(r.ruleId)) problems.push(`${at}: ruleId ${String(r.ruleId)} not in rules`);
      if (r.ruleIndex !== undefined && driver?.rules?.[r.ruleIndex]?.id !== r.ruleId) {
        problems.push(`${at}: ruleIndex ${r.ruleIndex} does not point at ${String(r.ruleId)}`);
      }
      if (!r.partialFingerprints?.primaryLocationLineHash) problems.push(`${at}: primaryLocationLineHash`);
      const loc = r.locations?.[0];
      if (!loc) {
        problems.push(`${at}: GitHub requires at least one location`);
        continue;
      }
      const uri = loc.physicalLocation?.artifactLocation?.uri;
      if (typeof uri !== "string" || uri === "") problems.push(`${at}: empty artifactLocation.uri`);
      else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) problems.push(`${at}: uri has a scheme: ${uri}`);
      if (!(Number(loc.physicalLocation?.region?.startLine) >= 1)) problems.push(`${at}: region.startLine`);
    }
  }
  if (problems.length) throw new Error(`Invalid SARIF:\n  ${problems.join("\n  ")}`);
  return log;
}

/** The parts of SARIF the tests read (loosely typed: it is parsed input). */
export interface SarifLog {
  $schema?: string;
  version?: string;
  runs?: SarifRun[];
}
/** A SARIF run as read by tests. */
export interface SarifRun {
  tool?: { driver?: { name?: string; version?: string; informationUri?: string; rules?: SarifRule[] } };
  automationDetails?: { id?: string };
  invocations?: {
    executionSuccessful?: boolean;
    toolExecutionNotifications?: { message?: { text?: string }; descriptor?: { id?: string } }[];
  }[];
  results?: SarifResult[];
  properties?: Record<string, unknown>;
}
/** A SARIF rule as read by tests. */
export interface SarifRule {
  id: string;
  shortDescription?: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown?: string };
  defaultConfiguration?: { level?: string };
  properties?: { tags?: string[]; "security-severity"?: unknown };
}
/** A SARIF result as read by tests. */
export interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  level?: string;
  message?: { text?: string };
  locations?: {
    physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } };
    logicalLocations?: { kind?: string; name?: string; fullyQualifiedName?: string }[];
  }[];
  partialFingerprints?: { primaryLocationLineHash?: string };
  suppressions?: { kind?: string; status?: string; justification?: string }[];
  properties?: Record<string, unknown>;
}
