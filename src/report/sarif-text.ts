// The SARIF log's text in pieces (see renderSarifPieces): a large account's log is tens of megabytes, written and
// measured (gzipped) without ever being held as one object tree or one string.
import { gzipSync } from "node:zlib";

// Stands for the results in the stringified document: a number, so no string of the account's data can spell it.
export const RESULTS_MARK = -7.77e-300;
const RESULTS_MEMBER = `"results": ${JSON.stringify(RESULTS_MARK)}`;
// The results array's elements sit three levels deep in the log (runs[0].results[i]).
const ELEMENT_PAD = " ".repeat(8);

// JSON.stringify indents by depth whatever the containers, so a result nested in four arrays comes out as it sits in
// the log; slicing it out keeps that one string, where re-indenting with a regular expression left a tree of small
// pieces several times its size (94 MB for 30 MB of text on the large account).
const NEST_OPEN = "[\n  [\n    [\n      [\n";
const NEST_CLOSE = "\n      ]\n    ]\n  ]\n]";

/** A result's text as an element of the log's results: `JSON.stringify(result, null, 2)` indented to its depth. */
export function resultText(result: Record<string, unknown>): string {
  const nested = JSON.stringify([[[[result]]]], null, 2);
  return nested.slice(NEST_OPEN.length, nested.length - NEST_CLOSE.length);
}

/**
 * The text of `JSON.stringify(log, null, 2)` in pieces, for a log whose `results` are `resultTexts` (see
 * resultText): the document around them and each result, never one object tree nor one string of the whole log (a
 * large account's log is tens of megabytes).
 */
export function logPieces(log: Record<string, unknown>, resultTexts: readonly string[]): string[] {
  const doc = JSON.stringify(log, null, 2);
  const at = doc.indexOf(RESULTS_MEMBER);
  if (at < 0 || doc.indexOf(RESULTS_MEMBER, at + 1) >= 0) throw new Error("SARIF: the results member must appear once");
  const pieces = [doc.slice(0, at + RESULTS_MEMBER.length - JSON.stringify(RESULTS_MARK).length)];
  if (!resultTexts.length) pieces.push("[]");
  else {
    pieces.push("[\n");
    resultTexts.forEach((t, i) => pieces.push(t, i < resultTexts.length - 1 ? ",\n" : "\n"));
    pieces.push(ELEMENT_PAD.slice(2) + "]");
  }
  pieces.push(doc.slice(at + RESULTS_MEMBER.length));
  return pieces;
}

/**
 * The gzipped size of the pieces joined; or, when zlib's bound on deflate's output (compressBound-like: input plus
 * an eighth, a sixty-fourth and a few bytes, plus gzip's 18-byte wrapper) is within `limit`, that bound: the log
 * fits, and compressing it would not change that. Compresses one buffer of the bytes, never a string of the text.
 */
export function gzippedSize(pieces: readonly string[], limit: number): number {
  let bytes = 0;
  for (const p of pieces) bytes += Buffer.byteLength(p);
  const bound = bytes + ((bytes + 7) >> 3) + ((bytes + 63) >> 6) + 5 + 18;
  if (bound <= limit) return bound;
  const buf = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const p of pieces) offset += buf.write(p, offset);
  return gzipSync(buf).length;
}
