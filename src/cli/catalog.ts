import { complianceIndex, type Framework } from "../engine/frameworks.js";
import type { Rule, RuleOverride, RuleSet } from "../engine/rules.js";
import { InputError } from "../errors.js";
import type { JsonValue } from "../model/json.js";

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

/** `tollgate rules list` as text or JSON. */
export function renderRulesList(entries: CatalogEntry[], format: "text" | "json"): string {
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
  return table(["ID", "SEVERITY", "TITLE", "FRAMEWORKS"], rows);
}

/** `tollgate rules list --framework X`: every requirement, its rules, and honestly which are not covered. */
export function renderFrameworkList(fw: Framework, entries: CatalogEntry[], format: "text" | "json"): string {
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
    table(["REQUIREMENT", "TITLE", "RULES"], rows)
  );
}

/** `tollgate rules show ID`: full metadata, parameters with defaults and effective values, frameworks. */
export function renderRuleShow(e: CatalogEntry, format: "text" | "json"): string {
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
  const lines = [
    `${r.id}${e.enabled ? "" : "  (disabled by the profile)"}`,
    `  title:        ${r.title}`,
    `  severity:     ${r.severity}`,
    `  resource:     ${r.resourceType}`,
    // Derived from what the rule reads (src/engine/resource-types.ts): the calls whose failure can leave it unjudged.
    `  depends on:   ${r.dependsOn.join(", ") || "-"}`,
    `  file:         ${r.file}`,
    ...(e.aliases.length ? [`  aliases:      ${e.aliases.join(", ")}`] : []),
    `  frameworks:   ${e.frameworks.map(fwLabel).join(", ") || "-"}`,
    "",
    "Parameters:",
    ...(params.length
      ? params.map((p) => `  ${p.name} = ${JSON.stringify(p.effective)} (default ${JSON.stringify(p.default)}): ${p.description}`)
      : ["  (none)"]),
    "",
    "Rationale:",
    `  ${r.rationale}`,
    "",
    "Remediation:",
    `  ${r.remediation.text}`,
    ...(r.remediation.console?.length ? ["", "  Console:", ...r.remediation.console.map((s) => `    - ${s}`)] : []),
    ...(r.remediation.cli ? ["", "  AWS CLI:", ...r.remediation.cli.split("\n").map((s) => `    ${s}`)] : []),
    ...(r.remediation.terraform ? ["", "  Terraform:", ...r.remediation.terraform.split("\n").map((s) => `    ${s}`)] : []),
    "",
    "References:",
    ...r.references.map((u) => `  ${u}`),
  ];
  return lines.join("\n") + "\n";
}

/** Finds a catalogue entry by id or alias, or refuses with exit 2. */
export function findEntry(entries: CatalogEntry[], id: string): CatalogEntry {
  const e = entries.find((x) => x.id === id || x.aliases.includes(id));
  if (!e) throw new InputError(`unknown rule id ${id} (see \`tollgate rules list\`)`);
  return e;
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

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  // The last column is not padded, so long titles or lists do not leave trailing spaces.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
