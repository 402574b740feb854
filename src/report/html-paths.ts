/**
 * The exposure paths of report.html's first screen: each failing path as a chain from the entry (its
 * authorisation, and whether a live probe showed it open) through each hop to what it reaches, with the statement
 * that grants it, what moved its severity and the cheapest fix. Real text in path order (an ordered list; the
 * arrows are decoration), so a screen reader reads the chain as a person sees it. With no path the section says
 * whether paths were analysed and found none, or could not be completed and why: never a silent "none".
 */
import type { Finding } from "../model/finding.js";
import type { ReportInput } from "../model/report.js";
import { severityRank } from "../model/severity.js";
import { html, join, plural, raw, when, type Raw } from "./html-template.js";
import { grantText, PATH_RESOURCE_TYPE, topPaths, type ReportedNode, type ReportedPath } from "./paths.js";

/** Paths shown on the first screen; the others open below them. */
export const FIRST_PATHS = 3;
/** Paths written into the page at most; the rule view lists every exposure-path finding. */
export const MAX_PATHS = 200;
/** Entry points named per cause of an incomplete analysis. */
const NAMED_ENTRIES = 5;
/** Causes listed (the rest are counted; every error finding is in the rule view). */
const LISTED_CAUSES = 10;

/** What each target class means, in words. */
const TARGET_WORDS: Record<string, string> = {
  admin: "administrator-equivalent privileges",
  privilegeEscalation: "a privilege-escalation path",
  writeAll: "write actions on every resource",
  dataWildcard: "data access on every bucket, table, secret or key",
};
const TARGET_SHORT: Record<string, string> = {
  admin: "administrator-equivalent",
  privilegeEscalation: "privilege escalation",
  writeAll: "write on *",
  dataWildcard: "data access on *",
};
/** Who can use the entry. */
const EXPOSURE_WORDS: Record<string, string> = {
  unauthenticated: "open to anyone",
  "api-key": "open to anyone with an API key",
  "any-aws-account": "open to any AWS account",
  authenticated: "open to any signed-in user",
};

type Shown = { finding: Finding; path: ReportedPath };

const live = (p: ReportedPath) => (p.controls ?? []).some((c) => c.kind === "probe-confirmed-open");

/** The failing paths, most severe first; within a severity a probe-confirmed one first (the sort is stable). */
function shownPaths(findings: readonly Finding[]): Shown[] {
  return topPaths(findings).sort(
    (a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || Number(live(b.path)) - Number(live(a.path)),
  );
}

/** The section: the paths, or why there are none. */
export function pathsCard(input: ReportInput): Raw {
  const paths = shownPaths(input.findings);
  const mine = input.findings.filter((f) => f.resourceType === PATH_RESOURCE_TYPE);
  const errors = mine.filter((f) => f.status === "error" && !f.suppression);
  const more = paths.slice(FIRST_PATHS, MAX_PATHS);
  const ruleIds = [...new Set(mine.map((f) => f.ruleId))].sort();
  return html`<section id="paths" class="card" aria-labelledby="paths-h">
    <div class="p-top">
      <h2 id="paths-h">Exposure paths${when(paths.length, () => html` <span class="muted">(${paths.length})</span>`)}</h2>
      ${when(
        paths.length,
        () =>
          html`<p class="muted lead">From an entry point callers can reach to the privileges behind it, most severe first.</p>`,
      )}
    </div>
    ${
      paths.length
        ? html`<ol class="paths">
              ${join(paths.slice(0, FIRST_PATHS).map(pathItem))}
            </ol>
            ${when(errors.length, () => gapsNote(errors, true))}
            ${when(
              more.length,
              () =>
                html`<details class="drill" id="paths-more">
                  <summary>${plural(paths.length - FIRST_PATHS, "more exposure path")}</summary>
                  <ol class="paths" start="${FIRST_PATHS + 1}">
                    ${join(more.map(pathItem))}
                  </ol>
                  ${when(
                    paths.length > MAX_PATHS,
                    () => html`<p>${plural(paths.length - MAX_PATHS, "more path")}: ${allButton(ruleIds)}</p>`,
                  )}
                </details>`,
            )}`
        : html`${noPaths(input, mine, errors)}${when(errors.length, () => gapsNote(errors, false))}`
    }
  </section>`;
}

function allButton(ruleIds: string[]): Raw {
  return html`<button type="button" class="show" data-rules="${ruleIds.join(" ")}" data-label="exposure paths">
    every exposure-path finding in the rule view
  </button>`;
}

function pathItem({ finding: f, path: p }: Shown): Raw {
  const entry = p.chain[0];
  const rest = p.chain.slice(1).filter((n) => n.kind !== "integration");
  return html`<li class="path" data-rule="${f.ruleId}" data-entry="${entry?.arn ?? f.resourceArn}">
    <div class="p-head">
      <span class="badge sev-${f.severity}">${f.severity}</span>${when(
        live(p),
        () => html`<span class="badge b-live" title="A live probe showed the entry open">confirmed live</span>`,
      )}${when(f.baseline === "new", () => html`<span class="badge b-new">new</span>`)}
      <a href="#rule=${encodeURIComponent(f.ruleId)}" data-rule="${f.ruleId}">${f.resourceName}</a>
      <span>reaches ${TARGET_WORDS[p.target] ?? p.target}</span>
    </div>
    <ol class="chain" aria-label="Path from ${f.resourceName}">
      ${entry ? entryStep(entry, p) : raw("")}${join(rest.map((n) => hopStep(n, p.chain)))}${targetStep(p)}
    </ol>
    ${modifiers(p)}
    <p class="p-fix">
      <b>Cheapest fix:</b> ${p.fix.advice} (cuts
      ${plural(p.fix.cuts, "path")})${when(
        p.alternatives > 0,
        () => html`; ${plural(p.alternatives, "other path")} from this entry reach the same`,
      )}.
    </p>
  </li>`;
}

/** Ends with a full stop unless it already ends a sentence (or with an ellipsis). */
const sentence = (s: string) => (/[.!?…]$/.test(s) ? s : `${s}.`);

const ARROW = raw('<span class="arr" aria-hidden="true">→</span>');

function entryStep(n: ReportedNode, p: ReportedPath): Raw {
  const who = p.exposure ? EXPOSURE_WORDS[p.exposure] : undefined;
  // With a probe the control says what it showed; the entry says how it is configured.
  const detail = live(p) ? n.via : (p.exposureDetail ?? n.via);
  return html`<li class="step s-entry">
    <span class="box"
      ><span class="k">Entry${who ? ` ${who}` : ""} · ${live(p) ? "confirmed by a live probe" : "from configuration"}</span
      ><span class="n">${n.name}</span><span class="v" title="${detail}">${detail}</span></span
    >
  </li>`;
}

/** A hop: how it was reached (which names an integration it went through) and what it is. */
function hopStep(n: ReportedNode, chain: ReportedNode[]): Raw {
  const i = chain.indexOf(n);
  const through = chain[i - 1]?.kind === "integration" ? chain[i - 1]!.name.replace(/ of .*$/, "") : undefined;
  const via = through && !/integration/i.test(n.via) ? `${through}: ${n.via}` : n.via;
  return html`<li class="step s-${n.kind === "iam-role" ? "role" : "hop"}">
    ${ARROW}<span class="box"><span class="k">${via}</span><span class="n">${n.name}</span></span>
  </li>`;
}

function targetStep(p: ReportedPath): Raw {
  const statements = [...new Set(p.permission.grants.map((g) => `${g.policy}#${g.statement}`))].length;
  const others = statements > 1 ? ` (and ${plural(statements - 1, "more statement")})` : "";
  return html`<li class="step s-target">
    ${raw('<span class="arr" aria-hidden="true">⇒</span>')}<span class="box"
      ><span class="k">which can reach <span class="n">${TARGET_SHORT[p.target] ?? p.target}</span></span
      ><span class="v" title="${p.permission.reason}">${sentence(p.permission.reason)}</span
      ><span class="v">${sentence(`${grantText(p)}${others}`)}</span></span
    >
  </li>`;
}

function modifiers(p: ReportedPath): Raw {
  const up = (p.controls ?? []).filter((c) => c.effect > 0);
  const down = (p.controls ?? []).filter((c) => c.effect < 0);
  if (!up.length && !down.length) return raw("");
  const line = (label: string, cs: { detail: string }[]) =>
    html`<li><b>${label}</b> ${cs.length > 1 ? "one step each: " : "one step: "}${cs.map((c) => c.detail).join("; ")}</li>`;
  return html`<ul class="mods">
    ${when(up.length, () => line("Severity raised", up))}${when(down.length, () => line("Severity lowered", down))}
  </ul>`;
}

/** No failing path: analysed and none found, not analysed, or (with errors) not completed. */
function noPaths(input: ReportInput, mine: Finding[], errors: Finding[]): Raw {
  const ran = mine.length > 0 || (input.metadata.rulesEvaluated ?? []).some((id) => id.startsWith(`${PATH_RESOURCE_TYPE}.`));
  if (!ran)
    return html`<p id="paths-none">
      Exposure paths were not analysed in this run: no exposure-path rule ran (they need API Gateway, Lambda, Cognito and IAM to
      be scanned).
    </p>`;
  const entries = new Set(mine.map((f) => `${f.account}|${f.resourceArn}`)).size;
  const suppressed = mine.filter((f) => f.status === "fail" && f.suppression).length;
  const tail = suppressed ? html` (${plural(suppressed, "suppressed path")} not shown)` : raw("");
  if (errors.length)
    return html`<p id="paths-none">
      <b>No exposure path found, but the analysis could not be completed</b>, so this is not proof there is none:${tail}
    </p>`;
  if (!entries)
    return html`<p id="paths-none">
      Exposure paths were analysed: no entry point (API method or route, function URL or policy, identity pool) was found.
    </p>`;
  return html`<p id="paths-none">
    Exposure paths were analysed: none of ${plural(entries, "entry point")} reaches administrator-equivalent privileges, privilege
    escalation, write actions on every resource or wildcard data access from outside the account${tail}.
  </p>`;
}

/** Why the analysis could not be completed: per cause, the entry points it concerns. */
function gapsNote(errors: Finding[], somePaths: boolean): Raw {
  const byCause = new Map<string, Set<string>>();
  for (const f of errors) {
    const cause = causeOf(f);
    let names = byCause.get(cause);
    if (!names) byCause.set(cause, (names = new Set()));
    names.add(f.resourceName);
  }
  const entries = new Set(errors.map((f) => `${f.account}|${f.resourceArn}`)).size;
  return html`<div class="p-gaps" id="paths-gaps">
    <p>
      ${
        somePaths
          ? html`<b>Not complete:</b> the paths of ${plural(entries, "entry point")} could not be followed, so more may exist
              (their checks report error, never pass):`
          : html`The paths of ${plural(entries, "entry point")} could not be followed (their checks report error, never pass):`
      }
    </p>
    <ul>
      ${join(
        [...byCause].slice(0, LISTED_CAUSES).map(([cause, names]) => {
          const list = [...names].sort();
          const shown = list.slice(0, NAMED_ENTRIES).join(", ");
          const extra = list.length > NAMED_ENTRIES ? ` and ${list.length - NAMED_ENTRIES} more` : "";
          return html`<li><b>${cause}</b>: ${shown}${extra}</li>`;
        }),
      )}${when(
        byCause.size > LISTED_CAUSES,
        () => html`<li>${plural(byCause.size - LISTED_CAUSES, "more cause")}: see status “error” in the rule view</li>`,
      )}
    </ul>
  </div>`;
}

/** The cause an error finding gives after the rule's title and resource (`lambda:ListFunctions failed (AccessDenied)`). */
function causeOf(f: Finding): string {
  const lead = `${f.title}: could not be judged for ${f.resourceName}: `;
  const m = f.message.startsWith(lead) ? f.message.slice(lead.length) : f.message;
  return m.replace(/\.$/, "");
}
