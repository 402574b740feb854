import { describe, expect, it } from "vitest";
import { resourceWith, type Resource } from "../../src/model/inventory.js";
import { withFastObjects } from "../../src/util/json.js";
import { sortKeys } from "../../src/util/stable-json.js";

// A credential-report row: 22 members, built one member at a time as a streaming parser does.
const row = (i: number): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  for (let k = 0; k < 22; k++) o[`column_${String.fromCharCode(97 + k)}`] = k === 3 ? { nested: [i, { n: i }] } : `v${i}-${k}`;
  return o;
};

describe("withFastObjects", () => {
  it("gives back a deeply equal value with the keys in the same order, large objects rebuilt", () => {
    const value = { list: [row(1), row(2), null, 3, "x"], small: { b: 1, a: [row(3)] }, n: null };
    const before = JSON.stringify(value);
    const copy = JSON.parse(before) as unknown;
    const out = withFastObjects(value);
    expect(JSON.stringify(out)).toBe(before);
    expect(out).toEqual(copy);
    // Small objects and arrays are the same objects; a 22-member row is a new one.
    expect(out.small).toBe(value.small);
    expect(out.list).toBe(value.list);
    expect(Object.keys(out.list[0] as object)).toEqual(Object.keys(row(1)));
  });

  it("keeps scalars as they are", () => {
    expect(withFastObjects(null)).toBe(null);
    expect(withFastObjects("s")).toBe("s");
    expect(withFastObjects(0)).toBe(0);
  });
});

describe("sortKeys", () => {
  it("sorts keys at every depth and drops undefined members, for objects of any size", () => {
    const big = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${String(29 - i).padStart(2, "0")}`, i]));
    const out = sortKeys({ z: 1, a: { big, u: undefined }, m: [{ y: 1, x: 2 }] }) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["a", "m", "z"]);
    const a = out["a"] as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(["big"]);
    expect(Object.keys(a["big"] as object)).toEqual(Object.keys(big).sort());
    expect(Object.keys((out["m"] as object[])[0]!)).toEqual(["x", "y"]);
  });
});

describe("sortKeys and a member named __proto__ (a stage variable may be called that)", () => {
  it("keeps it as an own data member, never as the object's prototype", () => {
    const parsed = JSON.parse('{"b":1,"__proto__":{"polluted":true},"a":2}') as object;
    const out = sortKeys(parsed) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__", "a", "b"]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"a":2,"b":1}');
  });
});

describe("resourceWith", () => {
  const r: Resource = {
    type: "aws.iam.user",
    arn: "arn:aws:iam::111122223333:user/u",
    account: "111122223333",
    region: "global",
    name: "u",
    raw: { a: 1 },
    derived: { d: 1 },
    skipped: { "/derived/x": "why" },
  };
  it("copies the resource with new facts, keeping raw and skipped unless given", () => {
    expect(resourceWith(r, { derived: { e: 2 } })).toEqual({ ...r, derived: { e: 2 } });
    expect(resourceWith(r, { derived: {}, skipped: undefined })).toEqual({ ...r, derived: {}, skipped: undefined });
    expect("skipped" in resourceWith(r, { derived: {}, skipped: undefined })).toBe(false);
    expect(resourceWith(r, { raw: { b: 2 }, derived: r.derived })).toEqual({ ...r, raw: { b: 2 } });
  });
});
