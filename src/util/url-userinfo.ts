// A URL with user info (`https://user:pass@host`) carries a credential in plain text: in a file it gets copied,
// logged and echoed into reports, and Tollgate would send it on every request. Every input that can hold a URL
// is checked for one before the run starts, and refused (exit 2) with a message naming the input, never the secret.
import { InputError } from "../errors.js";

/** `scheme://` then user info up to an `@`, before any path, query or fragment. */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/?#\s@"'<>]*)@/gi;

/** Whether the text holds a URL with user info (alone or inside longer text). */
export function hasUserInfo(text: string): boolean {
  USER_INFO.lastIndex = 0;
  return USER_INFO.test(text);
}

/** The text with every URL's user info replaced by `***`, for messages. */
export function maskUserInfo(text: string): string {
  return text.replace(USER_INFO, "$1***@");
}

const escapePointer = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** JSON pointers of the strings in `value` (a parsed JSON/YAML document) that hold a URL with user info. */
export function userInfoPointers(value: unknown, pointer = ""): string[] {
  if (typeof value === "string") return hasUserInfo(value) ? [pointer || "/"] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => userInfoPointers(v, `${pointer}/${i}`));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => userInfoPointers(v, `${pointer}/${escapePointer(k)}`));
  return [];
}

/** The string at a JSON pointer that userInfoPointers returned. */
export function atPointer(value: unknown, pointer: string): string {
  let cur: unknown = value;
  for (const seg of pointer.split("/").slice(1)) {
    if (seg === "") continue;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return String(cur);
}

/** The refusal message for one input: `<input>: a URL with user info (https://***@host) is refused …`. */
export function userInfoMessage(input: string, text: string): string {
  return `${input}: a URL with user info (${maskUserInfo(text)}) is refused: credentials do not belong in URLs; give them the usual AWS way or remove them`;
}

/** Refuses (exit 2) a value holding a URL with user info, naming the input (a flag, a variable, a file field). */
export function refuseUserInfo(text: string | undefined, input: string): void {
  if (text !== undefined && hasUserInfo(text)) throw new InputError(userInfoMessage(input, text));
}
