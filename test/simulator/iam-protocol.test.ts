import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  IAMClient,
  paginateGetAccountAuthorizationDetails,
  paginateListServerCertificates,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { parseCredentialReport, CREDENTIAL_REPORT_COLUMNS } from "../../src/collect/credential-report.js";
import { account, callerCredentials, sim } from "../helpers/sim.js";

const acct = account("pagination");
let s: Simulator;
let iam: IAMClient;

beforeAll(async () => {
  s = await sim([acct], { reportDelayMs: 200 });
  // The unmodified SDK reaches the simulator through the standard variable only.
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  iam = new IAMClient({ region: "us-east-1", credentials: callerCredentials(acct) });
});
afterAll(async () => {
  iam.destroy();
  await s.close();
});

describe("IAM and STS over the awsQuery wire protocol", () => {
  it("pages GetAccountAuthorizationDetails with MaxItems 2 over 7 users", async () => {
    const pages: number[] = [];
    const users: string[] = [];
    const markers: (string | undefined)[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 2 }, { Filter: ["User"] })) {
      pages.push(page.UserDetailList?.length ?? 0);
      users.push(...(page.UserDetailList ?? []).map((u) => u.UserName ?? ""));
      markers.push(page.Marker);
    }
    expect(pages).toEqual([2, 2, 2, 1]);
    expect(users).toEqual(["user1", "user2", "user3", "user4", "user5", "user6", "user7"]);
    expect(markers.slice(0, 3).every((m) => typeof m === "string" && m.length > 0)).toBe(true);
    expect(markers[3]).toBeUndefined();
    expect(s.counts.get("iam:GetAccountAuthorizationDetails")).toBe(4);
  });

  it("pages ListServerCertificates (metadata only) with MaxItems 2 over 3 certificates", async () => {
    const pages: string[][] = [];
    const expirations: Date[] = [];
    for await (const page of paginateListServerCertificates({ client: iam, pageSize: 2 }, {})) {
      pages.push((page.ServerCertificateMetadataList ?? []).map((c) => c.ServerCertificateName ?? ""));
      expirations.push(...(page.ServerCertificateMetadataList ?? []).map((c) => c.Expiration!));
    }
    expect(pages).toEqual([["cert-a", "cert-b"], ["cert-c"]]);
    // cert-a expired ten days before the simulator's clock; the others are in the future.
    expect(expirations.map((d) => d instanceof Date && d.getTime() < Date.now())).toEqual([true, false, false]);
  });

  it("returns policy documents URL-encoded, as AWS does", async () => {
    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ["Role"] }));
    const doc = out.RoleDetailList?.[0]?.AssumeRolePolicyDocument ?? "";
    expect(doc).toContain("%22Statement%22");
    expect(JSON.parse(decodeURIComponent(doc)).Statement[0].Principal.Service).toBe("lambda.amazonaws.com");
  });

  it("generates the credential report STARTED, then COMPLETE after a delay", async () => {
    const first = await iam.send(new GenerateCredentialReportCommand({}));
    expect(first.State).toBe("STARTED");
    await expect(iam.send(new GetCredentialReportCommand({}))).rejects.toMatchObject({
      name: "CredentialReportNotReadyException",
    });
    const second = await iam.send(new GenerateCredentialReportCommand({}));
    expect(second.State).toBe("INPROGRESS");
    await new Promise((r) => setTimeout(r, 250));
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe("COMPLETE");
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe("text/csv");
    const parsed = parseCredentialReport(Buffer.from(report.Content!).toString("utf8"));
    expect(parsed.problems).toEqual([]);
    expect(Object.keys(parsed.rows[0]!)).toEqual([...CREDENTIAL_REPORT_COLUMNS]);
    expect(parsed.rows.map((r) => r.user)).toEqual([
      "<root_account>",
      "user1",
      "user2",
      "user3",
      "user4",
      "user5",
      "user6",
      "user7",
    ]);
    expect(parsed.rows[1]).toMatchObject({
      password_enabled: "true",
      mfa_active: "true",
      access_key_1_active: "true",
      access_key_2_active: "false",
    });
    expect(parsed.rows[2]).toMatchObject({ password_enabled: "false", password_last_used: "N/A", mfa_active: "false" });
  });

  it("answers NoSuchEntity when there is no password policy", async () => {
    await expect(iam.send(new GetAccountPasswordPolicyCommand({}))).rejects.toMatchObject({
      name: "NoSuchEntityException",
      $metadata: { httpStatusCode: 404 },
    });
  });

  it("refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId", async () => {
    const wrong = new STSClient({
      region: "us-east-1",
      credentials: { ...callerCredentials(acct), secretAccessKey: "not-the-secret-at-all-000" },
      maxAttempts: 1,
    });
    await expect(wrong.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
    const unknown = new STSClient({
      region: "us-east-1",
      credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "whatever-secret-value" },
      maxAttempts: 1,
    });
    await expect(unknown.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "InvalidClientTokenId",
      $metadata: { httpStatusCode: 403 },
    });
    const ok = new STSClient({ region: "us-east-1", credentials: callerCredentials(acct) });
    expect(await ok.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: "777788889999",
      Arn: "arn:aws:iam::777788889999:user/tester",
    });
    [wrong, unknown, ok].forEach((c) => c.destroy());
  });
});
