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

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/**
 * True for failures of an AWS call (a service error or a network failure) that must be recorded as a
 * coverage gap. Anything else is a bug in Tollgate and must not be swallowed.
 */
export function isAwsCallFailure(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as SdkLikeError;
  if (err.$metadata !== undefined) return true;
  return NETWORK_ERRORS.has(err.name ?? "") || NETWORK_ERRORS.has(err.code ?? "");
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
