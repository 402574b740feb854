import { describe, expect, it } from "vitest";
import { shareCredentials } from "../../src/collect/scope.js";

describe("assumed-role credentials shared across an account's clients", () => {
  it("calls the provider once while the credentials are fresh, again when they near expiry, and not after a failure is cached", async () => {
    let calls = 0;
    let expiration = new Date(Date.now() + 3600_000);
    let fail = false;
    const shared = shareCredentials(async () => {
      calls += 1;
      if (fail) throw new Error("AccessDenied");
      return { accessKeyId: "ASIA", secretAccessKey: "s", expiration };
    });
    await Promise.all([shared(), shared(), shared()]);
    await shared();
    expect(calls).toBe(1);
    expiration = new Date(Date.now() + 60_000); // the next set is near expiry too
    const stale = shareCredentials(async () => {
      calls += 1;
      return { accessKeyId: "ASIA", secretAccessKey: "s", expiration };
    });
    calls = 0;
    await stale();
    await Promise.all([stale(), stale()]);
    expect(calls).toBe(2);
    fail = true;
    const failing = shareCredentials(async () => {
      calls += 1;
      throw new Error("AccessDenied");
    });
    calls = 0;
    await expect(failing()).rejects.toThrow("AccessDenied");
    await expect(failing()).rejects.toThrow("AccessDenied");
    expect(calls).toBe(2);
  });
});
