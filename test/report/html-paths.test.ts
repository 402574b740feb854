import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import type { ReportInput } from "../../src/model/report.js";
import { renderHtml } from "../../src/report/html.js";
import { FIRST_PATHS, MAX_PATHS } from "../../src/report/html-paths.js";
import { makeFinding, makeReportInput, makeRule } from "../helpers/report-input.js";

// report.html's exposure paths as rendered (the browser test checks them on screen): each failing path as a chain
// in path order, escaped, with its probe, modifiers and fix; and never a silent "none".

const A = "111111111111";
const RULE = "aws.path.exposure.no-admin";
const DATA_RULE = "aws.path.exposure.no-wildcard-data-access";
const method = (id: string) => `arn:aws:apigateway:us-east-1::/restapis/a1/resources/${id}/methods/GET`;
const node = (kind: string, arn: string, name: string, via: string) => ({
  kind,
  arn,
  name,
  account: A,
  region: "us-east-1",
  via,
});

interface PathOpts {
  name?: string;
  arn?: string;
  severity?: Finding["severity"];
  controls?: { kind: string; detail: string; effect: number }[];
  exposure?: string | null;
  ruleId?: string;
  target?: string;
}
function pathFinding(o: PathOpts = {}, over: Partial<Finding> = {}): Finding {
  const name = o.name ?? "orders GET /admin";
  const arn = o.arn ?? method("r1");
  const target = o.target ?? "admin";
  const path = {
    target,
    severity: o.severity ?? "critical",
    chain: [
      node("apigateway-method", arn, name, "authorizationType NONE"),
      node("integration", `${arn}/integration`, `AWS_PROXY integration of ${name}`, "integration"),
      node(
        "lambda-function",
        `arn:aws:lambda:us-east-1:${A}:function:order-admin`,
        "function order-admin",
        "AWS_PROXY integration invokes",
      ),
      node("iam-role", `arn:aws:iam::${A}:role/orders-admin`, "role orders-admin", "runs as execution role"),
    ],
    identity: `arn:aws:iam::${A}:role/orders-admin`,
    permission: {
      target,
      reason: "Allows every action on every resource (*:*)",
      actions: ["*"],
      grants: [{ action: "*", policy: "arn:aws:iam::aws:policy/AdministratorAccess", statement: 0 }],
    },
    alternatives: 0,
    fix: { from: "role orders-admin", to: "AdministratorAccess statement 0", cuts: 2, advice: "remove or scope statement 0" },
    ...(o.exposure === null
      ? {}
      : { exposure: o.exposure ?? "unauthenticated", exposureDetail: "authorizationType NONE", controls: o.controls ?? [] }),
  };
  return makeFinding({
    ruleId: o.ruleId ?? RULE,
    resourceArn: arn,
    resourceType: "aws.path.exposure",
    resourceName: name,
    region: "us-east-1",
    severity: o.severity ?? "critical",
    message: `${name} reaches an administrator-equivalent role.`,
    evidence: [{ path: `/derived/reaches/${target}`, actual: path, expected: "must be null" }],
    ...over,
  });
}

function input(findings: Finding[], rulesEvaluated?: string[]): ReportInput {
  const base = makeReportInput();
  return {
    ...base,
    metadata: { ...base.metadata, ...(rulesEvaluated ? { rulesEvaluated } : {}) },
    rules: [
      ...base.rules,
      makeRule({ id: RULE, severity: "critical", resourceType: "aws.path.exposure" }),
      makeRule({ id: DATA_RULE, severity: "critical", resourceType: "aws.path.exposure" }),
    ],
    findings: [...base.findings, ...findings],
  };
}

/** The static part of the page (before the embedded data), where the section is rendered. */
const page = (i: ReportInput) => {
  const h = renderHtml(i);
  return h.slice(0, h.indexOf('<script type="application/json"'));
};
/** The section's markup. */
const section = (i: ReportInput) => {
  const p = page(i);
  const at = p.indexOf('<section id="paths"');
  return p.slice(at, p.indexOf("</section>", at));
};
/** Text content, tags removed and whitespace collapsed. */
const text = (markup: string) =>
  markup
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .replace(/ ([.,:;)])/g, "$1")
    .trim();
const items = (markup: string) => markup.split('<li class="path"').slice(1);

describe("report.html: exposure paths", () => {
  it("shows each path under the verdict, before the counts: entry, hops and what it reaches, in path order", () => {
    const p = page(input([pathFinding()]));
    const verdict = p.indexOf('id="verdict"');
    const paths = p.indexOf('id="paths"');
    expect(verdict).toBeGreaterThan(0);
    expect(paths).toBeGreaterThan(verdict);
    expect(paths).toBeLessThan(p.indexOf('id="counts"'));
    expect(paths).toBeLessThan(p.indexOf('id="top-risks"'));
    const s = section(input([pathFinding()]));
    // An ordered list: a screen reader reads the steps as numbered items in path order; arrows are decoration.
    const steps = s
      .split('<li class="step')
      .slice(1)
      .map((m) => text(m.slice(m.indexOf(">") + 1, m.indexOf("</li>"))));
    expect(steps).toEqual([
      "Entry open to anyone · from configuration orders GET /admin authorizationType NONE",
      "→ AWS_PROXY integration invokes function order-admin",
      "→ runs as execution role role orders-admin",
      "⇒ which can reach administrator-equivalent Allows every action on every resource (*:*). AdministratorAccess statement 0 grants *.",
    ]);
    expect(s).toMatch(/<ol class="chain"/);
    expect(s.match(/<span class="arr" aria-hidden="true">/g)).toHaveLength(3);
    expect(text(s)).toContain("critical orders GET /admin reaches administrator-equivalent privileges");
    expect(text(s)).toContain("Cheapest fix: remove or scope statement 0 (cuts 2 paths).");
    // The entry links to its rule in the rule view (keyboard reachable).
    expect(s).toContain(`<a href="#rule=${encodeURIComponent(RULE)}" data-rule="${RULE}">orders GET /admin</a>`);
  });

  it("a probe that showed the entry open is a badge and raises the severity; controls that lowered it are listed", () => {
    const raised = pathFinding({
      name: "orders GET /admin",
      controls: [
        { kind: "probe-confirmed-open", detail: "probe GET https://x/admin: an unauthenticated request was served", effect: 1 },
      ],
    });
    const lowered = pathFinding({
      name: "internal GET /orders",
      arn: method("r2"),
      severity: "medium",
      controls: [
        { kind: "private-endpoint", detail: "private API: reachable only through VPC endpoints", effect: -1 },
        { kind: "vpc-endpoint-policy", detail: "resource policy allows only listed VPC endpoints or VPCs", effect: -1 },
      ],
    });
    const [first, second] = items(section(input([lowered, raised])));
    expect(text(first!)).toContain("critical confirmed live orders GET /admin");
    expect(text(first!)).toContain("Entry open to anyone · confirmed by a live probe");
    expect(text(first!)).toContain("Severity raised one step: probe GET https://x/admin: an unauthenticated request was served");
    expect(text(second!)).toContain("medium internal GET /orders");
    expect(text(second!)).not.toContain("confirmed live");
    expect(text(second!)).toContain(
      "Severity lowered one step each: private API: reachable only through VPC endpoints; resource policy allows only listed VPC endpoints or VPCs",
    );
  });

  it("most severe first, the first screen capped, the others behind “N more”; beyond the page's cap, the rule view", () => {
    const many = Array.from({ length: FIRST_PATHS + 2 }, (_, i) =>
      pathFinding({ name: `api GET /p${i}`, arn: method(`p${i}`), severity: i === 4 ? "critical" : "high" }),
    );
    const s = section(input(many));
    const names = items(s).map((m) => /data-rule="[^"]+">([^<]+)<\/a>/.exec(m)![1]);
    expect(names).toEqual(["api GET /p4", "api GET /p0", "api GET /p1", "api GET /p2", "api GET /p3"]);
    const more = s.slice(s.indexOf('<details class="drill" id="paths-more">'));
    expect(text(more)).toMatch(/^2 more exposure paths/);
    expect(items(more)).toHaveLength(2);
    expect(more).toContain(`<ol class="paths" start="${FIRST_PATHS + 1}">`);
    expect(text(s)).not.toContain("in the rule view");

    const lots = Array.from({ length: MAX_PATHS + 5 }, (_, i) => pathFinding({ name: `api GET /q${i}`, arn: method(`q${i}`) }));
    const big = section(input(lots));
    expect(items(big)).toHaveLength(MAX_PATHS);
    expect(text(big)).toContain("5 more paths: every exposure-path finding in the rule view");
    expect(big).toContain(`data-rules="${RULE}"`);
  });

  it("escapes every name and detail (resource names are attacker-controlled)", () => {
    const evil = '<img src=x onerror="alert(1)">';
    const f = pathFinding({
      name: `api GET /${evil}`,
      controls: [{ kind: "waf", detail: `web ACL ${evil} on every stage`, effect: -1 }],
    });
    const s = section(input([f]));
    expect(s).not.toContain("<img");
    expect(s).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
    // Attribute values too.
    const g = pathFinding({ name: "x", arn: `${method("r9")}" onmouseover="alert(1)` });
    expect(section(input([g]))).not.toMatch(/data-entry="[^"]*" onmouseover=/);
  });

  it("a finding written before paths carried their exposure still renders, from the entry's own authorisation", () => {
    const s = section(input([pathFinding({ exposure: null })]));
    expect(text(s)).toContain("Entry · from configuration orders GET /admin authorizationType NONE");
  });

  it("suppressed and passing path findings are not paths on the first screen", () => {
    const supp = pathFinding({}, { suppression: { reason: "accepted", expires: "2099-01-01" } });
    const s = section(input([supp, pathFinding({}, { status: "pass", evidence: [], resourceArn: method("r5") })]));
    expect(items(s)).toHaveLength(0);
    expect(text(s)).toContain(
      "Exposure paths were analysed: none of 2 entry points reaches administrator-equivalent privileges, privilege escalation, write actions on every resource or wildcard data access from outside the account (1 suppressed path not shown).",
    );
  });

  it("no path: says the paths were analysed and none found, or that they were not analysed", () => {
    const pass = pathFinding({}, { status: "pass", evidence: [] });
    expect(text(section(input([pass])))).toBe(
      "Exposure paths Exposure paths were analysed: none of 1 entry point reaches administrator-equivalent privileges, privilege escalation, write actions on every resource or wildcard data access from outside the account.",
    );
    expect(text(section(input([], [RULE])))).toContain(
      "Exposure paths were analysed: no entry point (API method or route, function URL or policy, identity pool) was found.",
    );
    expect(text(section(input([], ["aws.iam.user.console-mfa"])))).toContain(
      "Exposure paths were not analysed in this run: no exposure-path rule ran",
    );
  });

  it("an incomplete analysis says so and why, per cause, with or without paths (never a silent “none”)", () => {
    const error = (name: string, id: string, cause: string, ruleId = RULE) =>
      makeFinding({
        ruleId,
        resourceArn: method(id),
        resourceType: "aws.path.exposure",
        resourceName: name,
        status: "error",
        severity: "critical",
        title: `Title of ${ruleId}`,
        message: `Title of ${ruleId}: could not be judged for ${name}: ${cause}.`,
        evidence: [],
      });
    const denied = "lambda:ListFunctions failed (AccessDenied); input not collected (/derived/reaches)";
    const errors = [
      error("shop GET /a", "e1", denied),
      error("shop GET /a", "e1", denied, DATA_RULE),
      error("shop GET /b", "e2", denied),
      error("pool guests", "e3", "input not collected (/derived/reaches)"),
    ];
    const none = section(input(errors));
    expect(items(none)).toHaveLength(0);
    expect(text(none)).toContain(
      "No exposure path found, but the analysis could not be completed, so this is not proof there is none",
    );
    expect(text(none)).toContain(
      "The paths of 3 entry points could not be followed (their checks report error, never pass): " +
        `${denied}: shop GET /a, shop GET /b input not collected (/derived/reaches): pool guests`,
    );
    const some = section(input([pathFinding(), ...errors]));
    expect(items(some)).toHaveLength(1);
    expect(text(some)).toContain("Not complete: the paths of 3 entry points could not be followed, so more may exist");
  });
});
