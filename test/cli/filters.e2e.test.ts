// Filters (--services, --rules, --exclude-rules, --severity, --framework and the config's `filters`) through the
// built CLI against the simulator: fewer calls, only the selected rules, no errors for what was deliberately not
// collected, every value checked before the first AWS call, and the selection recorded in every report.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimError } from "../../fixtures/simulator/errors.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { loadFrameworks } from "../../src/engine/frameworks.js";
import { SERVICE_NAMES } from "../../src/engine/selection.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv } from "../helpers/sim.js";

const demo = account("demo");
const tmp = mkdtempSync(join(tmpdir(), "tollgate-filters-"));
let s: Simulator;

interface Doc {
  metadata: { services: string[]; selection?: Record<string, unknown>; rulesEvaluated: string[] };
  findings: { ruleId: string; status: string; severity: string; resourceType: string; resourceArn: string; message: string }[];
  coverage: { service: string }[];
}
const read = (dir: string) => JSON.parse(readFileSync(join(dir, "findings.json"), "utf8")) as Doc;
const calls = () => new Map(s.counts);
const newCalls = (before: Map<string, number>) =>
  [...s.counts].filter(([k, n]) => n !== (before.get(k) ?? 0)).map(([k]) => k.split(":")[0]!);

beforeAll(async () => {
  s = await sim([demo]);
});
afterAll(() => s.close());

describe("--services", () => {
  it("collects only the chosen services, evaluates only their rules, and never reports the others as errors", async () => {
    // Every API Gateway call would be denied: a scan of IAM and CloudTrail must not even ask.
    const deny = (op: { service: string }) =>
      op.service === "apigateway" ? new SimError("AccessDeniedException", "denied for the test", 403) : undefined;
    s.hooks.push(deny);
    try {
      const before = calls();
      const out = join(tmp, "services");
      const inv = join(out, "inventory.json");
      const r = await runCli(
        ["scan", "--services", "iam,cloudtrail", "--out", out, "--save-inventory", inv, "--fail-on", "none"],
        simEnv(s, demo),
      );
      expect(r.code).toBe(0);
      expect(new Set(newCalls(before))).toEqual(new Set(["sts", "ec2", "iam", "cloudtrail"]));
      const doc = read(out);
      expect(doc.metadata.services).toEqual(["iam", "cloudtrail"]);
      expect(doc.metadata.selection).toMatchObject({ services: ["iam", "cloudtrail"], profile: "default" });
      expect(new Set(doc.findings.map((f) => f.resourceType.split(".")[1]))).toEqual(new Set(["iam", "cloudtrail"]));
      expect(doc.coverage.filter((c) => c.service !== "iam")).toEqual([]);
      expect(doc.metadata.rulesEvaluated.every((id) => /^aws\.(iam|cloudtrail)\./.test(id))).toBe(true);

      // Evaluating that inventory later keeps to what it holds; asking for a service it lacks is bad input.
      const later = await runCli(["evaluate", "--inventory", inv, "--out", join(tmp, "later"), "--fail-on", "none"], {
        PATH: process.env["PATH"],
      });
      expect(later.code).toBe(0);
      expect(read(join(tmp, "later")).findings.map((f) => f.ruleId)).toEqual(doc.findings.map((f) => f.ruleId));
      const wrong = await runCli(["evaluate", "--inventory", inv, "--services", "wafv2", "--out", join(tmp, "x")], {
        PATH: process.env["PATH"],
      });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain(
        `--services wafv2: not collected in ${inv}, which was scanned with --services iam,cloudtrail`,
      );
    } finally {
      s.hooks.splice(s.hooks.indexOf(deny), 1);
    }
  });

  it("a fact that joins a service left out is skipped with the reason, not judged from half the data", async () => {
    // Custom domains map REST APIs through either API Gateway API: without apigatewayv2 the join is unknown.
    const out = join(tmp, "rest-only");
    const r = await runCli(["scan", "--no-probe", "--services", "apigateway", "--out", out], simEnv(s, demo));
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as {
      findings: { ruleId: string; resourceArn: string; status: string; message: string }[];
    };
    const f = doc.findings.find(
      (x) =>
        x.ruleId === "aws.apigateway.restapi.default-endpoint-disabled" &&
        x.resourceArn === "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5",
    );
    expect(f?.status).toBe("skipped");
    expect(f?.message).toContain("apigatewayv2 not collected (--services)");
    // An integration's Lambda function is joined with the Lambda listing: left out, it is skipped, not missing.
    const fn = doc.findings.filter((x) => x.ruleId === "aws.apigateway.method.integration-function-exists");
    expect(fn.length).toBeGreaterThan(0);
    expect(new Set(fn.map((x) => x.status))).toEqual(new Set(["skipped"]));
    expect(fn[0]?.message).toContain("Lambda was not collected (--services)");
    expect(doc.findings.filter((x) => x.status === "error")).toEqual([]);
  });

  it("--services lambda alone collects and judges the functions (the Lambda rules exist)", async () => {
    const out = join(tmp, "lambda-only");
    const before = calls();
    const r = await runCli(["scan", "--no-probe", "--services", "lambda", "--out", out], simEnv(s, demo));
    expect(r.stderr).not.toContain("no rules");
    expect(r.code).toBe(1);
    // Only Lambda is called, besides the caller identity and region discovery.
    expect([...new Set(newCalls(before))].filter((svc) => !["sts", "ec2"].includes(svc))).toEqual(["lambda"]);
    const doc = read(out);
    expect(doc.metadata.services).toEqual(["lambda"]);
    expect(new Set(doc.findings.map((x) => x.resourceType))).toEqual(new Set(["aws.lambda.function", "aws.path.exposure"]));
    expect(doc.findings.filter((x) => x.status === "error")).toEqual([]);
    // Function URLs and policies are entry points, but without IAM the role behind them is unknown: the open ones
    // are skipped with that reason (never passed as "no role"), the closed ones pass (nothing outside can call them).
    const paths = doc.findings.filter((x) => x.resourceType === "aws.path.exposure");
    const open = paths.filter((x) => x.status !== "pass");
    expect(new Set(open.map((x) => x.resourceArn))).toEqual(
      new Set([
        "arn:aws:lambda:us-east-1:111122223333:function:image-resizer/invoke",
        "arn:aws:lambda:us-east-1:111122223333:function:reports-export/invoke",
        "arn:aws:lambda:us-east-1:111122223333:function:reports-export/url",
      ]),
    );
    for (const f of open) {
      expect(f.status).toBe("skipped");
      expect(f.message).toContain("IAM was not collected (--services)");
    }
    expect(
      doc.findings
        .filter((x) => x.status === "fail")
        .map((x) => x.ruleId)
        .sort(),
    ).toContain("aws.lambda.function.url-auth-required");
  });

  it("makes fewer calls than a full scan", async () => {
    const before = calls();
    await runCli(["scan", "--no-probe", "--out", join(tmp, "full")], simEnv(s, demo));
    const full = [...s.counts].reduce((n, [k, v]) => n + v - (before.get(k) ?? 0), 0);
    const mid = calls();
    await runCli(["scan", "--services", "iam", "--out", join(tmp, "iam-only")], simEnv(s, demo));
    const iamOnly = [...s.counts].reduce((n, [k, v]) => n + v - (mid.get(k) ?? 0), 0);
    expect(iamOnly).toBeLessThan(full / 2);
  });
});

describe("rule filters", () => {
  it("--rules, --exclude-rules and --severity keep the matching rules only, and every report records them", async () => {
    const out = join(tmp, "rules");
    const r = await runCli(
      [
        "scan",
        "--no-probe",
        "--services",
        "iam",
        "--rules",
        "aws.iam.user.*,aws.iam.account.root-*",
        "--exclude-rules",
        "aws.iam.user.console-mfa",
        "--severity",
        "high",
        "--out",
        out,
      ],
      simEnv(s, demo),
    );
    expect(r.code).toBe(1);
    const doc = read(out);
    const ids = new Set(doc.findings.map((f) => f.ruleId));
    expect(ids.size).toBeGreaterThan(1);
    for (const id of ids) expect(id).toMatch(/^aws\.iam\.(user\.|account\.root-)/);
    expect(ids.has("aws.iam.user.console-mfa")).toBe(false);
    expect(doc.findings.every((f) => ["critical", "high"].includes(f.severity))).toBe(true);
    const selection = {
      services: ["iam"],
      rules: ["aws.iam.user.*", "aws.iam.account.root-*"],
      excludeRules: ["aws.iam.user.console-mfa"],
      severity: "high",
      profile: "default",
    };
    expect(doc.metadata.selection).toEqual(selection);
    const line =
      "profile default · no config file · services iam · rules aws.iam.user.*, aws.iam.account.root-* · excluding aws.iam.user.console-mfa · severity ≥ high";
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain(`Run with ${line}`);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("Run with profile default · no config file · services iam");
    const sarif = JSON.parse(readFileSync(join(out, "results.sarif"), "utf8")) as {
      runs: { properties: { selection: unknown } }[];
    };
    expect(sarif.runs[0]!.properties.selection).toEqual(selection);
  });

  it("--framework keeps the rules mapped to it", async () => {
    const out = join(tmp, "framework");
    await runCli(["scan", "--no-probe", "--framework", "cis-aws-5.0", "--out", out], simEnv(s, demo));
    const cis = new Set(
      loadFrameworks()
        .find((f) => f.id === "cis-aws-5.0")!
        .requirements.flatMap((q) => q.rules),
    );
    const doc = read(out);
    expect(doc.metadata.rulesEvaluated.length).toBeGreaterThan(5);
    expect(doc.metadata.rulesEvaluated.every((id) => cis.has(id))).toBe(true);
    expect(doc.findings.every((f) => cis.has(f.ruleId))).toBe(true);
  });

  it("reads the config file's filters; flags win key by key, and the config file is recorded", async () => {
    const dir = join(tmp, "cfg");
    mkdirSync(dir, { recursive: true });
    const config = join(dir, "tollgate.config.yaml");
    writeFileSync(config, "filters:\n  services: [iam]\n  severity: informational\n  framework: aws-fsbp\n");
    const out = join(tmp, "config-run");
    const r = await runCli(["scan", "--config", config, "--severity", "critical", "--out", out], simEnv(s, demo));
    expect([0, 1]).toContain(r.code);
    const doc = read(out);
    expect(doc.metadata.selection).toEqual({
      services: ["iam"],
      severity: "critical",
      framework: "aws-fsbp",
      profile: "default",
      config,
    });
    expect(doc.findings.every((f) => f.severity === "critical" && f.ruleId.startsWith("aws.iam."))).toBe(true);
  });
});

describe("every filter value is checked before the first AWS call (exit 2 naming the flag)", () => {
  const cases: [string[], string][] = [
    [["--services", "iam,s3"], `--services: unknown service "s3"; known: ${SERVICE_NAMES.join(", ")}`],
    [["--rules", "aws.iam.user.nope*"], '--rules: "aws.iam.user.nope*" matches no rule id or alias'],
    [["--exclude-rules", "aws.nothing"], '--exclude-rules: "aws.nothing" matches no rule id or alias'],
    [["--framework", "cis-aws-9.0"], '--framework: unknown framework "cis-aws-9.0"; known: aws-fsbp, cis-aws-3.0'],
    [["--severity", "urgent"], "--severity <min>' argument 'urgent' is invalid"],
    [["--services", "iam", "--rules", "aws.apigateway.*"], "no enabled rule matches --services iam, --rules aws.apigateway.*"],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), async () => {
      const before = calls();
      const r = await runCli(["scan", ...args, "--out", join(tmp, "never")], simEnv(s, demo));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(newCalls(before)).toEqual([]);
    });
  }

  it("an old --rules DIR is pointed to --rule-pack; a bad config filter names the file, line and field", async () => {
    const packs = join(tmp, "pack");
    mkdirSync(packs, { recursive: true });
    const r = await runCli(["scan", "--rules", packs, "--out", join(tmp, "never")], simEnv(s, demo));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is a folder: an extra rule pack is --rule-pack ${packs}`);
    const config = join(tmp, "bad-filters.yaml");
    writeFileSync(config, "profile: default\nfilters:\n  severity: high\n  services:\n    - s3\n");
    const c = await runCli(["scan", "--config", config, "--out", join(tmp, "never")], simEnv(s, demo));
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`${config}:4: /filters/services: unknown service "s3"`);
  });
});

describe("rules show by control id", () => {
  const show = (q: string, ...more: string[]) => runCli(["rules", "show", q, ...more], { PATH: process.env["PATH"] });

  it("finds the rules mapped to a Security Hub control, a CIS recommendation or an OWASP API risk", async () => {
    const iam3 = await show("IAM.3");
    expect(iam3.code).toBe(0);
    expect(iam3.stdout).toMatch(/^aws-fsbp IAM\.3 \(.*\): 1 rule\(s\)\n\naws\.iam\.user\.access-key-rotated\n/);
    const cis = await show("CIS 5.0 1.14", "--format", "json");
    expect((JSON.parse(cis.stdout) as { id: string }[]).map((x) => x.id)).toEqual(["aws.iam.user.no-direct-policies"]);
    // Without a version, every CIS version's 1.14 (the numbering moved between v3.0 and v5.0).
    const both = await show("CIS 1.14", "--format", "json");
    expect((JSON.parse(both.stdout) as { id: string }[]).map((x) => x.id).sort()).toEqual([
      "aws.iam.user.access-key-rotated",
      "aws.iam.user.no-direct-policies",
    ]);
    const api2 = await show("API2:2023", "--format", "json");
    const api2Rules = (JSON.parse(api2.stdout) as { frameworks: { framework: string; requirement: string }[] }[]).map((x) =>
      x.frameworks.some((f) => f.framework === "owasp-api-2023" && f.requirement === "API2"),
    );
    expect(api2Rules.length).toBeGreaterThan(1);
    expect(api2Rules.every(Boolean)).toBe(true);
    // A rule id still gives the one rule as an object.
    const byId = await show("aws.iam.user.access-key-rotated", "--format", "json");
    expect((JSON.parse(byId.stdout) as { id: string }).id).toBe("aws.iam.user.access-key-rotated");
  });

  it("says when a control is not covered, and when nothing matches (exit 2)", async () => {
    const api1 = await show("API1:2023");
    expect(api1.code).toBe(2);
    expect(api1.stderr).toContain("owasp-api-2023 API1 (Broken Object Level Authorization) is outside Tollgate's scope: ");
    const iam19 = await show("IAM.19");
    expect(iam19.code).toBe(2);
    expect(iam19.stderr).toContain("aws-fsbp IAM.19 (MFA should be enabled for all IAM users) is not covered by Tollgate");
    const none = await show("XYZ.99");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("XYZ.99: no rule id, alias or control id");
  });
});
