import { sortUnits, type ScanUnit } from "../collect/shard.js";
import { InputError } from "../errors.js";
import type { CollectionError, Inventory, Resource } from "../model/inventory.js";

/** One shard inventory to merge, with where it came from (for messages). */
export interface ShardInput {
  inventory: Inventory;
  source: string;
}

/** The merged inventory and the shards of the set that were not given. */
export interface MergeResult {
  inventory: Inventory;
  missing: number[];
}

const unitId = (u: ScanUnit) => `${u.account}/${u.region}`;
const errorId = (e: CollectionError) =>
  [e.account, e.region, e.service, e.operation, e.resourceArn ?? "", e.errorName, e.httpStatus ?? "", e.message].join("|");

/**
 * Merges the inventories of `scan --shard i/n` runs into one. Refuses (InputError, exit 2) inputs that are not
 * shards, belong to different shard sets (count, partition) or overlap (same shard twice, or shared units or
 * resources). A shard of the set that is missing leaves the result `complete: false`, so nothing is reported as
 * re-checked that was not; `units` is the union of what the shards covered, which is what export scoping reads.
 */
export function mergeShardInventories(inputs: ShardInput[]): MergeResult {
  if (!inputs.length) throw new InputError("merge: give at least one shard inventory");
  const first = inputs[0]!;
  const count = first.inventory.metadata.shard?.count;
  const seenShard = new Map<number, string>();
  const seenUnit = new Map<string, string>();
  for (const { inventory: inv, source } of inputs) {
    const m = inv.metadata;
    if (!m.shard) throw new InputError(`${source}: /metadata/shard is absent: not a shard inventory (scan with --shard i/n)`);
    if (!m.units) throw new InputError(`${source}: /metadata/units is absent: cannot tell which units this shard covered`);
    if (m.shard.count !== count)
      throw new InputError(
        `${source}: /metadata/shard/count is ${m.shard.count}, but ${first.source} is a shard of ${count}: mismatched shard sets`,
      );
    if (m.partition !== first.inventory.metadata.partition)
      throw new InputError(
        `${source}: /metadata/partition ${m.partition} differs from ${first.source} (${first.inventory.metadata.partition})`,
      );
    const dup = seenShard.get(m.shard.index);
    if (dup) throw new InputError(`${source}: shard ${m.shard.index}/${count} overlaps ${dup} (the same shard twice)`);
    seenShard.set(m.shard.index, source);
    for (const u of m.units) {
      const other = seenUnit.get(unitId(u));
      if (other) throw new InputError(`${source}: unit ${unitId(u)} is also covered by ${other}: overlapping shards`);
      seenUnit.set(unitId(u), source);
    }
  }
  const missing: number[] = [];
  for (let i = 1; i <= count!; i++) if (!seenShard.has(i)) missing.push(i);

  const resources: Resource[] = [];
  const arns = new Map<string, string>();
  const errors = new Map<string, CollectionError>();
  const callers: Record<string, string> = {};
  const accounts = new Set<string>();
  const regions = new Set<string>();
  const units: ScanUnit[] = [];
  let collectedAt = first.inventory.metadata.collectedAt;
  let finishedAt = first.inventory.metadata.finishedAt;
  let complete = missing.length === 0;
  for (const { inventory: inv, source } of inputs) {
    const m = inv.metadata;
    for (const r of inv.resources) {
      const key = `${r.type}|${r.account}|${r.arn}`;
      const other = arns.get(key);
      if (other)
        throw new InputError(
          `${source}: resource ${r.arn} (${r.type}, account ${r.account}) is also in ${other}: overlapping shards`,
        );
      arns.set(key, source);
      resources.push(r);
    }
    // Account-level failures (a role that cannot be assumed, organisation listing) are recorded by every shard.
    for (const e of inv.errors) errors.set(errorId(e), e);
    Object.assign(callers, m.callers ?? {});
    for (const a of m.accounts) accounts.add(a);
    for (const r of m.regions) regions.add(r);
    units.push(...m.units!);
    if (m.collectedAt < collectedAt) collectedAt = m.collectedAt;
    if (m.finishedAt > finishedAt) finishedAt = m.finishedAt;
    complete &&= m.complete;
  }
  const shards = [...seenShard.keys()].sort((a, b) => a - b);
  return {
    missing,
    inventory: {
      kind: "tollgate-inventory",
      formatVersion: first.inventory.formatVersion,
      metadata: {
        toolVersion: first.inventory.metadata.toolVersion,
        collectedAt,
        finishedAt,
        partition: first.inventory.metadata.partition,
        accounts: [...accounts].sort(),
        regions: [...regions].sort(),
        services: first.inventory.metadata.services,
        complete,
        callers,
        units: sortUnits(units),
        merged: { count: count!, shards, missing },
      },
      resources,
      errors: [...errors.values()],
    },
  };
}
