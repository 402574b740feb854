import { describe, expect, it } from "vitest";
import { REFRESH_MARGIN_MS, shareCredentials } from "../../src/aws/identity.js";

const T0 = Date.parse("2026-06-01T12:00:00Z");

describe("assumed-role credentials shared across an account's clients", () => {
  it("calls the provider once while the credentials are fresh, again when they near expiry (by the run's clock), and not after a failure is cached", async () => {
    let now = T0;
    const clock = () => new Date(now);
    let calls = 0;
    const expiration = new Date(T0 + 3600_000);
    const shared = shareCredentials(async () => {
      calls += 1;
      return { accessKeyId: "ASIA", secretAccessKey: "s", expiration };
    }, clock);
    await Promise.all([shared(), shared(), shared()]);
    await shared();
    expect(calls).toBe(1);
    // Within the refresh margin of the expiry, by the injected clock (not the machine's): one shared refresh.
    now = expiration.getTime() - REFRESH_MARGIN_MS + 1;
    await Promise.all([shared(), shared(), shared()]);
    expect(calls).toBe(2);

    calls = 0;
    const failing = shareCredentials(async () => {
      calls += 1;
      throw new Error("AccessDenied");
    }, clock);
    await expect(failing()).rejects.toThrow("AccessDenied");
    await expect(failing()).rejects.toThrow("AccessDenied");
    expect(calls).toBe(2);
  });
});
