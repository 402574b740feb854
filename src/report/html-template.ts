/**
 * The markup helpers of report.html's server-rendered parts: a tagged template that escapes every interpolation
 * (AWS names and messages are attacker-controlled input) unless it is already markup made by these helpers.
 */

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markup made by `html` (or `raw` for constant strings): interpolated without escaping. */
export class Raw {
  constructor(readonly value: string) {}
}

/** Tagged template that escapes every interpolation unless it is wrapped in `raw()`. */
export function html(strings: TemplateStringsArray, ...values: (string | number | Raw | undefined)[]): Raw {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += v instanceof Raw ? v.value : v === undefined ? "" : escapeHtml(String(v));
    out += strings[i + 1] ?? "";
  });
  return new Raw(out);
}

/** Constant markup (never data). */
export const raw = (s: string): Raw => new Raw(s);
/** Concatenated markup. */
export const join = (parts: Raw[]): Raw => raw(parts.map((p) => p.value).join(""));
/** `part()` when `cond` holds, else nothing. */
export const when = (cond: unknown, part: () => Raw): Raw => (cond ? part() : raw(""));
/** 20000 → "20,000", the same on every host (no locale data involved). */
export const num = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ",");
/** `1 check`, `2 checks`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${num(n)} ${n === 1 ? one : many}`;

/** Rows of the static drill-down tables (failed calls per cause, fixed findings); the rest are in findings.json. */
export const MAX_STATIC_ROWS = 200;

/** A table in its own scrolling box with at most MAX_STATIC_ROWS rows; the rest are counted, left to findings.json. */
export function staticTable<T>(items: readonly T[], headers: string[], cells: (item: T) => (string | Raw)[]): Raw {
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
