import { RESOURCE_TYPE_SOURCES } from "../../src/engine/resource-types.js";
import type { Rule } from "../../src/engine/rules.js";

/**
 * The distinct sources a rule reads: operations feeding something it reads (not the listings its resources come
 * from, whose failure leaves no resource to judge), one group per set of locations fed (GenerateCredentialReport
 * and GetCredentialReport feed the same report).
 */
export function ruleSources(rule: Rule): string[][] {
  const src = RESOURCE_TYPE_SOURCES[rule.resourceType];
  const groups = new Map<string, string[]>();
  for (const op of rule.dependsOn) {
    const feed = src.feeds[op];
    if (!feed || op in src.listedBy) continue;
    const key = JSON.stringify(feed.paths);
    groups.set(key, [...(groups.get(key) ?? []), op]);
  }
  return [...groups.values()];
}
