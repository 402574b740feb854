import { describe, expect, it } from "vitest";
import { parseFindingsFile } from "../../src/export/findings-file.js";
import { exportInput, finding } from "./helpers.js";

const good = { kind: "tollgate-findings", formatVersion: 1, ...exportInput([finding()]), summary: { ignored: true } };

describe("reading findings.json for export", () => {
  it("reads the known fields and ignores the rest", () => {
    const r = parseFindingsFile(JSON.stringify(good), "f.json");
    expect(r.findings).toHaveLength(1);
    expect(r.metadata.accounts).toEqual(["111122223333"]);
  });

  it("names the file and JSON pointer of a bad value", () => {
    const bad = (mut: (d: Record<string, unknown>) => void) => {
      const d = structuredClone(good) as unknown as Record<string, unknown>;
      mut(d);
      return () => parseFindingsFile(JSON.stringify(d), "f.json");
    };
    expect(bad((d) => (d["kind"] = "sarif"))).toThrow(/^f\.json: \/kind: /);
    expect(bad((d) => ((d["findings"] as Record<string, unknown>[])[0]!["account"] = "12"))).toThrow(
      "f.json: /findings/0/account: not a 12-digit account id",
    );
    expect(bad((d) => ((d["metadata"] as Record<string, unknown>)["collectedAt"] = "yesterday"))).toThrow(
      "f.json: /metadata/collectedAt",
    );
    expect(() => parseFindingsFile('{"kind":', "f.json")).toThrow(/f\.json: not valid JSON/);
  });
});
