// Readable units (#16 item 8): in the whole of src/, no function over 80 lines, no module over 400 lines and no
// function with more than four positional parameters. ALLOWED names what is still being split, each with why and who;
// an entry that no longer needs to be there fails the test too, so the list only shrinks.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/util/paths.js";
import { linesOf, unitsOf } from "./units.js";

const root = packageRoot();
const MAX_MODULE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
const MAX_PARAMS = 4;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const rel = `${dir}/${f}`;
    if (statSync(join(root, rel)).isDirectory()) return sources(rel);
    return f.endsWith(".ts") ? [rel] : [];
  });
}

/**
 * What is over a limit and allowed for now: `file` for the module's length, `file#function` for a function (its
 * length or its parameters). Every entry says why.
 */
const ALLOWED: Record<string, string> = {};

/** Every violation in src/, as ALLOWED keys with what is over. */
function violations(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of sources("src")) {
    const path = join(root, file);
    const lines = linesOf(path);
    if (lines > MAX_MODULE_LINES) out.set(file, `${lines} lines`);
    for (const u of unitsOf(path))
      if (u.lines > MAX_FUNCTION_LINES || u.params > MAX_PARAMS)
        out.set(`${file}#${u.name}`, `line ${u.line}: ${u.lines} lines, ${u.params} parameters`);
  }
  return out;
}

describe("readable units in the whole of src/", () => {
  const found = violations();

  it(`modules ≤ ${MAX_MODULE_LINES} lines, functions ≤ ${MAX_FUNCTION_LINES} lines and ≤ ${MAX_PARAMS} positional parameters, apart from ALLOWED`, () => {
    const over = [...found].filter(([k]) => !(k in ALLOWED)).map(([k, v]) => `${k} (${v})`);
    expect(over).toEqual([]);
  });

  it("ALLOWED holds nothing that is already within the limits", () => {
    expect(Object.keys(ALLOWED).filter((k) => !found.has(k))).toEqual([]);
  });
});
