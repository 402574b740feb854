import { describe, expect, it } from "vitest";
import { stageBoundary } from "../../src/pipeline/memory.js";

// A stage boundary collects the garbage the finished stage left (src/pipeline/memory.ts): V8 flags set at run time
// through v8.setFlagsFromString take effect here, which this checks rather than assumes.

/** A stage's working data: `mb` megabytes of objects, dead once it returns; a WeakRef says when they are collected. */
function stage(mb: number): WeakRef<object> {
  const data = Array.from({ length: mb * 16 }, (_, i) => new Array<number>(8 * 1024).fill(i));
  return new WeakRef(data);
}

describe("stageBoundary", () => {
  it("after a stage whose working data died, collects it", async () => {
    const dead = stage(24);
    // A WeakRef's target lives at least until the job that made it ends.
    await new Promise((r) => setTimeout(r, 0));
    stageBoundary();
    expect(dead.deref()).toBeUndefined();
  });

  it("does not collect when the heap has hardly grown since its last collection (small runs do not pay for it)", async () => {
    stageBoundary();
    const small = stage(1);
    await new Promise((r) => setTimeout(r, 0));
    stageBoundary();
    expect(small.deref()).toBeDefined();
  });
});
