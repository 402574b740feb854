import type { ReportInput } from "../model/report.js";
import { nextKept, planSarif, type SarifOptions } from "./sarif.js";
import { logPieceIter, measureGzipped } from "./sarif-text.js";

/**
 * renderSarifPieces for a file: the same text, as pieces made while they are written, and its gzipped size measured
 * streaming (measureGzipped), so that a large account's log (25,000 results, 50 MB) is never held, its results
 * nor its bytes: each result is rendered to be measured, and again to be written. A log that fits uncompressed is
 * rendered once, as by renderSarifPieces.
 */
export async function renderSarifStream(
  input: ReportInput,
  options: SarifOptions = {},
): Promise<{ content: Iterable<string>; warnings: string[] }> {
  const plan = planSarif(input, options);
  const { build, count, textAt, maxGzip } = plan;
  const measure = (kept: number) => measureGzipped(logPieceIter(build(kept), kept, textAt), maxGzip);
  let kept = count;
  let measured = await measure(kept);
  while (measured.size > maxGzip && kept > 0) {
    kept = nextKept(kept, measured.size, maxGzip);
    measured = await measure(kept);
  }
  const warnings = plan.finish(kept, measured.size);
  const final = kept;
  function* content(): Generator<string, void, undefined> {
    yield* measured.pieces ?? logPieceIter(build(final), final, textAt);
    yield "\n";
  }
  return { content: content(), warnings };
}
