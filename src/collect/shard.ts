import { InputError } from "../errors.js";

/** One shard of a scan: `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** An (account, region) unit of sharding; region `global` for global services (IAM). */
export interface ScanUnit {
  account: string;
  region: string;
}

/** Parses `i/n` (1 ≤ i ≤ n); an InputError names `where` otherwise. */
export function parseShard(text: string, where = "--shard"): Shard {
  const m = /^([0-9]+)\/([0-9]+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new InputError(`${where}: ${JSON.stringify(text)} must be i/n with 1 ≤ i ≤ n (e.g. 2/4)`);
  return { index, count };
}

/**
 * The shard (1..count) that owns an (account, region) unit: FNV-1a (32-bit) of `account/region`, modulo
 * `count`, plus one. Stable across runs, machines and Tollgate versions (changing it would make old shard sets
 * unmergeable), and independent of which other accounts or regions are in scope.
 */
export function shardOf(unit: ScanUnit, count: number): number {
  let h = 0x811c9dc5;
  const s = `${unit.account}/${unit.region}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}

/** Whether `shard` owns the unit (every unit belongs to an unsharded scan). */
export function inShard(unit: ScanUnit, shard: Shard | undefined): boolean {
  return !shard || shardOf(unit, shard.count) === shard.index;
}

/** Sorts units by account then region, for stable metadata. */
export function sortUnits(units: ScanUnit[]): ScanUnit[] {
  return [...units].sort((a, b) =>
    a.account !== b.account ? (a.account < b.account ? -1 : 1) : a.region < b.region ? -1 : a.region > b.region ? 1 : 0,
  );
}
