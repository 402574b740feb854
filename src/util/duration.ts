/** The longest duration accepted: a week, well inside what a Node timer can wait (about 24.8 days). */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000 } as const;

/**
 * Parses a duration such as `30m`, `90s`, `2h` or `1h30m` (hours, minutes, seconds, in that order) into
 * milliseconds; undefined when the text is not one, is zero, or is longer than MAX_DURATION_MS.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m || !(m[1] || m[2] || m[3])) return undefined;
  const ms = Number(m[1] ?? 0) * UNIT_MS.h + Number(m[2] ?? 0) * UNIT_MS.m + Number(m[3] ?? 0) * UNIT_MS.s;
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** What a valid duration looks like, for error messages. */
export const DURATION_HINT = "a duration such as 90s, 30m, 2h or 1h30m (at most 168h)";

/** A duration in words for messages, e.g. `1h30m`, `90s` → `1m30s`. */
export function formatDuration(ms: number): string {
  const h = Math.floor(ms / UNIT_MS.h);
  const m = Math.floor((ms % UNIT_MS.h) / UNIT_MS.m);
  const s = Math.round((ms % UNIT_MS.m) / 1000);
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
}
