// Hostile AWS data (API names, the caller's ARN, probe answers) served by the simulator and its data plane must
// reach the console escaped: no raw control or bidi character, no line a CI runner would take as a command.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { HOSTILE_MESSAGE, loopbackProbeArgs, startDataPlane, type DataPlane } from "../../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../../fixtures/simulator/dataplane-config.js";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { generateTestPki, type TestPki } from "../../fixtures/simulator/tls.js";
import { runCli } from "../helpers/cli.js";
import { account, sim, simEnv, SIM_NOW } from "../helpers/sim.js";
import { assertTerminalSafe, HOSTILE } from "../helpers/terminal.js";

/** What XML (the IAM and STS protocols) can carry: line breaks but no other control character. */
const HOSTILE_XML = "\n::error title=arn::injected by STS\r\n##vso[task.complete result=Succeeded]";

function hostileAccount(): AccountFile {
  const a = structuredClone(account("demo"));
  a.callers[0]!.arn = `${a.callers[0]!.arn}${HOSTILE_XML}`;
  const us = a.regional!["us-east-1"]!;
  const orders = us.apigateway!.restApis!.find((x) => x.id === "a1b2c3d4e5")!;
  orders["name"] = `orders${HOSTILE}`;
  const http = us.apigatewayv2!.apis!.find((x) => x.protocolType === "HTTP")!;
  http["name"] = `storefront${HOSTILE}`;
  const misbehave = us.dataplane!.misbehave!;
  misbehave["a1b2c3d4e5"] = [...(misbehave["a1b2c3d4e5"] ?? []), "hostile-messages"];
  return a;
}

const acct = hostileAccount();
const tmp = mkdtempSync(join(tmpdir(), "tollgate-terminal-"));
let s: Simulator;
let dp: DataPlane;
let pki: TestPki;

beforeAll(async () => {
  s = await sim([acct], { now: () => SIM_NOW });
  pki = generateTestPki();
  dp = await startDataPlane({ ...dataPlaneConfig([acct]), pki });
});
afterAll(async () => {
  await s?.close();
  await dp?.close();
  pki?.dispose();
});

describe("console output under hostile AWS data", () => {
  // A scan with probes, then evaluate, diff and export, each a CLI process: minutes on a loaded machine.
  it("scan (text table, progress, warnings), evaluate --console json, diff and export on stdout stay terminal-safe", async () => {
    const env = { ...simEnv(s, acct), CI: "true" };
    const out = join(tmp, "scan");
    const scan = await runCli(
      [
        "scan",
        ...loopbackProbeArgs(dp, pki.caFile),
        "--out",
        out,
        "--save-inventory",
        join(out, "inventory.json"),
        "--console",
        "text",
      ],
      env,
      120_000,
    );
    expect(scan.code, scan.stderr).toBe(1);
    // The hostile strings did reach the console, escaped: API names in the table, the caller's ARN in the log.
    expect(scan.stdout).toContain("ordersapi\\x1b[2J\\x1b]0;owned\\x07\\r\\n");
    // (XML parsers turn the CR LF into LF.)
    expect(scan.stderr).toContain("tollgate-scanner\\n::error title=arn::injected by STS\\n#\\x23vso[task.complete");
    expect(scan.stderr).toMatch(/^\[\d+\/\d+\] 111122223333 /m);
    for (const text of [scan.stdout, scan.stderr]) assertTerminalSafe(text);

    const evaluate = await runCli(
      ["evaluate", "--inventory", join(out, "inventory.json"), "--out", join(tmp, "evaluate"), "--console", "json"],
      env,
    );
    expect(evaluate.code).toBe(1);
    // The same value as written to findings.json, hostile names and the endpoint's hostile answers included.
    const parsed = JSON.parse(evaluate.stdout) as { findings: { message: string }[] };
    expect(parsed.findings.some((f) => f.message.includes(HOSTILE))).toBe(true);
    expect(JSON.stringify(parsed)).toContain(JSON.stringify(HOSTILE_MESSAGE).slice(1, -1));
    assertTerminalSafe(evaluate.stdout);
    assertTerminalSafe(evaluate.stderr);

    const diff = await runCli(["diff", join(tmp, "evaluate", "findings.json"), join(out, "findings.json")], env);
    expect(diff.stdout).toContain("UNCHANGED");
    assertTerminalSafe(diff.stdout);

    const ocsf = await runCli(["export", "--from", join(out, "findings.json"), "--format", "ocsf"], env);
    expect(ocsf.code).toBe(0);
    expect(JSON.stringify(JSON.parse(ocsf.stdout))).toContain("\\u001b[2J");
    assertTerminalSafe(ocsf.stdout);
  }, 300_000);
});
