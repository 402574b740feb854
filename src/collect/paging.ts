/** Drains an SDK paginator, concatenating one list field of every page. */
export async function drain<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...(items(p) ?? []));
  return out;
}

/**
 * A manual token loop for list calls without an SDK paginator. Stops on a missing or empty token, and
 * refuses a token that repeats (a service bug would otherwise loop forever).
 */
export async function tokenLoop<P, T>(
  call: (token: string | undefined) => Promise<P>,
  items: (page: P) => T[] | undefined,
  next: (page: P) => string | undefined,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const p = await call(token);
    out.push(...(items(p) ?? []));
    token = next(p);
    if (!token) return out;
    if (seen.has(token)) throw new Error(`pagination token repeated: ${token}`);
    seen.add(token);
  }
}
