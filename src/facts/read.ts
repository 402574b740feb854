/**
 * Defensive readers of inventory data. Raw data comes from AWS or from a saved file, so a value is never assumed to
 * have the shape the SDK documents: each reader answers `undefined` (or an empty list) for anything else, and the
 * fact built from it is then null rather than a guess. The one set used by enrichers and the prober.
 */
import type { JsonValue } from "../model/json.js";

/** A JSON object whose members may be absent. */
export type Obj = Record<string, JsonValue | undefined>;

/** The value as an object, or undefined (null, arrays and scalars are not objects). */
export const obj = (v: JsonValue | undefined): Obj | undefined =>
  v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
/** The value as an array, or undefined. */
export const arr = (v: JsonValue | undefined): JsonValue[] | undefined => (Array.isArray(v) ? v : undefined);
/** The value as an array, or an empty one. */
export const list = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
/** The value as a string, or undefined. */
export const str = (v: JsonValue | undefined): string | undefined => (typeof v === "string" ? v : undefined);
/** The value as a number, or undefined. */
export const num = (v: JsonValue | undefined): number | undefined => (typeof v === "number" ? v : undefined);
/** The strings of a list, others dropped. */
export const strings = (v: JsonValue | undefined): string[] => list(v).filter((x): x is string => typeof x === "string");

/**
 * Join key for an ARN seen from a resource's account. API Gateway ARNs carry no account id, so two accounts' APIs
 * (or stages) can share an ARN in a multi-account inventory; a join by ARN alone would let one account's web ACL or
 * authorizer vouch for another account's stage (a false pass).
 */
export const inAccount = (r: { account: string }, arn: string): string => `${r.account}|${arn}`;
/** Join key of a resource's account and region. */
export const inScope = (r: { account: string; region: string }): string => `${r.account}|${r.region}`;
