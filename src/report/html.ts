import { createHash } from "node:crypto";
import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { SEVERITIES } from "../model/severity.js";
import { cmp, compareFindings, countFindings, selectionLine, toolVersionOf, type ReportOptions } from "./common.js";
import { frameworkResults } from "./compliance.js";
import { HTML_CLIENT_SCRIPT } from "./html-client.js";
import { pathsCard } from "./html-paths.js";
import { HTML_CSS } from "./html-style.js";
import { overview, type Overview, type TopRisk } from "./overview.js";
import { escapeHtml, html, join, plural, raw, staticTable, when, type Raw } from "./html-template.js";
import { coverageCard } from "./html-coverage.js";
import { frameworkView } from "./html-frameworks.js";

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
        ${filtersBlock()}
        <p id="count" class="count" aria-live="polite"></p>
        <noscript><p>The rule, resource and table views need JavaScript; every finding is also in findings.json.</p></noscript>
        <div role="tabpanel" id="view-rule" aria-labelledby="tab-rule"></div>
        <div role="tabpanel" id="view-resource" aria-labelledby="tab-resource" hidden></div>
        <div role="tabpanel" id="view-framework" aria-labelledby="tab-framework" hidden>${frameworkView(frameworks)}</div>
        ${tableView()} ${when(fixed, () => fixedView(fixed!))}
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

/** The search box and the filter selects of the findings views (filled by the client script). */
function filtersBlock(): Raw {
  return html`<div class="filters" id="filters">
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
  </div>`;
}

/** The "All findings" view: a sortable, paged table the client script fills. */
function tableView(): Raw {
  return html`<div role="tabpanel" id="view-table" aria-labelledby="tab-table" hidden>
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
  </div>`;
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
