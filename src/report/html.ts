import type { ReportInput } from "../model/report.js";
import { SEVERITIES, type Severity } from "../model/severity.js";
import { cmp, compareFindings, countFindings, toolVersionOf, type ReportOptions } from "./common.js";
import { HTML_CLIENT_SCRIPT } from "./html-client.js";

/** The Content-Security-Policy of report.html: inline style and script only, no fetches of any kind. */
export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serialises data for a `<script type="application/json">` block. `<`, `>` and `&` become `\u003c` etc. so
 * no `</script>` or `<!--` can end or alter the block; U+2028/2029 are escaped for older JS parsers.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Tagged template that escapes every interpolation unless it is wrapped in `raw()`. */
function html(strings: TemplateStringsArray, ...values: (string | number | Raw | undefined)[]): Raw {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += v instanceof Raw ? v.value : v === undefined ? "" : escapeHtml(String(v));
    out += strings[i + 1] ?? "";
  });
  return new Raw(out);
}

class Raw {
  constructor(readonly value: string) {}
}
const raw = (s: string): Raw => new Raw(s);
const join = (parts: Raw[]): Raw => raw(parts.map((p) => p.value).join(""));

const SEV_COLOR: Record<Severity, string> = {
  critical: "#7b1fa2",
  high: "#c62828",
  medium: "#ef6c00",
  low: "#f9a825",
  info: "#607d8b",
};

/** Rows of the fixed-findings and coverage tables rendered into the page; the rest are in findings.json. */
const MAX_STATIC_ROWS = 1000;

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
  const counts = countFindings(input);
  const m = input.metadata;
  const baseline = input.fixed !== undefined;

  const tiles: Raw[] = [
    tile("Failing", counts.byStatus.fail, "fail", "not suppressed"),
    tile("Errors", counts.byStatus.error, "error", "could not evaluate"),
    tile("Passing", counts.byStatus.pass, "pass"),
    tile("Not probed", counts.byStatus.skipped, "skipped", "skipped by design"),
    tile("Suppressed", counts.suppressed, "supp"),
  ];
  if (baseline) {
    tiles.push(tile("New", counts.newCount, "new", "since baseline"));
    tiles.push(tile("Fixed", counts.fixedCount, "fixed", "since baseline"));
  }
  if (input.coverage.length) tiles.push(tile("Coverage gaps", input.coverage.length, "gap", "calls that failed"));
  const sevTiles = SEVERITIES.map((s) => tile(s, counts.failBySeverity[s], `sev-${s}`, "failing"));

  const services = Object.entries(counts.failByService).sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));

  return `<!doctype html>
${
  html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta http-equiv="Content-Security-Policy" content="${HTML_CSP}" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>Tollgate report — ${m.accounts.join(", ")}</title>
      <style>
        ${raw(CSS)}
      </style>
    </head>
    <body>
      <header>
        <h1>Tollgate report</h1>
        <p class="meta">
          Accounts <b>${m.accounts.join(", ") || "none"}</b> · Regions <b>${m.regions.join(", ") || "none"}</b> · Partition
          ${m.partition} · Collected ${m.collectedAt} · Tollgate
          ${toolVersionOf(input, options)}${options.generatedAt ? ` · Generated ${options.generatedAt}` : ""}
        </p>
      </header>
      <main>
        ${incompleteBanner(input)}${coverageSection(input)}
        <section aria-label="Summary">
          <div class="tiles">${join(tiles)}</div>
          <div class="tiles sev">${join(sevTiles)}</div>
        </section>
        <section class="charts" aria-label="Charts">
          <figure>
            <figcaption>Failing findings by severity</figcaption>
            ${barChart(
              SEVERITIES.map((s) => [s, counts.failBySeverity[s], SEV_COLOR[s]]),
              "failing findings by severity",
            )}
          </figure>
          <figure>
            <figcaption>Failing findings by service${services.length > 15 ? " (top 15)" : ""}</figcaption>
            ${barChart(
              services.slice(0, 15).map(([s, n]) => [s, n, "#1565c0"]),
              "failing findings by service",
            )}
          </figure>
        </section>
        <section id="findings" aria-label="Findings">
          <h2>Findings</h2>
          <noscript><p class="warn">The findings table needs JavaScript. All findings are also in findings.json.</p></noscript>
          <div class="filters">
            <input
              id="q"
              type="search"
              placeholder="Search rule, resource, ARN, message, evidence…"
              aria-label="Search findings"
            />
            ${join(
              ["severity", "service", "rule", "account", "region", "status", "state"].map(
                (k) =>
                  html`<label
                    >${k}<select id="f-${k}">
                      <option value="">all</option>
                    </select></label
                  >`,
              ),
            )}
            <button id="reset" type="button">Reset</button>
          </div>
          <p id="count" class="count" aria-live="polite"></p>
          <table class="findings">
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
          <div class="pager">
            <button id="prev" type="button">Previous</button> <span id="page"></span>
            <button id="next" type="button">Next</button>
          </div>
        </section>
        ${fixedSection(input)}${notesSection(input)}
      </main>
      <footer>Generated by Tollgate. This file makes no network requests; its data is embedded below.</footer>
      <script type="application/json" id="tollgate-data">
        ${raw(DATA_SLOT)}
      </script>
      <script>
        ${raw(HTML_CLIENT_SCRIPT)};
      </script>
    </body>
  </html> `.value
}`;
}

function tile(label: string, n: number, cls: string, sub?: string): Raw {
  return html`<div class="tile ${cls}" data-tile="${label.toLowerCase()}">
    <div class="n">${n}</div>
    <div class="l">${label}</div>
    ${sub ? html`<div class="s">${sub}</div>` : raw("")}
  </div>`;
}

function barChart(rows: [string, number, string][], label: string): Raw {
  if (!rows.length) return html`<p class="empty">No failing findings.</p>`;
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const rowH = 24;
  const labelW = 120;
  const barW = 300;
  const h = rows.length * rowH + 4;
  const bars = rows.map(([name, n, color], i) => {
    const y = i * rowH + 2;
    const w = Math.round((n / max) * barW);
    return html`<g
      ><title>${name}: ${n}</title><text x="${labelW - 6}" y="${y + 16}" text-anchor="end">${name}</text
      ><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="${color}"></rect
      ><text x="${labelW + w + 6}" y="${y + 16}">${n}</text></g
    >`;
  });
  return html`<svg
    xmlns="http://www.w3.org/2000/svg"
    role="img"
    aria-label="${label}"
    viewBox="0 0 ${labelW + barW + 60} ${h}"
    width="${labelW + barW + 60}"
    height="${h}"
  >
    ${join(bars)}
  </svg>`;
}

function incompleteBanner(input: ReportInput): Raw {
  if (input.metadata.complete) return raw("");
  return html`<div class="banner gap" role="alert">
    <strong>Incomplete scan.</strong> The scan was interrupted or some units never ran; missing failures prove nothing.
  </div> `;
}

function coverageSection(input: ReportInput): Raw {
  if (!input.coverage.length) return raw("");
  const gaps = [...input.coverage].sort(
    (a, b) => cmp(a.account, b.account) || cmp(a.region, b.region) || cmp(a.service, b.service) || cmp(a.operation, b.operation),
  );
  const rows = gaps.slice(0, MAX_STATIC_ROWS).map(
    (e) =>
      html`<tr>
        <td>${e.account}</td>
        <td>${e.region}</td>
        <td>${e.service}</td>
        <td>${e.operation}</td>
        <td>${e.errorName}</td>
        <td>${e.httpStatus ?? ""}</td>
        <td>${e.resourceArn ?? ""}</td>
        <td>${e.message}</td>
      </tr>`,
  );
  const more = gaps.length > MAX_STATIC_ROWS ? html`<p>${gaps.length - MAX_STATIC_ROWS} more in findings.json.</p>` : raw("");
  return html`<section id="coverage" class="banner gap" role="alert" aria-label="Coverage gaps">
    <h2>Coverage gaps: ${gaps.length} call${gaps.length === 1 ? "" : "s"} failed</h2>
    <p>
      Tollgate could not read everything. Rules that depend on these calls report <b>error</b>, never pass: no failures here does
      not mean compliant.
    </p>
    <table>
      <thead>
        <tr>
          <th>Account</th>
          <th>Region</th>
          <th>Service</th>
          <th>Operation</th>
          <th>Error</th>
          <th>HTTP</th>
          <th>Resource</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${join(rows)}
      </tbody>
    </table>
    ${more}
  </section> `;
}

function fixedSection(input: ReportInput): Raw {
  if (!input.fixed) return raw("");
  const fixed = [...input.fixed].sort(compareFindings);
  const rows = fixed.slice(0, MAX_STATIC_ROWS).map(
    (f) =>
      html`<tr>
        <td><span class="badge sev-${f.severity}">${f.severity}</span></td>
        <td>${f.ruleId}</td>
        <td title="${f.resourceArn}">${f.resourceName}</td>
        <td>${f.account}</td>
        <td>${f.region}</td>
      </tr>`,
  );
  return html`<section id="fixed" aria-label="Fixed since baseline">
    <h2>Fixed since baseline (${fixed.length})</h2>
    ${
      fixed.length
        ? html`<table>
            <thead>
              <tr>
                <th>Severity</th>
                <th>Rule</th>
                <th>Resource</th>
                <th>Account</th>
                <th>Region</th>
              </tr>
            </thead>
            <tbody>
              ${join(rows)}
            </tbody>
          </table>`
        : html`<p>Nothing fixed since the baseline.</p>`
    }
  </section> `;
}

function notesSection(input: ReportInput): Raw {
  const notes = input.suppressionNotes ?? [];
  if (!notes.length) return raw("");
  return html`<section id="suppression-notes" aria-label="Suppression notes">
    <h2>Suppression notes</h2>
    <ul>
      ${join(notes.map((n) => html`<li>${n}</li>`))}
    </ul>
  </section> `;
}

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
header,main,footer{padding:0 24px}
header{border-bottom:1px solid var(--line);background:var(--soft)}
h1{margin:0;padding:14px 0 4px;font-size:22px}
.meta{color:var(--muted);margin:0 0 12px;overflow-wrap:anywhere}
section{margin:18px 0}
.banner{border:2px solid #c62828;background:#fff4f4;border-radius:6px;padding:10px 14px}
.banner h2{margin:4px 0;color:#b71c1c;font-size:17px}
.banner table{background:#fff}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:10px}
.tile{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px;background:var(--soft)}
.tile .n{font-size:24px;font-weight:700}.tile .l{text-transform:capitalize}.tile .s{color:var(--muted);font-size:12px}
.tile.fail .n,.tile.gap .n{color:#c62828}.tile.pass .n{color:#2e7d32}.tile.error .n{color:#ef6c00}
.tile.sev-critical{border-left:5px solid #7b1fa2}.tile.sev-high{border-left:5px solid #c62828}.tile.sev-medium{border-left:5px solid #ef6c00}.tile.sev-low{border-left:5px solid #f9a825}.tile.sev-info{border-left:5px solid #607d8b}
.charts{display:flex;flex-wrap:wrap;gap:24px}.charts figure{margin:0}.charts figcaption{font-weight:600;margin-bottom:4px}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-bottom:6px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);text-transform:capitalize}
.filters select,.filters input,button{font:inherit;padding:4px 6px;border:1px solid var(--line);border-radius:4px;background:#fff}
#q{min-width:320px;flex:1}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--soft);position:sticky;top:0;white-space:nowrap;overflow-wrap:normal}
td.account,td.region,td.sev,td.service{white-space:nowrap;overflow-wrap:normal}
th button{border:0;background:none;font-weight:600;padding:0;cursor:pointer}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
tr.finding{cursor:pointer}tr.finding:hover{background:#f0f6ff}tr.finding:focus{outline:2px solid #1565c0}
td.message{max-width:480px}
tr.details td{background:#fbfbfc;padding:10px 18px}
.dsec h4{margin:8px 0 4px}.dsec p{margin:2px 0}
pre{background:var(--soft);padding:8px;overflow:auto;white-space:pre-wrap}
.badge{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;margin-right:4px;color:#fff;background:#6e7781}
.badge.sev-critical{background:#7b1fa2}.badge.sev-high{background:#c62828}.badge.sev-medium{background:#ef6c00}.badge.sev-low{background:#f9a825;color:#000}.badge.sev-info{background:#607d8b}
.badge.st-fail{background:#c62828}.badge.st-pass{background:#2e7d32}.badge.st-error{background:#ef6c00}.badge.st-skipped{background:#8c959f}
.badge.supp{background:#57606a}.badge.base-new{background:#1565c0}.badge.base-unchanged{background:#8c959f}
.count{color:var(--muted)}.pager{margin:8px 0}.empty{color:var(--muted)}
footer{color:var(--muted);border-top:1px solid var(--line);padding:12px 24px;margin-top:24px}
`;
