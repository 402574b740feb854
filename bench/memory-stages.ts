/**
 * Benchmark: memory of `tollgate evaluate --inventory` stage by stage, on a saved inventory (e.g. the one
 * `npm run bench -- --sizes large` leaves in reports/bench-large.inventory.json). Run with
 * `npm run build && npm run bench:memory -- <inventory> [out-dir]`. Prints, after each stage (setup, data, inventory
 * read, enrich, evaluate, reports), the resident set and the heap; with BENCH_LIVE=1, also the heap still live after
 * a forced collection (what the stage keeps, as opposed to garbage not yet collected), which changes the peaks.
 */
import { loadInventory } from "../src/inventory/io.js";
import * as pipeline from "../src/pipeline/index.js";
import { RunStop, SignalRouter } from "../src/pipeline/lifecycle.js";
import { DEFAULT_FORMATS } from "../src/report/formats.js";
import { scrubContext } from "../src/secrets/load.js";
import { systemClock } from "../src/util/clock.js";
import { memoryLogger } from "../src/util/logger.js";

const [inventoryPath, outDir = "reports/bench-memory"] = process.argv.slice(2);
if (!inventoryPath) throw new Error("usage: npm run bench:memory -- <inventory.json> [out-dir]");
const gc = (globalThis as { gc?: () => void }).gc;
const live = process.env["BENCH_LIVE"] === "1" && gc !== undefined;
const mb = (bytes: number) => Math.round(bytes / 1048576);
let peak = 0;
setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5).unref();

function mark(stage: string): void {
  const m = process.memoryUsage();
  const cells = [
    `rss ${mb(m.rss)} MB`,
    `heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB`,
    `max rss ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
  ];
  if (live) {
    gc!();
    cells.push(`live heap ${mb(process.memoryUsage().heapUsed)} MB`);
  }
  process.stdout.write(`${stage.padEnd(10)} ${cells.join(", ")}\n`);
}

mark("modules");
const loaded = await pipeline.loadSetup({ quiet: true });
mark("setup");
const data = pipeline.loadRunData();
const enrichData = await data.loaded;
mark("data");
const inventory = await loadInventory(inventoryPath, scrubContext());
mark("inventory");
const enriched = pipeline.enrichStage(inventory, enrichData);
mark("enriched");
const setup = pipeline.restrictToInventory(loaded, enriched.inventory, inventoryPath);
const log = memoryLogger();
const ctx = { stop: new RunStop({ log, router: new SignalRouter() }), log, clock: systemClock };
const evaluated = await pipeline.judge(enriched.inventory, setup, ctx);
mark("evaluated");
await pipeline.writeStage(
  evaluated,
  { out: outDir, formats: DEFAULT_FORMATS, console: "none", failOn: "critical", frameworks: setup.frameworks },
  ctx,
);
mark("reported");
process.stdout.write(
  `${evaluated.input.findings.length} findings; peak rss ${mb(peak)} MB sampled, ${mb(process.resourceUsage().maxRSS * 1024)} MB max\n`,
);
