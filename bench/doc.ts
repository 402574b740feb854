import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../src/util/paths.js";

/** The machine a benchmark ran on, for the record. */
export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the start), Node ${process.version}, load average at the start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} (shared machine: other jobs were running)`;
}

/**
 * Replaces one benchmark's section of docs/benchmarks.md (between `<!-- begin NAME -->` and `<!-- end NAME -->`),
 * appending it when absent, so each benchmark script rewrites its own figures and leaves the others'.
 */
export function writeBenchSection(name: string, markdown: string): void {
  const path = join(packageRoot(), "docs", "benchmarks.md");
  const begin = `<!-- begin ${name} -->`;
  const end = `<!-- end ${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const doc = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  const next = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
