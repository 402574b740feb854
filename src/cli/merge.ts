import { activeFilters, FLAG_SOURCE, type RuleFilters } from "../engine/selection.js";
import { InputError } from "../errors.js";
import { loadInventory } from "../inventory/io.js";
import { mergeShardFindings, mergeShardInventories } from "../inventory/merge.js";
import { loadFrameworks } from "../engine/frameworks.js";
import {
  exitCodeFor,
  inventoryPipeline,
  isIncomplete,
  loadRunData,
  loadSetup,
  restrictToInventory,
  writeStage,
} from "../pipeline/index.js";
import { fromFindingsFile, loadFindingsFile } from "../report/index.js";
import { scrubContext } from "../secrets/load.js";
import { systemClock } from "../util/clock.js";
import { JsonStreamError, readTopLevelMember } from "../util/json-stream.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { runStop, setupOptions, type CommandEnv, type ReportOptions } from "./commands.js";
import { checkOutputs, runOutputs } from "./preflight.js";

/**
 * `tollgate merge A B C…`: one report set from the shard files of a sharded scan, either all inventories
 * (`--save-inventory`; evaluated here, with this run's config and rules) or all findings files (as evaluated by
 * each shard).
 */
export async function mergeCommand(opts: MergeCommandOptions, env: CommandEnv = {}): Promise<number> {
  const log = stderrLogger({ quiet: opts.quiet });
  const kinds: string[] = [];
  for (const f of opts.inventories) kinds.push(await shardKind(f));
  if (new Set(kinds).size > 1) throw new InputError("merge: give either shard inventories or shard findings files, not both");
  return kinds[0] === "tollgate-findings" ? mergeFindingsFiles(opts, env, log) : mergeInventories(opts, env, log);
}

/** Options of `tollgate merge`. */
export type MergeCommandOptions = ReportOptions & { inventories: string[]; saveInventory?: string };

function warnMissing(log: Logger, missing: number[], count: number): void {
  if (missing.length)
    log.warn(
      `shard(s) ${missing.join(", ")} of ${count} missing: the merged result is incomplete (nothing they cover was checked)`,
    );
}

/** `merge` of findings files: as each shard evaluated them, so no filters and no inventory to save. */
async function mergeFindingsFiles(opts: MergeCommandOptions, env: CommandEnv, log: Logger): Promise<number> {
  if (opts.saveInventory) throw new InputError("--save-inventory: findings files carry no inventory to save");
  const given = Object.keys(activeFilters(opts)) as (keyof RuleFilters)[];
  if (given.length)
    throw new InputError(
      `${FLAG_SOURCE[given[0]!]}: findings files were evaluated by each shard; filters apply when merging inventories`,
    );
  await checkOutputs(runOutputs(opts));
  const shards = [];
  for (const source of opts.inventories) shards.push({ input: fromFindingsFile(await loadFindingsFile(source)), source });
  const { input, missing } = mergeShardFindings(shards);
  const m = input.metadata.merged!;
  log.info(`Merged findings of shards ${m.shards.join(", ")} of ${m.count}: ${input.findings.length} findings`);
  warnMissing(log, missing, m.count);
  const stop = runStop(env, log);
  // The built-in frameworks, read once, for report.html's framework view.
  const failures = await writeStage({ input, notEvaluated: [] }, { ...opts, frameworks: loadFrameworks() }, { stop, log });
  return stop.finish(exitCodeFor(input.findings, isIncomplete(input) || failures.length > 0, opts));
}

/** `merge` of shard inventories: one inventory, enriched and evaluated here with this run's config and rules. */
async function mergeInventories(opts: MergeCommandOptions, env: CommandEnv, log: Logger): Promise<number> {
  const loaded = await loadSetup(setupOptions(opts, env));
  await checkOutputs(runOutputs(opts));
  const data = loadRunData();
  const secrets = scrubContext(loaded.secretHashKey);
  const shards = [];
  for (const source of opts.inventories) shards.push({ inventory: await loadInventory(source, secrets), source });
  const { inventory, missing } = mergeShardInventories(shards);
  const setup = restrictToInventory(loaded, inventory, "the merged inventory");
  const m = inventory.metadata.merged!;
  log.info(`Merged shards ${m.shards.join(", ")} of ${m.count}: ${inventory.resources.length} resources`);
  warnMissing(log, missing, m.count);
  const stop = runStop(env, log);
  const keep = { saveInventory: opts.saveInventory, partialOnStop: false, what: "merged inventory" };
  const result = await inventoryPipeline(
    inventory,
    { setup, data, output: opts, keep },
    { stop, log, clock: env.clock ?? systemClock },
  );
  return stop.finish(result.code);
}

/** Whether a shard file is an inventory or a findings file, from its top-level `kind` (read without the rest). */
async function shardKind(path: string): Promise<"tollgate-inventory" | "tollgate-findings"> {
  let kind: unknown;
  try {
    kind = await readTopLevelMember(path, "kind");
  } catch (e) {
    if (e instanceof JsonStreamError) throw new InputError(`${path}: not valid JSON: ${e.message}`);
    if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string")
      throw new InputError(`${path}: cannot read: ${e.message}`);
    throw e;
  }
  if (kind !== "tollgate-inventory" && kind !== "tollgate-findings")
    throw new InputError(`${path}: neither a Tollgate inventory nor a findings file (/kind)`);
  return kind;
}
