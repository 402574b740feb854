import { describe, expect, it } from "vitest";
import { escapeXml, renderJunit } from "../../src/report/junit.js";
import { parseXml, type XmlElement } from "../helpers/xml.js";
import { makeFinding, makeGap, makeReportInput, RULES, SKIP_REASON } from "../helpers/report-input.js";

const suite = (root: XmlElement, name: string) => root.children.find((s) => s.name === "testsuite" && s.attrs.name === name);
const outcome = (tc: XmlElement | undefined) => tc?.children.find((c) => c.name !== "properties")?.name ?? "pass";

describe("renderJunit", () => {
  it("is well-formed with a suite per rule, a case per resource and correct outcomes", () => {
    const root = parseXml(renderJunit(makeReportInput()));
    expect(root.name).toBe("testsuites");
    expect(root.attrs).toMatchObject({ tests: "10", failures: "5", errors: "2", skipped: "2" });
    const names = root.children.map((s) => s.attrs.name);
    expect(names).toEqual([...(Object.values(RULES) as string[])].sort().concat("tollgate.coverage"));
    const mfa = suite(root, RULES.mfa);
    expect(mfa?.attrs).toMatchObject({ tests: "4", failures: "2", errors: "0", skipped: "1" });
    const cases = mfa?.children.filter((c) => c.name === "testcase") ?? [];
    const byRes = Object.fromEntries(cases.map((c) => [c.attrs.name?.split(" ")[0], outcome(c)]));
    expect(byRes).toEqual({ alice: "failure", bob: "failure", carol: "pass", dave: "skipped" });
    const dave = cases.find((c) => c.attrs.name?.startsWith("dave"));
    expect(dave?.children[0]?.attrs.message).toContain("Break-glass user");
    const alice = cases.find((c) => c.attrs.name?.startsWith("alice"));
    expect(alice?.children[0]?.attrs.type).toBe("high");
    expect(alice?.children[0]?.text).toContain("Evidence: /derived/mfaEnabled expected MFA enabled, found false");
    expect(alice?.attrs.classname).toBe(RULES.mfa);
    const pw = suite(root, RULES.pw)?.children.find((c) => c.name === "testcase");
    expect(outcome(pw)).toBe("error");
    // A probe not sent by design is <skipped> with its reason, never an error.
    const probe = suite(root, RULES.probe);
    expect(probe?.attrs).toMatchObject({ tests: "1", failures: "0", errors: "0", skipped: "1" });
    const skippedCase = probe?.children.find((c) => c.name === "testcase");
    expect(outcome(skippedCase)).toBe("skipped");
    expect(skippedCase?.children[0]?.attrs.message).toBe(`Not probed: ${SKIP_REASON}`);
    const gaps = suite(root, "tollgate.coverage");
    expect(gaps?.attrs.errors).toBe("1");
    expect(gaps?.children[0]?.children[0]?.attrs.message).toContain("AccessDenied (HTTP 403)");
  });

  it("escapes markup and replaces characters XML 1.0 cannot carry, round-tripping the rest", () => {
    const nasty = `a<b>&"c'\u0000\u001b\u0008\uFFFE\uD800x\ty\nz 😀 </testcase>]]>`;
    const input = makeReportInput({
      findings: [makeFinding({ ruleId: RULES.mfa, resourceName: nasty, message: nasty })],
      coverage: [makeGap({ message: nasty, errorName: nasty })],
    });
    const root = parseXml(renderJunit(input));
    const tc = suite(root, RULES.mfa)?.children.find((c) => c.name === "testcase");
    const expected = `a<b>&"c'\\u0000\\u001b\\u0008\\ufffe\\ud800x\ty\nz 😀 </testcase>]]>`;
    expect(tc?.attrs.name?.startsWith(expected)).toBe(true);
    expect(tc?.children[0]?.attrs.message).toBe(expected);
    expect(escapeXml("<&>\"'")).toBe("&#60;&#38;&#62;&#34;&#39;");
  });

  it("the checker rejects malformed XML", () => {
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="<"/>')).toThrow(/raw '<'/);
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>&nbsp;</a>')).toThrow(/bad entity/);
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>\u0001</a>')).toThrow(/invalid XML character/);
  });

  it("renders an empty report", () => {
    const root = parseXml(renderJunit(makeReportInput({ findings: [], coverage: [] })));
    expect(root.attrs.tests).toBe("0");
    expect(root.children).toEqual([]);
  });
});
