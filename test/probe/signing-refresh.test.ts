// Probe signing credentials are refreshed (#16 item 5): a probe run that outlives an assumed-role session signs its
// later requests with a new session from src/aws/identity.ts, never with a snapshot taken when it started. Against the
// simulator: its STS issues the sessions, and the data plane verifies SigV4 with the simulator's own keys, refusing
// an expired session as AWS does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDataPlane, type DataPlane, type DataPlaneStage } from "../../fixtures/simulator/dataplane.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";
import { assumedRoleCredentials, REFRESH_MARGIN_MS, signingCredentials } from "../../src/aws/identity.js";
import type { ProbeProgress } from "../../src/collect/progress.js";
import { runProbes, type ProbeRunResult } from "../../src/probe/prober.js";
import { fixedSigningCredentials, type SigningCredentialSource } from "../../src/probe/sign.js";
import type { ProbeTarget } from "../../src/probe/types.js";
import { memoryLogger } from "../../src/util/logger.js";
import { memberAccount } from "../helpers/accounts.js";
import { account, callerCredentials, sim } from "../helpers/sim.js";

const home = account("clean");
const MEMBER = "310000000009";
const member = memberAccount(MEMBER, "PRMEMBER", { roleName: "TollgateProbe", trustedAccount: home.accountId });
const STAGES: DataPlaneStage[] = [
  { apiId: "iam", stage: "prod", routes: [{ method: "GET", path: "/{n}", auth: "AWS_IAM" }] },
  // Echoes the request back (headers included): the new session's token must be redacted like the first one's.
  { apiId: "echo", stage: "prod", misbehave: { echoRequest: true }, routes: [{ method: "GET", path: "/{n}", auth: "AWS_IAM" }] },
];

let s: Simulator;
let pki: TestPki;
let dp: DataPlane;

beforeAll(async () => {
  s = await sim([home, member]);
  pki = generateTestPki();
  // The data plane knows the simulator's keys, assumed-role sessions included, with their expiry (real time).
  dp = await startDataPlane({
    stages: STAGES,
    pki,
    keys: (id) => {
      const k = s.state.keys.get(id);
      if (!k) return undefined;
      return {
        secretAccessKey: k.secretAccessKey,
        ...(k.sessionToken ? { sessionToken: k.sessionToken } : {}),
        ...(k.expiresAt && k.expiresAt.getTime() < Date.now() ? { expired: true } : {}),
      };
    },
  });
});
afterAll(async () => {
  await dp?.close();
  pki?.dispose();
  await s?.close();
});

const target = (apiId: string, n: number): ProbeTarget => ({
  id: `${apiId} GET /${n}`,
  account: MEMBER,
  region: "us-east-1",
  baseUrl: dp.baseUrl(apiId, "prod"),
  httpBaseUrl: dp.httpBaseUrl(apiId, "prod"),
  path: `/${n}`,
  method: "GET",
  expect: { auth: "AWS_IAM" },
});

/** A session of the member's role (15 minutes by default), as a profile with `role_arn` gives the run, on its clock. */
function session(clock: () => Date, durationSeconds = 900) {
  const base = {
    credentials: callerCredentials(home),
    maxAttempts: 1,
    userAgent: "tollgate-test",
    endpoints: { sts: s.endpoint },
  };
  const role = {
    roleName: "TollgateProbe",
    sessionName: "tollgate-probe",
    durationSeconds,
    region: "us-east-1",
    partition: "aws",
  };
  return assumedRoleCredentials(base, MEMBER, { ...role, clock });
}

/**
 * The run's credential chain: a 15-minute session, then hour-long ones. (The simulator dates its sessions by real
 * time while the test's clock jumps to the first one's end; a later session as short would look near its end too.)
 */
function chain(clock: () => Date) {
  const first = session(clock);
  const later = session(clock, 3600);
  let calls = 0;
  return () => (calls++ === 0 ? first() : later());
}

/**
 * Probes `targets` one at a time; once the first is done the session it was signed with expires (in the simulator,
 * and by the run's clock), as an hour-long session does during a long scan.
 */
async function probeAcrossExpiry(
  credentials: SigningCredentialSource,
  targets: ProbeTarget[],
  expire: () => void,
): Promise<ProbeRunResult> {
  let done = 0;
  const progress: ProbeProgress = {
    planned: () => undefined,
    finished: () => {
      if (++done === 1) expire();
    },
    close: () => undefined,
  };
  return runProbes(targets, new Map(), {
    credentials,
    extraCa: pki.caCert,
    userAgent: "tollgate/0.0.0-test",
    ratePerSecond: 10_000,
    concurrency: 1,
    progress,
  });
}

/** Ends the first session now: the simulator refuses it (ExpiredToken) and the run's clock is past its refresh point. */
function expireSession(accessKeyId: string, setNow: (ms: number) => void): void {
  const key = s.state.keys.get(accessKeyId)!;
  setNow(key.expiresAt!.getTime() - REFRESH_MARGIN_MS + 1_000);
  key.expiresAt = new Date(Date.now() - 1_000);
}

const signingKeys = () =>
  new Set(dp.requests.map((r) => /Credential=(\w+)\//.exec(r.headers["authorization"] ?? "")?.[1]).filter(Boolean));

describe("probes sign with refreshed credentials", () => {
  it("a session that expires mid-run is replaced: every later target's signature is still verified", async () => {
    let now = Date.now();
    const clock = () => new Date(now);
    const before = s.counts.get("sts:AssumeRole") ?? 0;
    const credentials = await signingCredentials(chain(clock), { log: memoryLogger(), clock });
    const first = await credentials!();
    dp.requests.length = 0;
    const targets = [target("iam", 1), target("iam", 2), target("echo", 3)];
    const r = await probeAcrossExpiry(credentials!, targets, () => expireSession(first.accessKeyId, (ms) => (now = ms)));

    for (const t of targets)
      expect({ id: t.id, ...r.resources.find((x) => (x.raw["target"] as { id: string }).id === t.id)!.derived }).toMatchObject({
        id: t.id,
        sigv4Outcome: "verified",
        signedAccepted: true,
      });
    expect(r.errors).toEqual([]);
    // Two sessions signed: the first, and the one AssumeRole gave when the first neared its end.
    expect((s.counts.get("sts:AssumeRole") ?? 0) - before).toBe(2);
    const keys = signingKeys();
    expect(keys.size).toBe(2);
    expect(keys.has(first.accessKeyId)).toBe(true);
    // Neither session's secrets are recorded, though the echo endpoint sent the new session's token back.
    const recorded = JSON.stringify([r.resources, r.log]);
    for (const id of keys) {
      const k = s.state.keys.get(id!)!;
      expect(recorded).not.toContain(k.secretAccessKey);
      expect(recorded).not.toContain(k.sessionToken!);
    }
  });

  it("a snapshot of the first session (the old behaviour) is refused once it expires: not verified, never a pass", async () => {
    let now = Date.now();
    const clock = () => new Date(now);
    const first = await session(clock)();
    const snapshot = fixedSigningCredentials({
      accessKeyId: first.accessKeyId,
      secretAccessKey: first.secretAccessKey,
      sessionToken: first.sessionToken!,
    });
    const r = await probeAcrossExpiry(snapshot, [target("iam", 4), target("iam", 5)], () =>
      expireSession(first.accessKeyId, (ms) => (now = ms)),
    );
    const outcome = (id: string) => r.resources.find((x) => (x.raw["target"] as { id: string }).id === id)!.derived;
    expect(outcome("iam GET /4")).toMatchObject({ sigv4Outcome: "verified" });
    expect(outcome("iam GET /5")["sigv4Outcome"]).not.toBe("verified");
    expect(outcome("iam GET /5")["signedAccepted"]).not.toBe(true);
  });

  it("credentials that cannot be had (a refresh that fails) make the signed requests errors, never unsigned requests", async () => {
    const failing: SigningCredentialSource = () =>
      Promise.reject(Object.assign(new Error("the token has expired"), { name: "ExpiredTokenException" }));
    dp.requests.length = 0;
    const r = await runProbes([target("iam", 6)], new Map(), {
      credentials: failing,
      extraCa: pki.caCert,
      userAgent: "tollgate/0.0.0-test",
      ratePerSecond: 10_000,
    });
    expect(r.resources[0]!.derived["sigv4Outcome"]).toBeNull();
    expect(r.errors).toContainEqual(expect.objectContaining({ operation: "ProbeSigV4" }));
    const exchanges = r.resources[0]!.raw["exchanges"] as { step: string; error?: { kind: string; message: string } }[];
    const signed = exchanges.filter((x) => x.error?.kind === "credentials");
    expect(signed.length).toBeGreaterThan(0);
    expect(signed[0]!.error!.message).toContain("ExpiredTokenException: the token has expired");
    // Nothing signed went out, and nothing was sent unsigned in their place (the unsigned step is the only one).
    expect(dp.requests.filter((x) => x.headers["authorization"])).toEqual([]);
  });
});
