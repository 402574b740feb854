// URLs with user info are refused (exit 2) in every input, with a message naming the input and never the secret.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { hasUserInfo, maskUserInfo, userInfoPointers } from "../../src/util/url-userinfo.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv } from "../helpers/sim.js";

const PASSWORD = "pa55-Do-Not-Leak";
const clean = account("clean");
let s: Simulator;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-userinfo-"));

beforeAll(async () => {
  s = await sim([clean]);
});
afterAll(() => s.close());

describe("finding user info", () => {
  it("in a URL alone or inside text, with or without a password", () => {
    for (const u of [`https://u:${PASSWORD}@h/x`, "http://token@h", "see https://a:b@wiki.example/page for details"])
      expect(hasUserInfo(u), u).toBe(true);
    for (const u of ["https://h/x@y", "https://h/?q=a@b", "security@example.com", "mailto:a@b", "arn:aws:iam::1:user/a@b"])
      expect(hasUserInfo(u), u).toBe(false);
    expect(maskUserInfo(`go to https://u:${PASSWORD}@h/x now`)).toBe("go to https://***@h/x now");
    expect(userInfoPointers({ a: [{ "b/c": `https://u:${PASSWORD}@h` }], d: "x" })).toEqual(["/a/0/b~1c"]);
  });
});

/** Runs the CLI expecting exit 2, a message naming `input`, no password anywhere, and no AWS call. */
async function refused(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<void> {
  const calls = () => [...s.counts.values()].reduce((a, b) => a + b, 0);
  const before = calls();
  const r = await runCli(args, env);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(input);
  expect(r.stderr).toContain("user info");
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  expect(calls()).toBe(before);
}

describe("every input that can hold a URL refuses user info (exit 2, before any AWS call)", () => {
  const out = () => ["--out", join(tmp, "out")];

  it("URL template flags", async () => {
    for (const flag of ["--invoke-url-template", "--domain-url-template", "--http-invoke-url-template"]) {
      const scheme = flag === "--http-invoke-url-template" ? "http" : "https";
      const placeholder = flag === "--domain-url-template" ? "{domain}" : "{apiId}";
      await refused(
        ["scan", flag, `${scheme}://ci:${PASSWORD}@${placeholder}.example/{stage}`, ...out()],
        simEnv(s, clean),
        flag,
      );
    }
  });

  it("the probe endpoints file, naming the JSON pointer", async () => {
    const file = join(tmp, "endpoints.json");
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [
          { id: "a", baseUrl: "https://127.0.0.1/prod", path: "/", method: "GET", expect: { auth: "NONE" } },
          { id: "b", baseUrl: `https://probe:${PASSWORD}@127.0.0.1/prod`, path: "/", method: "GET", expect: { auth: "NONE" } },
        ],
      }),
    );
    await refused(["probe", "--probe-endpoints", file, ...out()], simEnv(s, clean), `${file}: /endpoints/1/baseUrl`);
    await refused(["scan", "--probe-endpoints", file, ...out()], simEnv(s, clean), `${file}: /endpoints/1/baseUrl`);
  });

  it("the config file, naming the line and the field", async () => {
    const file = join(tmp, "tollgate.config.yaml");
    writeFileSync(
      file,
      [
        "suppressions:",
        "  - rule: aws.iam.user.console-mfa",
        `    reason: see https://wiki:${PASSWORD}@wiki.example/break-glass`,
        "    expires: 2099-12-31",
        "",
      ].join("\n"),
    );
    await refused(["scan", "--config", file, ...out()], simEnv(s, clean), `${file}:3: /suppressions/0/reason`);
    await refused(["evaluate", "--inventory", file, "--config", file, ...out()], simEnv(s, clean), `${file}:3:`);
  });

  it("AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>", async () => {
    const withInfo = (u: string) => u.replace("://", `://sim:${PASSWORD}@`);
    await refused(["scan", ...out()], { ...simEnv(s, clean), AWS_ENDPOINT_URL: withInfo(s.endpoint) }, "AWS_ENDPOINT_URL");
    await refused(
      ["scan", ...out()],
      { ...simEnv(s, clean), AWS_ENDPOINT_URL_STS: withInfo(s.endpoint) },
      "AWS_ENDPOINT_URL_STS",
    );
  });

  it("the active profile's endpoint_url and its services section in the shared config file", async () => {
    const config = join(tmp, "aws-config");
    writeFileSync(
      config,
      [
        "[profile audit]",
        "region = us-east-1",
        `aws_access_key_id = ${clean.callers[0]!.accessKeyId}`,
        `aws_secret_access_key = ${clean.callers[0]!.secretAccessKey}`,
        "services = local",
        "[services local]",
        "iam =",
        `  endpoint_url = https://x:${PASSWORD}@127.0.0.1:1`,
        "[profile other]",
        `aws_access_key_id = ${clean.callers[0]!.accessKeyId}`,
        `aws_secret_access_key = ${clean.callers[0]!.secretAccessKey}`,
        `endpoint_url = https://y:${PASSWORD}@127.0.0.1:1`,
        "",
      ].join("\n"),
    );
    // The file's endpoints apply only when the environment sets none.
    const { AWS_ENDPOINT_URL: _unused, ...rest } = simEnv(s, clean);
    const env = { ...rest, AWS_CONFIG_FILE: config };
    await refused(["scan", "--profile", "audit", ...out()], env, `iam.endpoint_url of [services local] in ${config}`);
    await refused(["scan", ...out()], { ...env, AWS_PROFILE: "other" }, `endpoint_url of profile "other" in ${config}`);
  });
});
