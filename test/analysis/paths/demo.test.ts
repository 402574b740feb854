import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../fixtures/simulator/server.js";
import { scan } from "../../../src/pipeline/index.js";
import { evaluate } from "../../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../../src/engine/rules.js";
import type { Finding } from "../../../src/model/finding.js";
import type { Inventory } from "../../../src/model/inventory.js";
import { account, scanOptions, sim } from "../../helpers/sim.js";

// The demo account's exposure paths, scanned through the simulator (the probe-confirmed one is in the golden
// findings, which run the probes): an unauthenticated route to an administrator role, the same function behind a
// private API (lowered), and behind IAM authorisation (no path).

const demo = account("demo");
let s: Simulator;
let inv: Inventory;
let findings: Finding[];
const METHOD = (api: string, res: string, verb: string) =>
  `arn:aws:apigateway:us-east-1::/restapis/${api}/resources/${res}/methods/${verb}`;

beforeAll(async () => {
  s = await sim([demo]);
  process.env["AWS_ENDPOINT_URL"] = s.endpoint;
  inv = await scan(scanOptions(demo, { scan: { regions: [...demo.regions].sort() } }));
  findings = evaluate(inv, loadRules(builtInRuleDirs())).filter((f) => f.ruleId === "aws.path.exposure.no-admin");
}, 60_000);
afterAll(() => s.close());

const at = (arn: string) => findings.find((f) => f.resourceArn === arn);
const path = (arn: string) => inv.resources.find((r) => r.type === "aws.path.exposure" && r.arn === arn)!;

describe("demo account: exposure paths", () => {
  it("unauthenticated DELETE /orders/{id} → delete-order → orders-admin-lambda (AdministratorAccess) is critical", () => {
    const f = at(METHOD("a1b2c3d4e5", "ordid00001", "DELETE"));
    expect(f).toMatchObject({ status: "fail", severity: "critical" });
    expect(f?.message).toContain("orders-admin-lambda");
    const chain = (path(f!.resourceArn).derived["reaches"] as { admin: { chain: { name: string }[] } }).admin.chain;
    expect(chain.map((n) => n.name)).toEqual([
      "orders DELETE /orders/{id}",
      "AWS_PROXY integration of orders DELETE /orders/{id}",
      "function delete-order",
      "role orders-admin-lambda",
    ]);
  });

  it("the same admin function behind the private, VPC-endpoint-restricted API: a path lowered to medium", () => {
    const f = at(METHOD("f6g7h8i9j0", "admord0001", "GET"));
    expect(f).toMatchObject({ status: "fail", severity: "medium" });
    expect((path(f!.resourceArn).derived["controls"] as { kind: string }[]).map((c) => c.kind)).toEqual([
      "private-endpoint",
      "vpc-endpoint-policy",
    ]);
  });

  it("the IAM-authorised route to the same function is no path", () => {
    const f = at(METHOD("f6g7h8i9j0", "admord0001", "POST"));
    expect(f?.status).toBe("pass");
    expect(path(f!.resourceArn).derived["shielded"]).toEqual(["admin"]);
  });

  it("the Cognito-authorised GET /admin/orders is high until a probe shows it open (then critical: golden findings)", () => {
    expect(at(METHOD("a1b2c3d4e5", "admord0002", "GET"))).toMatchObject({ status: "fail", severity: "high" });
  });

  it("every failing path cites the cheapest fix: the AdministratorAccess grant shared by all three", () => {
    const fails = findings.filter((f) => f.status === "fail");
    expect(fails).toHaveLength(3);
    for (const f of fails) expect(f.message).toContain("cuts 3 path(s)");
  });
});
