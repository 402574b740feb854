// The SARIF log's text in pieces (see renderSarifPieces): a large account's log is tens of megabytes, written and
// measured (gzipped) without ever being held as one object tree or one string.
import { once } from "node:events";
import { createGzip, gzipSync } from "node:zlib";

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
  return [...logPieceIter(log, resultTexts.length, (i) => resultTexts[i]!)];
}

/**
 * logPieces with the results' texts made as the pieces are read (`textAt(i)` for i < count), so that none of them
 * need be held: a large account's results are tens of megabytes.
 */
export function* logPieceIter(
  log: Record<string, unknown>,
  count: number,
  textAt: (i: number) => string,
): Generator<string, void, undefined> {
  const doc = JSON.stringify(log, null, 2);
  const at = doc.indexOf(RESULTS_MEMBER);
  if (at < 0 || doc.indexOf(RESULTS_MEMBER, at + 1) >= 0) throw new Error("SARIF: the results member must appear once");
  yield doc.slice(0, at + RESULTS_MEMBER.length - JSON.stringify(RESULTS_MARK).length);
  if (!count) yield "[]";
  else {
    yield "[\n";
    for (let i = 0; i < count; i++) {
      yield textAt(i);
      yield i < count - 1 ? ",\n" : "\n";
    }
    yield ELEMENT_PAD.slice(2) + "]";
  }
  yield doc.slice(at + RESULTS_MEMBER.length);
}

/**
 * The gzipped size of the pieces joined; or, when zlib's bound on deflate's output (compressBound-like: input plus
 * an eighth, a sixty-fourth and a few bytes, plus gzip's 18-byte wrapper) is within `limit`, that bound: the log
 * fits, and compressing it would not change that. Compresses one buffer of the bytes, never a string of the text.
 */
export function gzippedSize(pieces: readonly string[], limit: number): number {
  const bytes = byteLength(pieces);
  const bound = deflateBound(bytes);
  if (bound <= limit) return bound;
  const buf = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const p of pieces) offset += buf.write(p, offset);
  return gzipSync(buf).length;
}

const byteLength = (pieces: Iterable<string>): number => {
  let bytes = 0;
  for (const p of pieces) bytes += Buffer.byteLength(p);
  return bytes;
};

/** zlib's bound on deflate's output for `bytes` of input, plus gzip's 18-byte wrapper (see gzippedSize). */
const deflateBound = (bytes: number): number => bytes + ((bytes + 7) >> 3) + ((bytes + 63) >> 6) + 5 + 18;

/** What measureGzipped found: gzippedSize's number, and the pieces when they were few enough to keep. */
export interface GzipMeasure {
  size: number;
  /** Every piece read, when their bound fit the limit (no compression was needed); else undefined. */
  pieces?: string[];
}

/**
 * gzippedSize of the pieces as they are read, the same number, in bounded memory: the pieces are kept while zlib's
 * bound on their compressed size fits `limit` (then the size is that bound, as gzippedSize says, and the pieces are
 * handed back); past it, the ones kept and every later one go through a gzip stream and are dropped. Deflate's
 * output does not depend on how its input is cut, so the size is the one gzipSync gives for the pieces joined.
 */
export async function measureGzipped(pieces: Iterable<string>, limit: number): Promise<GzipMeasure> {
  const held: string[] = [];
  let bytes = 0;
  let gzip: ReturnType<typeof createGzip> | undefined;
  let size = 0;
  const write = async (p: string): Promise<void> => {
    if (!gzip!.write(p)) await once(gzip!, "drain");
  };
  for (const p of pieces) {
    bytes += Buffer.byteLength(p);
    if (gzip) {
      await write(p);
      continue;
    }
    held.push(p);
    if (deflateBound(bytes) > limit) {
      gzip = createGzip();
      gzip.on("data", (chunk: Buffer) => (size += chunk.length));
      for (const h of held.splice(0)) await write(h);
    }
  }
  if (!gzip) return { size: deflateBound(bytes), pieces: held };
  const ended = once(gzip, "end");
  gzip.end();
  await ended;
  return { size };
}
