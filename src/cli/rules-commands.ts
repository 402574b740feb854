import { configProfile, loadConfig } from "../config/load.js";
import { loadFrameworks, type Framework } from "../engine/frameworks.js";
import { loadProfile } from "../engine/profiles.js";
import { builtInRuleDirs, loadRuleSet, type Rule } from "../engine/rules.js";
import { InputError } from "../errors.js";
import { consoleWidth, indented } from "../util/text-layout.js";
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
export function loadCatalog(opts: Omit<CatalogOptions, "format">): { entries: CatalogEntry[]; frameworks: Framework[] } {
  const config = loadConfig(opts.config);
  const profile = loadProfile(opts.profileRules ?? configProfile(config) ?? "default");
  const dirs = [...builtInRuleDirs(), ...(opts.rulePack ?? [])];
  const source = `profile ${profile.id} (${profile.file})`;
  // Metadata only: the predicates are not compiled (see LoadOptions). One load without the enable flags; the
  // disabled ones are those the profile turns off by id or alias, as loadRuleSet decides.
  const all = loadRuleSet(dirs, withoutEnabled(profile.overrides), source, { compile: false });
  const overrideOf = (r: Rule) => profile.overrides[r.id] ?? (r.aliases ?? []).map((a) => profile.overrides[a]).find(Boolean);
  const disabled = all.rules.filter((r) => overrideOf(r)?.enabled === false).map((r) => r.id);
  const frameworks = loadFrameworks();
  return { entries: catalogEntries(all, new Set(disabled), frameworks), frameworks };
}

/** `tollgate rules list [--framework X]`. */
export function rulesListCommand(opts: CatalogOptions & { framework?: string }): string {
  const { entries, frameworks } = loadCatalog(opts);
  if (!opts.framework) return renderRulesList(entries, opts.format, consoleWidth());
  const fw = frameworks.find((f) => f.id === opts.framework);
  if (!fw) throw new InputError(`unknown framework ${opts.framework}; known: ${frameworks.map((f) => f.id).join(", ")}`);
  return renderFrameworkList(fw, entries, opts.format, consoleWidth());
}

/**
 * `tollgate rules show ID`: one rule by id or alias, or every rule mapped to a control id (`IAM.3`, `CIS 1.14`,
 * `API2:2023`). Several rules print one after another (text) or as a JSON array.
 */
export function rulesShowCommand(id: string, opts: CatalogOptions): string {
  const catalog = loadCatalog(opts);
  const { entries, controls } = findEntries(catalog.entries, catalog.frameworks, id);
  const width = consoleWidth();
  if (entries.length === 1 && !controls.length) return renderRuleShow(entries[0]!, opts.format, width);
  if (opts.format === "json") return `[${entries.map((e) => renderRuleShow(e, "json").trimEnd()).join(",\n")}]\n`;
  const named = `${controls.map((c) => `${c.framework} ${c.requirement} (${c.title})`).join("; ")}: ${entries.length} rule(s)`;
  return `${indented(named, 0, width).join("\n")}\n\n${entries.map((e) => renderRuleShow(e, "text", width)).join("\n")}`;
}

/** The generated docs/rules.md text for the built-in rules and frameworks. */
export function rulesDoc(): string {
  const set = loadRuleSet(builtInRuleDirs());
  const frameworks = loadFrameworks();
  return renderRulesDoc(catalogEntries(set, new Set(), frameworks), frameworks);
}
