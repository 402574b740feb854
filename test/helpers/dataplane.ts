import { startDataPlane, type DataPlane, type DataPlaneStage } from "../../fixtures/simulator/dataplane.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";

/** Test credentials; the redaction tests assert none of these strings is ever written. */
export const PROBE_CREDS = {
  accessKeyId: "AKIAPROBETEST0000001",
  secretAccessKey: "probe-secret-Do-Not-Leak-0123456789abcdef",
  sessionToken: "probe-session-token-Do-Not-Leak-FwoGZXIvYXdzE",
} as const;

/** An API key value the data plane accepts (never sent by the prober, never written). */
export const PROBE_API_KEY = "probe-api-key-Do-Not-Leak-42";

/** Starts a data plane on loopback with a fresh PKI; `dispose` closes both. */
export async function dataPlane(stages: DataPlaneStage[]): Promise<{ dp: DataPlane; pki: TestPki; dispose(): Promise<void> }> {
  const pki = generateTestPki();
  const dp = await startDataPlane({
    stages,
    pki,
    apiKeys: [PROBE_API_KEY],
    keys: (id) =>
      id === PROBE_CREDS.accessKeyId
        ? { secretAccessKey: PROBE_CREDS.secretAccessKey, sessionToken: PROBE_CREDS.sessionToken }
        : undefined,
  });
  return {
    dp,
    pki,
    dispose: async () => {
      await dp.close();
      pki.dispose();
    },
  };
}
