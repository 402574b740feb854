// An inventory read from an AWS emulator (LocalStack, moto, the simulator) names APIs that exist only there. Probing
// them at the default https://{apiId}.execute-api.{region}.amazonaws.com would send requests to whoever owns that
// id on real AWS, so probes need an explicit URL template for such an inventory.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import type { AwsConfig, Sourced } from "./config.js";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["169.254.0.0", 16],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv4");
PRIVATE.addSubnet("fc00::", 7, "ipv6");
PRIVATE.addSubnet("fe80::", 10, "ipv6");

/** `loopback`, `private` or undefined for an IP address (IPv4-mapped IPv6 as its IPv4 address). */
function addressKind(address: string): "loopback" | "private" | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const a = mapped ?? address;
  const type = isIP(a) === 6 ? "ipv6" : "ipv4";
  if (LOOPBACK.check(a, type)) return "loopback";
  if (PRIVATE.check(a, type)) return "private";
  return undefined;
}

/**
 * Why an endpoint is an emulator's rather than AWS's: a loopback or private IP address, `localhost` or a name under
 * it, a single-label name (a container such as `localstack`), or a name that resolves to loopback addresses only
 * (`localhost.localstack.cloud`). A name resolving to private addresses is not enough: VPC interface endpoints of
 * real AWS services do. Undefined for anything else, and for names that do not resolve.
 */
export async function emulatorHost(
  url: string,
  resolve: (host: string) => Promise<{ address: string }[]> = (h) => lookup(h, { all: true }),
): Promise<string | undefined> {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (isIP(host)) {
    const kind = addressKind(host);
    return kind ? `a ${kind} address` : undefined;
  }
  if (host === "localhost" || host.endsWith(".localhost")) return "a loopback name";
  if (!host.includes(".")) return "a single-label host name";
  try {
    const addresses = await resolve(host);
    if (addresses.length && addresses.every((a) => addressKind(a.address) === "loopback")) return "a name of loopback addresses";
  } catch {
    // Unresolvable here: not known to be an emulator; the probes themselves will report the failure.
  }
  return undefined;
}

/** The API Gateway endpoint the configuration sends collection to, when it is an emulator's. */
export async function apiGatewayEmulator(config: Pick<AwsConfig, "endpoints">): Promise<(Sourced & { why: string }) | undefined> {
  for (const service of ["apigateway", "apigatewayv2"] as const) {
    const e = config.endpoints[service];
    const why = e && (await emulatorHost(e.value));
    if (e && why) return { ...e, why };
  }
  return undefined;
}
