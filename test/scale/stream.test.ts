import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inventoryChunks, loadInventory, saveInventory, serializeInventory } from "../../src/inventory/io.js";
import type { Inventory } from "../../src/model/inventory.js";
import { stableStringify, stableStringifyChunks } from "../../src/util/stable-json.js";

/**
 * The format as one stableStringify of the canonical inventory (resources by type, account and region, then as
 * listed; collected resources without derived facts), as it was written before streaming.
 */
function previousFormat(inv: Inventory): string {
  const key = (r: Inventory["resources"][number]) => [r.type, r.account, r.region].join("|");
  const resources = [...inv.resources]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map(({ derived: _derived, skipped: _skipped, ...raw }) => raw);
  const errors = [...inv.errors].sort((a, b) => {
    const ka = [a.account, a.region, a.service, a.operation, a.resourceArn ?? "", a.errorName].join("|");
    const kb = [b.account, b.region, b.service, b.operation, b.resourceArn ?? "", b.errorName].join("|");
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return stableStringify({ ...inv, formatVersion: 2, resources, errors }) + "\n";
}

const inventory: Inventory = {
  kind: "tollgate-inventory",
  formatVersion: 1,
  metadata: {
    toolVersion: "1.2.3",
    collectedAt: "2026-06-01T12:00:00.000Z",
    finishedAt: "2026-06-01T12:01:00.000Z",
    partition: "aws",
    accounts: ["111122223333"],
    regions: [],
    services: ["iam", "apigateway"],
    complete: true,
    callers: {},
    units: [{ account: "111122223333", region: "global" }],
  },
  resources: [
    {
      type: "aws.iam.user",
      arn: "arn:aws:iam::111122223333:user/zoë",
      account: "111122223333",
      region: "global",
      name: 'zoë "quoted" \u2028',
      raw: { z: 1, a: [{ y: null, b: [] }, {}], nested: { deep: { deeper: [1, 2, { k: "v" }] } } },
      derived: {},
    },
    {
      type: "aws.iam.user",
      arn: "arn:aws:iam::111122223333:user/alice",
      account: "111122223333",
      region: "global",
      name: "alice",
      raw: { empty: {}, list: [] },
      derived: { mfa: true },
    },
  ],
  errors: [
    {
      account: "111122223333",
      region: "global",
      service: "iam",
      operation: "GetCredentialReport",
      errorName: "Throttling",
      message: "x",
    },
  ],
};

describe("streamed inventory output", () => {
  it("is byte-identical to the previous one-string format", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-stream-"));
    const expected = previousFormat(inventory);
    expect(serializeInventory(inventory)).toBe(expected);
    expect([...inventoryChunks(inventory)].length).toBeGreaterThan(5);
    await saveInventory(join(dir, "b.json"), inventory);
    expect(readFileSync(join(dir, "b.json"), "utf8")).toBe(expected);
    const read = JSON.parse(expected) as Inventory;
    expect(await loadInventory(join(dir, "b.json"))).toEqual({
      ...read,
      resources: read.resources.map((r) => ({ ...r, derived: {} })),
    });
  });

  it("chunks equal stableStringify for edge cases (empty arrays and objects, leading keys, undefined members)", () => {
    for (const v of [
      {},
      { a: [] },
      { b: undefined, a: 1 },
      [1, 2],
      "s",
      { x: [undefined, { q: 1, kind: "k" }] },
      { kind: "k", a: { kind: 1, b: 2 } },
    ])
      expect([...stableStringifyChunks(v, { leadingKeys: ["kind"] })].join("")).toBe(
        stableStringify(v, { leadingKeys: ["kind"] }),
      );
  });
});

describe("streamed findings.json", () => {
  it("is byte-identical to renderJson", async () => {
    const { renderJson } = await import("../../src/report/json.js");
    const { writeReports } = await import("../../src/report/write.js");
    const { evaluate } = await import("../../src/engine/evaluate.js");
    const { builtInRuleDirs, loadRules } = await import("../../src/engine/rules.js");
    const rules = loadRules(builtInRuleDirs());
    const findings = evaluate(inventory, rules);
    const input = { metadata: inventory.metadata, findings, rules: [], coverage: inventory.errors };
    const dir = mkdtempSync(join(tmpdir(), "tollgate-findings-"));
    await writeReports(dir, ["json"], input, { toolVersion: "9.9.9" });
    expect(findings.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "findings.json"), "utf8")).toBe(renderJson(input, { toolVersion: "9.9.9" }));
  });
});
