import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonStreamError, readJsonStream, StopReading, type JsonStreamHandlers } from "../../src/util/json-stream.js";
import { prng } from "../../src/util/prng.js";

/** The text as byte chunks of `size` (so multi-byte characters and tokens are split across chunks). */
async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Reads `text` with `elements` streamed and everything else whole, and rebuilds the document. */
async function rebuild(text: string, size: number, elements: string[]): Promise<Record<string, unknown>> {
  const doc: Record<string, unknown> = {};
  const handlers: JsonStreamHandlers = {
    elements: Object.fromEntries(
      elements.map((k) => [
        k,
        (v: unknown, i: number) => {
          const list = (doc[k] ??= []) as unknown[];
          expect(i).toBe(list.length);
          list.push(v);
        },
      ]),
    ),
    member: (k, v) => {
      Object.defineProperty(doc, k, { value: v, enumerable: true, writable: true, configurable: true });
    },
  };
  await readJsonStream(chunks(text, size), handlers);
  // An array member with no elements was never seen by a callback.
  for (const k of elements) if (/"findings"\s*:\s*\[\s*\]/.test(text) && k === "findings") doc[k] ??= [];
  return doc;
}

function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.3) {
    const p = rnd();
    if (p < 0.2) return Math.floor(rnd() * 1e6) - 5e5;
    if (p < 0.3) return rnd() * 1e3;
    if (p < 0.4) return rnd() < 0.5;
    if (p < 0.45) return null;
    return ["plain", "ünïcödé ✓ 𝄞", 'quote " and \\ backslash', "new\nline\ttab", "\u0000\u001f", ""][Math.floor(rnd() * 6)];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(rnd() * 4); i++)
    o[["k", "é", "a/b", "__proto__", "x~y"][Math.floor(rnd() * 5)]! + i] = randomValue(rnd, depth + 1);
  return o;
}

describe("readJsonStream", () => {
  it("delivers the chosen arrays element by element and the other members whole, equal to JSON.parse, however it is chunked", async () => {
    const rnd = prng(11);
    for (let n = 0; n < 30; n++) {
      const doc = {
        kind: "tollgate-findings",
        formatVersion: 1,
        metadata: randomValue(rnd, 0),
        findings: Array.from({ length: Math.floor(rnd() * 6) }, () => randomValue(rnd, 1)),
        coverage: randomValue(rnd, 0),
      };
      const text = JSON.stringify(doc, null, n % 2 ? 2 : 0);
      for (const size of [1, 3, 7, 64, 1 << 16]) {
        const back = await rebuild(text, size, ["findings", "coverage"]);
        expect(back).toEqual(JSON.parse(text));
      }
    }
  });

  it("keeps a member named __proto__ as data, never as a prototype", async () => {
    const text = '{"findings":[{"__proto__":{"polluted":true},"a":1}],"meta":{"__proto__":{"polluted":true}}}';
    const back = await rebuild(text, 5, ["findings"]);
    const f = (back["findings"] as Record<string, unknown>[])[0]!;
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
    expect((f as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(f)).toEqual(["__proto__", "a"]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("skips members without assembling them, and stops quietly on StopReading", async () => {
    const seen: string[] = [];
    await readJsonStream(chunks('{"a":1,"big":[1,2,[3,{"x":4}]],"b":{"c":2}}', 4), {
      skip: (k) => k === "big",
      member: (k) => seen.push(k),
    });
    expect(seen).toEqual(["a", "b"]);
    const first: string[] = [];
    await readJsonStream(chunks('{"kind":"x","rest":[1,2,3', 2), {
      member: (k) => {
        first.push(k);
        throw new StopReading();
      },
    });
    expect(first).toEqual(["kind"]);
  });

  it("reads a file by path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-jsonstream-"));
    writeFileSync(join(dir, "a.json"), '{"findings":[{"id":1},{"id":2}],"n":3}');
    const ids: unknown[] = [];
    await readJsonStream(join(dir, "a.json"), { elements: { findings: (v) => ids.push((v as { id: number }).id) } });
    expect(ids).toEqual([1, 2]);
    await expect(readJsonStream(join(dir, "missing.json"), {})).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a truncated text is a JsonStreamError marked truncated, naming the element being read", async () => {
    const text = JSON.stringify({ kind: "k", findings: [{ a: "one" }, { a: "two" }, { a: "three" }] });
    const cut = text.indexOf("three") + 2;
    for (const at of [cut, text.length - 1, text.indexOf('"findings"') + 5, 1]) {
      const e = await readJsonStream(chunks(text.slice(0, at), 3), { elements: { findings: () => undefined } }).catch(
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(JsonStreamError);
      expect((e as JsonStreamError).truncated).toBe(true);
    }
    const e = (await readJsonStream(chunks(text.slice(0, cut), 3), { elements: { findings: () => undefined } }).catch(
      (x: unknown) => x,
    )) as JsonStreamError;
    expect(e.pointer).toBe("/findings/2");
    expect(e.message).toMatch(/in \/findings\/2\)$/);
  });

  it("corrupt texts are JsonStreamErrors (not truncated) with the byte offset and pointer", async () => {
    const bad = async (text: string) =>
      (await readJsonStream(chunks(text, 4), { elements: { findings: () => undefined } }).catch(
        (x: unknown) => x,
      )) as JsonStreamError;
    for (const [text, pointer, pattern] of [
      ['[{"a":1}]', "", /expected a JSON object/],
      ['{"findings":[{"a":1},]}', "/findings/1", /unexpected|expected a value/],
      ['{"findings":[{"a":1} {"b":2}]}', "/findings/1", /expected "," or "\]"/],
      ['{"a": }', "/a", /expected a value/],
      ['{"a":1}{"b":2}', "", /after the end of the document/],
      ['{"meta":{"x" 1}}', "/meta", /./],
      ['{"findings":[{"a":tru}]}', "/findings/0", /./],
    ] as const) {
      const e = await bad(text);
      expect(e, text).toBeInstanceOf(JsonStreamError);
      expect(e.truncated, text).toBe(false);
      expect(e.pointer, text).toBe(pointer);
      expect(e.detail, text).toMatch(pattern);
      expect(e.offset, text).toBeGreaterThanOrEqual(0);
    }
  });
});
