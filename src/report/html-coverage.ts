/** report.html's "What was not checked" card: coverage gaps by cause and checks not probed by design. */
import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { compareFindings, skippedByReason, skipReason } from "./common.js";
import type { FrameworkResult } from "./compliance.js";
import { gapRemedy, gapScope, type GapCause } from "./coverage.js";
import type { Overview } from "./overview.js";
import { html, join, plural, staticTable, when, MAX_STATIC_ROWS, type Raw } from "./html-template.js";
import { scoreText, shortName } from "./html-frameworks.js";

export function coverageCard(input: ReportInput, ov: Overview, frameworks: FrameworkResult[]): Raw {
  const errors = input.findings.filter((f) => f.status === "error").length;
  const complete = input.metadata.complete && !input.coverage.length && !errors;
  return html`<section id="coverage" class="card" aria-label="Coverage">
    <h2>What was not checked</h2>
    ${
      complete && !ov.skipped.length
        ? html`<p class="muted">Everything was read and every check that ran concluded.</p>`
        : html`${when(
            !input.metadata.complete,
            () => html`<p><b>The scan did not finish</b>: some accounts or regions were never read.</p>`,
          )}
          ${when(
            input.coverage.length || errors,
            () =>
              html`<p>
                  ${plural(input.coverage.length, "AWS call")} failed; ${plural(errors, "check")} could not be judged and report
                  <b>error</b>, never pass.
                </p>
                <ul class="gaps" id="gap-causes">
                  ${join(ov.gaps.map(gapItem))}${when(
                    ov.otherErrors,
                    () => html`<li>${plural(ov.otherErrors, "other check")} could not be judged (see status “error”).</li>`,
                  )}
                </ul>`,
          )}
          ${when(ov.skipped.length, () => skippedDrill(ov.skipped))}`
    }
    ${when(
      frameworks.length,
      () =>
        html`<div class="scores" aria-label="Compliance scores">
          ${join(
            frameworks.map(
              (f) =>
                html`<button type="button" class="score" data-framework="${f.framework.id}">
                  ${shortName(f)} <b>${scoreText(f)}</b>
                </button>`,
            ),
          )}
        </div>`,
    )}
  </section>`;
}

function gapItem(g: GapCause): Raw {
  const lost = g.rules.length ? `${plural(g.rules.length, "rule")} could not be evaluated` : "no rule depended on it";
  const head =
    g.denied && g.permission
      ? html`<b>Missing permission ${g.permission.action}</b> on ${g.permission.resource}: ${lost}`
      : html`<b>${g.service}:${g.operation} ${g.denied ? "denied" : "failed"}</b> (${g.errorName}): ${lost}`;
  const remedy = gapRemedy(g);
  return html`<li data-cause="${g.key}">
    <details class="drill">
      <summary>${head} <span class="muted">(${plural(g.errors.length, "call")}, ${gapScope(g)})</span></summary>
      ${when(remedy, () => html`<p><b>Fix:</b> ${remedy ?? ""}.</p>`)}
      ${when(
        g.rules.length,
        () => html`<p>Not evaluated: ${join(g.rules.map((r, i) => html`${i ? ", " : ""}<code>${r}</code>`))}</p>`,
      )}
      ${staticTable(g.errors, ["Account", "Region", "Resource", "Error", "HTTP", "Detail"], (e) => [
        e.account,
        e.region,
        e.resourceArn ?? "",
        e.errorName,
        String(e.httpStatus ?? ""),
        e.message,
      ])}
    </details>
  </li>`;
}

function skippedDrill(skipped: Finding[]): Raw {
  const list = [...skipped].sort(compareFindings);
  return html`<details class="drill" id="skipped">
    <summary><b>${plural(list.length, "probe")} not sent by design</b> (not a gap)</summary>
    <ul>
      ${join(
        skippedByReason(list).map(([reason, n]) => {
          const these = list.filter((f) => skipReason(f) === reason);
          return html`<li>
            ${reason}: ${plural(n, "probe")}
            <ul>
              ${join(these.slice(0, MAX_STATIC_ROWS).map((f) => html`<li>${f.resourceName} <code>${f.ruleId}</code></li>`))}
            </ul>
            ${when(these.length > MAX_STATIC_ROWS, () => html`<p>${these.length - MAX_STATIC_ROWS} more in findings.json.</p>`)}
          </li>`;
        }),
      )}
    </ul>
  </details>`;
}
