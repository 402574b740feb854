import { configProfile, loadConfig } from "../config/load.js";
import { classifyAgainstBaseline, findingFromBaseline, readBaseline, type BaselineFinding } from "../engine/baseline.js";
import { loadFrameworks } from "../engine/frameworks.js";
import { loadProfile } from "../engine/profiles.js";
import { builtInRuleDirs, loadRuleSet, type Rule } from "../engine/rules.js";
import { EXIT, InputError } from "../errors.js";
import type { Finding } from "../model/finding.js";
import { compareFindings } from "../report/common.js";
import { atLeast, type Severity } from "../model/severity.js";
import { escapeForTerminal, escapeJsonForTerminal } from "../util/escape.js";
import { consoleWidth, indented, padEnd } from "../util/text-layout.js";
import {
  catalogEntries,
  findEntries,
  renderFrameworkList,
  renderRuleShow,
  renderRulesDoc,
  renderRulesList,
  withoutEnabled,
  type CatalogEntry,
} from "./catalog.js";

/** Options shared by `rules list` and `rules show`. */
export interface CatalogOptions {
  format: "text" | "json";
  /** Extra rule pack folders (`--rule-pack`). */
  rulePack?: string[];
  config?: string;
  profileRules?: string;
}

/** Every rule with its effective settings under the selected profile, disabled ones included and marked. */
export function loadCatalog(opts: Omit<CatalogOptions, "format">): CatalogEntry[] {
  const config = loadConfig(opts.config);
  const profile = loadProfile(opts.profileRules ?? configProfile(config) ?? "default");
  const dirs = [...builtInRuleDirs(), ...(opts.rulePack ?? [])];
  const source = `profile ${profile.id} (${profile.file})`;
  // Metadata only: the predicates are not compiled (see LoadOptions). One load without the enable flags; the
  // disabled ones are those the profile turns off by id or alias, as loadRuleSet decides.
  const all = loadRuleSet(dirs, withoutEnabled(profile.overrides), source, { compile: false });
  const overrideOf = (r: Rule) => profile.overrides[r.id] ?? (r.aliases ?? []).map((a) => profile.overrides[a]).find(Boolean);
  const disabled = all.rules.filter((r) => overrideOf(r)?.enabled === false).map((r) => r.id);
  return catalogEntries(all, new Set(disabled), loadFrameworks());
}

/** `tollgate rules list [--framework X]`. */
export function rulesListCommand(opts: CatalogOptions & { framework?: string }): string {
  const entries = loadCatalog(opts);
  if (!opts.framework) return renderRulesList(entries, opts.format, consoleWidth());
  const frameworks = loadFrameworks();
  const fw = frameworks.find((f) => f.id === opts.framework);
  if (!fw) throw new InputError(`unknown framework ${opts.framework}; known: ${frameworks.map((f) => f.id).join(", ")}`);
  return renderFrameworkList(fw, entries, opts.format, consoleWidth());
}

/**
 * `tollgate rules show ID`: one rule by id or alias, or every rule mapped to a control id (`IAM.3`, `CIS 1.14`,
 * `API2:2023`). Several rules print one after another (text) or as a JSON array.
 */
export function rulesShowCommand(id: string, opts: CatalogOptions): string {
  const { entries, controls } = findEntries(loadCatalog(opts), loadFrameworks(), id);
  const width = consoleWidth();
  if (entries.length === 1 && !controls.length) return renderRuleShow(entries[0]!, opts.format, width);
  if (opts.format === "json") return `[${entries.map((e) => renderRuleShow(e, "json").trimEnd()).join(",\n")}]\n`;
  const named = `${controls.map((c) => `${c.framework} ${c.requirement} (${c.title})`).join("; ")}: ${entries.length} rule(s)`;
  return `${indented(named, 0, width).join("\n")}\n\n${entries.map((e) => renderRuleShow(e, "text", width)).join("\n")}`;
}

/** The generated docs/rules.md text for the built-in rules and frameworks. */
export function rulesDoc(): string {
  const set = loadRuleSet(builtInRuleDirs());
  return renderRulesDoc(catalogEntries(set, new Set(), loadFrameworks()), loadFrameworks());
}

async function readFindings(file: string): Promise<Finding[]> {
  // Shares the baseline's tolerant, streaming reader for OLD; NEW must be a findings.json too. Only failing and
  // error findings of NEW take part in the comparison (an error withholds "fixed"): passing ones are not kept.
  return (await readBaseline(file, ["fail", "error"])).findings.map((b: BaselineFinding) => ({
    ...findingFromBaseline(b),
    ...(b.suppressed ? { suppression: { reason: "(suppressed in the new report)", expires: "" } } : {}),
  }));
}

/**
 * `tollgate diff OLD NEW`: classifies NEW's failing findings against OLD. Returns the output and the exit
 * code: 1 when a new, unsuppressed failing finding is at or above `failOn`, else 0.
 */
export async function diffCommand(
  oldFile: string,
  newFile: string,
  opts: { format: "text" | "json"; failOn: Severity },
): Promise<{
  output: string;
  code: number;
}> {
  const current = await readFindings(newFile);
  const { findings, fixed } = classifyAgainstBaseline(current, (await readBaseline(oldFile)).findings);
  const failing = findings.filter((f) => f.status === "fail");
  const groups = {
    new: failing.filter((f) => f.baseline === "new"),
    unchanged: failing.filter((f) => f.baseline === "unchanged"),
    fixed,
  };
  const gating = groups.new.filter((f) => !f.suppression && atLeast(f.severity, opts.failOn));
  const code = gating.length ? EXIT.findings : EXIT.ok;
  const brief = (f: Finding) => ({
    ruleId: f.ruleId,
    resourceArn: f.resourceArn,
    account: f.account,
    region: f.region,
    severity: f.severity,
    ...(f.suppression ? { suppressed: true } : {}),
  });
  if (opts.format === "json") {
    const output =
      JSON.stringify(
        {
          new: groups.new.map(brief),
          unchanged: groups.unchanged.map(brief),
          fixed: groups.fixed.map(brief),
          summary: { new: groups.new.length, unchanged: groups.unchanged.length, fixed: fixed.length, gating: gating.length },
        },
        null,
        2,
      ) + "\n";
    return { output: escapeJsonForTerminal(output), code };
  }
  // Each group most severe first; the resource on its own line, so every line fits the terminal.
  const width = consoleWidth();
  const lines = [`${groups.new.length} new, ${groups.unchanged.length} unchanged, ${fixed.length} fixed`];
  for (const [name, list] of Object.entries(groups)) {
    for (const f of [...list].sort(compareFindings)) {
      const head = `${padEnd(name.toUpperCase(), 9)}  ${padEnd(f.severity.toUpperCase(), 8)}  ${escapeForTerminal(f.ruleId)}`;
      lines.push(...indented(`${head}${f.suppression ? "  (suppressed)" : ""}`, 0, width));
      lines.push(...indented(escapeForTerminal(f.resourceArn), 4, width));
    }
  }
  return { output: lines.join("\n") + "\n", code };
}
