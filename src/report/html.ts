import { createHash } from "node:crypto";
import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { SEVERITIES } from "../model/severity.js";
import {
  cmp,
  compareFindings,
  countFindings,
  selectionLine,
  skippedByReason,
  skipReason,
  toolVersionOf,
  type ReportOptions,
} from "./common.js";
import { CONTROL_STATUSES, frameworkResults, type ControlStatus, type FrameworkResult } from "./compliance.js";
import { HTML_CLIENT_SCRIPT } from "./html-client.js";
import { pathsCard } from "./html-paths.js";
import { HTML_CSS } from "./html-style.js";
import { gapRemedy, gapScope, type GapCause } from "./coverage.js";
import { overview, type Overview, type TopRisk } from "./overview.js";
import { escapeHtml, html, join, plural, raw, when, type Raw } from "./html-template.js";

export { escapeHtml };

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The Content-Security-Policy of report.html. The one script and the one stylesheet are allowed by their hashes
 * (no `'unsafe-inline'`), so markup that AWS data might smuggle in could run nothing and style nothing; nothing
 * may be fetched, framed, posted or used as a base URL.
 */
export const HTML_CSP = [
  "default-src 'none'",
  `script-src ${sha256(HTML_CLIENT_SCRIPT)}`,
  `style-src ${sha256(HTML_CSS)}`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/**
 * Serialises data for a `<script type="application/json">` block. `<`, `>` and `&` become `\u003c` etc. so
 * no `</script>` or `<!--` can end or alter the block; U+2028/2029 are escaped for older JS parsers.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Rows of the static drill-down tables (failed calls per cause, fixed findings); the rest are in findings.json. */
const MAX_STATIC_ROWS = 200;

/** Renders report.html: one self-contained file, no network access, data escaped, rows built with DOM APIs. */
export function renderHtml(input: ReportInput, options: ReportOptions = {}): string {
  return [...renderHtmlChunks(input, options)].join("");
}

/** Stands where the embedded data goes while the page around it is rendered (found by renderHtmlChunks). */
const DATA_SLOT = "\u0000tollgate-data\u0000";

/**
 * report.html in pieces, for writing without one string of the whole page: the page around the embedded data,
 * then the data (`{"findings":[…],"rules":[…]}`, exactly as embedJson would write it) a finding at a time.
 */
export function* renderHtmlChunks(input: ReportInput, options: ReportOptions = {}): Generator<string> {
  const page = renderPage(input, options);
  // The last occurrence: AWS strings escaped into the page above could contain the slot's text, but only the
  // constant client script follows the real slot.
  const at = page.lastIndexOf(DATA_SLOT);
  yield page.slice(0, at);
  yield '{"findings":[';
  let first = true;
  for (const f of [...input.findings].sort(compareFindings)) {
    yield (first ? "" : ",") + embedJson(f);
    first = false;
  }
  yield `],"rules":${embedJson([...input.rules].sort((a, b) => cmp(a.id, b.id)))}}`;
  yield page.slice(at + DATA_SLOT.length);
}

function renderPage(input: ReportInput, options: ReportOptions): string {
  const m = input.metadata;
  const ov = overview(input, options.failOn);
  const frameworks = frameworkResults(input);
  const fixed = input.fixed ? [...input.fixed].sort(compareFindings) : undefined;
  const head =
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(HTML_CSP)}">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="referrer" content="no-referrer">\n` +
    `<meta name="color-scheme" content="light dark">\n` +
    `<title>${escapeHtml(`Tollgate report: ${ov.verdict.status} — ${m.accounts.join(", ")}`)}</title>\n` +
    `<style>${HTML_CSS}</style>\n</head>\n`;
  const body = html`<body>
    <a class="skip" href="#views">Skip to the findings</a>
    <header>
      <h1>Tollgate report</h1>
      <p class="meta">
        Accounts <b>${m.accounts.join(", ") || "none"}</b> · Regions <b>${m.regions.join(", ") || "none"}</b> · Partition
        ${m.partition} · Collected ${m.collectedAt} · Tollgate
        ${toolVersionOf(input, options)}${options.generatedAt ? ` · Generated ${options.generatedAt}` : ""}
      </p>
      ${selectionLine(m) ? html`<p class="meta" data-selection>Run with ${selectionLine(m)}</p>` : raw("")}
    </header>
    <main>
      <section id="overview" aria-label="Overview">
        <div class="ov ov-top">${verdictCard(input, ov)}${pathsCard(input)}${severityCard(input)}</div>
        <div class="ov">${risksCard(ov)}${coverageCard(input, ov, frameworks)}</div>
      </section>
      <section id="views" aria-label="Findings">
        <div class="tabs" role="tablist" aria-label="Views">
          ${tab("rule", "By rule", true)}${tab("resource", "By resource")}${tab("framework", "By framework")}${tab(
            "table",
            "All findings",
          )}${when(fixed, () => tab("fixed", `Fixed since baseline (${fixed!.length})`))}
        </div>
        <div class="filters" id="filters">
          <label class="search"
            >Search<input id="q" type="search" placeholder="rule, resource, ARN, message, evidence…" aria-label="Search findings"
          /></label>
          <details id="more-filters">
            <summary>Filters</summary>
            <div class="sel">
              ${join(
                ["severity", "status", "state", "service", "account", "region", "rule"].map(
                  (k) =>
                    html`<label
                      >${k}<select id="f-${k}">
                        <option value="">all</option>
                      </select></label
                    >`,
                ),
              )}
            </div>
          </details>
          <label class="check"><input type="checkbox" id="show-pass" /> <span id="show-pass-label">Show passing</span></label>
          <button id="reset" type="button">Reset</button>
        </div>
        <p id="count" class="count" aria-live="polite"></p>
        <noscript><p>The rule, resource and table views need JavaScript; every finding is also in findings.json.</p></noscript>
        <div role="tabpanel" id="view-rule" aria-labelledby="tab-rule"></div>
        <div role="tabpanel" id="view-resource" aria-labelledby="tab-resource" hidden></div>
        <div role="tabpanel" id="view-framework" aria-labelledby="tab-framework" hidden>${frameworkView(frameworks)}</div>
        <div role="tabpanel" id="view-table" aria-labelledby="tab-table" hidden>
          <div class="scroll">
            <table class="findings stack">
              <thead>
                <tr>
                  ${join(
                    [
                      ["severity", "Severity"],
                      ["status", "Status"],
                      ["rule", "Rule"],
                      ["resource", "Resource"],
                      ["service", "Service"],
                      ["account", "Account"],
                      ["region", "Region"],
                    ].map(
                      ([k, label]) =>
                        html`<th data-sort="${k}" aria-sort="none">
                          <button type="button">${label}</button>
                        </th>`,
                    ),
                  )}
                  <th>Message</th>
                </tr>
              </thead>
              <tbody id="rows"></tbody>
            </table>
          </div>
          <div class="pager">
            <button id="prev" type="button">Previous</button> <span id="page"></span>
            <button id="next" type="button">Next</button>
          </div>
        </div>
        ${when(fixed, () => fixedView(fixed!))}
      </section>
      ${notesSection(input)}
    </main>
    <footer>Generated by Tollgate. This file makes no network requests; its data is embedded below.</footer>
  </body>`.value;
  // The scripts are plain strings, not template output: the client script's bytes must be exactly the ones hashed.
  const tail =
    `\n<script type="application/json" id="tollgate-data">${DATA_SLOT}</script>\n` +
    `<script>${HTML_CLIENT_SCRIPT}</script>\n</html>\n`;
  return head + body + tail;
}

function tab(id: string, label: string, selected = false): Raw {
  return html`<button
    type="button"
    role="tab"
    id="tab-${id}"
    aria-controls="view-${id}"
    aria-selected="${selected ? "true" : "false"}"
    tabindex="${selected ? "0" : "-1"}"
  >
    ${label}
  </button>`;
}

const VERDICT_WORD = { fail: "Fail", incomplete: "Incomplete", pass: "Pass" } as const;

function verdictCard(input: ReportInput, ov: Overview): Raw {
  const v = ov.verdict;
  return html`<div id="verdict" class="card verdict v-${v.status}" role="status">
    <div class="v-head">
      <span class="v-word">${VERDICT_WORD[v.status]}</span
      ><span class="muted"
        >${input.findings.length ? plural(input.findings.length, "check") : "no checks"} on
        ${plural(input.metadata.accounts.length, "account")}</span
      >
    </div>
    <ul class="why">
      ${join(v.why.map((w) => html`<li>${w}</li>`))}
    </ul>
  </div>`;
}

function severityCard(input: ReportInput): Raw {
  const c = countFindings(input);
  const baseline = input.fixed !== undefined;
  const unchanged = input.findings.filter((f) => f.baseline === "unchanged").length;
  const skipped = c.byStatus.skipped;
  const tally: [string, number][] = [
    ["passing", c.byStatus.pass],
    ["errors", c.byStatus.error],
    ["suppressed", c.suppressed],
    ...(skipped ? ([["not probed", skipped]] as [string, number][]) : []),
  ];
  return html`<div id="counts" class="card" aria-label="Failing findings by severity">
    <h2>Failing findings by severity</h2>
    <div class="sevs">
      ${join(
        SEVERITIES.map(
          (s) =>
            html`<button type="button" class="sev s-${s}${c.failBySeverity[s] ? "" : " zero"}" data-severity="${s}">
              <span class="n">${c.failBySeverity[s]}</span><span class="l">${s}</span>
            </button>`,
        ),
      )}
    </div>
    <p class="tally">${join(tally.map(([l, n], i) => html`${i ? " · " : ""}<b>${n}</b> ${l}`))}</p>
    ${when(
      baseline,
      () =>
        html`<p class="tally" id="baseline-counts">
          Since the baseline: <span class="badge b-new">${c.newCount} new</span
          ><span class="badge b-fixed">${c.fixedCount} fixed</span><span class="badge b-unchanged">${unchanged} unchanged</span>
        </p>`,
    )}
  </div>`;
}

function risksCard(ov: Overview): Raw {
  const more = ov.failingRules - ov.topRisks.length;
  return html`<section id="top-risks" class="card" aria-label="Fix first">
    <h2>Fix first</h2>
    ${
      ov.topRisks.length
        ? html`<ol class="risks">
              ${join(ov.topRisks.map(riskItem))}
            </ol>
            ${when(more > 0, () => html`<p class="muted">…and ${plural(more, "more failing rule")} in the rule view below.</p>`)}`
        : html`<p class="muted">No failing findings.</p>`
    }
  </section>`;
}

function riskItem(r: TopRisk): Raw {
  const names = r.resources.join(", ") + (r.count > r.resources.length ? ` and ${r.count - r.resources.length} more` : "");
  return html`<li class="risk" data-rule="${r.ruleId}">
    <div>
      <span class="badge sev-${r.severity}">${r.severity}</span>${when(
        r.liveConfirmed,
        () => html`<span class="badge b-live" title="A live probe request proved it">confirmed live</span>`,
      )}${when(r.newCount, () => html`<span class="badge b-new">${r.newCount} new</span>`)}<span class="t"
        ><a href="#rule=${encodeURIComponent(r.ruleId)}" data-rule="${r.ruleId}">${r.title}</a></span
      >
    </div>
    <div class="where">${plural(r.count, "resource")}: ${names}</div>
    ${when(r.fix, () => html`<p class="fix"><b>Fix:</b> ${r.fix}</p>`)}
  </li>`;
}

function coverageCard(input: ReportInput, ov: Overview, frameworks: FrameworkResult[]): Raw {
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

const shortName = (f: FrameworkResult) =>
  f.framework.id === "aws-fsbp"
    ? "AWS FSBP"
    : f.framework.id.startsWith("cis-aws-")
      ? `CIS ${f.framework.version.replace(/\.0$/, "")}`
      : f.framework.id === "owasp-api-2023"
        ? "OWASP API 2023"
        : f.framework.name;

const scoreText = (f: FrameworkResult) => (f.score === null ? "no data" : `${Math.round(f.score * 100)}%`);

const CONTROL_LABEL: Record<ControlStatus, string> = {
  pass: "pass",
  fail: "fail",
  error: "error",
  "no-data": "no resources",
  "not-run": "rules not run",
  "not-covered": "not covered",
  outside: "outside scope",
};

function frameworkView(results: FrameworkResult[]): Raw {
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

function fixedView(fixed: Finding[]): Raw {
  return html`<div role="tabpanel" id="view-fixed" aria-labelledby="tab-fixed" hidden>
    ${
      fixed.length
        ? staticTable(fixed, ["Severity", "Rule", "Resource", "Account", "Region"], (f) => [
            html`<span class="badge sev-${f.severity}">${f.severity}</span>`,
            f.ruleId,
            html`<span title="${f.resourceArn}">${f.resourceName}</span>`,
            f.account,
            f.region,
          ])
        : html`<p>Nothing fixed since the baseline.</p>`
    }
  </div>`;
}

/** A table in its own scrolling box with at most MAX_STATIC_ROWS rows; the rest are counted, left to findings.json. */
function staticTable<T>(items: readonly T[], headers: string[], cells: (item: T) => (string | Raw)[]): Raw {
  return html`<div class="scroll">
      <table>
        <thead>
          <tr>
            ${join(headers.map((h) => html`<th>${h}</th>`))}
          </tr>
        </thead>
        <tbody>
          ${join(
            items.slice(0, MAX_STATIC_ROWS).map(
              (item) =>
                html`<tr>
                  ${join(cells(item).map((c) => html`<td>${c}</td>`))}
                </tr>`,
            ),
          )}
        </tbody>
      </table>
    </div>
    ${when(items.length > MAX_STATIC_ROWS, () => html`<p>${items.length - MAX_STATIC_ROWS} more in findings.json.</p>`)}`;
}

function notesSection(input: ReportInput): Raw {
  const notes = input.suppressionNotes ?? [];
  if (!notes.length) return raw("");
  return html`<section id="suppression-notes" aria-label="Suppression notes">
    <h2>Suppression notes</h2>
    <ul>
      ${join(notes.map((n) => html`<li>${n}</li>`))}
    </ul>
  </section>`;
}
