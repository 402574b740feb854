import { expect } from "vitest";

/** What a hostile AWS string can try: clear the screen, retitle the window, fake lines, CI commands, bidi. */
export const HOSTILE =
  "api\u001b[2J\u001b]0;owned\u0007\r\n::add-mask::x\n  ::error file=a::fake\r##vso[task.setvariable variable=a]b \u009b31m ##[group]g ##teamcity[x] \u202eevil\u2028::warning::w";

/** Asserts no raw control or bidi character (LF ends lines, TAB separates columns) and no line a CI runner would take as a command. */
export function assertTerminalSafe(text: string): void {
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  for (const line of text.split("\n")) {
    expect(line).not.toMatch(/^\s*::/);
    expect(line).not.toMatch(/##[A-Za-z]*\[/);
  }
}
