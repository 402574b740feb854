// One AWS identity module (#16 item 5): scan, probe and the Security Hub export assume roles, identify the caller
// and pick their home region through src/aws/identity.ts. Against the simulator, whose STS verifies SigV4 and
// enforces a role trust policy's sts:ExternalId condition.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import type { AwsClientSettings } from "../../src/aws/clients.js";
import {
  assumedRoleCredentials,
  assumeRoleIn,
  findingsHomeRegion,
  getCallerIdentity,
  REFRESH_MARGIN_MS,
  sessionName,
  stsRegion,
} from "../../src/aws/identity.js";
import { asffId } from "../../src/export/asff.js";
import { renderJson } from "../../src/report/json.js";
import { memberAccount } from "../helpers/accounts.js";
import { runCli } from "../helpers/cli.js";
import { account, callerCredentials, sim, simEnv } from "../helpers/sim.js";
import { exportInput, finding } from "../export/helpers.js";

const home = account("clean");
const MEMBER = "310000000007";
const EXT = "tollgate-ext-7f3a";
// The member's audit role trusts the home account only with the external id.
const member = memberAccount(MEMBER, "IDMEMBER", { roleName: "TollgateAudit", trustedAccount: home.accountId, externalId: EXT });
let s: Simulator;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-identity-"));

beforeAll(async () => {
  s = await sim([home, member]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

const settings = (): AwsClientSettings => ({
  credentials: callerCredentials(home),
  maxAttempts: 1,
  userAgent: "tollgate-test",
  endpoints: { sts: s.endpoint },
});

/** Every finding id in an account's Security Hub (us-east-1), read with that account's own credentials. */
async function hubOf(credentials: { accessKeyId: string; secretAccessKey: string }): Promise<string[]> {
  const c = new SecurityHubClient({ region: "us-east-1", credentials });
  try {
    return ((await c.send(new GetFindingsCommand({ MaxResults: 100 }))).Findings ?? []).map((f) => f.Id ?? "");
  } finally {
    c.destroy();
  }
}

describe("AssumeRole through the identity module", () => {
  it("passes the external id, session name and duration; shares one session and refreshes it near expiry by the run's clock", async () => {
    let now = Date.now();
    const clock = () => new Date(now);
    const before = s.counts.get("sts:AssumeRole") ?? 0;
    const role = {
      roleName: "TollgateAudit",
      externalId: EXT,
      sessionName: sessionName("scan", clock),
      durationSeconds: 900,
      region: "us-east-1",
      partition: "aws",
      clock,
    };
    const creds = assumedRoleCredentials(settings(), MEMBER, role);
    const first = await creds();
    // DurationSeconds reached STS: a 15-minute session, not the default hour.
    expect(first.expiration!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    expect(first.expiration!.getTime() - Date.now()).toBeGreaterThan(800_000);
    const id = await getCallerIdentity({ ...settings(), credentials: creds }, "us-east-1");
    expect(id.arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/TollgateAudit/${role.sessionName}`);
    await Promise.all([creds(), creds(), creds()]);
    expect((s.counts.get("sts:AssumeRole") ?? 0) - before).toBe(1);
    // Near the end of the session by the injected clock: one new AssumeRole, shared by every caller.
    now = first.expiration!.getTime() - REFRESH_MARGIN_MS + 1_000;
    const [a, b] = await Promise.all([creds(), creds()]);
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(a.accessKeyId).not.toBe(first.accessKeyId);
    expect((s.counts.get("sts:AssumeRole") ?? 0) - before).toBe(2);
  });

  it("a role whose trust policy requires an external id refuses a session without it or with another one", async () => {
    const base = {
      roleName: "TollgateAudit",
      sessionName: "tollgate-test",
      region: "us-east-1",
      partition: "aws",
      clock: () => new Date(),
    };
    for (const extra of [{}, { externalId: "not-the-id" }]) {
      const r = await assumeRoleIn(settings(), MEMBER, { ...base, ...extra });
      expect("error" in r && r.error).toMatchObject({
        account: MEMBER,
        service: "*",
        operation: "AssumeRole",
        errorName: "AccessDenied",
      });
    }
    const ok = await assumeRoleIn(settings(), MEMBER, { ...base, externalId: EXT });
    expect("error" in ok ? ok.error : ok.callerArn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/TollgateAudit/tollgate-test`);
  });
});

describe("the Security Hub export assumes roles like the scan does", () => {
  const theirs = finding({
    account: MEMBER,
    region: "us-east-1",
    resourceArn: "arn:aws:apigateway:us-east-1::/restapis/ext/stages/theirs",
  });
  const file = join(tmp, "member.json");

  it("export securityhub without --external-id is refused by the role's trust policy: nothing imported, exit non-zero", async () => {
    writeFileSync(file, renderJson({ ...exportInput([theirs], { accounts: [MEMBER], regions: ["us-east-1"] }), rules: [] }));
    const r = await runCli(
      ["export", "securityhub", "--from", file, "--role-name", "TollgateAudit", "--no-archive"],
      simEnv(s, home),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot verify the credentials for account ${MEMBER}`);
    expect(r.stderr).toContain("AccessDenied");
    expect(await hubOf(callerCredentials(member))).not.toContain(asffId(theirs));
  });

  it("export securityhub --external-id passes it to AssumeRole: the member's finding lands in its own hub", async () => {
    writeFileSync(file, renderJson({ ...exportInput([theirs], { accounts: [MEMBER], regions: ["us-east-1"] }), rules: [] }));
    const r = await runCli(
      ["export", "securityhub", "--from", file, "--role-name", "TollgateAudit", "--external-id", EXT, "--no-archive"],
      simEnv(s, home),
    );
    expect(r.stderr).not.toMatch(/refused|cannot/i);
    expect(r.code).toBe(0);
    expect(await hubOf(callerCredentials(member))).toContain(asffId(theirs));
  });

  it("scan --accounts --role-name --external-id --securityhub imports the member's findings into its hub with the scan's role", async () => {
    const out = join(tmp, "scan");
    const r = await runCli(
      [
        ...["scan", "--no-probe", "--services", "iam", "--regions", "us-east-1", "--out", out],
        ...["--accounts", `${home.accountId},${MEMBER}`, "--role-name", "TollgateAudit", "--external-id", EXT, "--securityhub"],
      ],
      simEnv(s, home),
      120_000,
    );
    expect(r.stderr).toMatch(/Security Hub: \d+ imported, \d+ archived, \d+ kept active \(scope not re-checked\), 0 failed/);
    expect(r.stderr).not.toMatch(/cannot assume|refused/i);
    expect([0, 1]).toContain(r.code);
    const memberHub = await hubOf(callerCredentials(member));
    expect(memberHub.some((id) => id.includes(`/${MEMBER}/global/`))).toBe(true);
  });
});

describe("home region", () => {
  it("a scan calls STS in the configured region, else the first scanned one, else us-east-1", () => {
    expect(stsRegion({ configured: "eu-west-1", scope: ["ap-south-1"] })).toBe("eu-west-1");
    expect(stsRegion({ scope: ["cn-north-1"] })).toBe("cn-north-1");
    expect(stsRegion({})).toBe("us-east-1");
  });

  it("findings of global services go to the flag's region, else the first scanned one, else the configured one", () => {
    expect(findingsHomeRegion({ flag: "eu-central-1", configured: "eu-west-1", scope: ["ap-south-1"] })).toBe("eu-central-1");
    expect(findingsHomeRegion({ configured: "eu-west-1", scope: ["ap-south-1"] })).toBe("ap-south-1");
    expect(findingsHomeRegion({ configured: "eu-west-1", scope: [] })).toBe("eu-west-1");
    expect(findingsHomeRegion({})).toBe("us-east-1");
  });
});
