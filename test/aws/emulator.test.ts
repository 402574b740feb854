import { describe, expect, it } from "vitest";
import { emulatorHost } from "../../src/aws/emulator.js";

describe("emulatorHost: is an endpoint an emulator's rather than AWS's?", () => {
  const noDns = () => Promise.reject(new Error("no DNS in this test"));

  it("loopback and private addresses, IPv4 and IPv6, are emulators", async () => {
    expect(await emulatorHost("http://127.0.0.1:4566", noDns)).toBe("a loopback address");
    expect(await emulatorHost("http://127.9.9.9", noDns)).toBe("a loopback address");
    expect(await emulatorHost("http://[::1]:4566", noDns)).toBe("a loopback address");
    expect(await emulatorHost("http://[::ffff:127.0.0.1]:4566", noDns)).toBe("a loopback address");
    for (const ip of ["10.1.2.3", "172.20.0.5", "192.168.1.10", "169.254.169.254", "[fd00::5]"])
      expect(await emulatorHost(`http://${ip}:4566`, noDns)).toBe("a private address");
    expect(await emulatorHost("https://52.94.236.248", noDns)).toBeUndefined();
    expect(await emulatorHost("http://172.32.0.1", noDns)).toBeUndefined();
  });

  it("localhost names and single-label (container) names are emulators without asking DNS", async () => {
    expect(await emulatorHost("http://localhost:4566", noDns)).toBe("a loopback name");
    expect(await emulatorHost("http://aws.localhost:4566", noDns)).toBe("a loopback name");
    expect(await emulatorHost("http://localstack:4566", noDns)).toBe("a single-label host name");
  });

  it("a name is an emulator only when every address it resolves to is loopback (VPC endpoints resolve to private ones)", async () => {
    const dns = (answers: Record<string, string[]>) => (h: string) =>
      Promise.resolve((answers[h] ?? []).map((address) => ({ address })));
    const names = dns({
      "localhost.localstack.cloud": ["127.0.0.1", "::1"],
      "vpce-0a1b.apigateway.us-east-1.vpce.amazonaws.com": ["10.0.3.17"],
      "half.example": ["127.0.0.1", "203.0.113.5"],
    });
    expect(await emulatorHost("http://localhost.localstack.cloud:4566", names)).toBe("a name of loopback addresses");
    expect(await emulatorHost("https://vpce-0a1b.apigateway.us-east-1.vpce.amazonaws.com", names)).toBeUndefined();
    expect(await emulatorHost("https://half.example", names)).toBeUndefined();
    expect(await emulatorHost("https://apigateway.us-east-1.amazonaws.com", noDns)).toBeUndefined();
  });
});
