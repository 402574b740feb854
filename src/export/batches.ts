import { findingBytes, type AsffFinding } from "./asff.js";

/** BatchImportFindings limits (Security Hub user guide, finding-update-batchimportfindings.md). */
export const BATCH_LIMITS = { maxFindings: 100, maxBytes: 6 * 1024 * 1024 } as const;

// `{"Findings":[` + `]}`: the request body around the findings.
const ENVELOPE_BYTES = 16;

/** Splits findings into request-sized batches (≤100 findings and ≤6 MB each), keeping their order. */
export function toBatches(
  findings: AsffFinding[],
  limits: { maxFindings: number; maxBytes: number } = BATCH_LIMITS,
): AsffFinding[][] {
  const batches: AsffFinding[][] = [];
  let current: AsffFinding[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const f of findings) {
    const size = findingBytes(f) + 1; // the separating comma
    if (current.length && (current.length >= limits.maxFindings || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    current.push(f);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** A token bucket: `ratePerSecond` sustained, `capacity` burst; time and sleep injected for tests. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Waits until a request may be sent, then spends one token. */
  async take(): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.ratePerSecond) / 1000);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
    }
  }
}
