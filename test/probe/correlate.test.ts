import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import type { Resource } from "../../src/model/inventory.js";
import type { JsonObject } from "../../src/model/json.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import { correlate, outcomeFact, probeLinks } from "../../src/probe/correlate.js";
import { PROBE_CHECKS } from "../../src/probe/types.js";

// The links the built-in rules declare (`probeCheck`), as the pipeline passes them.
const RULES = loadRules(builtInRuleDirs());
const LINKS = probeLinks(RULES);

const METHOD = "arn:aws:apigateway:us-east-1::/restapis/abc/resources/r1/methods/GET";
const STAGE = "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod";

function probe(derived: JsonObject, id = "p1"): Resource {
  return {
    type: "aws.apigateway.probe",
    arn: `tollgate:probe:${id}`,
    account: "111122223333",
    region: "us-east-1",
    name: "GET https://abc.execute-api.us-east-1.amazonaws.com/prod/pets",
    raw: {
      exchanges: [
        {
          step: "baseline",
          request: { method: "GET", url: "https://x/prod/tollgate-nonexistent-1", headers: {} },
          response: { status: 403, headers: {} },
          elapsedMs: 1,
        },
        {
          step: "unsigned",
          request: { method: "GET", url: "https://x/prod/pets", headers: {} },
          response: { status: 200, headers: {} },
          elapsedMs: 1,
        },
        {
          step: "wafSqli",
          request: { method: "GET", url: "https://x/prod/pets?tollgate_probe=x", headers: {} },
          response: { status: 200, headers: {} },
          elapsedMs: 1,
        },
      ],
    },
    derived: {
      configExpectation: { resourceArn: METHOD, relatedArns: [STAGE], auth: "COGNITO_USER_POOLS", wafSqliXss: false },
      reasons: {},
      ...derived,
    },
  };
}

function finding(
  ruleId: string,
  resourceArn: string,
  status: Finding["status"],
  resourceType = "aws.apigateway.method",
): Finding {
  return {
    ruleId,
    resourceArn,
    resourceType,
    resourceName: "x",
    account: "111122223333",
    region: "us-east-1",
    status,
    severity: "high",
    title: ruleId,
    message: "m",
    evidence: [],
  };
}

describe("correlate", () => {
  it("config says authorised, unsigned request got 200: the probe finding carries both pieces of evidence", () => {
    const res = probe({ authOutcome: "not-enforced" });
    const config = finding("aws.apigateway.method.authorization-required", METHOD, "pass");
    const live = finding("aws.apigateway.probe.auth-enforced", res.arn, "fail", "aws.apigateway.probe");
    const [c, p] = correlate([config, live], [res], LINKS);
    expect(p!.probe).toMatchObject({
      check: "auth",
      // What the configuration says beside what was seen, for the report.
      configured: { auth: "COGNITO_USER_POOLS" },
      outcome: "not-enforced",
      configFindings: [{ ruleId: config.ruleId, status: "pass", relation: "contradicts" }],
    });
    expect((p!.probe as { requests: { step: string }[] }).requests.map((x) => x.step)).toEqual(["baseline", "unsigned"]);
    expect(p!.evidence).toContainEqual(expect.objectContaining({ path: "/derived/configExpectation" }));
    expect(c!.probe).toMatchObject({ check: "auth", confirmed: false, contradicted: true });
  });

  it("config says no WAF and the marker passes: the WAF configuration finding is confirmed", () => {
    const res = probe({ wafOutcome: "not-blocked" });
    const waf = finding("aws.apigateway.stage.waf-associated", STAGE, "fail", "aws.apigateway.stage");
    const [w] = correlate([waf], [res], LINKS);
    expect(w!.probe).toMatchObject({ check: "waf", confirmed: true, contradicted: false });
    expect(w!.probe).toMatchObject({ probes: [{ configured: { wafSqliXss: false }, outcome: "not-blocked" }] });
    expect(JSON.stringify(w!.probe)).toContain("wafSqli");
  });

  it("leaves findings alone when the probe was inconclusive or not applicable, or the topic differs", () => {
    const res = probe({ authOutcome: null, wafOutcome: "not-applicable" });
    const fs = [
      finding("aws.apigateway.method.authorization-required", METHOD, "pass"),
      finding("aws.apigateway.stage.waf-associated", STAGE, "fail"),
      finding("aws.apigateway.stage.execution-logging", STAGE, "fail"),
      finding("aws.apigateway.method.authorization-required", "arn:other", "pass"),
    ];
    expect(correlate(fs, [res], LINKS)).toEqual(fs);
  });

  it("does not mutate its input", () => {
    const res = probe({ authOutcome: "enforced" });
    const config = finding("aws.apigateway.method.authorization-required", METHOD, "pass");
    const before = structuredClone(config);
    const [c] = correlate([config], [res], LINKS);
    expect(config).toEqual(before);
    expect(c!.probe).toMatchObject({ confirmed: true });
  });

  it("follows only the links rules declare: a rule whose id mentions WAF but that no probe tests is left alone", () => {
    const res = probe({ wafOutcome: "blocked" });
    const logging = finding("aws.wafv2.webacl.logging", STAGE, "fail", "aws.wafv2.webacl");
    const declared = finding("aws.apigateway.stage.waf-associated", STAGE, "fail", "aws.apigateway.stage");
    const [l, d] = correlate([logging, declared], [res], LINKS);
    expect(l).toEqual(logging);
    expect(d!.probe).toMatchObject({ check: "waf", contradicted: true });
    // The same finding under a rule that declares the check is correlated: the link, not the id, decides.
    const [x] = correlate([logging], [res], new Map([["aws.wafv2.webacl.logging", "waf"]]));
    expect(x!.probe).toMatchObject({ check: "waf" });
  });

  it("every link points to an existing check, and a configuration rule's check is judged by a probe rule reading its outcome", () => {
    const probeRules = RULES.filter((r) => r.resourceType === "aws.apigateway.probe");
    expect(probeRules.length).toBeGreaterThan(0);
    for (const r of probeRules) {
      expect(PROBE_CHECKS, r.id).toContain(r.probeCheck);
      expect(r.requires, r.id).toContain(outcomeFact(r.probeCheck!));
    }
    const judgedChecks = new Set(probeRules.map((r) => r.probeCheck));
    const config = RULES.filter((r) => r.resourceType !== "aws.apigateway.probe" && r.probeCheck);
    expect(config.length).toBeGreaterThan(0);
    for (const r of config) expect([...judgedChecks], r.id).toContain(r.probeCheck);
  });
});
