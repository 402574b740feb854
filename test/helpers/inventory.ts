import type { CollectionError, Inventory, Resource } from "../../src/model/inventory.js";

/** A complete inventory of `resources` in account 111122223333 (or `account`), collected at the simulator's time. */
export function inventoryOf(
  resources: Resource[],
  opts: { account?: string; errors?: CollectionError[]; services?: string[] } = {},
): Inventory {
  return {
    kind: "tollgate-inventory",
    formatVersion: 1,
    metadata: {
      toolVersion: "test",
      collectedAt: "2026-06-01T12:00:00Z",
      finishedAt: "2026-06-01T12:00:00Z",
      partition: "aws",
      accounts: [opts.account ?? "111122223333"],
      regions: [],
      services: opts.services ?? ["iam"],
      complete: true,
    },
    resources,
    errors: opts.errors ?? [],
  };
}
