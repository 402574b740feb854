import type { CollectionError } from "../model/inventory.js";

const NETWORK_ERRORS = new Set([
  "TimeoutError",
  "RequestTimeout",
  "AbortError",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * An answer Tollgate refuses to believe: an empty or HTML body, a body the SDK could not read, one lacking members
 * its operation always returns, or a listing that never ends. It is a failed call like AccessDenied: recorded in the
 * inventory, never turned into "no resources". `name` says what was wrong (it becomes the error's `errorName`).
 */
export class UntrustedResponseError extends Error {
  /** Shaped like the SDK's own errors so retries and `toCollectionError` treat it the same way. */
  readonly $metadata: { httpStatusCode?: number };

  constructor(name: string, message: string, httpStatusCode?: number) {
    super(message);
    this.name = name;
    this.$metadata = httpStatusCode === undefined ? {} : { httpStatusCode };
  }
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** True for a network-level failure (reset, refused, timed out), which the SDK retries as transient. */
export function isNetworkError(e: unknown): boolean {
  const err = e as SdkLikeError | null;
  return NETWORK_ERRORS.has(err?.name ?? "") || NETWORK_ERRORS.has(err?.code ?? "");
}

/**
 * True for failures of an AWS call (a service error or a network failure) that must be recorded as a
 * coverage gap. Anything else is a bug in Tollgate and must not be swallowed.
 */
export function isAwsCallFailure(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  if (e instanceof UntrustedResponseError) return true;
  const err = e as SdkLikeError;
  if (err.$metadata !== undefined) return true;
  return isNetworkError(e);
}

/** Turns a failed call into an inventory error record. */
export function toCollectionError(
  e: unknown,
  where: { account: string; region: string; service: string; operation: string; resourceArn?: string },
): CollectionError {
  const err = e as SdkLikeError;
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  return {
    ...where,
    errorName: err.name && err.name !== "Error" ? err.name : (err.code ?? "Error"),
    ...(status !== undefined ? { httpStatus: status } : {}),
    message: (err.message ?? String(e)).slice(0, 500),
  };
}

/**
 * One failed call as evidence text: `service:Operation failed: ErrorName (HTTP n): message`. Error findings cite
 * their calls this way, and coverage causes (src/report/coverage.ts) find the findings a call left unevaluated by that form.
 */
export function describeCallError(e: CollectionError): string {
  return `${e.service}:${e.operation} failed: ${e.errorName}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ""}: ${e.message}`;
}
