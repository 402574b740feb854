// Stage boundaries hand the finished stage's garbage back before the next stage allocates. A scan's peak memory is
// mostly garbage V8 has not collected yet, not data kept: the collect stage leaves every SDK answer it parsed, the
// enrich stage the IAM analysis' working sets, evaluation its intermediate findings. V8 collects when its heap
// reaches a limit it grows from the live size, so the next stage allocates on top of that garbage and the heap (and
// the process's resident memory) grows past what is live. One full collection where a stage's garbage has just died
// costs tens of milliseconds and keeps the next stage within the live data's footprint: the medium scan's peak went
// from 233-245 MB to 182-186 MB (docs/benchmarks.md, "Memory").
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Below this much heap growth since the last collection here, a collection is not worth its time. */
const MIN_GARBAGE_BYTES = 16 * 2 ** 20;

let collect: (() => void) | undefined;
/** The heap's used size right after the last collection this module made (what was live then). */
let liveAfterLast = 0;

/**
 * V8's full collection, as `gc()` with `--expose-gc`: the flag, set at run time, exposes `gc` in contexts created
 * afterwards (not in the main one), so one context is created for it, once.
 */
function fullCollection(): () => void {
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  return collect;
}

/**
 * The end of a pipeline stage whose working data has died: a full collection when the heap has grown by at least
 * MIN_GARBAGE_BYTES since the last one made here (small runs, such as tests, rarely pay for it).
 */
export function stageBoundary(): void {
  if (getHeapStatistics().used_heap_size - liveAfterLast < MIN_GARBAGE_BYTES) return;
  fullCollection()();
  liveAfterLast = getHeapStatistics().used_heap_size;
}
