import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, OutputError } from "../../src/errors.js";
import { assertWritable, isTemporaryName, removeTemporaryFiles, writeFileAtomic } from "../../src/util/atomic-write.js";
import { ROOT } from "../helpers/sim.js";

const fresh = () => mkdtempSync(join(tmpdir(), "tollgate-atomic-"));

describe("writeFileAtomic", () => {
  it("writes text, bytes, and sync or async pieces, and leaves no temporary file", async () => {
    const dir = fresh();
    async function* pieces() {
      yield "a";
      yield new TextEncoder().encode("b");
      yield "c";
    }
    await writeFileAtomic(join(dir, "s.txt"), "text");
    await writeFileAtomic(join(dir, "b.bin"), new Uint8Array([104, 105]));
    await writeFileAtomic(join(dir, "i.txt"), ["x", "y", "z"]);
    await writeFileAtomic(join(dir, "sub", "deeper", "a.txt"), pieces());
    expect(readFileSync(join(dir, "s.txt"), "utf8")).toBe("text");
    expect(readFileSync(join(dir, "b.bin"), "utf8")).toBe("hi");
    expect(readFileSync(join(dir, "i.txt"), "utf8")).toBe("xyz");
    expect(readFileSync(join(dir, "sub", "deeper", "a.txt"), "utf8")).toBe("abc");
    expect(readdirSync(dir).sort()).toEqual(["b.bin", "i.txt", "s.txt", "sub"]);
  });

  it("streams more than one write buffer of pieces byte for byte", async () => {
    const dir = fresh();
    const piece = "0123456789abcdef".repeat(4096); // 64 KiB
    await writeFileAtomic(
      join(dir, "big.txt"),
      Array.from({ length: 40 }, () => piece),
    );
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(piece.repeat(40));
  });

  it("encodes pieces of every size and script as UTF-8, across buffer boundaries, byte for byte", async () => {
    const dir = fresh();
    const pieces = [
      ...Array.from({ length: 30_000 }, (_, i) => `é${i}→😀\u0000`.repeat(1 + (i % 7))),
      "\ud800 lone surrogate",
      "x".repeat(3 << 20), // larger than the buffer
      new TextEncoder().encode("bytes"),
      "ü".repeat(400_000), // two UTF-8 bytes a unit, over a third of the buffer in units
      "end",
    ];
    await writeFileAtomic(join(dir, "mixed.txt"), pieces);
    const expected = Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));
    expect(readFileSync(join(dir, "mixed.txt")).equals(expected)).toBe(true);
  });

  it("a writer that fails midway leaves the previous file untouched and no temporary file; its error propagates", async () => {
    const dir = fresh();
    const path = join(dir, "findings.json");
    writeFileSync(path, "the good old report");
    function* failing() {
      yield "half of a new ";
      throw new Error("renderer bug");
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow("renderer bug");
    expect(readFileSync(path, "utf8")).toBe("the good old report");
    expect(readdirSync(dir)).toEqual(["findings.json"]);
  });

  it("a system error becomes an OutputError naming the file and the code (exit 3), and the temporary file is removed", async () => {
    const dir = fresh();
    mkdirSync(join(dir, "report.html"));
    const e = await writeFileAtomic(join(dir, "report.html"), "x").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OutputError);
    expect((e as OutputError).exitCode).toBe(3);
    expect((e as OutputError).code).toMatch(/^E(ISDIR|NOTEMPTY|EXIST)$/);
    expect((e as OutputError).message).toContain(`cannot write ${join(dir, "report.html")}`);
    expect(readdirSync(dir)).toEqual(["report.html"]);
    // A folder that cannot be created (a file is in the way).
    writeFileSync(join(dir, "a-file"), "");
    const e2 = await writeFileAtomic(join(dir, "a-file", "x.json"), "x").catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(OutputError);
    expect((e2 as OutputError).code).toMatch(/^E(NOTDIR|EXIST)$/);
  });

  it("removeTemporaryFiles at any moment of a write (the open included) leaves no temporary file behind", async () => {
    // The temporary file is created and registered in one synchronous step: an asynchronous open still waiting for
    // a libuv thread when a second Ctrl-C removed the registered files used to create it afterwards.
    const dir = fresh();
    for (let i = 0; i < 20; i += 1) {
      const path = join(dir, `f${i}.json`);
      writeFileSync(path, "old");
      let settled = false;
      const pending = writeFileAtomic(path, ["new ", "content"])
        .catch((e: unknown) => e)
        .finally(() => (settled = true));
      // Remove after i turns of the event loop, then keep removing until the write has ended.
      for (let turn = 0; !settled; turn += 1) {
        if (turn >= i) removeTemporaryFiles();
        await new Promise((r) => setImmediate(r));
      }
      const result = await pending;
      if (result !== undefined) expect(result).toBeInstanceOf(OutputError);
      expect(readFileSync(path, "utf8")).toMatch(/^(old|new content)$/);
    }
    expect(readdirSync(dir).filter(isTemporaryName)).toEqual([]);
  });

  it("removeTemporaryFiles removes the temporary file of a write in progress; the target keeps its old content", async () => {
    const dir = fresh();
    const path = join(dir, "inventory.json");
    writeFileSync(path, "old");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow() {
      yield "new, first half";
      await gate;
      yield "second half";
    }
    const pending = writeFileAtomic(path, slow()).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const names = readdirSync(dir);
    expect(names.filter(isTemporaryName)).toHaveLength(1);
    removeTemporaryFiles();
    expect(readdirSync(dir)).toEqual(["inventory.json"]);
    release();
    expect(await pending).toBeInstanceOf(OutputError);
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["inventory.json"]);
  });

  it("a disk that fills up (ENOSPC, real child process): OutputError, old file kept, no temporary file", () => {
    const dir = fresh();
    const path = join(dir, "report.html");
    writeFileSync(path, "old report");
    const script = `import { writeFileAtomic } from ${JSON.stringify(join(ROOT, "dist/src/util/atomic-write.js"))};
      try { await writeFileAtomic(${JSON.stringify(path)}, ["<html>", "…"]); console.log("written"); }
      catch (e) { console.log(e.name, e.code, e.exitCode, e.message); }`;
    const r = spawnSync(
      process.execPath,
      ["--import", join(ROOT, "dist/fixtures/fs-faults/preload.js"), "--input-type=module", "-e", script],
      { env: { ...process.env, TOLLGATE_TEST_FS_FAULTS: JSON.stringify([{ name: "report.html", error: "ENOSPC" }]) } },
    );
    expect(r.stdout.toString()).toMatch(/^OutputError ENOSPC 3 cannot write .*report\.html: ENOSPC: no space left on device/);
    expect(readFileSync(path, "utf8")).toBe("old report");
    expect(readdirSync(dir)).toEqual(["report.html"]);
  });
});

describe("assertWritable", () => {
  it("accepts a folder it can write, creating it, and leaves nothing behind", async () => {
    const dir = join(fresh(), "reports", "nested");
    await assertWritable({ path: dir, kind: "dir", flag: "--out" });
    expect(readdirSync(dir)).toEqual([]);
    await assertWritable({ path: join(dir, "inv.json"), kind: "file", flag: "--save-inventory" });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses, as bad input naming the flag, a folder that is a file, a file that is a folder, and a path through a file", async () => {
    const dir = fresh();
    writeFileSync(join(dir, "f"), "");
    mkdirSync(join(dir, "d"));
    const refused = async (t: Parameters<typeof assertWritable>[0]) => {
      const e = await assertWritable(t).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    };
    expect(await refused({ path: join(dir, "f"), kind: "dir", flag: "--out" })).toMatch(
      /^--out .*\/f: cannot write there: it exists and is not a folder/,
    );
    expect(await refused({ path: join(dir, "d"), kind: "file", flag: "--save-inventory" })).toMatch(
      /^--save-inventory .*\/d: cannot write there: it is a folder/,
    );
    expect(await refused({ path: join(dir, "f", "x", "inv.json"), kind: "file", flag: "--save-inventory" })).toMatch(
      /^--save-inventory .*: cannot write there: ENOTDIR/,
    );
  });

  it("refuses a folder where files cannot be created (EACCES, real child process)", () => {
    const dir = join(fresh(), "out");
    const script = `import { assertWritable } from ${JSON.stringify(join(ROOT, "dist/src/util/atomic-write.js"))};
      try { await assertWritable({ path: ${JSON.stringify(dir)}, kind: "dir", flag: "--out" }); console.log("ok"); }
      catch (e) { console.log(e.name, e.exitCode, e.message); }`;
    const r = spawnSync(
      process.execPath,
      ["--import", join(ROOT, "dist/fixtures/fs-faults/preload.js"), "--input-type=module", "-e", script],
      { env: { ...process.env, TOLLGATE_TEST_FS_FAULTS: JSON.stringify([{ name: "*", error: "EACCES", on: "open" }]) } },
    );
    expect(r.stdout.toString()).toMatch(/^InputError 2 --out .*\/out: cannot write there: EACCES/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
