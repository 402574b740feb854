import { createRequire } from "node:module";
import type * as CoreClient from "@aws-sdk/core/client";
import { InputError } from "../errors.js";

// The SDK's client core (which holds the partition data) weighs ~15 MB and most of a start-up's time: it is
// required on the first region check, not when the CLI starts (`--help` never needs it).
type Partition = typeof CoreClient.partition;
let partitionFn: Partition | undefined;
function partition(region: string): ReturnType<Partition> {
  partitionFn ??= (createRequire(import.meta.url)("@aws-sdk/core/client") as typeof CoreClient).partition;
  return partitionFn(region);
}

/**
 * True for a region the AWS SDK's partition data knows (every partition: aws, aws-cn, aws-us-gov, the sovereign
 * and isolated ones). The `*-global` pseudo-regions are endpoint aliases, not regions to scan.
 */
export function isKnownRegion(region: string): boolean {
  return !region.endsWith("-global") && "description" in partition(region);
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known region closest to a misspelt one, when one is close enough to be what was meant. */
function closestRegion(region: string, known: readonly string[]): string | undefined {
  let best: { r: string; d: number } | undefined;
  for (const r of known) {
    const d = distance(region, r);
    if (!best || d < best.d) best = { r, d };
  }
  return best && best.d <= 2 ? best.r : undefined;
}

/** Every region of the SDK's partition data (for suggestions). */
function knownRegions(): string[] {
  // `partition()` answers one name at a time; these prefixes and numbers cover every region AWS has named.
  const out: string[] = [];
  for (const area of ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "us-gov", "eusc-de"])
    for (const dir of ["east", "west", "north", "south", "central", "northeast", "southeast", "northwest", "southwest"])
      for (let n = 1; n <= 9; n++) {
        const r = `${area}-${dir}-${n}`;
        if (isKnownRegion(r)) out.push(r);
      }
  return out;
}

/** What is wrong with a region name, or undefined for a region AWS has (with a "did you mean" for a near miss). */
export function regionProblem(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  const guess = closestRegion(region, knownRegions());
  return (
    `unknown region ${JSON.stringify(region)}${guess ? ` (did you mean ${guess}?)` : ""}; ` +
    "give a region AWS has, e.g. us-east-1 or eu-west-1"
  );
}

/**
 * Refuses a region AWS does not have (exit 2), naming where it was set (`AWS_REGION`, `--regions`, a profile's
 * `region`), before any call is made with it: a typo would otherwise become a DNS failure per call.
 */
export function checkRegion(region: string, source: string): void {
  const problem = regionProblem(region);
  if (problem) throw new InputError(`${source}: ${problem}`);
}
