import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../../../src/analysis/iam/index.js";
import { enc } from "./helpers.js";

describe("policy parsing and normalisation", () => {
  it("decodes URL-encoded documents and turns single values into arrays", () => {
    const r = parsePolicyDocument(
      enc({
        Version: "2012-10-17",
        Statement: { Sid: "One", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
      }),
      "identity",
    );
    expect(r).toMatchObject({
      ok: true,
      policy: {
        version: "2012-10-17",
        statements: [{ index: 0, sid: "One", effect: "Allow", action: ["s3:GetObject"], resource: ["arn:aws:s3:::b/*"] }],
      },
    });
  });

  it("normalises NotAction, NotResource, conditions (scalars to strings) and principals", () => {
    const r = parsePolicyDocument(
      enc({
        Statement: [
          {
            Effect: "Deny",
            NotAction: ["iam:*"],
            NotResource: "arn:aws:s3:::x",
            Condition: { Bool: { "aws:SecureTransport": false } },
          },
        ],
      }),
      "identity",
    );
    expect(r.ok && r.policy.statements[0]).toEqual({
      index: 0,
      effect: "Deny",
      notAction: ["iam:*"],
      notResource: ["arn:aws:s3:::x"],
      condition: { Bool: { "aws:SecureTransport": ["false"] } },
    });
    const t = parsePolicyDocument(
      enc({
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" },
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      "trust",
    );
    expect(t.ok && t.policy.statements.map((s) => s.principal)).toEqual([
      { wildcard: true, entries: {} },
      { wildcard: false, entries: { Service: ["ec2.amazonaws.com"] } },
    ]);
  });

  it("accepts already-decoded JSON text and objects (CLI output, hand-written snapshots)", () => {
    const d = { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
    expect(parsePolicyDocument(JSON.stringify(d), "identity").ok).toBe(true);
    expect(parsePolicyDocument(d, "identity").ok).toBe(true);
  });

  it.each([
    ["bad percent-encoding", "%7B%22Statement%E0%A4%A", "identity", /percent-encoded/],
    ["bad JSON", encodeURIComponent("{Statement: ["), "identity", /not valid JSON/],
    ["not an object", enc([1, 2]), "identity", /JSON object/],
    ["missing Statement", enc({ Version: "2012-10-17" }), "identity", /Missing Statement/],
    ["empty Statement", enc({ Statement: [] }), "identity", /empty/],
    ["bad Effect", enc({ Statement: [{ Effect: "allow", Action: "*", Resource: "*" }] }), "identity", /Effect/],
    [
      "Action and NotAction",
      enc({ Statement: [{ Effect: "Allow", Action: "*", NotAction: "s3:*", Resource: "*" }] }),
      "identity",
      /exactly one/,
    ],
    ["no Action", enc({ Statement: [{ Effect: "Allow", Resource: "*" }] }), "identity", /exactly one/],
    ["no Resource", enc({ Statement: [{ Effect: "Allow", Action: "*" }] }), "identity", /Resource/],
    ["Action not strings", enc({ Statement: [{ Effect: "Allow", Action: [1], Resource: "*" }] }), "identity", /Action/],
    [
      "Principal in identity policy",
      enc({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] }),
      "identity",
      /Principal/,
    ],
    ["trust without Principal", enc({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }] }), "trust", /Principal/],
    [
      "Condition not an object",
      enc({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: "x" }] }),
      "identity",
      /Condition/,
    ],
    [
      "unsupported Version",
      enc({ Version: "2020-01-01", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
      "identity",
      /Version/,
    ],
    ["missing document", undefined, "identity", /missing/],
  ] as const)("%s → error, never a throw", (_name, input, kind, message) => {
    const r = parsePolicyDocument(input, kind);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
