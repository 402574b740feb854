// The setup's loader of the secret patterns (rules/data/secret-patterns.json): read once per process and passed to
// the pure code that needs them (scrubbing, the API-security enricher), which never reads a file itself.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/paths.js";
import { parseSecretPatterns, SecretMatcher, type SecretPatterns } from "./patterns.js";
import type { SecretHashKey } from "./redaction.js";
import type { ScrubContext } from "./scrub.js";

let cachedPatterns: SecretPatterns | undefined;
/** The shipped secret patterns, read once (rules/data is part of the package). */
export function defaultSecretPatterns(): SecretPatterns {
  cachedPatterns ??= parseSecretPatterns(
    JSON.parse(readFileSync(join(packageRoot(), "rules", "data", "secret-patterns.json"), "utf8")),
  );
  return cachedPatterns;
}

let cachedMatcher: SecretMatcher | undefined;
/** A matcher over the shipped patterns, compiled once. */
export function defaultSecretMatcher(): SecretMatcher {
  cachedMatcher ??= new SecretMatcher(defaultSecretPatterns());
  return cachedMatcher;
}

/** What scrubbing needs, from the shipped patterns and an optional change-detection hash key. */
export function scrubContext(hashKey?: SecretHashKey): ScrubContext {
  return { matcher: defaultSecretMatcher(), ...(hashKey ? { hashKey } : {}) };
}
