import { createHmac } from "node:crypto";
import { InputError } from "../errors.js";
import type { SecretMatch } from "./patterns.js";

/** The placeholder written instead of a secret whose pattern is not recorded (request headers). */
export const REDACTED = "[redacted]";

/** The environment variable holding the key of the change-detection hash (docs/secrets.md). */
export const SECRET_HASH_KEY_ENV = "TOLLGATE_SECRET_HASH_KEY";

/** Shortest accepted key: a guessable key would let a reader of the file confirm guesses again. */
const MIN_KEY_LENGTH = 32;

/**
 * The key of the change-detection hash: HMAC-SHA-256 under a secret the inventory never contains. Without it a
 * reader of the file could hash candidate values (a salt stored beside the hash does not stop that), so the key
 * lives outside every output, and the `id` written with each hash only says which key made it.
 */
export interface SecretHashKey {
  key: Buffer;
  /** First 8 hex digits of HMAC(key, a fixed label): hashes made under different keys are not comparable. */
  id: string;
}

/** Builds a hash key from its text; refuses (exit 2) one shorter than 32 characters. */
export function secretHashKey(text: string, source = SECRET_HASH_KEY_ENV): SecretHashKey {
  if (text.length < MIN_KEY_LENGTH)
    throw new InputError(
      `${source}: the secret hash key must be at least ${MIN_KEY_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`,
    );
  const key = Buffer.from(text, "utf8");
  return { key, id: createHmac("sha256", key).update("tollgate secret-hash key id").digest("hex").slice(0, 8) };
}

/**
 * The key from `env`'s TOLLGATE_SECRET_HASH_KEY, or undefined when unset (then no hash is written at all). The
 * environment is the caller's to give (the CLI's setup passes the process's): nothing here reads it on its own.
 */
export function secretHashKeyFromEnv(env: Readonly<Record<string, string | undefined>>): SecretHashKey | undefined {
  const text = env[SECRET_HASH_KEY_ENV];
  return text ? secretHashKey(text) : undefined;
}

/** How a secret is replaced: the marker records why (and, with a key, a keyed hash), never the value. */
export function redactionMarker(match: SecretMatch, secret: string, key: SecretHashKey | undefined): string {
  if (!key) return `[redacted ${match}]`;
  const hash = createHmac("sha256", key.key).update(secret, "utf8").digest("hex").slice(0, 32);
  return `[redacted ${match} hmac-sha256:${key.id}:${hash}]`;
}

const MARKER = /^\[redacted(?: ((?:name|value):[a-z0-9-]+))?(?: hmac-sha256:([0-9a-f]{8}):([0-9a-f]{32}))?\]$/;

/** What a redaction marker says; undefined for any other string. */
export function parseRedactionMarker(s: string): { match?: SecretMatch; hash?: { keyId: string; value: string } } | undefined {
  const m = MARKER.exec(s);
  if (!m) return undefined;
  return {
    ...(m[1] ? { match: m[1] as SecretMatch } : {}),
    ...(m[2] && m[3] ? { hash: { keyId: m[2], value: m[3] } } : {}),
  };
}

/** Whether a string is a redaction marker (already redacted: never redacted again). */
export function isRedactionMarker(s: string): boolean {
  return s.startsWith("[redacted") && MARKER.test(s);
}
