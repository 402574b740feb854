import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import type { Resource } from "../../src/model/inventory.js";
import type { JsonObject } from "../../src/model/json.js";
import { checkOfConfigRule, checkOfProbeRule, correlate } from "../../src/probe/correlate.js";

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
    const config = finding("aws.apigateway.method.authorizer-required", METHOD, "pass");
    const live = finding("aws.apigateway.probe.auth-enforced", res.arn, "fail", "aws.apigateway.probe");
    const [c, p] = correlate([config, live], [res]);
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
    const [w] = correlate([waf], [res]);
    expect(w!.probe).toMatchObject({ check: "waf", confirmed: true, contradicted: false });
    expect(w!.probe).toMatchObject({ probes: [{ configured: { wafSqliXss: false }, outcome: "not-blocked" }] });
    expect(JSON.stringify(w!.probe)).toContain("wafSqli");
  });

  it("leaves findings alone when the probe was inconclusive or not applicable, or the topic differs", () => {
    const res = probe({ authOutcome: null, wafOutcome: "not-applicable" });
    const fs = [
      finding("aws.apigateway.method.authorizer-required", METHOD, "pass"),
      finding("aws.apigateway.stage.waf-associated", STAGE, "fail"),
      finding("aws.apigateway.stage.logging-enabled", STAGE, "fail"),
      finding("aws.apigateway.method.authorizer-required", "arn:other", "pass"),
    ];
    expect(correlate(fs, [res])).toEqual(fs);
  });

  it("does not mutate its input", () => {
    const res = probe({ authOutcome: "enforced" });
    const config = finding("aws.apigateway.method.authorizer-required", METHOD, "pass");
    const before = structuredClone(config);
    const [c] = correlate([config], [res]);
    expect(config).toEqual(before);
    expect(c!.probe).toMatchObject({ confirmed: true });
  });

  it("maps rule ids to checks", () => {
    expect(checkOfProbeRule("aws.apigateway.probe.legacy-tls-refused")).toBe("tls");
    expect(checkOfProbeRule("aws.apigateway.probe.signature-verified")).toBe("sigv4");
    expect(checkOfConfigRule("aws.apigateway.method.api-key-required")).toBe("apiKey");
    expect(checkOfConfigRule("aws.apigatewayv2.route.authorization-configured")).toBe("auth");
    expect(checkOfConfigRule("aws.apigateway.domain.tls-1-2-policy")).toBe("tls");
    expect(checkOfConfigRule("aws.iam.user.console-mfa")).toBeUndefined();
  });
});
