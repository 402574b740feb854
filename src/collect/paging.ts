import { UntrustedResponseError } from "../aws/call-error.js";
import { responseContract } from "./response-contracts.js";

/** Pages one listing may take: generous (10 million IAM entities at 1,000 a page), yet a bound on a broken service. */
export const MAX_PAGES = 10_000;

/** One paged listing: its service (as in response-contracts.ts), its operation and its page cap (default MAX_PAGES). */
export interface Listing {
  service: string;
  operation: string;
  maxPages?: number;
}

/**
 * Reads each page's next token (the member response-contracts.ts names) and refuses a listing that would never end:
 * a token it already returned (any earlier one, not only the last) or more pages than the cap. The refusal is an
 * UntrustedResponseError, so the listing is recorded as a failed call instead of looping or growing forever.
 */
function pageGuard(listing: Listing): (page: object) => string | undefined {
  const { service, operation } = listing;
  const member = responseContract(service, operation).nextToken;
  if (!member) throw new Error(`${service}:${operation} is paged, but response-contracts.ts names no nextToken for it`);
  const max = listing.maxPages ?? MAX_PAGES;
  const seen = new Set<string>();
  let pages = 0;
  return (page) => {
    pages += 1;
    const token = (page as Record<string, unknown>)[member];
    if (typeof token !== "string" || !token) return undefined;
    if (seen.has(token))
      throw new UntrustedResponseError(
        "PaginationLoop",
        `${service}:${operation} returned page ${pages} with a ${member} it had already returned; the listing would never end`,
      );
    if (pages >= max)
      throw new UntrustedResponseError(
        "PageLimitExceeded",
        `${service}:${operation} still had more pages after ${pages}, the most one listing may take`,
      );
    seen.add(token);
    return token;
  };
}

/** Drains an SDK paginator, concatenating one list field of every page, under the loop guard. */
export async function drain<P extends object, T>(
  listing: Listing,
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const next = pageGuard(listing);
  const out: T[] = [];
  for await (const p of pages) {
    out.push(...(items(p) ?? []));
    // The paginator decides when the listing ends; the guard only stops one that would go round forever.
    next(p);
  }
  return out;
}

/** A token loop for list calls without an SDK paginator (API Gateway v2, WAFv2, …), under the loop guard. */
export async function tokenLoop<P extends object, T>(
  listing: Listing,
  call: (token: string | undefined) => Promise<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const next = pageGuard(listing);
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await call(token);
    out.push(...(items(p) ?? []));
    token = next(p);
  } while (token !== undefined);
  return out;
}
