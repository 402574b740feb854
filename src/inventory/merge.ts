import { sortUnits, type ScanUnit } from "../collect/shard.js";
import { InputError } from "../errors.js";
import type { Finding } from "../model/finding.js";
import type { CollectionError, Inventory, Resource, RunMetadata } from "../model/inventory.js";
import type { ReportInput } from "../model/report.js";

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
 * Checks that the inputs are shards of one set without overlap (InputError, exit 2, naming the file otherwise)
 * and returns the merged run metadata. A shard of the set that is missing makes it `complete: false`; `units` is
 * the union of what the shards covered, which is what export scoping reads.
 */
export function mergeShardMetadata(inputs: { metadata: RunMetadata; source: string }[]): {
  metadata: RunMetadata;
  missing: number[];
} {
  if (!inputs.length) throw new InputError("merge: give at least one shard file");
  const first = inputs[0]!;
  const count = first.metadata.shard?.count;
  const seenShard = new Map<number, string>();
  const seenUnit = new Map<string, string>();
  for (const { metadata: m, source } of inputs) {
    if (!m.shard) throw new InputError(`${source}: /metadata/shard is absent: not a shard (scan with --shard i/n)`);
    if (!m.units) throw new InputError(`${source}: /metadata/units is absent: cannot tell which units this shard covered`);
    if (m.shard.count !== count)
      throw new InputError(
        `${source}: /metadata/shard/count is ${m.shard.count}, but ${first.source} is a shard of ${count}: mismatched shard sets`,
      );
    if (JSON.stringify(m.selection ?? {}) !== JSON.stringify(first.metadata.selection ?? {}))
      throw new InputError(
        `${source}: /metadata/selection differs from ${first.source}: shards scanned with different filters, profile or config`,
      );
    if (m.partition !== first.metadata.partition)
      throw new InputError(
        `${source}: /metadata/partition ${m.partition} differs from ${first.source} (${first.metadata.partition})`,
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
  const callers: Record<string, string> = {};
  const accounts = new Set<string>();
  const regions = new Set<string>();
  const units: ScanUnit[] = [];
  let { collectedAt, finishedAt } = first.metadata;
  let complete = missing.length === 0;
  for (const { metadata: m } of inputs) {
    Object.assign(callers, m.callers ?? {});
    for (const a of m.accounts) accounts.add(a);
    for (const r of m.regions) regions.add(r);
    units.push(...m.units!);
    if (m.collectedAt < collectedAt) collectedAt = m.collectedAt;
    if (m.finishedAt > finishedAt) finishedAt = m.finishedAt;
    complete &&= m.complete;
  }
  return {
    missing,
    metadata: {
      toolVersion: first.metadata.toolVersion,
      collectedAt,
      finishedAt,
      partition: first.metadata.partition,
      accounts: [...accounts].sort(),
      regions: [...regions].sort(),
      services: first.metadata.services,
      complete,
      callers,
      units: sortUnits(units),
      merged: { count: count!, shards: [...seenShard.keys()].sort((a, b) => a - b), missing },
      ...(first.metadata.selection ? { selection: first.metadata.selection } : {}),
    },
  };
}

/**
 * Merges the inventories of `scan --shard i/n` runs into one. Refuses (InputError, exit 2) inputs that are not
 * shards, belong to different shard sets (count, partition) or overlap (same shard twice, or shared units or
 * resources); see mergeShardMetadata for completeness.
 */
export function mergeShardInventories(inputs: ShardInput[]): MergeResult {
  const { metadata, missing } = mergeShardMetadata(inputs.map((i) => ({ metadata: i.inventory.metadata, source: i.source })));
  const resources: Resource[] = [];
  const seen = new Map<string, string>();
  const errors = new Map<string, CollectionError>();
  for (const { inventory: inv, source } of inputs) {
    for (const r of inv.resources) {
      // AWS managed policies share one ARN across accounts: a resource is identified within its account.
      const key = `${r.type}|${r.account}|${r.arn}`;
      const other = seen.get(key);
      if (other)
        throw new InputError(
          `${source}: resource ${r.arn} (${r.type}, account ${r.account}) is also in ${other}: overlapping shards`,
        );
      seen.set(key, source);
      resources.push(r);
    }
    // Account-level failures (a role that cannot be assumed, organisation listing) are recorded by every shard.
    for (const e of inv.errors) errors.set(errorId(e), e);
  }
  return {
    missing,
    inventory: {
      kind: "tollgate-inventory",
      formatVersion: inputs[0]!.inventory.formatVersion,
      metadata,
      resources,
      errors: [...errors.values()],
    },
  };
}

/** One shard's findings (a findings.json turned into report input), with where it came from. */
export interface ShardFindingsInput {
  input: ReportInput;
  source: string;
}

/**
 * Merges the findings files of a shard set into one report input. Besides mergeShardMetadata's checks, the shards
 * must have evaluated the same rules (`rulesEvaluated`), and a finding present in two shards is an overlap.
 */
export function mergeShardFindings(inputs: ShardFindingsInput[]): { input: ReportInput; missing: number[] } {
  const { metadata, missing } = mergeShardMetadata(inputs.map((i) => ({ metadata: i.input.metadata, source: i.source })));
  const first = inputs[0]!;
  const rulesOf = (m: RunMetadata) => JSON.stringify([...(m.rulesEvaluated ?? [])].sort());
  const findings: Finding[] = [];
  const seen = new Map<string, string>();
  const coverage = new Map<string, CollectionError>();
  const rules = new Map<string, ReportInput["rules"][number]>();
  for (const { input, source } of inputs) {
    if (rulesOf(input.metadata) !== rulesOf(first.input.metadata))
      throw new InputError(`${source}: /metadata/rulesEvaluated differs from ${first.source}: shards evaluated different rules`);
    for (const f of input.findings) {
      const key = `${f.ruleId}|${f.account}|${f.region}|${f.resourceArn}`;
      const other = seen.get(key);
      if (other)
        throw new InputError(`${source}: finding ${f.ruleId} on ${f.resourceArn} is also in ${other}: overlapping shards`);
      seen.set(key, source);
      findings.push(f);
    }
    for (const e of input.coverage) coverage.set(errorId(e), e);
    for (const r of input.rules) if (!rules.has(r.id)) rules.set(r.id, r);
  }
  const notes = [...new Set(inputs.flatMap((i) => i.input.suppressionNotes ?? []))];
  // Each shard classified its own findings against the baseline; its fixed ones lie within its own units.
  const fixed = inputs.some((i) => i.input.fixed) ? inputs.flatMap((i) => i.input.fixed ?? []) : undefined;
  return {
    missing,
    input: {
      metadata: {
        ...metadata,
        ...(first.input.metadata.rulesEvaluated ? { rulesEvaluated: first.input.metadata.rulesEvaluated } : {}),
      },
      findings,
      rules: [...rules.values()],
      coverage: [...coverage.values()],
      ...(notes.length ? { suppressionNotes: notes } : {}),
      ...(fixed ? { fixed } : {}),
    },
  };
}
