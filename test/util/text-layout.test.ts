import { describe, expect, it } from "vitest";
import { consoleWidth, displayWidth, indented, table, wrapText } from "../../src/util/text-layout.js";

const widest = (text: string) => Math.max(...text.split("\n").map(displayWidth));

describe("text layout", () => {
  it("wraps at spaces, breaks long ARNs after a separator, and loses no character", () => {
    const arn = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/ordid00001/methods/DELETE";
    const text = `orders DELETE /orders/{id} (${arn}) accepts calls with no authorization`;
    const lines = wrapText(text, 40);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(40);
    expect(lines.join("").replace(/ /g, "")).toBe(text.replace(/ /g, ""));
    // The ARN breaks after a `/`, not in the middle of an id.
    expect(lines.some((l) => l.endsWith("/"))).toBe(true);
    expect(wrapText("aligned  label  kept", 40)).toEqual(["aligned  label  kept"]);
  });

  it("counts wide characters as two columns", () => {
    expect(displayWidth("名前")).toBe(4);
    expect(displayWidth("e\u0301")).toBe(1);
    for (const l of wrapText("名前".repeat(30), 21)) expect(displayWidth(l)).toBeLessThanOrEqual(21);
  });

  it("never lets a wrapped line start with a CI workflow command", () => {
    // Breaking `arn:aws:iam::…` before `::` would start a line with it; each line is escaped again.
    for (const l of indented("x".repeat(10) + "::error title=x::owned", 0, 10)) expect(l).not.toMatch(/^\s*::/);
  });

  it("narrows the widest columns to fit, keeps the identifier column whole, and pads no line's end", () => {
    const rows = [
      [
        "aws.apigateway.method.api-key-not-authentication",
        "high",
        "API Gateway REST methods that require an API key also require authorization",
      ],
      ["aws.iam.user.mfa", "medium", "Users have MFA"],
    ];
    const text = table(["ID", "SEVERITY", "TITLE"], rows, 80, [0]);
    expect(widest(text)).toBeLessThanOrEqual(80);
    expect(text).toContain("aws.apigateway.method.api-key-not-authentication  high");
    for (const l of text.split("\n")) expect(l).toBe(l.trimEnd());
    expect(text.split("\n").length).toBeGreaterThan(4);
  });

  it("lays out for 120 columns, or a narrower terminal's width", () => {
    expect(consoleWidth({ isTTY: false, columns: 80 })).toBe(120);
    expect(consoleWidth({ isTTY: true, columns: 200 })).toBe(120);
    expect(consoleWidth({ isTTY: true, columns: 90 })).toBe(90);
    expect(consoleWidth({ isTTY: true })).toBe(120);
  });
});
