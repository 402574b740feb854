import { describe, expect, it } from "vitest";
import { toAsff } from "../../src/export/asff.js";
import type { Finding } from "../../src/model/finding.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { chainText, reportedPath, topPaths } from "../../src/report/paths.js";
import { renderSarif } from "../../src/report/sarif.js";
import { makeFinding, makeReportInput, makeRule } from "../helpers/report-input.js";
import { assertValidSarif } from "../helpers/sarif.js";

// Exposure paths everywhere the user looks: summary.md first, SARIF code flows, ASFF resources.

const A = "111111111111";
const method = "arn:aws:apigateway:us-east-1::/restapis/a1/resources/r1/methods/DELETE";
const node = (kind: string, arn: string, name: string, via: string, region = "us-east-1") => ({
  kind,
  arn,
  name,
  account: A,
  region,
  via,
});
const path = {
  target: "admin",
  severity: "critical",
  chain: [
    node("apigateway-method", method, "orders DELETE /orders/{id}", "authorizationType NONE"),
    node("integration", `${method}/integration`, "AWS_PROXY integration of orders DELETE /orders/{id}", "integration"),
    node(
      "lambda-function",
      `arn:aws:lambda:us-east-1:${A}:function:delete-order`,
      "function delete-order",
      "AWS_PROXY integration invokes",
    ),
    node("iam-role", `arn:aws:iam::${A}:role/orders-admin`, "role orders-admin", "runs as execution role", "global"),
  ],
  identity: `arn:aws:iam::${A}:role/orders-admin`,
  permission: {
    target: "admin",
    reason: "Allows every action on every resource (*:*)",
    actions: ["*"],
    grants: [{ action: "*", policy: "arn:aws:iam::aws:policy/AdministratorAccess", statement: 0 }],
  },
  alternatives: 0,
  fix: {
    from: "role orders-admin",
    to: "AdministratorAccess statement 0",
    cuts: 2,
    advice: "remove or scope statement 0 of AdministratorAccess",
  },
};
const RULE = "aws.path.exposure.no-admin";
const pathFinding = (over: Partial<Finding> = {}): Finding =>
  makeFinding({
    ruleId: RULE,
    resourceArn: method,
    resourceType: "aws.path.exposure",
    resourceName: "orders DELETE /orders/{id}",
    region: "us-east-1",
    severity: "critical",
    message: "orders DELETE /orders/{id} reaches an administrator-equivalent role.",
    evidence: [{ path: "/derived/reaches/admin", actual: path, expected: "must be null" }],
    ...over,
  });
const input = () => {
  const base = makeReportInput();
  return {
    ...base,
    rules: [
      ...base.rules,
      makeRule({ id: RULE, severity: "critical", resourceType: "aws.path.exposure", file: `rules/aws/path/${RULE}.json` }),
    ],
    findings: [
      ...base.findings,
      pathFinding({ severity: "medium", resourceName: "internal GET /orders", resourceArn: `${method}x` }),
      pathFinding(),
    ],
  };
};

describe("exposure paths in the reports", () => {
  it("a failing path finding carries its path; other findings, passes and suppressed ones do not", () => {
    expect(reportedPath(pathFinding())?.chain).toHaveLength(4);
    expect(reportedPath(pathFinding({ status: "pass", evidence: [] }))).toBeUndefined();
    expect(reportedPath(pathFinding({ suppression: { reason: "accepted", expires: "2099-01-01" } }))).toBeUndefined();
    expect(reportedPath(makeFinding({ ruleId: "aws.iam.user.console-mfa" }))).toBeUndefined();
    expect(chainText(reportedPath(pathFinding())!)).toBe(
      "orders DELETE /orders/{id} → AWS_PROXY integration of orders DELETE /orders/{id} → function delete-order → role orders-admin ⇒ AdministratorAccess statement 0 grants *",
    );
    expect(topPaths(input().findings).map((p) => p.finding.severity)).toEqual(["critical", "medium"]);
  });

  it("summary.md lists the paths first, most severe first, with the fix", () => {
    const md = renderMarkdown(input());
    const at = md.indexOf("### Exposure paths (2)");
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(md.indexOf("| Severity | Failing |"));
    const lines = md
      .slice(at)
      .split("\n")
      .filter((l) => l.startsWith("- **"));
    expect(lines[0]).toContain("- **critical** orders DELETE /orders/\\{id\\} → ");
    expect(lines[0]).toContain("statement 0 grants");
    expect(lines[0]).toContain("Fix: remove or scope statement 0 of AdministratorAccess (cuts 2 paths).");
    expect(lines[1]).toMatch(/^- \*\*medium\*\*/);
  });

  it("SARIF carries the path as a code flow, steps in order, valid against the SARIF schema", () => {
    const log = assertValidSarif(renderSarif(input()).text);
    if (!log.runs) throw new Error("no runs");
    const results = log.runs[0]!.results as {
      ruleId: string;
      codeFlows?: {
        threadFlows: {
          locations: {
            location: { message: { text: string }; logicalLocations: { fullyQualifiedName: string }[] };
            executionOrder: number;
          }[];
        }[];
      }[];
    }[];
    const withFlow = results.filter((r) => r.codeFlows);
    expect(withFlow).toHaveLength(2);
    const steps = withFlow[0]!.codeFlows![0]!.threadFlows[0]!.locations;
    expect(steps.map((s) => s.executionOrder)).toEqual([1, 2, 3, 4, 5]);
    expect(steps.map((s) => s.location.logicalLocations[0]!.fullyQualifiedName)).toEqual([
      ...path.chain.map((n) => n.arn),
      "arn:aws:iam::aws:policy/AdministratorAccess#Statement[0]",
    ]);
    expect(steps[0]!.location.message.text).toBe("1. orders DELETE /orders/{id} (authorizationType NONE)");
    expect(results.filter((r) => r.ruleId !== RULE).every((r) => !r.codeFlows)).toBe(true);
  });

  it("ASFF lists the resources on the path after the entry: function, role, granting policy", () => {
    const a = toAsff(pathFinding(), makeRule({ id: RULE }), {
      metadata: { partition: "aws", collectedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:01:00Z", toolVersion: "t" },
      homeRegion: "us-east-1",
      updatedAt: "2026-01-01T00:02:00Z",
    });
    expect(a.Resources?.map((r) => [r.Type, r.Id])).toEqual([
      ["Other", method],
      ["AwsLambdaFunction", `arn:aws:lambda:us-east-1:${A}:function:delete-order`],
      ["AwsIamRole", `arn:aws:iam::${A}:role/orders-admin`],
      ["AwsIamPolicy", "arn:aws:iam::aws:policy/AdministratorAccess"],
    ]);
    expect(a.Resources!.length).toBeLessThanOrEqual(32);
    expect(a.Resources![2]!.Region).toBe("us-east-1");
  });
});
