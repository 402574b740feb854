/**
 * Fixed-size bit sets over catalogue action indices.
 *
 * Effective-permission algebra (allow − deny, ∩ boundary) runs for every principal of large
 * accounts; word-wise operations on ~22k-bit sets keep that linear and allocation-light.
 */

/** A mutable set of action indices backed by 32-bit words. */
export type BitSet = Uint32Array;

/** An empty set able to hold `size` indices. */
export function emptyBits(size: number): BitSet {
  return new Uint32Array((size + 31) >>> 5);
}

/** A set holding every index in `[0, size)`. */
export function fullBits(size: number): BitSet {
  const b = emptyBits(size);
  b.fill(0xffffffff);
  const rem = size & 31;
  if (rem !== 0) b[b.length - 1] = (1 << rem) - 1;
  return b;
}

/** Adds one index. */
export function setBit(b: BitSet, i: number): void {
  b[i >>> 5]! |= 1 << (i & 31);
}

/** Whether the index is present. */
export function hasBit(b: BitSet, i: number): boolean {
  return ((b[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
}

/** `a |= b` in place. */
export function orInto(a: BitSet, b: BitSet): void {
  for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
}

/** `a &= b` in place. */
export function andInto(a: BitSet, b: BitSet): void {
  for (let i = 0; i < a.length; i++) a[i]! &= b[i]!;
}

/** `a &= ~b` in place. */
export function andNotInto(a: BitSet, b: BitSet): void {
  for (let i = 0; i < a.length; i++) a[i]! &= ~b[i]!;
}

/** `~a` restricted to `[0, size)`, as a new set. */
export function complement(a: BitSet, size: number): BitSet {
  const r = fullBits(size);
  andNotInto(r, a);
  return r;
}

/** Number of indices present. */
export function countBits(b: BitSet): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    let v = b[i]!;
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0xf0f0f0f) * 0x1010101) >>> 24;
  }
  return n;
}

/** Whether no index is present. */
export function isEmptyBits(b: BitSet): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Whether every index of `sub` is in `sup`. */
export function isSubset(sub: BitSet, sup: BitSet): boolean {
  for (let i = 0; i < sub.length; i++) if ((sub[i]! & ~sup[i]!) !== 0) return false;
  return true;
}

/** Calls `fn` for each index present, in ascending order. */
export function forEachBit(b: BitSet, fn: (i: number) => void): void {
  for (let w = 0; w < b.length; w++) {
    let v = b[w]!;
    while (v !== 0) {
      const t = v & -v;
      fn((w << 5) + 31 - Math.clz32(t));
      v ^= t;
    }
  }
}
