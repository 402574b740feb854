// What a Security Hub import sends, computed without AWS (pure): the ASFF findings grouped per (account, Region),
// and the pairs checked for archiving. The export (./securityhub.ts), the dry run and the asff report share it.
import type { RuleMeta } from "../model/rule-meta.js";
import { fallbackRule, fitFindingSize, hubRegion, toAsff, type AsffFinding } from "./asff.js";
import type { ExportInput } from "./findings-file.js";

/** The findings to import into one account and Region. */
export interface ImportGroup {
  account: string;
  region: string;
  findings: AsffFinding[];
}

/** Options of the (pure) import plan. */
export interface PlanOptions {
  /** Region that findings of global services go to. */
  homeRegion: string;
  /** Send only failing findings (pass and error findings stay out; archiving still resolves fixed ones). */
  onlyFailed: boolean;
  /** `UpdatedAt` of this export. */
  updatedAt: string;
}

/** Maps and groups the findings to import per (account, Region), each fitted to 240 KB (pure). */
export function planImport(input: ExportInput, rules: RuleMeta[], opts: PlanOptions): ImportGroup[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const groups = new Map<string, ImportGroup>();
  for (const f of input.findings) {
    // Skipped checks are not sent: Security Hub has no "not checked by design" compliance status.
    if (f.status === "skipped" || (opts.onlyFailed && f.status !== "fail")) continue;
    const asff = fitFindingSize(
      toAsff(f, byId.get(f.ruleId) ?? fallbackRule(f), {
        metadata: input.metadata,
        homeRegion: opts.homeRegion,
        updatedAt: opts.updatedAt,
      }),
    );
    const region = hubRegion(f, opts.homeRegion);
    const key = `${f.account}|${region}`;
    const g = groups.get(key) ?? { account: f.account, region, findings: [] };
    g.findings.push(asff);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (a.account + a.region < b.account + b.region ? -1 : 1));
}

/** The (account, Region) pairs whose earlier findings are checked for archiving: every scanned pair, plus home. */
export function archiveTargets(input: ExportInput, homeRegion: string): { account: string; region: string }[] {
  const regions = [...new Set([...input.metadata.regions, homeRegion])].sort();
  return input.metadata.accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}
