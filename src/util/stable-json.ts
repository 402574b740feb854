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
      const entries: [string, unknown][] = [];
      // Without leading keys the default sort (UTF-16 code units) is `order` and much cheaper.
      for (const k of leadingKeys.length ? Object.keys(v).sort(order) : Object.keys(v).sort()) {
        const child = (v as Record<string, unknown>)[k];
        if (child !== undefined) entries.push([k, walk(child)]);
      }
      // Object.fromEntries, not one store per key: from a dozen keys on, objects built a key at a time through this
      // one (generic) store became dictionaries, several times the size (collected SDK output is kept all run).
      return Object.fromEntries(entries);
    }
    return v;
  };
  return walk(value);
}

/** JSON.stringify with a fixed key order, so equal data gives byte-equal files. */
export function stableStringify(value: unknown, options: StableStringifyOptions = {}): string {
  return JSON.stringify(sortKeys(value, options.leadingKeys), null, options.indent ?? 2);
}

/**
 * The text of `stableStringify(value, options)` (2-space indent) in pieces: the top-level object member by member
 * and its array members element by element, so a large document (an organisation's inventory) is written without
 * ever holding its whole text. Joined, the pieces are byte-identical to stableStringify's output.
 */
export function* stableStringifyChunks(value: unknown, options: Omit<StableStringifyOptions, "indent"> = {}): Generator<string> {
  const lead = options.leadingKeys ?? [];
  const nested = (v: unknown, pad: string): string => {
    const s = JSON.stringify(sortKeys(v, lead), null, 2);
    return s.includes("\n") ? s.replace(/\n/g, `\n${pad}`) : s;
  };
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Date) {
    yield stableStringify(value, options);
    return;
  }
  // Same key order and undefined-dropping as sortKeys, applied to the top level only.
  const keys = Object.keys(sortKeys(Object.fromEntries(Object.keys(value).map((k) => [k, 0])), lead) as object).filter(
    (k) => (value as Record<string, unknown>)[k] !== undefined,
  );
  if (!keys.length) {
    yield "{}";
    return;
  }
  yield "{\n";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = (value as Record<string, unknown>)[k];
    yield `  ${JSON.stringify(k)}: `;
    if (Array.isArray(v) && v.length) {
      yield "[\n";
      for (let j = 0; j < v.length; j++)
        yield `    ${nested(v[j] === undefined ? null : v[j], "    ")}${j < v.length - 1 ? ",\n" : "\n"}`;
      yield "  ]";
    } else yield nested(v, "  ");
    yield i < keys.length - 1 ? ",\n" : "\n";
  }
  yield "}";
}
