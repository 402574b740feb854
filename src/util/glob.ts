/**
 * Matches `text` against a glob where `*` is any run of characters (possibly empty) and `?` is exactly one.
 * Every other character is literal. Deliberately no regex: patterns come from users' config files, and a
 * regex built from them would invite both escaping bugs and catastrophic backtracking.
 */
export function globMatch(pattern: string, text: string): boolean {
  // Classic two-pointer wildcard match with single-star backtracking: linear-ish, never exponential.
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === "?" || (pc !== undefined && pc !== "*" && pc === text[t])) {
      p++;
      t++;
    } else if (pc === "*") {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/** True when the pattern has no wildcard, so it can be compared with `===`. */
export function isLiteralGlob(pattern: string): boolean {
  return !pattern.includes("*") && !pattern.includes("?");
}

/**
 * Matches an ARN against an ARN pattern component by component (partition, service, region, account,
 * resource), so a `*` in the account never swallows the region's colon. The resource part may contain colons.
 */
export function arnMatch(pattern: string, arn: string): boolean {
  const pp = splitArn(pattern);
  const ap = splitArn(arn);
  if (!pp || !ap) return false;
  return pp.every((part, i) => globMatch(part, ap[i]!));
}

function splitArn(s: string): string[] | undefined {
  const parts = s.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(1, 5), parts.slice(5).join(":")];
}
