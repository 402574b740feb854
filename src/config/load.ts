import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { ValidateFunction } from "ajv";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import type { Document, LineCounter, Node } from "yaml";
import { InputError } from "../errors.js";
import { newAjv } from "../util/ajv.js";
import { atPointer, userInfoMessage, userInfoPointers } from "../util/url-userinfo.js";
import { CONFIG_SCHEMA } from "./schema.js";
import { schemaProblem, scanSettingsProblems, type SettingProblem } from "./scan-settings.js";
import type { RuleFilters } from "../engine/selection.js";
import type { Severity } from "../model/severity.js";
import type { SuppressionRule, TollgateConfig } from "./types.js";

/** File names looked up in the working directory when `--config` is not given, in this order. */
export const CONFIG_FILE_NAMES = ["tollgate.config.yaml", "tollgate.config.yml", "tollgate.config.json"] as const;

let validator: ValidateFunction | undefined;

// The YAML parser is required when a config file is parsed, not when the CLI starts: most runs have no config file.
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)("yaml") as typeof Yaml);

/** The node at a JSON pointer's segments and, when the last step was a map entry, that entry's key node. */
function nodeAt(doc: Document, segments: string[]): { node?: Node; key?: Node } {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let cur: unknown = doc.contents;
  let key: Node | undefined;
  for (const seg of segments) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return { node: cur as Node };
      key = pair.key as Node;
      cur = pair.value;
    } else if (isSeq(cur)) {
      const item = cur.items[Number(seg)];
      if (item === undefined) return { node: cur as Node };
      key = undefined;
      cur = item;
    } else return { node: cur as Node };
  }
  return { node: (cur ?? undefined) as Node | undefined, key };
}

function pointerSegments(pointer: string): string[] {
  return pointer === ""
    ? []
    : pointer
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** 1-based line of the value at a JSON pointer (of its key, for an unknown field: the value may span lines). */
function lineOf(doc: Document, lines: LineCounter, pointer: string, atKey: boolean): number {
  const { node, key } = nodeAt(doc, pointerSegments(pointer));
  const offset = (atKey ? key?.range?.[0] : undefined) ?? node?.range?.[0] ?? key?.range?.[0];
  return offset === undefined ? 1 : lines.linePos(offset).line;
}

/** The parsed text a problem is placed in. */
interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
}

/** One problem as `FILE:LINE: /pointer: message`, the line found from the YAML/JSON document positions. */
function describe(src: Source, p: SettingProblem, atKey = false): string {
  return `${src.file}:${lineOf(src.doc, src.lines, p.pointer, atKey)}: ${p.pointer || "/"}: ${p.message}`;
}

/** Throws the first problems (at most five) as one InputError. */
function refuse(problems: string[]): never {
  const more = problems.length > 5 ? `\n  … and ${problems.length - 5} more` : "";
  throw new InputError(`invalid config:\n  ${problems.slice(0, 5).join("\n  ")}${more}`);
}

/** Finds the config file: the one given, else the first of CONFIG_FILE_NAMES in `cwd`, else none. */
export function findConfigFile(given: string | undefined, cwd: string): string | undefined {
  if (given) {
    if (!existsSync(given)) throw new InputError(`${given}: config file not found`);
    return given;
  }
  const present = CONFIG_FILE_NAMES.map((n) => join(cwd, n)).filter((p) => existsSync(p));
  if (present.length > 1) throw new InputError(`several config files found (${present.join(", ")}); keep one or pass --config`);
  return present[0];
}

/**
 * Parses and validates config text (YAML or JSON: JSON is read by the YAML 1.2 parser, so both get line
 * numbers). Errors name the file, the line and the JSON pointer of the field. Pure apart from nothing: no I/O.
 */
export function parseConfig(text: string, file: string): TollgateConfig {
  const { LineCounter: Lines, parseDocument } = yaml();
  const lines = new Lines();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
    throw new InputError(`${file}:${line}: not valid YAML/JSON: ${err.message.split("\n")[0]}`);
  }
  const data: unknown = doc.toJS() ?? {};
  validator ??= newAjv({ allErrors: true, verbose: true }).compile(CONFIG_SCHEMA);
  if (!validator(data)) {
    const errors = (validator.errors ?? []).filter((e) => e.keyword !== "if");
    refuse(errors.map((e) => describe({ file, doc, lines }, schemaProblem(e), e.keyword === "additionalProperties")));
  }
  // The scan section's checks beyond the schema, the same the scan flags get (src/config/scan-settings.ts).
  const scan = (data as { scan?: unknown }).scan;
  const scanProblems = scan === undefined ? [] : scanSettingsProblems(scan);
  if (scanProblems.length)
    refuse(scanProblems.map((p) => describe({ file, doc, lines }, { ...p, pointer: `/scan${p.pointer}` })));
  // Any field (a suppression's reason or owner included): a URL with user info would be copied into reports.
  const withUserInfo = userInfoPointers(data)[0];
  if (withUserInfo !== undefined) {
    const { node } = nodeAt(doc, pointerSegments(withUserInfo));
    const line = node?.range ? lines.linePos(node.range[0]).line : 1;
    throw new InputError(userInfoMessage(`${file}:${line}: ${withUserInfo}`, atPointer(data, withUserInfo)));
  }
  const raw = data as Omit<TollgateConfig, "suppressions" | "scan" | "file" | "filters"> & {
    suppressions?: SuppressionRule[];
    scan?: TollgateConfig["scan"];
    filters?: Omit<RuleFilters, "severity"> & { severity?: Severity | "informational" };
  };
  const suppressions = (raw.suppressions ?? []).map((s, i) => {
    const { node } = nodeAt(doc, ["suppressions", String(i)]);
    const offset = node?.range?.[0];
    return { ...s, ...(offset !== undefined ? { line: lines.linePos(offset).line } : {}) };
  });
  const filterLines: Partial<Record<keyof RuleFilters, number>> = {};
  for (const key of Object.keys(raw.filters ?? {}) as (keyof RuleFilters)[]) {
    const at = nodeAt(doc, ["filters", key]);
    const offset = (at.key ?? at.node)?.range?.[0];
    if (offset !== undefined) filterLines[key] = lines.linePos(offset).line;
  }
  const { severity, ...filters } = raw.filters ?? {};
  return {
    file,
    ...(raw.profile !== undefined ? { profile: raw.profile } : {}),
    suppressions,
    scan: raw.scan ?? {},
    ...(raw.filters
      ? {
          filters: { ...filters, ...(severity ? { severity: severity === "informational" ? "info" : severity } : {}) },
          filterLines,
        }
      : {}),
  };
}

/** Loads the config file given with `--config`, or found in `cwd`; an empty config when there is none. */
export function loadConfig(given: string | undefined, cwd: string = process.cwd()): TollgateConfig {
  const file = findConfigFile(given, cwd);
  if (!file) return { suppressions: [], scan: {} };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read config: ${(e as Error).message}`);
  }
  return parseConfig(text, file);
}

/** The config's profile; a profile file path is taken relative to the config file, not the working directory. */
export function configProfile(config: TollgateConfig): string | undefined {
  const p = config.profile;
  if (p === undefined || /^[a-z0-9-]+$/.test(p) || isAbsolute(p) || !config.file) return p;
  return join(dirname(config.file), p);
}
