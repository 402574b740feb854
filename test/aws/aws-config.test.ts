// The standard AWS configuration, read as the AWS CLI reads it, by the built CLI against the simulator: every test
// writes its own config and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE) and reaches the
// simulator only through what those files (or the standard variables) say.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import type { OperationHook, Simulator } from "../../fixtures/simulator/server.js";
import { createAuthorizer } from "../../fixtures/simulator/authorize.js";
import { cleanAccount, memberAccount } from "../helpers/accounts.js";
import { addOidcRole, GITHUB_OIDC, unsignedJwt } from "../helpers/oidc.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { startDataPlane } from "../../fixtures/simulator/dataplane.js";
import { generateTestPki } from "../../fixtures/simulator/tls.js";
import { sim } from "../helpers/sim.js";

const HOME_ID = "610000000001";
const MEMBER_ID = "620000000002";
const OTHER_ID = "630000000003";
const NOPERM_ID = "650000000005";
const home = cleanAccount(HOME_ID, "CFGHOME");
const other = cleanAccount(OTHER_ID, "CFGOTHER");
// A scanner whose identity policy grants nothing Tollgate calls (the simulator enforces callers' policies).
const noPermissions: AccountFile = (() => {
  const a = cleanAccount(NOPERM_ID, "CFGNOPERM");
  a.callers[0]!.policy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }],
  };
  return a;
})();
const member = addOidcRole(
  memberAccount(MEMBER_ID, "CFGMEMBER", { roleName: "TollgateAudit", trustedAccount: HOME_ID }),
  "GitHubAudit",
  [GITHUB_OIDC],
);
const key = (a: AccountFile) => a.callers[0]!;

let s: Simulator;
/** Operations the simulator answered since the test began, with the region each was signed for. */
let calls: { operation: string; region: string; account: string }[] = [];
const record: OperationHook = (info) => {
  calls.push({ operation: `${info.service}:${info.operation}`, region: info.region, account: info.accountId });
  return undefined;
};
const tmp = mkdtempSync(join(tmpdir(), "tollgate-aws-config-"));
let n = 0;

beforeAll(async () => {
  s = await sim([home, member, other, noPermissions], { hooks: [record, createAuthorizer().hook] });
});
afterAll(() => s.close());
beforeEach(() => {
  calls = [];
});

/** A fresh HOME with the given config and credentials files, and the environment that points at them. */
function setup(files: { config?: string; credentials?: string }, env: NodeJS.ProcessEnv = {}) {
  const dir = join(tmp, `case-${++n}`);
  const homeDir = join(dir, "home");
  mkdirSync(join(homeDir, ".aws"), { recursive: true });
  const configFile = join(dir, "config");
  const credentialsFile = join(dir, "credentials");
  writeFileSync(configFile, files.config ?? "");
  writeFileSync(credentialsFile, files.credentials ?? "");
  return {
    dir,
    homeDir,
    configFile,
    out: join(dir, "out"),
    env: {
      PATH: process.env["PATH"],
      HOME: homeDir,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...env,
    } as NodeJS.ProcessEnv,
  };
}

/** An account's caller keys, region and the simulator endpoint, all from the environment. */
const environmentKeys = (a: AccountFile) => ({
  AWS_ACCESS_KEY_ID: key(a).accessKeyId,
  AWS_SECRET_ACCESS_KEY: key(a).secretAccessKey,
  AWS_REGION: "us-east-1",
  AWS_ENDPOINT_URL: s.endpoint,
});

const staticCredentials = (name: string, a: AccountFile) =>
  `[${name}]\naws_access_key_id = ${key(a).accessKeyId}\naws_secret_access_key = ${key(a).secretAccessKey}\n`;

function scan(c: ReturnType<typeof setup>, extra: string[] = []): Promise<CliResult> {
  return runCli(
    ["scan", "--no-probe", "--regions", "us-east-1", "--out", c.out, "--save-inventory", join(c.out, "inv.json"), ...extra],
    c.env,
  );
}

/** The principal each scanned account was read as (inventory metadata). */
function callers(c: ReturnType<typeof setup>): Record<string, string> {
  return (JSON.parse(readFileSync(join(c.out, "inv.json"), "utf8")) as { metadata: { callers: Record<string, string> } }).metadata
    .callers;
}

describe("--profile: credentials, region and endpoint_url from the shared files", () => {
  it("a static-key profile's region and endpoint_url are used, and it wins over keys in the environment", async () => {
    const c = setup(
      {
        config: `[profile audit]\nregion = eu-west-1\nendpoint_url = ${s.endpoint}\n`,
        credentials: staticCredentials("audit", home),
      },
      // Another account's keys in the environment: the AWS CLI ignores them when --profile is given.
      { AWS_ACCESS_KEY_ID: key(other).accessKeyId, AWS_SECRET_ACCESS_KEY: key(other).secretAccessKey },
    );
    const r = await runCli(
      ["scan", "--no-probe", "--profile", "audit", "--out", c.out, "--save-inventory", join(c.out, "inv.json")],
      c.env,
    );
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBe(0);
    expect(callers(c)).toEqual({ [HOME_ID]: key(home).arn });
    // STS and region discovery run in the profile's region; nothing reached the other account.
    expect(calls.filter((x) => x.operation === "sts:GetCallerIdentity").map((x) => x.region)).toEqual(["eu-west-1"]);
    expect(calls.filter((x) => x.operation === "ec2:DescribeRegions").map((x) => x.region)).toEqual(["eu-west-1"]);
    expect(calls.some((x) => x.account === OTHER_ID)).toBe(false);
    // One line about the ignored keys, not the SDK's multi-line notice.
    expect(r.stderr).toContain("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored");
    expect(r.stderr).not.toContain("Multiple credential sources");
  });

  it("without --profile, environment keys come before AWS_PROFILE's credentials, whose region still applies", async () => {
    const c = setup(
      {
        config: `[profile audit]\nregion = eu-central-1\nendpoint_url = ${s.endpoint}\n`,
        credentials: staticCredentials("audit", home),
      },
      { AWS_PROFILE: "audit", AWS_ACCESS_KEY_ID: key(other).accessKeyId, AWS_SECRET_ACCESS_KEY: key(other).secretAccessKey },
    );
    const r = await scan(c);
    expect(r.code).toBe(0);
    expect(callers(c)).toEqual({ [OTHER_ID]: key(other).arn });
    expect(calls.find((x) => x.operation === "sts:GetCallerIdentity")?.region).toBe("eu-central-1");
  });

  it("a services section names endpoints per service, over the profile's endpoint_url; AWS_ENDPOINT_URL_<SERVICE> over both", async () => {
    const dead = "http://127.0.0.1:9"; // discard port: nothing listens, a call there fails at once
    const services = [
      "sts",
      "iam",
      "ec2",
      "api_gateway",
      "apigatewayv2",
      "wafv2",
      "cloudtrail",
      "config_service",
      "lambda",
      "cognito_identity_provider",
      "cognito_identity",
      "appsync",
    ]
      .map((svc) => `${svc} =\n  endpoint_url = ${svc === "iam" ? dead : s.endpoint}\n`)
      .join("");
    const c = setup(
      {
        config: `[profile emu]\nregion = us-east-1\nendpoint_url = ${dead}\nservices = local\n\n[services local]\n${services}`,
        credentials: staticCredentials("emu", home),
      },
      { AWS_ENDPOINT_URL_IAM: s.endpoint },
    );
    const r = await scan(c, ["--profile", "emu"]);
    expect(r.stderr).not.toContain("coverage gaps");
    expect(r.code).toBe(0);
    expect(calls.some((x) => x.operation === "iam:GetAccountAuthorizationDetails")).toBe(true);
  });

  it("role_arn + source_profile: the role is assumed through the profile's endpoint and the member account is scanned", async () => {
    const c = setup({
      config:
        `[profile base]\nregion = us-east-1\n\n` +
        `[profile member]\nrole_arn = arn:aws:iam::${MEMBER_ID}:role/TollgateAudit\nsource_profile = base\n` +
        `role_session_name = tollgate-test\nregion = us-east-1\nendpoint_url = ${s.endpoint}\n`,
      credentials: staticCredentials("base", home),
    });
    const r = await scan(c, ["--profile", "member"]);
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBeLessThanOrEqual(1);
    expect(callers(c)).toEqual({ [MEMBER_ID]: `arn:aws:sts::${MEMBER_ID}:assumed-role/TollgateAudit/tollgate-test` });
    expect(calls.filter((x) => x.operation === "sts:AssumeRole")).toHaveLength(1);
  });

  it("credential_process: the command's JSON credentials are used", async () => {
    const script = join(tmp, "creds.mjs");
    writeFileSync(
      script,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(key(home).accessKeyId)}, SecretAccessKey: ${JSON.stringify(key(home).secretAccessKey)} }));\n`,
    );
    const c = setup({
      config: `[profile proc]\ncredential_process = ${process.execPath} ${script}\nregion = us-east-1\nendpoint_url = ${s.endpoint}\n`,
    });
    const r = await scan(c, ["--profile", "proc"]);
    expect(r.code).toBe(0);
    expect(callers(c)).toEqual({ [HOME_ID]: key(home).arn });
  });

  it("IAM Identity Center: the cached SSO token gets role credentials from the portal the profile's endpoint names", async () => {
    const token = "sso-access-token-cfg-test";
    s.state.ssoTokens.set(token, "alice");
    const c = setup({
      config:
        `[profile sso]\nsso_session = corp\nsso_account_id = ${MEMBER_ID}\nsso_role_name = TollgateAudit\n` +
        `region = us-east-1\nendpoint_url = ${s.endpoint}\n\n` +
        `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`,
    });
    const cache = join(c.homeDir, ".aws", "sso", "cache");
    mkdirSync(cache, { recursive: true });
    const cacheFile = join(cache, `${createHash("sha1").update("corp").digest("hex")}.json`);
    const cached = { startUrl: "https://corp.awsapps.com/start", region: "us-east-1", accessToken: token };
    writeFileSync(cacheFile, JSON.stringify({ ...cached, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
    const r = await scan(c, ["--profile", "sso"]);
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBeLessThanOrEqual(1);
    expect(callers(c)).toEqual({ [MEMBER_ID]: `arn:aws:sts::${MEMBER_ID}:assumed-role/TollgateAudit/alice` });
    expect(calls.length).toBeGreaterThan(0);

    // The same profile once the session has expired: one message, the command to run, and no AWS call.
    writeFileSync(cacheFile, JSON.stringify({ ...cached, expiresAt: new Date(Date.now() - 60_000).toISOString() }));
    calls = [];
    const expired = await scan(c, ["--profile", "sso"]);
    expect(expired.code).toBe(2);
    expect(expired.stderr).toContain("aws sso login --profile sso");
    expect(expired.stderr.trim().split("\n")).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it("web identity, from a profile and from AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE", async () => {
    const tokenFile = join(tmp, "oidc-token");
    const claims = {
      iss: `https://${GITHUB_OIDC.issuer}`,
      aud: GITHUB_OIDC.audience,
      sub: "repo:example/audit:ref:refs/heads/main",
    };
    writeFileSync(tokenFile, unsignedJwt({ ...claims, exp: Math.floor(Date.now() / 1000) + 600 }));
    const roleArn = `arn:aws:iam::${MEMBER_ID}:role/GitHubAudit`;
    const fromProfile = setup({
      config: `[profile gha]\nrole_arn = ${roleArn}\nweb_identity_token_file = ${tokenFile}\nrole_session_name = gha\nregion = us-east-1\nendpoint_url = ${s.endpoint}\n`,
    });
    const r = await scan(fromProfile, ["--profile", "gha"]);
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBeLessThanOrEqual(1);
    expect(callers(fromProfile)).toEqual({ [MEMBER_ID]: `arn:aws:sts::${MEMBER_ID}:assumed-role/GitHubAudit/gha` });

    const fromEnv = setup(
      {},
      {
        AWS_ROLE_ARN: roleArn,
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ROLE_SESSION_NAME: "gha-env",
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL: s.endpoint,
      },
    );
    const e = await scan(fromEnv);
    expect(e.code).toBeLessThanOrEqual(1);
    expect(callers(fromEnv)).toEqual({ [MEMBER_ID]: `arn:aws:sts::${MEMBER_ID}:assumed-role/GitHubAudit/gha-env` });

    // A token for another repository: the trust policy refuses it, and the message says where to look.
    writeFileSync(
      tokenFile,
      unsignedJwt({ ...claims, sub: "repo:someone/else:ref:refs/heads/main", exp: Math.floor(Date.now() / 1000) + 600 }),
    );
    const refused = await scan(fromEnv);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("AssumeRoleWithWebIdentity was refused");
    expect(refused.stderr).toContain("trust policy");
  });
});

describe("the probe signer and the Security Hub export honour --profile too", () => {
  it("SigV4 probes are signed with the profile's credentials, not the environment's", async () => {
    const pki = generateTestPki();
    // The data plane knows only the profile's key: a probe signed with the environment's would be refused.
    const plane = await startDataPlane({
      stages: [{ apiId: "shop", stage: "prod", routes: [{ method: "GET", path: "/orders", auth: "AWS_IAM" }] }],
      pki,
      keys: (id) => (id === key(home).accessKeyId ? { secretAccessKey: key(home).secretAccessKey } : undefined),
    });
    try {
      const c = setup(
        { config: `[profile audit]\nregion = us-east-1\n`, credentials: staticCredentials("audit", home) },
        { AWS_ACCESS_KEY_ID: key(other).accessKeyId, AWS_SECRET_ACCESS_KEY: key(other).secretAccessKey },
      );
      const file = join(c.dir, "endpoints.json");
      const base = { account: HOME_ID, region: "us-east-1", baseUrl: plane.baseUrl("shop", "prod"), method: "GET" };
      writeFileSync(
        file,
        JSON.stringify({ endpoints: [{ id: "orders", path: "/orders", ...base, expect: { auth: "AWS_IAM" } }] }),
      );
      const args = ["probe", "--profile", "audit", "--probe-endpoints", file, "--ca-file", pki.caFile, "--probe-rate", "1000"];
      const r = await runCli([...args, "--out", c.out], c.env);
      expect(r.stderr).not.toContain("internal error");
      const findings = JSON.parse(readFileSync(join(c.out, "findings.json"), "utf8")) as {
        findings: { ruleId: string; status: string }[];
      };
      expect(findings.findings.find((f) => f.ruleId === "aws.apigateway.probe.signature-verified")?.status).toBe("pass");
    } finally {
      await plane.close();
      pki.dispose();
    }
  });

  it("export securityhub reaches Security Hub through the profile's endpoint with its credentials", async () => {
    const c = setup({
      config: `[profile audit]\nregion = us-east-1\nendpoint_url = ${s.endpoint}\n`,
      credentials: staticCredentials("audit", home),
    });
    expect((await scan(c, ["--profile", "audit"])).code).toBe(0);
    calls = [];
    const r = await runCli(["export", "securityhub", "--from", join(c.out, "findings.json"), "--profile", "audit"], c.env);
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBe(0);
    expect(
      calls.filter((x) => x.operation === "securityhub:BatchImportFindings" && x.account === HOME_ID).length,
    ).toBeGreaterThan(0);
  });
});

describe("endpoints on an emulator: probes are skipped unless a URL template says where its data plane is", () => {
  interface Findings {
    findings: { ruleId: string; status: string; message: string }[];
  }
  const probeFindings = (out: string) =>
    (JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as Findings).findings.filter((f) =>
      f.ruleId.includes(".probe."),
    );
  const requests = (out: string) =>
    (JSON.parse(readFileSync(join(out, "probes.json"), "utf8")) as { requests: unknown[] }).requests;

  it("no template: every probe of the inventory's APIs is skipped with the reason, nothing is sent, exit 0", async () => {
    const c = setup({}, environmentKeys(home));
    const r = await runCli(["scan", "--regions", "us-east-1", "--out", c.out], c.env);
    expect(r.code).toBe(0);
    const probes = probeFindings(c.out);
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((f) => f.status === "skipped")).toBe(true);
    expect(probes[0]!.message).toContain(`API Gateway was read from ${s.endpoint} (AWS_ENDPOINT_URL), a loopback address`);
    expect(probes[0]!.message).toMatch(/give --(invoke|domain)-url-template/);
    expect(requests(c.out)).toEqual([]);
    expect(r.stderr.match(/Not probed: \d+ endpoint\(s\): API Gateway was read from/g)?.length).toBeGreaterThan(0);
  });

  it("an emulator named by the profile's services section is recognised too, and the message says where it was set", async () => {
    const c = setup({
      config: `[profile emu]\nregion = us-east-1\nendpoint_url = ${s.endpoint}\nservices = local\n\n[services local]\napi_gateway =\n  endpoint_url = ${s.endpoint}\n`,
      credentials: staticCredentials("emu", home),
    });
    const r = await runCli(["scan", "--profile", "emu", "--regions", "us-east-1", "--out", c.out], c.env);
    expect(r.code).toBe(0);
    const probes = probeFindings(c.out);
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((f) => f.status === "skipped")).toBe(true);
    expect(probes[0]!.message).toContain(
      `API Gateway was read from ${s.endpoint} (api_gateway.endpoint_url of [services local] in ${c.configFile}), a loopback address`,
    );
    expect(requests(c.out)).toEqual([]);
  });

  it("with the templates given, the same endpoints are probed (here a closed port: inconclusive, not skipped)", async () => {
    const c = setup({}, environmentKeys(home));
    const templates = [
      "--invoke-url-template",
      "https://127.0.0.1:9/{apiId}/{stage}",
      "--domain-url-template",
      "https://127.0.0.1:9/_domain/{domain}/{basePath}",
    ];
    const r = await runCli(
      ["scan", "--regions", "us-east-1", "--out", c.out, ...templates, "--probe-hosts", "127.0.0.1", "--probe-timeout", "2000"],
      c.env,
    );
    expect(r.stderr).not.toContain("internal error");
    const probes = probeFindings(c.out);
    expect(probes.some((f) => f.status === "error")).toBe(true);
    expect(probes.some((f) => f.message.includes("API Gateway was read from"))).toBe(false);
    expect(requests(c.out).length).toBeGreaterThan(0);
  });
});

describe("bad configuration is refused before any AWS call (exit 2), naming the variable, flag or file", () => {
  const refused = async (c: ReturnType<typeof setup>, args: string[], ...texts: string[]) => {
    const r = await scan(c, args);
    expect(r.code).toBe(2);
    for (const t of texts) expect(r.stderr).toContain(t);
    expect(calls).toEqual([]);
    return r;
  };

  it("a profile that does not exist, from --profile or AWS_PROFILE", async () => {
    const c = setup({ config: `[profile dev]\nregion = us-east-1\n`, credentials: staticCredentials("ci", home) });
    await refused(
      c,
      ["--profile", "prod"],
      '--profile prod: no profile named "prod"',
      "profiles there: ci, dev",
      "aws configure --profile prod",
    );
    await refused({ ...c, env: { ...c.env, AWS_PROFILE: "stage" } }, [], 'AWS_PROFILE stage: no profile named "stage"');
  });

  it("a malformed endpoint URL, from each place one can be set", async () => {
    const c = setup({
      config: `[profile good]\nregion = us-east-1\n\n[profile a]\nendpoint_url = localhost:4566\n\n[profile b]\nservices = missing\n\n[profile c]\nservices = s\n\n[services s]\nsts =\n  endpoint_url = ftp://127.0.0.1/\n`,
      credentials: ["good", "a", "b", "c"].map((p) => staticCredentials(p, home)).join(""),
    });
    await refused(c, ["--profile", "a"], `endpoint_url of profile "a" in ${c.configFile}`, '"localhost:4566"');
    await refused(c, ["--profile", "b"], `services of profile "b"`, "[services missing]");
    await refused(c, ["--profile", "c"], `sts.endpoint_url of [services s] in ${c.configFile}`, "ftp:");
    await refused({ ...c, env: { ...c.env, AWS_ENDPOINT_URL_STS: "http://" } }, ["--profile", "good"], "AWS_ENDPOINT_URL_STS:");
    await refused(
      { ...c, env: { ...c.env, AWS_ENDPOINT_URL: "https://user:pw@example.com" } },
      ["--profile", "good"],
      "AWS_ENDPOINT_URL:",
      '"https://***@example.com" has user info',
    );
  });

  it("an unknown region, from the environment, a profile or a flag", async () => {
    const c = setup({ config: `[profile eu]\nregion = eu-wset-1\n`, credentials: staticCredentials("eu", home) });
    await refused(c, ["--profile", "eu"], `region of profile "eu" in ${c.configFile}`, '"eu-wset-1" (did you mean eu-west-1?)');
    await refused({ ...c, env: { ...c.env, AWS_REGION: "us-east-7" } }, [], "AWS_REGION: unknown region");
    await refused(c, ["--regions", "us-east-1,mars-1"], "--regions", '"mars-1"');
  });
});

describe("first run: one message that says what to do", () => {
  const oneMessage = (r: CliResult) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/warning|at .*\.js:\d+/);
  };

  it("no credentials anywhere", async () => {
    const r = await scan(setup({}));
    oneMessage(r);
    expect(r.stderr).toContain("no AWS credentials found");
    expect(r.stderr).toContain("--profile NAME");
    expect(r.stderr).toContain("policy/tollgate-readonly.json");
    expect(calls).toEqual([]);
  });

  it("a profile with no credentials in it", async () => {
    const r = await scan(setup({ config: `[profile empty]\nregion = us-east-1\nendpoint_url = ${s.endpoint}\n` }), [
      "--profile",
      "empty",
    ]);
    oneMessage(r);
    expect(r.stderr).toContain('profile "empty" (--profile) has no credentials');
    expect(r.stderr).toContain("aws configure sso --profile empty");
  });

  it("expired session credentials in the environment", async () => {
    const expired = { accessKeyId: "ASIAEXPIREDCFGTEST01", secretAccessKey: "expired-secret", sessionToken: "expired-token" };
    s.state.keys.set(expired.accessKeyId, {
      ...expired,
      accountId: HOME_ID,
      arn: `arn:aws:sts::${HOME_ID}:assumed-role/auditor/old`,
      expiresAt: new Date(Date.now() - 60_000),
    });
    const r = await scan(
      setup(
        {},
        {
          AWS_ACCESS_KEY_ID: expired.accessKeyId,
          AWS_SECRET_ACCESS_KEY: expired.secretAccessKey,
          AWS_SESSION_TOKEN: expired.sessionToken,
          AWS_ENDPOINT_URL: s.endpoint,
        },
      ),
    );
    oneMessage(r);
    expect(r.stderr).toContain(
      "the credentials from the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables have expired",
    );
    expect(r.stderr).toContain("aws-actions/configure-aws-credentials");
  });

  it("a deleted access key and a mistyped secret", async () => {
    const unknown = await scan(
      setup({
        credentials: "[default]\naws_access_key_id = AKIADELETEDKEY000001\naws_secret_access_key = x\n",
        config: `[default]\nendpoint_url = ${s.endpoint}\n`,
      }),
    );
    oneMessage(unknown);
    expect(unknown.stderr).toContain('AWS does not recognise the access key from the access key of profile "default"');
    const typo = await scan(
      setup({}, { AWS_ACCESS_KEY_ID: key(home).accessKeyId, AWS_SECRET_ACCESS_KEY: "wrong", AWS_ENDPOINT_URL: s.endpoint }),
    );
    oneMessage(typo);
    expect(typo.stderr).toContain("does not match its access key id");
  });

  it("a principal without Tollgate's permissions: one line naming it and the statements to attach, no warning per call", async () => {
    const c = setup({}, environmentKeys(noPermissions));
    const r = await scan(c);
    expect(r.code).toBe(3);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${key(noPermissions).arn} lacks permissions Tollgate needs:`);
    expect(warnings[0]).toMatch(/\d+ calls denied, \d+ rules not evaluated/);
    expect(warnings[0]).toContain(
      "Attach policy/tollgate-readonly.json to it (its statements TollgateApiGatewayReadOnly, TollgateBackendReadOnly, TollgateIamReadOnly, TollgateRegionalReadOnly grant the denied calls)",
    );
    expect(r.stderr).not.toContain("coverage gaps:");
    // Every denied call is still recorded for the reports.
    const f = JSON.parse(readFileSync(join(c.out, "findings.json"), "utf8")) as { coverage: { errorName: string }[] };
    expect(f.coverage.length).toBeGreaterThan(10);
  });

  it("a role the source profile may not assume", async () => {
    const c = setup({
      config:
        `[profile member]\nrole_arn = arn:aws:iam::${MEMBER_ID}:role/TollgateAudit\nsource_profile = outsider\n` +
        `region = us-east-1\nendpoint_url = ${s.endpoint}\n`,
      credentials: staticCredentials("outsider", other),
    });
    const r = await scan(c, ["--profile", "member"]);
    oneMessage(r);
    expect(r.stderr).toContain("AssumeRole was refused");
    expect(r.stderr).toContain(`sts:AssumeRole on arn:aws:iam::${MEMBER_ID}:role/TollgateAudit`);
  });
});
