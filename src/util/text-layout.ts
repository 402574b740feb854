// Text printed for people (tables, finding lists) fits a terminal: at most 120 columns, fewer on a narrower
// terminal. Long values wrap instead of being cut, so nothing is lost; JSON output is for machines and is not
// laid out. Input is expected already escaped (src/util/escape.ts): every character here is printable.
import { escapeForTerminal } from "./escape.js";

/** The widest console line Tollgate prints, whatever the terminal's width. */
export const MAX_CONSOLE_WIDTH = 120;

/** The narrowest width laid out for (a terminal narrower than this wraps lines itself). */
const MIN_CONSOLE_WIDTH = 60;

/** Columns to lay text out in for `stream`: 120, or the terminal's width when it is narrower. */
export function consoleWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const cols = stream.isTTY ? stream.columns : undefined;
  return cols ? Math.max(MIN_CONSOLE_WIDTH, Math.min(MAX_CONSOLE_WIDTH, cols)) : MAX_CONSOLE_WIDTH;
}

// East Asian wide and fullwidth characters and most emoji take two columns; combining marks and zero-width
// characters none. (A small table rather than a dependency: the names Tollgate prints are mostly ASCII.)
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO = /[\p{Mn}\p{Me}\u200b-\u200d]/u;

// eslint-disable-next-line no-control-regex -- every ASCII character, control characters included, is one column
const ASCII = /^[\x00-\x7f]*$/;

/** Terminal columns a string takes. */
export function displayWidth(s: string): number {
  // Every ASCII character takes one column: most text needs no per-character look-up.
  if (ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return w;
}

/** Pads `s` with spaces to `width` columns. */
export function padEnd(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

/** Splits a word longer than `width` into pieces that fit, preferring to break after `/`, `:`, `,` or `.`. */
function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece: string[] = [];
  let w = 0;
  for (const ch of word) {
    const cw = displayWidth(ch);
    if (w + cw > width && piece.length) {
      // Break after the last separator when it is in the second half of the piece: earlier would leave short,
      // ragged lines.
      let at = -1;
      for (let i = piece.length - 1; i >= piece.length / 2 && at < 0; i--) if ("/:,.".includes(piece[i]!)) at = i;
      const cut = at >= 0 ? at + 1 : piece.length;
      pieces.push(piece.slice(0, cut).join(""));
      piece = piece.slice(cut);
      w = displayWidth(piece.join(""));
    }
    piece.push(ch);
    w += cw;
  }
  if (piece.length) pieces.push(piece.join(""));
  return pieces;
}

/** Wraps text to lines of at most `width` columns, at spaces where it can, inside long words (ARNs) where not. */
export function wrapText(text: string, width: number): string[] {
  // Text that fits keeps its spacing (aligned labels); wrapped text is re-spaced with single spaces.
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    const pieces = breakWord(word, width);
    line = pieces.pop() ?? "";
    lines.push(...pieces);
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

/**
 * Lines of `text` wrapped to `width`, each after `indent`. Every line is escaped again: a break may have put
 * `::` at the start of a line, which a CI runner would read as a workflow command.
 */
export function indented(text: string, indent: number, width: number): string[] {
  const pad = " ".repeat(indent);
  return wrapText(text, Math.max(1, width - indent)).map((l) => escapeForTerminal(`${pad}${l}`));
}

/**
 * A table of columns separated by two spaces, at most `width` columns wide: when the natural widths do not fit,
 * the widest columns are narrowed (never below their header or 10 columns) and their cells wrap onto more
 * lines. Columns in `keep` (identifiers people copy) are narrowed only when nothing else fits. The last column is not padded, so no
 * line ends in spaces.
 */
export function table(
  header: string[],
  rows: string[][],
  width: number = MAX_CONSOLE_WIDTH,
  keep: readonly number[] = [],
): string {
  const gap = 2;
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const floor = header.map((h, i) => (keep.includes(i) ? widths[i]! : Math.max(displayWidth(h), 10)));
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  while (total() > width) {
    // Narrow the widest column that can still give, one column at a time.
    let widest = -1;
    for (let i = 0; i < widths.length; i++)
      if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    // On a terminal too narrow for them, the kept columns give way too, all columns narrowed evenly.
    if (widest < 0 && keep.length) return table(header, rows, width);
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  const render = (cells: string[]): string[] => {
    const wrapped = cells.map((c, i) => wrapText(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let l = 0; l < height; l++)
      out.push(
        escapeForTerminal(
          wrapped
            .map((w, i) => (i === wrapped.length - 1 ? (w[l] ?? "") : padEnd(w[l] ?? "", widths[i]!)))
            .join(" ".repeat(gap))
            .trimEnd(),
        ),
      );
    return out;
  };
  return [...render(header), ...rows.flatMap(render)].join("\n") + "\n";
}
