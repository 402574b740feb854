import { classifyAgainstBaseline, findingFromBaseline, readBaseline, type BaselineFinding } from "../engine/baseline.js";
import { EXIT } from "../errors.js";
import type { Finding } from "../model/finding.js";
import { atLeast, type Severity } from "../model/severity.js";
import { compareFindings } from "../report/common.js";
import { escapeForTerminal, escapeJsonForTerminal } from "../util/escape.js";
import { consoleWidth, indented, padEnd } from "../util/text-layout.js";

// `tollgate diff`, apart from the rule catalogue commands so that `rules list` does not load the findings reader.

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
