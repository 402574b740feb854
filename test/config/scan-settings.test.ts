// One validator per input (#16 item 7): scan settings from the flags and from the config file's `scan` section go
// through the same JSON Schema (src/config/schema.ts SCAN_SETTINGS_SCHEMA) and the same extra checks
// (src/config/scan-settings.ts). The same bad value gets the same words from both routes; only the place differs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { parseConfig } from "../../src/config/load.js";
import { scanSettingsFromFlagValues, scanSettingsProblems } from "../../src/config/scan-settings.js";
import { runCli } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "tollgate-scan-settings-"));

/** A bad value: the config file's `scan` section, the same value as flags, and where each route must point. */
interface Case {
  name: string;
  yaml: string;
  flags: string[];
  pointer: string;
  line: number;
  flag: string;
}

const CASES: Case[] = [
  {
    name: "an external id with a space",
    yaml: 'scan:\n  roleName: Audit\n  externalId: "has space"\n',
    flags: ["--role-name", "Audit", "--external-id", "has space"],
    pointer: "/scan/externalId",
    line: 3,
    flag: "--external-id",
  },
  {
    name: "a role name with a slash",
    yaml: "scan:\n  roleName: team/Audit\n",
    flags: ["--role-name", "team/Audit"],
    pointer: "/scan/roleName",
    line: 2,
    flag: "--role-name",
  },
  {
    name: "a misspelt region",
    yaml: "scan:\n  regions:\n    - us-east-1\n    - us-eats-1\n",
    flags: ["--regions", "us-east-1,us-eats-1"],
    pointer: "/scan/regions/1",
    line: 4,
    flag: "--regions",
  },
  {
    name: "a region that is not a region name",
    yaml: "scan:\n  regions: [Mars]\n",
    flags: ["--regions", "Mars"],
    pointer: "/scan/regions/0",
    line: 2,
    flag: "--regions",
  },
  {
    name: "an account id of five digits",
    yaml: "scan:\n  roleName: Audit\n  accounts: ['12345']\n",
    flags: ["--role-name", "Audit", "--accounts", "12345"],
    pointer: "/scan/accounts/0",
    line: 3,
    flag: "--accounts",
  },
  {
    name: "a zero duration",
    yaml: "scan:\n  maxDuration: 0s\n",
    flags: ["--max-duration", "0s"],
    pointer: "/scan/maxDuration",
    line: 2,
    flag: "--max-duration",
  },
  {
    name: "a duration that is not one",
    yaml: "scan:\n  maxDuration: soon\n",
    flags: ["--max-duration", "soon"],
    pointer: "/scan/maxDuration",
    line: 2,
    flag: "--max-duration",
  },
  {
    name: "zero attempts",
    yaml: "scan:\n  maxAttempts: 0\n",
    flags: ["--max-attempts", "0"],
    pointer: "/scan/maxAttempts",
    line: 2,
    flag: "--max-attempts",
  },
  {
    name: "a request timeout of zero",
    yaml: "scan:\n  requestTimeoutMs: 0\n",
    flags: ["--request-timeout", "0"],
    pointer: "/scan/requestTimeoutMs",
    line: 2,
    flag: "--request-timeout",
  },
  {
    name: "accounts and the organisation at once",
    yaml: "scan:\n  roleName: Audit\n  accounts: ['111122223333']\n  org: true\n",
    flags: ["--role-name", "Audit", "--accounts", "111122223333", "--org"],
    pointer: "/scan/org",
    line: 4,
    flag: "--accounts, --org",
  },
];

/** Loopback only, nothing listening: a run that got as far as AWS would fail differently (and never does here). */
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env["PATH"],
  HOME: "/nonexistent",
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/nonexistent/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_EC2_METADATA_DISABLED: "true",
};

/** The words after the place: `FILE:LINE: /pointer: words`, `option '--x <v>' argument 'y' is invalid. words`, `--x: words`. */
function words(stderr: string, place: RegExp): string | undefined {
  return place.exec(stderr)?.[1]?.trim();
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("scan settings: one validator for the flags and the config file", () => {
  it.each(CASES)("in process, $name: the same words from both routes", (c) => {
    let fileMessage = "";
    try {
      parseConfig(c.yaml, "c.yaml");
    } catch (e) {
      fileMessage = (e as Error).message;
    }
    const fileWords = words(fileMessage, new RegExp(`^\\s*c\\.yaml:${c.line}: ${esc(c.pointer)}: (.*)$`, "m"));
    expect(fileWords, fileMessage).toBeDefined();
    // The flags route validates the same section (as the flags build it) with the same function.
    const section = (YAML.parse(c.yaml) as { scan: Record<string, unknown> }).scan;
    expect(scanSettingsProblems(section)[0]).toEqual({ pointer: c.pointer.slice("/scan".length), message: fileWords });
    expect(() => scanSettingsFromFlagValues(section)).toThrow(`${c.flag}: ${fileWords}`);
  });

  it("through the CLI: the same bad value is refused with the same words, naming the flag or the file, line and pointer, exit 2", async () => {
    const run = async (c: Case, i: number) => {
      const dir = join(tmp, `case-${i}`);
      const config = join(tmp, `case-${i}.yaml`);
      writeFileSync(config, c.yaml);
      const [fromFile, fromFlags] = await Promise.all([
        runCli(["scan", "--no-probe", "--out", dir, "--config", config], ENV),
        runCli(["scan", "--no-probe", "--out", dir, ...c.flags], ENV),
      ]);
      const fileWords = words(fromFile.stderr, new RegExp(`${esc(config)}:${c.line}: ${esc(c.pointer)}: (.*)$`, "m"));
      // Commander's words for an option parser's refusal, or the flag named by the whole-settings check.
      const flagWords =
        words(fromFlags.stderr, new RegExp(`option '${esc(c.flag)} <[a-z]+>' argument '[^']*' is invalid\\. (.*)$`, "m")) ??
        words(fromFlags.stderr, new RegExp(`^tollgate: ${esc(c.flag)}: (.*)$`, "m"));
      return {
        name: c.name,
        codes: [fromFile.code, fromFlags.code],
        fileWords,
        same: fileWords !== undefined && fileWords === flagWords,
        fromFlags: fromFlags.stderr.split("\n")[0],
      };
    };
    // Two CLI processes at a time: the machine running the suite is small.
    const results = [];
    for (const [i, c] of CASES.entries()) results.push(await run(c, i));
    for (const r of results) {
      expect(r.codes, r.name).toEqual([2, 2]);
      expect(r.fileWords, `${r.name}: the file route names the file, line and pointer`).toBeDefined();
      expect(r.same, `${r.name}: ${r.fileWords} | ${r.fromFlags}`).toBe(true);
    }
  }, 240_000);
});
