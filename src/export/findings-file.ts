import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { FINDING_STATUSES, type Evidence, type Finding } from "../model/finding.js";
import type { CollectionError, RunMetadata } from "../model/inventory.js";
import { isSeverity } from "../model/severity.js";

/** What the exporters read from findings.json: only these fields, so report-format additions do not break them. */
export interface ExportInput {
  /** Run metadata. */
  metadata: RunMetadata;
  /** Every finding of the run. */
  findings: Finding[];
  /** Collection errors (coverage gaps). */
  coverage: CollectionError[];
}

type Obj = Record<string, unknown>;

/** Validates while reading; every error names the file and the JSON pointer of the bad value. */
class Reader {
  constructor(private readonly file: string) {}

  fail(pointer: string, what: string): never {
    throw new InputError(`${this.file}: ${pointer || "/"}: ${what}`);
  }
  obj(v: unknown, p: string): Obj {
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(p, "expected an object");
    return v as Obj;
  }
  arr(v: unknown, p: string): unknown[] {
    if (!Array.isArray(v)) this.fail(p, "expected an array");
    return v;
  }
  str(v: unknown, p: string, opts: { nonEmpty?: boolean } = {}): string {
    if (typeof v !== "string") this.fail(p, "expected a string");
    if (opts.nonEmpty && v === "") this.fail(p, "must not be empty");
    return v;
  }
  optStr(v: unknown, p: string): string | undefined {
    return v === undefined ? undefined : this.str(v, p);
  }
  strs(v: unknown, p: string): string[] {
    return this.arr(v, p).map((x, i) => this.str(x, `${p}/${i}`));
  }
  time(v: unknown, p: string): string {
    const s = this.str(v, p);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(Date.parse(s))) this.fail(p, `not an RFC 3339 time: ${JSON.stringify(s)}`);
    return s;
  }
  account(v: unknown, p: string): string {
    const s = this.str(v, p);
    if (!/^\d{12}$/.test(s)) this.fail(p, `not a 12-digit account id: ${JSON.stringify(s)}`);
    return s;
  }
}

function readMetadata(r: Reader, v: unknown): RunMetadata {
  const m = r.obj(v, "/metadata");
  if (typeof m["complete"] !== "boolean") r.fail("/metadata/complete", "expected true or false");
  return {
    toolVersion: r.str(m["toolVersion"], "/metadata/toolVersion"),
    collectedAt: r.time(m["collectedAt"], "/metadata/collectedAt"),
    finishedAt: r.time(m["finishedAt"], "/metadata/finishedAt"),
    partition: r.str(m["partition"], "/metadata/partition", { nonEmpty: true }),
    accounts: r.arr(m["accounts"], "/metadata/accounts").map((a, i) => r.account(a, `/metadata/accounts/${i}`)),
    regions: r.strs(m["regions"], "/metadata/regions"),
    services: m["services"] === undefined ? [] : r.strs(m["services"], "/metadata/services"),
    complete: m["complete"] as boolean,
    ...(m["rulesEvaluated"] !== undefined ? { rulesEvaluated: r.strs(m["rulesEvaluated"], "/metadata/rulesEvaluated") } : {}),
  };
}

function readEvidence(r: Reader, v: unknown, p: string): Evidence[] {
  if (v === undefined) return [];
  return r.arr(v, p).map((x, i) => {
    const e = r.obj(x, `${p}/${i}`);
    return {
      path: r.str(e["path"] ?? "", `${p}/${i}/path`),
      expected: r.str(e["expected"] ?? "", `${p}/${i}/expected`),
      ...(e["actual"] !== undefined ? { actual: e["actual"] as Evidence["actual"] } : {}),
    };
  });
}

function readFinding(r: Reader, v: unknown, i: number): Finding {
  const p = `/findings/${i}`;
  const f = r.obj(v, p);
  const status = r.str(f["status"], `${p}/status`);
  if (!(FINDING_STATUSES as readonly string[]).includes(status))
    r.fail(`${p}/status`, `must be one of ${FINDING_STATUSES.join(", ")}`);
  const severity = f["severity"];
  if (!isSeverity(severity)) r.fail(`${p}/severity`, "must be one of critical, high, medium, low, info");
  const out: Finding = {
    ruleId: r.str(f["ruleId"], `${p}/ruleId`, { nonEmpty: true }),
    resourceArn: r.str(f["resourceArn"], `${p}/resourceArn`, { nonEmpty: true }),
    resourceType: r.str(f["resourceType"], `${p}/resourceType`, { nonEmpty: true }),
    resourceName: r.optStr(f["resourceName"], `${p}/resourceName`) ?? "",
    account: r.account(f["account"], `${p}/account`),
    region: r.str(f["region"], `${p}/region`, { nonEmpty: true }),
    status: status as Finding["status"],
    severity,
    title: r.optStr(f["title"], `${p}/title`) ?? "",
    message: r.optStr(f["message"], `${p}/message`) ?? "",
    evidence: readEvidence(r, f["evidence"], `${p}/evidence`),
  };
  if (f["suppression"] !== undefined) {
    const s = r.obj(f["suppression"], `${p}/suppression`);
    const owner = r.optStr(s["owner"], `${p}/suppression/owner`);
    out.suppression = {
      reason: r.str(s["reason"], `${p}/suppression/reason`),
      expires: r.str(s["expires"], `${p}/suppression/expires`),
      ...(owner !== undefined ? { owner } : {}),
    };
  }
  return out;
}

function readCoverage(r: Reader, v: unknown): CollectionError[] {
  if (v === undefined) return [];
  return r.arr(v, "/coverage").map((x, i) => {
    const p = `/coverage/${i}`;
    const e = r.obj(x, p);
    return {
      account: r.str(e["account"], `${p}/account`),
      region: r.str(e["region"], `${p}/region`),
      service: r.str(e["service"], `${p}/service`),
      operation: r.str(e["operation"] ?? "", `${p}/operation`),
      errorName: r.str(e["errorName"] ?? "", `${p}/errorName`),
      message: r.str(e["message"] ?? "", `${p}/message`),
    };
  });
}

/** Parses the text of a findings.json (pure); `file` names it in errors. */
export function parseFindingsFile(text: string, file: string): ExportInput {
  const r = new Reader(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (truncated or corrupt?): ${(e as Error).message}`);
  }
  const root = r.obj(doc, "");
  if (root["kind"] !== "tollgate-findings")
    r.fail("/kind", `expected "tollgate-findings" (is this a Tollgate findings.json?), found ${JSON.stringify(root["kind"])}`);
  if (root["formatVersion"] !== 1)
    r.fail("/formatVersion", `this Tollgate reads format version 1, found ${JSON.stringify(root["formatVersion"])}`);
  return {
    metadata: readMetadata(r, root["metadata"]),
    findings: r.arr(root["findings"], "/findings").map((f, i) => readFinding(r, f, i)),
    coverage: readCoverage(r, root["coverage"]),
  };
}

/** Reads and validates a findings.json file. */
export function loadFindingsFile(file: string): ExportInput {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read: ${(e as Error).message}`);
  }
  return parseFindingsFile(text, file);
}
