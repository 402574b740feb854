import { complianceIndex, type Framework } from "../engine/frameworks.js";
import type { Rule, RuleOverride, RuleSet } from "../engine/rules.js";
import { InputError } from "../errors.js";
import type { JsonValue } from "../model/json.js";
import { escapeForTerminal } from "../util/escape.js";
import { indented, MAX_CONSOLE_WIDTH, table, wrapText } from "../util/text-layout.js";

/** One rule as the catalogue shows it, with its effective settings under the selected profile. */
export interface CatalogEntry {
  id: string;
  aliases: string[];
  title: string;
  severity: string;
  resourceType: string;
  enabled: boolean;
  /** `framework requirement` pairs, e.g. `aws-fsbp IAM.3`. */
  frameworks: { framework: string; requirement: string }[];
  file: string;
  rule: Rule;
}

/** Overrides with `enabled` dropped, so disabled rules still compile and can be listed as such. */
export function withoutEnabled(overrides: Record<string, RuleOverride>): Record<string, RuleOverride> {
  return Object.fromEntries(
    Object.entries(overrides).map(([id, { enabled: _drop, ...rest }]) => [id, rest] as [string, RuleOverride]),
  );
}

/** Builds catalogue entries: `all` compiled without enable flags, `active` the set the profile enables. */
export function catalogEntries(all: RuleSet, disabled: Set<string>, frameworks: Framework[]): CatalogEntry[] {
  const index = complianceIndex(frameworks, all.knownIds);
  return all.rules.map((r) => ({
    id: r.id,
    aliases: r.aliases ?? [],
    title: r.title,
    severity: r.severity,
    resourceType: r.resourceType,
    enabled: !disabled.has(r.id),
    frameworks: index.get(r.id) ?? [],
    file: r.file,
    rule: r,
  }));
}

const fwLabel = (f: { framework: string; requirement: string }) => `${f.framework} ${f.requirement}`;

/** `tollgate rules list` as text (a table `width` columns wide) or JSON. */
export function renderRulesList(entries: CatalogEntry[], format: "text" | "json", width = MAX_CONSOLE_WIDTH): string {
  if (format === "json") {
    return (
      JSON.stringify(
        entries.map((e) => ({
          id: e.id,
          title: e.title,
          severity: e.severity,
          resourceType: e.resourceType,
          enabled: e.enabled,
          frameworks: e.frameworks,
        })),
        null,
        2,
      ) + "\n"
    );
  }
  const rows = entries.map((e) => [
    e.id,
    e.enabled ? e.severity : `${e.severity} (disabled)`,
    e.title,
    e.frameworks.map(fwLabel).join(", ") || "-",
  ]);
  return table(["ID", "SEVERITY", "TITLE", "FRAMEWORKS"], rows, width, [0, 1]);
}

/** `tollgate rules list --framework X`: every requirement, its rules, and honestly which are not covered. */
export function renderFrameworkList(
  fw: Framework,
  entries: CatalogEntry[],
  format: "text" | "json",
  width = MAX_CONSOLE_WIDTH,
): string {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const reqs = fw.requirements.map((r) => {
    const rules = r.rules.map((id) => ({ id, enabled: byId.get(id)?.enabled ?? false, severity: byId.get(id)?.severity }));
    const covered = rules.some((x) => x.enabled);
    return {
      id: r.id,
      title: r.title,
      covered,
      rules,
      ...(r.outOfScope ? { outOfScope: r.outOfScope } : {}),
      ...(r.notes ? { notes: r.notes } : {}),
    };
  });
  if (format === "json") {
    return JSON.stringify({ framework: fw.id, name: fw.name, version: fw.version, requirements: reqs }, null, 2) + "\n";
  }
  const covered = reqs.filter((r) => r.covered).length;
  const outside = reqs.filter((r) => r.outOfScope).length;
  const rows = reqs.map((r) => [
    r.id,
    r.title,
    r.outOfScope
      ? "outside Tollgate's scope"
      : r.rules.length === 0
        ? "not covered by Tollgate"
        : r.rules.map((x) => (x.enabled ? x.id : `${x.id} (disabled)`)).join(", ") + (r.covered ? "" : " — not covered"),
  ]);
  return (
    `${fw.name} ${fw.version} (${fw.id}): ${covered} of ${reqs.length} requirements covered by enabled rules` +
    `${outside ? `, ${outside} outside Tollgate's scope` : ""}\n\n` +
    table(["REQUIREMENT", "TITLE", "RULES"], rows, width, [0])
  );
}

/**
 * `tollgate rules show ID`: full metadata, parameters with defaults and effective values, frameworks. Prose wraps
 * to `width`; commands and URLs stay whole so they can be copied.
 */
export function renderRuleShow(e: CatalogEntry, format: "text" | "json", width = MAX_CONSOLE_WIDTH): string {
  const r = e.rule;
  const params = Object.entries(r.parameters?.properties ?? {}).map(([name, spec]) => ({
    name,
    description: String(spec["description"] ?? ""),
    default: spec["default"] as JsonValue,
    effective: r.params[name] as JsonValue,
  }));
  if (format === "json") {
    return (
      JSON.stringify(
        {
          id: r.id,
          aliases: e.aliases,
          title: r.title,
          severity: r.severity,
          enabled: e.enabled,
          resourceType: r.resourceType,
          file: r.file,
          parameters: params,
          requires: r.requires ?? [],
          dependsOn: r.dependsOn,
          match: r.match ?? null,
          assert: r.assert,
          message: r.message,
          rationale: r.rationale,
          remediation: r.remediation,
          references: r.references,
          frameworks: e.frameworks,
        },
        null,
        2,
      ) + "\n"
    );
  }
  // A label and its value, wrapped under the value's first column.
  const field = (label: string, value: string) =>
    wrapText(value, width - 16).map((l, i) => escapeForTerminal(`${(i ? "" : `  ${label}:`).padEnd(16)}${l}`));
  const lines = [
    `${r.id}${e.enabled ? "" : "  (disabled by the profile)"}`,
    ...field("title", r.title),
    ...field("severity", r.severity),
    ...field("resource", r.resourceType),
    // Derived from what the rule reads (src/engine/resource-types.ts): the calls whose failure can leave it unjudged.
    ...field("depends on", r.dependsOn.join(", ") || "-"),
    ...field("file", r.file),
    ...(e.aliases.length ? field("aliases", e.aliases.join(", ")) : []),
    ...field("frameworks", e.frameworks.map(fwLabel).join(", ") || "-"),
    "",
    "Parameters:",
    ...(params.length
      ? params.flatMap((p) =>
          indented(
            `${p.name} = ${JSON.stringify(p.effective)} (default ${JSON.stringify(p.default)}): ${p.description}`,
            2,
            width,
          ),
        )
      : ["  (none)"]),
    "",
    "Rationale:",
    ...indented(r.rationale, 2, width),
    "",
    "Remediation:",
    ...indented(r.remediation.text, 2, width),
    ...(r.remediation.console?.length
      ? ["", "  Console:", ...r.remediation.console.flatMap((s) => indented(`- ${s}`, 4, width))]
      : []),
    ...(r.remediation.cli ? ["", "  AWS CLI:", ...r.remediation.cli.split("\n").map((s) => `    ${s}`)] : []),
    ...(r.remediation.terraform ? ["", "  Terraform:", ...r.remediation.terraform.split("\n").map((s) => `    ${s}`)] : []),
    "",
    "References:",
    ...r.references.map((u) => `  ${u}`),
  ];
  return lines.join("\n") + "\n";
}

/** A framework requirement a `rules show` query named. */
export interface ControlMatch {
  framework: string;
  requirement: string;
  title: string;
  /** Why the requirement is outside Tollgate's scope, when it is. */
  outOfScope?: string;
}

/**
 * The framework requirements a control id names, as people write them: a Security Hub control (`IAM.3`,
 * `APIGateway.1`), a CIS recommendation (`CIS 1.14`, `CIS 5.0 1.14`, `cis-aws-3.0 1.14`), an OWASP API risk
 * (`API2:2023`, `API2`), or `<framework id> <requirement>`. Case-insensitive; a bare number like `1.14` names
 * every CIS version's 1.14.
 */
export function findControls(frameworks: readonly Framework[], query: string): ControlMatch[] {
  const q = query.trim().replace(/\s+/g, " ");
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  let candidates: readonly Framework[] = frameworks;
  let req = q;
  const byId = frameworks.find((f) => eq(q.split(" ")[0] ?? "", f.id));
  const cis = /^cis(?:[- ]aws)?(?:[- ]v?(\d+(?:\.\d+)?))? (\S+)$/i.exec(q);
  const owasp = /^(?:owasp )?(API\d+)(?::(\d{4}))?$/i.exec(q);
  if (byId && q.includes(" ")) {
    candidates = [byId];
    req = q.slice(q.indexOf(" ") + 1);
  } else if (cis) {
    const version = cis[1];
    candidates = frameworks.filter(
      (f) => f.id.startsWith("cis-") && (!version || f.version === version || f.version.startsWith(`${version}.`)),
    );
    req = cis[2]!;
  } else if (owasp) {
    candidates = frameworks.filter((f) => f.id.startsWith("owasp-api") && (!owasp[2] || f.version === owasp[2]));
    req = owasp[1]!;
  }
  return candidates.flatMap((f) =>
    f.requirements
      .filter((r) => eq(r.id, req))
      .map((r) => ({
        framework: f.id,
        requirement: r.id,
        title: r.title,
        ...(r.outOfScope ? { outOfScope: r.outOfScope } : {}),
      })),
  );
}

/**
 * The catalogue entries `rules show` names: a rule id or alias, else every rule mapped to the control the query
 * names (findControls). Refuses (exit 2) a query that names nothing, or a control no Tollgate rule covers.
 */
export function findEntries(
  entries: CatalogEntry[],
  frameworks: readonly Framework[],
  query: string,
): { entries: CatalogEntry[]; controls: ControlMatch[] } {
  const e = entries.find((x) => x.id === query || x.aliases.includes(query));
  if (e) return { entries: [e], controls: [] };
  const controls = findControls(frameworks, query);
  if (!controls.length)
    throw new InputError(
      `${query}: no rule id, alias or control id (IAM.3, CIS 1.14, API2:2023) matches (see \`tollgate rules list\`)`,
    );
  const cited = new Set(
    controls.flatMap(
      (c) => frameworks.find((f) => f.id === c.framework)?.requirements.find((r) => r.id === c.requirement)?.rules ?? [],
    ),
  );
  const found = entries.filter((x) => cited.has(x.id));
  if (!found.length)
    throw new InputError(
      `${query}: ${controls
        .map(
          (c) =>
            `${c.framework} ${c.requirement} (${c.title}) is ${c.outOfScope ? `outside Tollgate's scope: ${c.outOfScope}` : "not covered by Tollgate"}`,
        )
        .join("; ")}`,
    );
  return { entries: found, controls };
}

/** The generated `docs/rules.md`: one row per rule, then per framework the coverage. Deterministic. */
export function renderRulesDoc(entries: CatalogEntry[], frameworks: Framework[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const out = [
    "<!-- Generated by `npm run docs:rules` from rules/ and rules/frameworks/. Do not edit by hand. -->",
    "",
    "# Rule catalogue",
    "",
    `${entries.length} rules. Severities and parameters are the rule files' defaults; profiles (\`rules/profiles/\`) change them.`,
    "",
    "| id | severity | title | frameworks |",
    "| --- | --- | --- | --- |",
    ...entries.map((e) => `| \`${e.id}\` | ${e.severity} | ${esc(e.title)} | ${e.frameworks.map(fwLabel).join(", ") || "-"} |`),
    "",
    "## Framework coverage",
    "",
  ];
  for (const fw of frameworks) {
    const covered = fw.requirements.filter((r) => r.rules.length > 0).length;
    const outside = fw.requirements.filter((r) => r.outOfScope).length;
    out.push(`### ${fw.name} ${fw.version} (\`${fw.id}\`)`, "");
    out.push(
      `${covered} of ${fw.requirements.length} requirements mapped to rules; ${outside} outside Tollgate's scope. Sources: ${fw.sources
        .map((s) => `[${esc(s.title)}](${s.url})`)
        .join("; ")}.`,
      "",
    );
    out.push("| requirement | title | rules |", "| --- | --- | --- |");
    for (const r of fw.requirements) {
      const rules = r.outOfScope
        ? `outside Tollgate's scope: ${esc(r.outOfScope)}`
        : r.rules.map((id) => `\`${id}\``).join(", ") || "not covered by Tollgate";
      out.push(`| ${r.id} | ${esc(r.title)} | ${rules} |`);
    }
    out.push("");
  }
  return out.join("\n");
}
