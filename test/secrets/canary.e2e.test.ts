// Canary secrets in every place AWS data can carry them, and the scanner's own temporary credentials: after a
// scan with probes, a probe, an evaluate, every report format and every export, no canary and no credential may
// appear in any file written (found by walking the output folder, so new formats are covered without editing
// this test) or on stdout/stderr.
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile, WireObject } from "../../fixtures/simulator/account-file.js";
import { loopbackProbeArgs, startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";
import { REPORT_FORMATS } from "../../src/report/index.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { account, sim, SIM_NOW } from "../helpers/sim.js";

/** The scanner's own credentials (temporary: with a session token) and the hash key: never written. */
const CREDENTIALS = {
  accessKeyId: "ASIACANARYSCANNER001",
  secretAccessKey: "canary/scanner+secret/access/key/0001",
  sessionToken: "canary+scanner/session/token==FwoGZXIvYXdzEC0001",
  hashKey: "canary-secret-hash-key-0123456789abcdef-0001",
};

/** Values secret by the name of their field (stage variables, tags): nothing in the value says so. */
const BY_NAME = {
  restStageVariable: "canary-rest-stage-variable-0001",
  httpStageVariable: "canary-http-stage-variable-0001",
  restApiTag: "canary-restapi-tag-0001",
  restStageTag: "canary-rest-stage-tag-0001",
  domainTag: "canary-domain-tag-0001",
  usagePlanTag: "canary-usage-plan-tag-0001",
  httpApiTag: "canary-http-api-tag-0001",
  httpStageTag: "canary-http-stage-tag-0001",
  userTag: "canary-iam-user-tag-0001",
  roleTag: "canary-iam-role-tag-0001",
};

/** Secret-shaped values, for free text (descriptions, policy documents) and fields whose names say nothing. */
const SHAPED = {
  accessKeyId: "AKIACANARYDESCR00001",
  githubToken: `ghp_CANARY${"0".repeat(29)}1`,
  stripeKey: "sk_live_CANARY000000000000001",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOiIwMDAxIn0.CANARYsignature0000001",
  privateKeyBody: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCANARYprivatekeybody0001",
  urlPassword: "CANARYurlpassword0001",
};
const PEM = `-----BEGIN PRIVATE KEY-----\n${SHAPED.privateKeyBody}\n-----END PRIVATE KEY-----`;

/** The demo account with a canary in every place AWS data can carry one, and canary credentials as its caller. */
function canaryAccount(): AccountFile {
  const a = structuredClone(account("demo"));
  const { accessKeyId, secretAccessKey, sessionToken } = CREDENTIALS;
  a.callers = [{ ...a.callers[0]!, accessKeyId, secretAccessKey, sessionToken }];
  const us = a.regional!["us-east-1"]!;
  const orders = us.apigateway!.restApis!.find((x) => x.id === "a1b2c3d4e5")!;
  orders["description"] = `Orders API, deployed with ${SHAPED.accessKeyId}`;
  orders["tags"] = { "deploy-token": BY_NAME.restApiTag, owner: SHAPED.stripeKey };
  const stage = orders.stages![0]!;
  stage["variables"] = {
    ...(stage["variables"] as WireObject),
    adminPassword: BY_NAME.restStageVariable,
    ci: SHAPED.githubToken,
  };
  stage["description"] = `reads from postgres://orders:${SHAPED.urlPassword}@db.internal:5432/orders`;
  stage["tags"] = { "stage-secret": BY_NAME.restStageTag };
  // Integration settings are free text too: a hard-coded token in a request template.
  const method = Object.values(orders.resources.find((r) => r.resourceMethods)!.resourceMethods!)[0]!;
  method["methodIntegration"] = {
    ...(method["methodIntegration"] as WireObject),
    requestTemplates: { "application/json": `{"auth": "Bearer ${SHAPED.jwt}"}` },
  };
  us.apigateway!.domainNames![0]!["tags"] = { "api-key": BY_NAME.domainTag };
  us.apigateway!.usagePlans![0]!["tags"] = { "plan-token": BY_NAME.usagePlanTag };
  const http = us.apigatewayv2!.apis!.find((x) => x.protocolType === "HTTP")!;
  http["description"] = `storefront; webhook signed with ${SHAPED.jwt}`;
  http["tags"] = { password: BY_NAME.httpApiTag };
  http.stages![0]!["stageVariables"] = { apiToken: BY_NAME.httpStageVariable };
  http.stages![0]!["tags"] = { "client-secret": BY_NAME.httpStageTag };
  a.iam.users![0]!.tags = { "ci-token": BY_NAME.userTag, team: SHAPED.githubToken };
  a.iam.roles![0]!.tags = { "role-secret": BY_NAME.roleTag };
  // Policy documents (URL-encoded on the wire) and a managed policy's description.
  a.iam.policies!.push({
    name: "canary-policy",
    description: `rotated with ${SHAPED.stripeKey}`,
    document: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalTag/signing-key": PEM, "aws:PrincipalTag/ci": SHAPED.githubToken } },
        },
      ],
    },
  });
  a.iam.roles![0]!.inlinePolicies = {
    ...a.iam.roles![0]!.inlinePolicies,
    canary: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Deny", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/jwt": SHAPED.jwt } } },
      ],
    },
  };
  // The orders API echoes every request back, credentials included, in bodies and headers; one of its methods
  // takes IAM authorisation, so the probes sign requests to it with the scanner's temporary credentials.
  const byId = orders.resources.find((r) => r.path === "/orders/{id}")!.resourceMethods!["GET"]!;
  byId["authorizationType"] = "AWS_IAM";
  const misbehave = us.dataplane!.misbehave!;
  misbehave["a1b2c3d4e5"] = [...(misbehave["a1b2c3d4e5"] ?? []), "echo-request"];
  return a;
}

const acct = canaryAccount();
const tmp = mkdtempSync(join(tmpdir(), "tollgate-canary-"));
let s: Simulator;
let dp: DataPlane;
let pki: TestPki;
const runs: { args: string[]; result: CliResult }[] = [];

function env(): NodeJS.ProcessEnv {
  return {
    PATH: process.env["PATH"],
    HOME: "/nonexistent",
    AWS_ENDPOINT_URL: s.endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    TOLLGATE_SECRET_HASH_KEY: CREDENTIALS.hashKey,
    CI: "true",
  };
}

async function run(args: string[], codes: number[]): Promise<CliResult> {
  const result = await runCli(args, env(), 120_000);
  runs.push({ args, result });
  expect(codes, `tollgate ${args.join(" ")}\n${result.stderr}`).toContain(result.code);
  return result;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

beforeAll(async () => {
  s = await sim([acct], { now: () => SIM_NOW });
  pki = generateTestPki();
  dp = await startDataPlane({ ...dataPlaneConfig([acct]), pki });
});
afterAll(async () => {
  await s?.close();
  await dp?.close();
  pki?.dispose();
});

describe("canary secrets end to end", () => {
  it("no canary and no credential in any file written or on stdout/stderr", { timeout: 600_000 }, async () => {
    const probe = loopbackProbeArgs(dp, pki.caFile);
    const out = (name: string) => join(tmp, name);
    await run(["scan", ...probe, "--out", out("scan"), "--save-inventory", out("scan/inventory.json"), "--console", "text"], [1]);
    const inventory = out("scan/inventory.json");
    const findings = out("scan/findings.json");
    await run(
      [
        "probe",
        "--inventory",
        inventory,
        ...probe,
        "--out",
        out("probe"),
        "--save-inventory",
        out("probe/inventory.json"),
        "--console",
        "json",
      ],
      [1],
    );
    await run(["evaluate", "--inventory", out("probe/inventory.json"), "--out", out("evaluate"), "--console", "sarif"], [1]);
    await run(["report", "--from", findings, "--formats", REPORT_FORMATS.join(","), "--out", out("report")], [0]);
    for (const format of ["ocsf", "asff"]) {
      await run(["export", "--from", findings, "--format", format, "--out", out(`export/findings.${format}.json`)], [0]);
      await run(["export", "--from", findings, "--format", format], [0]);
    }
    await run(["export", "securityhub", "--from", findings, "--dry-run", "--out", out("securityhub")], [0]);
    await run(["diff", findings, out("evaluate/findings.json")], [0, 1]);

    // The canaries were really collected and redacted where they were, and the echo really happened.
    const inv = readFileSync(inventory, "utf8");
    for (const marker of [
      "[redacted name:password hmac-sha256:",
      "[redacted name:token hmac-sha256:",
      "[redacted name:secret hmac-sha256:",
      "[redacted name:api-key hmac-sha256:",
      "[redacted value:github-token hmac-sha256:",
      "[redacted value:stripe-key hmac-sha256:",
      "[redacted value:aws-access-key-id hmac-sha256:",
      "[redacted value:url-credentials hmac-sha256:",
      "[redacted value:jwt hmac-sha256:",
    ])
      expect(inv, marker).toContain(marker);
    expect(decodeURIComponent(inv)).toContain("[redacted value:private-key hmac-sha256:");
    expect(inv).toContain("echo: authorization=AWS4-HMAC-SHA256 Credential=[redacted]/");
    const echoed = dp.requests.filter((r) => r.headers["x-amz-security-token"] === CREDENTIALS.sessionToken);
    expect(echoed.length).toBeGreaterThan(0);
    const signatures = dp.requests
      .map((r) => /Signature=([0-9a-f]{64})/.exec(r.headers["authorization"] ?? "")?.[1])
      .filter((x): x is string => x !== undefined);
    expect(signatures.length).toBeGreaterThan(0);

    const secrets = [...Object.values(CREDENTIALS), ...Object.values(BY_NAME), ...Object.values(SHAPED), ...signatures];
    const written = allFiles(tmp);
    // Every report format and export wrote something to check.
    for (const f of ["findings.json", "results.sarif", "report.html", "summary.md", "junit.xml", "probes.json", "inventory.json"])
      expect(
        written.some((p) => p.endsWith(`/scan/${f}`)),
        f,
      ).toBe(true);
    expect(written.filter((p) => p.includes("/report/")).length).toBe(REPORT_FORMATS.length);
    const texts: [string, string][] = [
      ...written.map((p): [string, string] => [p, readFileSync(p, "utf8")]),
      ...runs.flatMap(({ args, result }): [string, string][] => [
        [`stdout of tollgate ${args[0]}`, result.stdout],
        [`stderr of tollgate ${args[0]}`, result.stderr],
      ]),
    ];
    const leaks: string[] = [];
    for (const [where, text] of texts) {
      const forms = [text, decodeURIComponentSafe(text)];
      for (const secret of secrets) if (forms.some((t) => t.includes(secret))) leaks.push(`${where}: ${secret}`);
    }
    expect(leaks).toEqual([]);
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%[0-9A-Fa-f]{2}/g, (m) => String.fromCharCode(parseInt(m.slice(1), 16)));
  }
}
