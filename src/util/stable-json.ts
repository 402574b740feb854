/** Options for {@link stableStringify}. */
export interface StableStringifyOptions {
  /** Indentation (spaces); 0 for compact. Default 2. */
  indent?: number;
  /** Keys emitted first, in this order, wherever they appear; the rest follow sorted. */
  leadingKeys?: readonly string[];
}

/**
 * Returns a deep copy of `value` whose object keys are sorted (leading keys first), Dates as ISO strings
 * and undefined members dropped. Array order is kept: in our documents it can carry meaning (policy
 * statements); callers sort where it does not.
 */
export function sortKeys(value: unknown, leadingKeys: readonly string[] = []): unknown {
  const rank = new Map(leadingKeys.map((k, i) => [k, i]));
  const order = (a: string, b: string): number => {
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined || rb !== undefined) return (ra ?? Infinity) - (rb ?? Infinity);
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Date) return v.toISOString();
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort(order)) {
        const child = (v as Record<string, unknown>)[k];
        if (child !== undefined) out[k] = walk(child);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

/** JSON.stringify with a fixed key order, so equal data gives byte-equal files. */
export function stableStringify(value: unknown, options: StableStringifyOptions = {}): string {
  return JSON.stringify(sortKeys(value, options.leadingKeys), null, options.indent ?? 2);
}
