// A client builds its SigV4 signer once instead of on every request (#19: the SDK's factory copied the whole client
// configuration into a new signer per call). Against the simulator, which verifies every signature: the reused signer
// still signs with the credentials the client's provider gives at each call, so refreshed (or revoked) credentials
// take effect on the next request.
import { GetAccountSummaryCommand, IAMClient } from "@aws-sdk/client-iam";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { reuseSigner } from "../../src/aws/clients.js";
import { sharedSdkConfig } from "../../src/aws/sdk-config.js";
import { awsClient } from "../../src/collect/clients.js";
import { account, callerCredentials, sim } from "../helpers/sim.js";

const home = account("clean");
let s: Simulator;

beforeAll(async () => {
  s = await sim([home]);
});
afterAll(() => s.close());

type SignerFactory = (authScheme?: object) => Promise<unknown>;
const signerOf = (client: { config: unknown }) => (client.config as { signer: SignerFactory }).signer;

describe("SigV4 signer reuse (reuseSigner)", () => {
  it("builds one signer per client, which signs with the credentials of each call", async () => {
    const good = callerCredentials(home);
    let current: AwsCredentialIdentity = good;
    let asked = 0;
    const iam = awsClient(
      IAMClient,
      {
        // Credentials that expire within the SDK's refresh window: its provider asks again before each call.
        credentials: async () => {
          asked += 1;
          return { ...current, expiration: new Date(Date.now() + 60_000) };
        },
        maxAttempts: 1,
        userAgent: "tollgate-test",
        endpoints: { iam: s.endpoint },
        sdk: sharedSdkConfig(),
      },
      "us-east-1",
      "iam",
    );
    try {
      await iam.send(new GetAccountSummaryCommand({}));
      const signer = await signerOf(iam)();
      await iam.send(new GetAccountSummaryCommand({}));
      expect(await signerOf(iam)()).toBe(signer);

      // Credentials the simulator does not know: the same signer now signs with them, and the call is refused.
      current = { accessKeyId: good.accessKeyId, secretAccessKey: "not-the-secret" };
      const refused = await iam.send(new GetAccountSummaryCommand({})).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).name).toBe("SignatureDoesNotMatch");

      // The provider gives the right ones again: the next call is signed with them and answered.
      current = good;
      const out = await iam.send(new GetAccountSummaryCommand({}));
      expect(out.SummaryMap).toBeDefined();
      expect(await signerOf(iam)()).toBe(signer);
      expect(asked).toBeGreaterThanOrEqual(4);
    } finally {
      iam.destroy();
    }
  });

  it("keeps one signer per auth scheme and forgets a failed build", async () => {
    let built = 0;
    let fail = true;
    const client = {
      config: {
        signer: async (scheme?: { signingRegion?: string }) => {
          built += 1;
          if (fail) throw new Error("region provider failed");
          return { region: scheme?.signingRegion };
        },
      } as { signer: SignerFactory },
    };
    reuseSigner(client);
    await expect(client.config.signer()).rejects.toThrow("region provider failed");
    fail = false;
    const a = await client.config.signer();
    expect(await client.config.signer()).toBe(a);
    const eu = await client.config.signer({ signingRegion: "eu-west-1" });
    expect(eu).toEqual({ region: "eu-west-1" });
    expect(await client.config.signer({ signingRegion: "eu-west-1" })).toBe(eu);
    expect(built).toBe(3);
  });

  it("leaves a client without a signer factory as it is", () => {
    const client = { config: { region: "us-east-1" } };
    reuseSigner(client);
    expect(client.config).toEqual({ region: "us-east-1" });
  });
});
