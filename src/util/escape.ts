// Console output carries strings Tollgate does not control: resource names, tags, AWS error messages, probe
// responses. On a terminal, control characters in them move the cursor, rewrite earlier lines or set the window
// title; in CI logs, a line that starts with `::` is a GitHub Actions workflow command (`::add-mask::`,
// `::set-output`, `::stop-commands::`) and `##vso[` anywhere in a line is an Azure Pipelines logging command
// (`##teamcity[` for TeamCity). Everything printed goes through these functions at the output boundary.

/**
 * Characters shown as escapes: C0 controls (ESC, CR, LF, TAB, BEL …), DEL, C1 controls (0x9b is a one-byte CSI
 * on some terminals), the Unicode line and paragraph separators, and the bidirectional controls that make text
 * display in another order than it reads ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** CI logging commands recognised inside a line: Azure Pipelines `##vso[`, its `##[` formatting, TeamCity `##teamcity[`. */
const CI_COMMAND_IN_LINE = /##(?=[A-Za-z]*\[)/g;
/** GitHub Actions workflow commands: `::` at the start of a line, after any whitespace (the runner trims it). */
const CI_COMMAND_AT_START = /^(\s*)::/;

/**
 * Makes one string safe to print on a terminal or a CI log, on one line: control and bidi characters become
 * visible escapes (`\x1b`, `\r`, `\n`, `\u202e`), `##vso[`-style commands are broken (`#\x23vso[`) and a leading
 * `::` becomes `\x3a:`. Idempotent (escaping twice changes nothing more), so the boundary may apply it to text
 * a call site already escaped. Backslashes are left as they are for that reason.
 */
export function escapeForTerminal(s: string): string {
  return s.replace(UNSAFE, escapeChar).replace(CI_COMMAND_IN_LINE, "#\\x23").replace(CI_COMMAND_AT_START, "$1\\x3a:");
}

/**
 * The same guarantees for JSON text printed to stdout (`--console json|sarif`), keeping it valid JSON that parses
 * to the same value: outside strings JSON has only structure, so every unsafe character or `##…[` sequence is in a
 * string, where `\u0023` and `\u009b` are ordinary escapes. JSON.stringify already escapes C0 controls in
 * strings; no JSON line can start with `::` (strings are quoted).
 */
export function escapeJsonForTerminal(json: string): string {
  // A raw C0 control in JSON text is structural whitespace (inside strings JSON requires escapes): kept.
  const u = (c: string) => (c < " " ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return json.replace(UNSAFE, u).replace(CI_COMMAND_IN_LINE, "\\u0023#");
}
