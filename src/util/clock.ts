/** A source of the current time, injected so enrichers and tests are deterministic. */
export type Clock = () => Date;

/** The real clock. */
export const systemClock: Clock = () => new Date();

/** A clock frozen at `iso`. */
export function fixedClock(iso: string | Date): Clock {
  const t = new Date(iso).getTime();
  return () => new Date(t);
}

/** Whole days between two instants (floor), never negative. */
export function daysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 86_400_000));
}
