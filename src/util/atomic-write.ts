import { closeSync, openSync, unlinkSync } from "node:fs";
import { mkdir, open, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { InputError, OutputError } from "../errors.js";

/** What an atomic write accepts: text or bytes, whole or in pieces (sync or async iterables, streamed). */
export type WriteContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Options of writeFileAtomic. */
export interface AtomicWriteOptions {
  /** File mode for a new file (default 0o666 minus the umask). */
  mode?: number;
}

// Temporary files being written by this process. Process-wide on purpose: a signal that ends the process at once
// must be able to remove them (removeTemporaryFiles), whichever writer created them.
const inFlight = new Set<string>();
let sequence = 0;

/** The temporary name beside `path`: same folder (so the rename is atomic), unique per process and write. */
function temporaryPath(path: string): string {
  sequence += 1;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${sequence}`);
}

/**
 * Creates the temporary file (exclusively) and registers it in one synchronous step. A signal handler runs between
 * tasks, so removeTemporaryFiles never sees a registered file that a pending asynchronous open creates after it has
 * run: that race left a stray temporary file when the second Ctrl-C came while the open waited for a libuv thread.
 */
function createTemporary(tmp: string, mode: number | undefined): void {
  closeSync(openSync(tmp, "wx", mode));
  inFlight.add(tmp);
}

/** Whether a file name is one of the temporary files writeFileAtomic creates (for tests and clean-up checks). */
export function isTemporaryName(name: string): boolean {
  return /^\..+\.tmp-\d+-\d+$/.test(name);
}

function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string";
}

// Pieces are encoded into one buffer of this size, written each time it fills: few syscalls, bounded memory.
const WRITE_BUFFER = 1 << 20;
// UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
const MAX_UTF8_PER_UNIT = 3;

// FileHandle.writeFile writes the whole piece at the current position (looping over short writes).
async function writePieces(fh: FileHandle, content: WriteContent): Promise<void> {
  if (typeof content === "string" || content instanceof Uint8Array) {
    await fh.writeFile(content);
    return;
  }
  // One buffer reused for the whole file: joining pieces into megabyte strings instead made each a large object,
  // which only a full collection frees (the reports of a large account are hundreds of megabytes).
  const buf = Buffer.allocUnsafe(WRITE_BUFFER);
  let used = 0;
  const flush = async () => {
    if (used) await fh.writeFile(buf.subarray(0, used));
    used = 0;
  };
  for await (const piece of content) {
    if (typeof piece !== "string") {
      await flush();
      await fh.writeFile(piece);
      continue;
    }
    if (used + piece.length * MAX_UTF8_PER_UNIT > WRITE_BUFFER) {
      await flush();
      if (piece.length * MAX_UTF8_PER_UNIT > WRITE_BUFFER) {
        await fh.writeFile(piece);
        continue;
      }
    }
    used += buf.write(piece, used);
  }
  await flush();
}

/**
 * Writes `content` to `path` atomically: into a temporary file in the same folder, flushed to disk, then renamed
 * over `path`. A reader (or a crash, a full disk, a signal) never sees half a file: `path` holds the old content
 * or the new. Pieces are streamed with bounded memory. The folder is created when missing. On failure the
 * temporary file is removed and an OutputError names `path` and the system error (ENOSPC, EACCES, …); an error
 * thrown by the content's own iterator propagates unchanged.
 */
export async function writeFileAtomic(path: string, content: WriteContent, options: AtomicWriteOptions = {}): Promise<void> {
  const tmp = temporaryPath(path);
  let fh: FileHandle | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    createTemporary(tmp, options.mode);
    // Not "wx": the file exists already; if a second signal removed it meanwhile, this open fails (ENOENT).
    fh = await open(tmp, "r+");
    await writePieces(fh, content);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
    inFlight.delete(tmp);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    inFlight.delete(tmp);
    if (isSystemError(e)) throw new OutputError(path, e);
    throw e;
  }
}

/**
 * Removes every temporary file this process is still writing. Synchronous, for the moment before the process
 * exits at once (a second Ctrl-C): the files being replaced keep their old content and nothing stray is left.
 */
export function removeTemporaryFiles(): void {
  for (const tmp of inFlight) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already renamed or never created: nothing to remove.
    }
  }
  inFlight.clear();
}

/** Where a run will write: a folder (`--out`) or a file (`--save-inventory`), and the flag that named it. */
export interface OutputTarget {
  path: string;
  kind: "dir" | "file";
  /** The flag or setting that named the path, for the message (e.g. `--out`). */
  flag: string;
}

/**
 * Checks, before anything is collected, that `target` can be written: creates the folder if needed and writes
 * (then removes) a real file in it, so a read-only mount, a missing permission or a path through a file is
 * refused up front with InputError (exit 2) naming the flag, rather than after the scan.
 */
export async function assertWritable(target: OutputTarget): Promise<void> {
  const dir = target.kind === "dir" ? target.path : dirname(target.path);
  const fail = (why: string): never => {
    throw new InputError(`${target.flag} ${target.path}: cannot write there: ${why}`);
  };
  const existing = await stat(target.path).catch((e: NodeJS.ErrnoException) =>
    e.code === "ENOENT" ? undefined : fail(`${e.code ?? "error"}: ${e.message}`),
  );
  if (existing && target.kind === "dir" && !existing.isDirectory()) fail("it exists and is not a folder");
  if (existing && target.kind === "file" && existing.isDirectory()) fail("it is a folder, not a file");
  const probe = temporaryPath(join(dir, "tollgate-write-check"));
  try {
    await mkdir(dir, { recursive: true });
    createTemporary(probe, undefined);
    const fh = await open(probe, "r+");
    try {
      await fh.writeFile("tollgate write check\n");
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (!isSystemError(e)) throw e;
    fail(`${e.code}: ${e.message}`);
  } finally {
    await unlink(probe).catch(() => undefined);
    inFlight.delete(probe);
  }
}
