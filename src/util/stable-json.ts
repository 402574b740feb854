/** Options for {@link stableStringify}. */
export interface StableStringifyOptions {
  /** Indentation passed to JSON.stringify semantics (spaces); 0 for compact. Default 2. */
  indent?: number;
  /** Keys emitted first, in this order, wherever they appear; the rest follow sorted. */
  leadingKeys?: readonly string[];
}

/**
 * JSON.stringify with object keys in a fixed order, so equal data gives byte-equal files.
 * Array order is kept: in our documents array order carries meaning (callers sort where it does not).
 */
export function stableStringify(value: unknown, options: StableStringifyOptions = {}): string {
  const lead = options.leadingKeys ?? [];
  const rank = new Map(lead.map((k, i) => [k, i]));
  const order = (a: string, b: string): number => {
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined || rb !== undefined) return (ra ?? Infinity) - (rb ?? Infinity);
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort(order)) {
        const child = (v as Record<string, unknown>)[k];
        // JSON.stringify drops undefined members; do the same so key order is all that changes.
        if (child !== undefined) out[k] = sortKeys(child);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value), null, options.indent ?? 2);
}
