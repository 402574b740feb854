// What the setup loads reaches the reports as loaded (#16 item 6): the frameworks behind the rules' compliance
// references and report.html's framework view come from the RunSetup, not from a second read of rules/frameworks.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Framework } from "../../src/model/framework.js";
import { judge, loadSetup, RunStop, SignalRouter, writeStage } from "../../src/pipeline/index.js";
import { memoryLogger } from "../../src/util/logger.js";
import { inventoryOf } from "../helpers/inventory.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-setup-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the setup's frameworks flow through to reporting", () => {
  it("compliance references and report.html's framework view use the setup's frameworks only", async () => {
    const loaded = await loadSetup({ quiet: true });
    expect(loaded.frameworks.map((f) => f.id)).toContain("cis-aws-5.0");
    const [cited, other] = loaded.rules;
    const framework: Framework = {
      id: "only-in-this-setup",
      name: "A framework only this setup holds",
      version: "1",
      sources: [],
      requirements: [{ id: "T.1", title: "one control", rules: [cited!.id] }],
    };
    const setup = { ...loaded, frameworks: [framework] };
    const log = memoryLogger();
    const ctx = { stop: new RunStop({ log, router: new SignalRouter() }), log, clock: () => new Date("2026-06-01T12:00:00Z") };

    const evaluated = await judge(inventoryOf([]), setup, ctx);
    const meta = (id: string) => evaluated.input.rules.find((r) => r.id === id)?.compliance;
    expect(meta(cited!.id)).toEqual([{ framework: "only-in-this-setup", requirement: "T.1" }]);
    expect(meta(other!.id)).toEqual([]);

    const failures = await writeStage(
      evaluated,
      { out: dir, formats: ["html"], console: "none", frameworks: setup.frameworks },
      ctx,
    );
    expect(failures).toEqual([]);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("A framework only this setup holds");
    expect(html).not.toContain("CIS Amazon Web Services Foundations Benchmark");
  });
});

describe("the setup reads the environment it is given, nothing else", () => {
  const KEY = "k".repeat(40);

  it("TOLLGATE_SECRET_HASH_KEY from the given environment becomes the setup's secret hash key", async () => {
    const setup = await loadSetup({ quiet: true, env: { TOLLGATE_SECRET_HASH_KEY: KEY } });
    expect(setup.secretHashKey?.id).toMatch(/^[0-9a-f]{8}$/);
    await expect(loadSetup({ quiet: true, env: { TOLLGATE_SECRET_HASH_KEY: "short" } })).rejects.toThrow(
      /TOLLGATE_SECRET_HASH_KEY.*at least 32/,
    );
  });

  it("without an environment given, the process's is not read", async () => {
    process.env["TOLLGATE_SECRET_HASH_KEY"] = KEY;
    try {
      expect((await loadSetup({ quiet: true })).secretHashKey).toBeUndefined();
      expect((await loadSetup({ quiet: true, env: {} })).secretHashKey).toBeUndefined();
    } finally {
      delete process.env["TOLLGATE_SECRET_HASH_KEY"];
    }
  });
});
