/** report.html's "By framework" view: each framework's score and its controls. */
import { CONTROL_STATUSES, type ControlStatus, type FrameworkResult } from "./compliance.js";
import { html, join, plural, when, type Raw } from "./html-template.js";

export const shortName = (f: FrameworkResult) =>
  f.framework.id === "aws-fsbp"
    ? "AWS FSBP"
    : f.framework.id.startsWith("cis-aws-")
      ? `CIS ${f.framework.version.replace(/\.0$/, "")}`
      : f.framework.id === "owasp-api-2023"
        ? "OWASP API 2023"
        : f.framework.name;

export const scoreText = (f: FrameworkResult) => (f.score === null ? "no data" : `${Math.round(f.score * 100)}%`);

const CONTROL_LABEL: Record<ControlStatus, string> = {
  pass: "pass",
  fail: "fail",
  error: "error",
  "no-data": "no resources",
  "not-run": "rules not run",
  "not-covered": "not covered",
  outside: "outside scope",
};

export function frameworkView(results: FrameworkResult[]): Raw {
  if (!results.length) return html`<p class="muted">No compliance frameworks were given to this report.</p>`;
  return join(results.map(frameworkSection));
}

function frameworkSection(r: FrameworkResult): Raw {
  const fw = r.framework;
  const inScope = r.controls.filter((c) => c.status !== "outside");
  const outside = r.controls.filter((c) => c.status === "outside");
  const judged = r.counts.pass + r.counts.fail + r.counts.error;
  return html`<section class="fw card" id="fw-${fw.id}" aria-label="${fw.name} ${fw.version}">
    <div class="fw-head">
      <h2>${fw.name} ${fw.version}</h2>
      <span class="fw-score" data-score="${fw.id}">${scoreText(r)}</span>
      <span class="muted"
        >${judged ? `${r.counts.pass} of ${plural(judged, "judged control")} pass` : "no control could be judged"}</span
      >
    </div>
    <meter class="bar" min="0" max="100" value="${r.score === null ? 0 : Math.round(r.score * 100)}" aria-hidden="true"></meter>
    <div class="fw-counts">
      ${join(
        CONTROL_STATUSES.filter((s) => r.counts[s]).map(
          (s) => html`<span class="badge cs-${s}">${r.counts[s]} ${CONTROL_LABEL[s]}</span>`,
        ),
      )}
    </div>
    <div class="scroll">
      <table class="controls stack">
        <thead>
          <tr>
            <th>Control</th>
            <th>Title</th>
            <th>Status</th>
            <th>Findings</th>
          </tr>
        </thead>
        <tbody>
          ${join(inScope.map((c) => controlRow(fw.id, c)))}
        </tbody>
      </table>
    </div>
    ${when(
      outside.length,
      () =>
        html`<details class="drill outside">
          <summary>${plural(outside.length, "control")} outside Tollgate's scope</summary>
          <ul>
            ${join(
              outside.map(
                (c) => html`<li><b>${c.requirement.id}</b> ${c.requirement.title}: ${c.requirement.outOfScope ?? ""}</li>`,
              ),
            )}
          </ul>
        </details>`,
    )}
    <p class="muted">
      Score: passing controls ÷ judged controls (pass, fail, error); an error counts as not passed. Sources:
      ${join(fw.sources.map((s, i) => html`${i ? "; " : ""}<a href="${s.url}" rel="noopener noreferrer">${s.title}</a>`))}.
    </p>
  </section>`;
}

function controlRow(framework: string, c: FrameworkResult["controls"][number]): Raw {
  const req = c.requirement;
  const partial = c.rulesRun > 0 && c.rulesRun < req.rules.length ? ` (${c.rulesRun} of ${req.rules.length} rules ran)` : "";
  const counts = [c.failing && `${c.failing} failing`, c.errors && `${c.errors} error`, c.passing && `${c.passing} passing`]
    .filter(Boolean)
    .join(", ");
  return html`<tr data-control="${framework} ${req.id}">
    <td class="id">${req.id}</td>
    <td>${req.title}${when(req.notes, () => html`<div class="muted">${req.notes ?? ""}</div>`)}</td>
    <td><span class="badge cs-${c.status}">${CONTROL_LABEL[c.status]}</span>${partial}</td>
    <td>
      ${when(
        req.rules.length && (c.failing || c.errors || c.passing),
        () =>
          html`<button type="button" class="show" data-rules="${req.rules.join(" ")}" data-label="${framework} ${req.id}">
            ${counts}
          </button>`,
      )}
    </td>
  </tr>`;
}
