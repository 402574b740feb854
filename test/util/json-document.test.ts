import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadInventory, saveInventory, serializeInventory } from "../../src/inventory/io.js";
import type { Inventory } from "../../src/model/inventory.js";
import { renderJson } from "../../src/report/json.js";
import { loadFindingsFile } from "../../src/report/load.js";
import { inventoryOf } from "../helpers/inventory.js";
import { makeReportInput } from "../helpers/report-input.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-docs-"));
let n = 0;
const file = (text: string) => {
  const p = join(dir, `f${++n}.json`);
  writeFileSync(p, text);
  return p;
};
const refusal = async (p: Promise<unknown>): Promise<string> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(InputError);
  return (e as Error).message;
};

const inventory: Inventory = inventoryOf(
  Array.from({ length: 5 }, (_, i) => ({
    type: "aws.iam.user",
    arn: `arn:aws:iam::111122223333:user/u${i}`,
    account: "111122223333",
    region: "global",
    name: `u${i}`,
    raw: { user: { UserName: `u${i}` } },
    derived: { mfaActive: i % 2 === 0 },
  })),
  {
    errors: [
      {
        account: "111122223333",
        region: "global",
        service: "iam",
        operation: "GetAccountSummary",
        errorName: "AccessDenied",
        message: "denied",
      },
    ],
  },
);

describe("inventories are read by streaming, checked as they are read", () => {
  it("a saved inventory reads back equal", async () => {
    const p = join(dir, "inv.json");
    await saveInventory(p, inventory);
    // Saved without derived facts (recomputed at evaluation); read back, every collected resource has none yet.
    const saved = JSON.parse(serializeInventory(inventory)) as Inventory;
    expect(saved.resources.filter((r) => "derived" in r)).toEqual([]);
    expect(await loadInventory(p)).toEqual({ ...saved, resources: saved.resources.map((r) => ({ ...r, derived: {} })) });
  });

  it("a truncated inventory names the resource it broke in; a corrupt one names where", async () => {
    const text = serializeInventory(inventory);
    const cut = text.indexOf('"u3"') + 2;
    expect(await refusal(loadInventory(file(text.slice(0, cut))))).toMatch(
      /: not a Tollgate inventory: invalid JSON \(.*in \/resources\/3\)\); the file is truncated$/,
    );
    const corrupt = text.replace('"name": "u2"', '"name" "u2"');
    expect(await refusal(loadInventory(file(corrupt)))).toMatch(
      /: not a Tollgate inventory: invalid JSON \(.*at byte \d+, in \/resources\/2\)\); the file may be corrupt$/,
    );
  });

  it("schema errors name the JSON pointer of the element", async () => {
    const bad = structuredClone(inventory) as unknown as { resources: Record<string, unknown>[] };
    delete bad.resources[3]!["arn"];
    expect(await refusal(loadInventory(file(JSON.stringify(bad))))).toMatch(
      /invalid inventory: \/resources\/3: must have required property 'arn'/,
    );
    const unknownType = structuredClone(inventory);
    (unknownType.resources[1] as { type: string }).type = "aws.s3.bucket";
    expect(await refusal(loadInventory(file(JSON.stringify(unknownType))))).toMatch(
      /\/resources\/1\/type: unknown resource type aws\.s3\.bucket/,
    );
    const noMeta: Record<string, unknown> = { ...inventory };
    delete noMeta["metadata"];
    expect(await refusal(loadInventory(file(JSON.stringify(noMeta))))).toMatch(
      /invalid inventory: \/: must have required property 'metadata'/,
    );
  });

  it("a foreign file is refused as foreign as soon as its kind is read, whatever follows", async () => {
    // A findings file, then garbage: the kind comes first, so the message is about the kind, not the JSON.
    expect(await refusal(loadInventory(file('{"kind":"tollgate-findings","formatVersion":1,"findings":[1,2,')))).toMatch(
      /not a Tollgate inventory: \/kind must be "tollgate-inventory"/,
    );
    // "errors" sorts before "kind" in an inventory: a bad element there is held until the kind says what the file is.
    expect(await refusal(loadInventory(file('{"errors":[{"x":1}],"formatVersion":1,"kind":"something-else"}')))).toMatch(
      /not a Tollgate inventory: \/kind must be "tollgate-inventory"/,
    );
    expect(await refusal(loadInventory(file('{"errors":[{"x":1}],"formatVersion":3,"kind":"tollgate-inventory"}')))).toMatch(
      /unsupported inventory \/formatVersion 3/,
    );
    expect(await refusal(loadInventory(file('{"errors":[{"x":1}],"formatVersion":1,"kind":"tollgate-inventory"}')))).toMatch(
      /invalid inventory: \/errors\/0: must have required property/,
    );
    expect(await refusal(loadInventory(file('{"version":"2.1.0","runs":[]}')))).toMatch(/\/kind must be "tollgate-inventory"/);
    expect(await refusal(loadInventory(file("[1,2,3]")))).toMatch(/invalid JSON \(expected a JSON object/);
    expect(await refusal(loadInventory(join(dir, "missing.json")))).toMatch(/missing\.json: cannot read inventory: ENOENT/);
  });
});

describe("findings files are read by streaming, checked as they are read", () => {
  const text = renderJson(makeReportInput(), { toolVersion: "9.9.9" });

  it("a written findings file reads back equal", async () => {
    expect(await loadFindingsFile(file(text))).toEqual(JSON.parse(text));
  });

  it("truncated, corrupt, foreign and invalid files are refused with the JSON pointer", async () => {
    const at = text.indexOf('"findings": [') + 40;
    expect(await refusal(loadFindingsFile(file(text.slice(0, at))))).toMatch(
      /: not valid JSON: .*in \/findings\/0\); the file is truncated$/,
    );
    expect(await refusal(loadFindingsFile(file(text.replace('"findings": [', '"findings": [}'))))).toMatch(
      /: not valid JSON: expected a value, found \} .*in \/findings\/0\); the file may be corrupt$/,
    );
    const doc = JSON.parse(text) as { findings: Record<string, unknown>[] };
    doc.findings[1]!["status"] = "maybe";
    expect(await refusal(loadFindingsFile(file(JSON.stringify(doc))))).toMatch(
      /invalid findings file at \/findings\/1\/status: must be equal to one of the allowed values/,
    );
    expect(await refusal(loadFindingsFile(file('{"kind":"tollgate-inventory","formatVersion":1,"resources":[{')))).toMatch(
      /not a Tollgate findings file \(at \/kind: expected "tollgate-findings", found "tollgate-inventory"\)/,
    );
    const proto = text.replace('"kind": "tollgate-findings",', '"kind": "tollgate-findings", "__proto__": {"x": 1},');
    expect(await refusal(loadFindingsFile(file(proto)))).toMatch(/invalid findings file at \/: unexpected property "__proto__"/);
  });
});
