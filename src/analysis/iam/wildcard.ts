/**
 * IAM wildcard matching (`*` = any run of characters, `?` = exactly one character).
 *
 * Action names match case-insensitively (as IAM does); ARNs match case-sensitively, which is
 * the safer reading for a self-reference check (a false "matches" would only add a finding).
 */

import { globMatch } from "../../util/glob.js";

const REGEX_SPECIALS = /[.+^${}()|[\]\\]/g;

/** Whether the string contains an IAM wildcard character. */
export function hasWildcard(s: string): boolean {
  return s.includes("*") || s.includes("?");
}

/** Compiles an IAM glob into an anchored regular expression. */
export function globToRegExp(glob: string, caseInsensitive: boolean): RegExp {
  const body = glob.replace(REGEX_SPECIALS, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, caseInsensitive ? "si" : "s");
}

/** Whether `value` matches the IAM glob `pattern` (ARN semantics: case-sensitive; the shared glob matcher). */
export function arnGlobMatches(pattern: string, value: string): boolean {
  return pattern === "*" || globMatch(pattern, value);
}

/**
 * Whether a Resource entry covers every resource of every service.
 *
 * `*`, `arn:*` and `arn:<partition>:*` (optionally followed by `:*` segments) all do; a
 * pattern naming a service, account or path is a resource scope.
 */
export function isUnconstrainedResource(resource: string): boolean {
  if (resource === "*") return true;
  const parts = resource.split(":");
  if (parts[0] !== "arn") return false;
  const rest = parts.slice(1);
  // `arn:aws:*` — the last `*` swallows everything after it, including further colons.
  const last = rest[rest.length - 1];
  if (last === undefined || !/^\*+$/.test(last)) return false;
  return rest.slice(0, -1).every((seg, i) => /^\*+$/.test(seg) || (i === 0 && /^aws[a-z-]*$/.test(seg)));
}
