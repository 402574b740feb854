import { describe, expect, it } from "vitest";
import { plainProgress, ttyProgress } from "../../src/collect/progress.js";
import { textTable } from "../../src/report/console.js";
import type { Finding } from "../../src/model/finding.js";
import { escapeForTerminal, escapeJsonForTerminal } from "../../src/util/escape.js";
import { stderrLogger } from "../../src/util/logger.js";
import { assertTerminalSafe, HOSTILE } from "../helpers/terminal.js";

describe("escapeForTerminal", () => {
  it("shows control characters, separators and bidi controls as escapes, on one line", () => {
    const e = escapeForTerminal(HOSTILE);
    expect(e).not.toContain("\n");
    expect(e).toContain("\\x1b[2J\\x1b]0;owned\\x07\\r\\n");
    expect(e).toContain("\\x9b31m");
    expect(e).toContain("\\u202eevil\\u2028");
    assertTerminalSafe(e);
  });

  it("breaks CI logging commands wherever a runner would see one", () => {
    expect(escapeForTerminal("::add-mask::secret")).toBe("\\x3a:add-mask::secret");
    expect(escapeForTerminal(" \u00a0::error::x")).toBe(" \u00a0\\x3a:error::x");
    expect(escapeForTerminal("name ##vso[task.complete result=Succeeded]")).toBe(
      "name #\\x23vso[task.complete result=Succeeded]",
    );
    expect(escapeForTerminal("##[error]x ##teamcity[buildStatus]")).toBe("#\\x23[error]x #\\x23teamcity[buildStatus]");
    // `::` in the middle of a line is not a command: names like `arn:aws:iam::123:role/x` stay readable.
    expect(escapeForTerminal("arn:aws:iam::111122223333:role/a")).toBe("arn:aws:iam::111122223333:role/a");
  });

  it("is idempotent and leaves ordinary text alone", () => {
    const once = escapeForTerminal(HOSTILE);
    expect(escapeForTerminal(once)).toBe(once);
    expect(escapeForTerminal("Café — pets/{id} C:\\path")).toBe("Café — pets/{id} C:\\path");
  });
});

describe("escapeJsonForTerminal", () => {
  it("keeps the JSON document identical while removing what a terminal or CI runner would act on", () => {
    const doc = { message: HOSTILE, nested: [HOSTILE, { k: "##vso[x]" }] };
    const text = JSON.stringify(doc, null, 2);
    const safe = escapeJsonForTerminal(text);
    expect(JSON.parse(safe)).toEqual(doc);
    assertTerminalSafe(safe);
    expect(escapeJsonForTerminal(safe)).toBe(safe);
  });
});

describe("the output boundary escapes AWS strings", () => {
  it("logger lines", () => {
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (writes.push(s), true)) as typeof process.stderr.write;
    try {
      const log = stderrLogger({ verbose: true });
      log.info(`Not probed: ${HOSTILE}`);
      log.warn(HOSTILE);
      log.debug(HOSTILE);
    } finally {
      process.stderr.write = orig;
    }
    expect(writes).toHaveLength(3);
    for (const w of writes) expect(w.endsWith("\n") && w.indexOf("\n") === w.length - 1).toBe(true);
    assertTerminalSafe(writes.join(""));
  });

  it("progress lines, plain and live", () => {
    const out: string[] = [];
    const unit = { account: "111122223333", region: HOSTILE, service: "apigateway" };
    const plain = plainProgress({ write: (s: string) => out.push(s) });
    plain.planned(1);
    plain.finished(unit, { resources: 1, errors: 0, calls: 1 });
    assertTerminalSafe(out.join(""));
    const live: string[] = [];
    const tty = ttyProgress({ write: (s: string) => live.push(s) });
    tty.planned(1);
    tty.started(unit);
    tty.finished(unit, { resources: 1, errors: 1, calls: 1 });
    tty.close();
    // The live display draws its own cursor movements; none may come from the unit's name.
    // eslint-disable-next-line no-control-regex
    const drawn = live.join("").replace(/\x1b\[(\d+A|0J|2K)/g, "");
    assertTerminalSafe(drawn);
    expect(drawn).toContain("\\x1b[2J");
  });

  it("the --console text list wraps within 120 columns and stays terminal-safe, line by line", () => {
    const f = {
      ruleId: "aws.apigateway.stage.throttling",
      resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${HOSTILE}`,
      account: "111122223333",
      region: "us-east-1",
      status: "fail",
      severity: "high",
      message: `Stage ${HOSTILE} is not throttled`,
      evidence: [],
    } as unknown as Finding;
    const text = textTable([f, f]);
    // Two blocks (rule, resource, message); nothing in a hostile name makes a line of its own.
    const lines = text.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("HIGH"))).toHaveLength(2);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(120);
    assertTerminalSafe(text);
  });
});
