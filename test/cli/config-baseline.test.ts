import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv } from "../helpers/sim.js";

interface FindingsFile {
  findings: {
    ruleId: string;
    resourceArn: string;
    status: string;
    severity: string;
    suppression?: { reason: string; expires: string; owner?: string };
    baseline?: string;
  }[];
}

const clean = account("clean");
// The clean account plus one high failure (console user without MFA) and one medium (an old active key).
const risky: AccountFile = {
  ...structuredClone(clean),
  iam: {
    ...structuredClone(clean.iam),
    users: [
      ...(clean.iam.users ?? []),
      { name: "eve", createdDaysAgo: 50, console: { passwordLastUsedDaysAgo: 5 }, groups: ["engineers"] },
      {
        name: "old-key",
        createdDaysAgo: 300,
        accessKeys: [{ id: "AKIAOLDKEYRISKY00001", active: true, createdDaysAgo: 200, lastUsedDaysAgo: 1 }],
        groups: ["engineers"],
      },
    ],
  },
};
const tmp = mkdtempSync(join(tmpdir(), "tollgate-cfg-"));
const inventory = join(tmp, "scan", "inventory.json");
const env = { PATH: process.env["PATH"], HOME: "/nonexistent" };
let s: Simulator;

const evaluate = (args: string[]) => runCli(["evaluate", "--inventory", inventory, ...args], env);
const read = (dir: string) => JSON.parse(readFileSync(join(dir, "findings.json"), "utf8")) as FindingsFile;
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

// The one failure at or above high (--fail-on high, the default) in the risky account.
const HIGH = `suppressions:
  - rule: "aws.iam.user.console-*"
    resource: "arn:aws:iam::444455556666:user/eve"
    reason: eve signs in through the SSO portal only; password removal scheduled
    expires: 2099-12-31
    owner: platform-security
`;

beforeAll(async () => {
  s = await sim([risky]);
  const r = await runCli(["scan", "--no-probe", "--out", join(tmp, "scan"), "--save-inventory", inventory], simEnv(s, risky));
  expect(r.code).toBe(1);
});
afterAll(() => s.close());

describe("suppressions, profiles and baselines through the built CLI", () => {
  it("suppressed high findings stay in the report, marked, and the exit code is 0", async () => {
    const out = join(tmp, "suppressed");
    const r = await evaluate(["--out", out, "--config", file("high.yaml", HIGH)]);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.code).toBe(0);
    const eve = read(out).findings.find((f) => f.ruleId === "aws.iam.user.console-mfa" && f.resourceArn.endsWith("/eve"))!;
    expect(eve.status).toBe("fail");
    expect(eve.suppression).toEqual({
      reason: "eve signs in through the SSO portal only; password removal scheduled",
      expires: "2099-12-31",
      owner: "platform-security",
    });
    expect(read(out).findings.filter((f) => f.suppression).length).toBe(1);
  });

  it("an expired suppression stops applying: exit 1 and a warning naming it", async () => {
    const expired = HIGH.replace("expires: 2099-12-31\n    owner", "expires: 2020-01-31\n    owner");
    const r = await evaluate(["--out", join(tmp, "expired"), "--config", file("expired.yaml", expired)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /warning: suppression line 2 \(rule aws\.iam\.user\.console-\*, resource arn:aws:iam::444455556666:user\/eve\) expired on 2020-01-31 and no longer applies: 1 failing finding\(s\) count again/,
    );
  });

  it("a suppression that matches nothing is reported as stale", async () => {
    const stale = HIGH + "  - rule: aws.iam.user.nothing-like-this\n    reason: old\n    expires: 2099-01-01\n";
    const r = await evaluate(["--out", join(tmp, "stale"), "--config", file("stale.yaml", stale)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /suppression line 7 \(rule aws\.iam\.user\.nothing-like-this\) matched no failing finding \(stale\)/,
    );
  });

  it("a bad config file exits 2 naming the file, line and field", async () => {
    const bad = file("bad.yaml", "profile: strict\nsuppressions:\n  - rule: x\n    reason: r\n    expires: someday\n");
    const r = await evaluate(["--out", join(tmp, "bad"), "--config", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:5: /suppressions/0/expires: must match format "date"`);
  });

  it("with a baseline of the same findings, everything is unchanged and the exit code is 0", async () => {
    const out = join(tmp, "baseline");
    const r = await evaluate(["--out", out, "--baseline", join(tmp, "scan", "findings.json")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Against the baseline: 0 new, 2 unchanged, 0 fixed/);
    expect(
      read(out)
        .findings.filter((f) => f.status === "fail")
        .every((f) => f.baseline === "unchanged"),
    ).toBe(true);
  });

  it("with a baseline missing a high finding, that finding is new and the exit code is 1", async () => {
    const full = read(join(tmp, "scan"));
    const older = file(
      "older.json",
      JSON.stringify({
        findings: full.findings.filter((f) => !(f.ruleId === "aws.iam.user.console-mfa" && f.resourceArn.endsWith("/eve"))),
      }),
    );
    const r = await evaluate(["--out", join(tmp, "baseline2"), "--baseline", older, "--console", "text"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^HIGH {6}FAIL {8}aws\.iam\.user\.console-mfa \[new\]\n {4}arn:aws:iam::\d{12}:user\/eve\n/m);
  });

  it("--profile-rules strict raises severities and tightens parameters", async () => {
    const out = join(tmp, "strict");
    const r = await evaluate(["--out", out, "--profile-rules", "strict"]);
    expect(r.code).toBe(1);
    const rotated = read(out).findings.filter((f) => f.ruleId === "aws.iam.user.access-key-rotated" && f.status === "fail");
    expect(rotated.map((f) => f.severity)).toEqual(["high"]);
    const bad = await evaluate(["--out", out, "--profile-rules", "paranoid"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule profile "paranoid"/);
  });
});

describe("tollgate diff", () => {
  it("exit 0 when nothing is new; exit 1 with new failures at or above --fail-on; json output", async () => {
    const full = join(tmp, "scan", "findings.json");
    const same = await runCli(["diff", full, full], env);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^0 new, 2 unchanged, 0 fixed/);

    const empty = file("empty.json", JSON.stringify({ findings: [] }));
    const worse = await runCli(["diff", empty, full, "--format", "json"], env);
    expect(worse.code).toBe(1);
    const j = JSON.parse(worse.stdout) as { summary: { new: number; gating: number; fixed: number } };
    expect(j.summary).toMatchObject({ new: 2, fixed: 0, gating: 1 });

    const better = await runCli(["diff", full, empty], env);
    expect(better.code).toBe(0);
    expect(better.stdout).toMatch(/^0 new, 0 unchanged, 2 fixed/);

    const critOnly = await runCli(["diff", empty, full, "--fail-on", "critical"], env);
    expect(critOnly.code).toBe(0);
    const bad = await runCli(["diff", join(tmp, "nope.json"), full], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nope\.json: cannot read baseline/);
  });
});

describe("tollgate rules", () => {
  it("list shows every rule; --framework shows requirements honestly, uncovered ones included", async () => {
    const all = await runCli(["rules", "list", "--format", "json"], env);
    expect(all.code).toBe(0);
    const rules = JSON.parse(all.stdout) as { id: string; frameworks: unknown[] }[];
    expect(rules.map((r) => r.id)).toContain("aws.iam.server-certificate.not-expired");
    const owasp = await runCli(["rules", "list", "--framework", "owasp-api-2023"], env);
    expect(owasp.code).toBe(0);
    expect(owasp.stdout).toMatch(/^API1\s+Broken Object Level Authorization\s+outside Tollgate's scope$/m);
    // API5 is covered by the exposure-path rules (an outsider reaching privileged functions through the API).
    expect(owasp.stdout).toMatch(/^API5\s+Broken Function Level Authorization\s+aws\.path\.exposure\.no-admin,/m);
    expect(owasp.stdout.split("\n")[0]).toMatch(/: 5 of 10 requirements covered by enabled rules, 5 outside Tollgate's scope$/);
    expect(owasp.stdout).toMatch(
      // The rules column wraps (within 120 columns) under itself.
      /^API8\s+Security Misconfiguration\s+aws\.iam\.server-certificate\.not-expired,\n\s+aws\.apigateway\.stage\.waf-associated,/m,
    );
    // A control no rule covers is listed as such, not left out.
    const fsbp = await runCli(["rules", "list", "--framework", "aws-fsbp"], env);
    expect(fsbp.stdout).toMatch(/^CloudTrail\.9\s+CloudTrail trails should be tagged\s+not covered by Tollgate$/m);
    const unknown = await runCli(["rules", "list", "--framework", "pci"], env);
    expect(unknown.code).toBe(2);
  });

  it("show prints metadata with effective parameters under a profile", async () => {
    const r = await runCli(
      ["rules", "show", "aws.iam.user.access-key-rotated", "--profile-rules", "strict", "--format", "json"],
      env,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      severity: string;
      parameters: { name: string; default: number; effective: number }[];
      frameworks: unknown[];
    };
    expect(j.severity).toBe("high");
    expect(j.parameters).toEqual([expect.objectContaining({ name: "maxAgeDays", default: 90, effective: 45 })]);
    expect(j.frameworks).toContainEqual({ framework: "aws-fsbp", requirement: "IAM.3" });
    const missing = await runCli(["rules", "show", "aws.iam.user.nope"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/aws\.iam\.user\.nope: no rule id, alias or control id/);
  });
});
