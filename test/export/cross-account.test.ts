import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { asffId } from "../../src/export/asff.js";
import { renderJson } from "../../src/report/json.js";
import { memberAccount } from "../helpers/accounts.js";
import { runCli } from "../helpers/cli.js";
import { account, callerCredentials, sim, simEnv } from "../helpers/sim.js";
import { exportInput, finding } from "./helpers.js";

const home = account("clean");
const MEMBER = "310000000003";
const member = memberAccount(MEMBER, "SHMEMBER", { roleName: "TollgateAudit", trustedAccount: home.accountId });
let s: Simulator;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-sh-x-"));

beforeAll(async () => {
  s = await sim([home, member]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
});
afterAll(() => s.close());

/** Every finding in an account's Security Hub, read with that account's own credentials. */
async function hubOf(credentials: { accessKeyId: string; secretAccessKey: string }): Promise<string[]> {
  const c = new SecurityHubClient({ region: "us-east-1", credentials });
  try {
    return ((await c.send(new GetFindingsCommand({ MaxResults: 100 }))).Findings ?? []).map((f) => f.Id ?? "");
  } finally {
    c.destroy();
  }
}

describe("export securityhub across accounts", () => {
  it("imports each account's findings into that account's own hub by assuming --role-name there", async () => {
    const own = finding({
      account: home.accountId,
      region: "us-east-1",
      resourceArn: "arn:aws:apigateway:us-east-1::/restapis/a/stages/own",
    });
    const theirs = finding({
      account: MEMBER,
      region: "us-east-1",
      resourceArn: "arn:aws:apigateway:us-east-1::/restapis/b/stages/theirs",
    });
    const input = exportInput([own, theirs], { accounts: [home.accountId, MEMBER], regions: ["us-east-1"] });
    const file = join(tmp, "findings.json");
    writeFileSync(file, renderJson({ ...input, rules: [] }));

    const r = await runCli(
      ["export", "securityhub", "--from", file, "--role-name", "TollgateAudit", "--no-archive"],
      simEnv(s, home),
    );
    expect(r.stderr).not.toMatch(/refused|cannot/i);
    expect(r.code).toBe(0);
    // The role was assumed in the member account, and each finding landed only in its own account's hub.
    expect(s.counts.get("sts:AssumeRole")).toBeGreaterThanOrEqual(1);
    expect(await hubOf(callerCredentials(home))).toEqual([asffId(own)]);
    expect(await hubOf(callerCredentials(member))).toEqual([asffId(theirs)]);
  });

  it("a role that cannot be assumed leaves that account's findings unimported and the exit code non-zero", async () => {
    const lost = finding({
      account: MEMBER,
      region: "us-east-1",
      resourceArn: "arn:aws:apigateway:us-east-1::/restapis/c/stages/x",
    });
    const file = join(tmp, "missing-role.json");
    writeFileSync(file, renderJson({ ...exportInput([lost], { accounts: [MEMBER], regions: ["us-east-1"] }), rules: [] }));
    const r = await runCli(
      ["export", "securityhub", "--from", file, "--role-name", "NoSuchRole", "--no-archive"],
      simEnv(s, home),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(MEMBER);
    expect(await hubOf(callerCredentials(member))).not.toContain(asffId(lost));
  });
});
