/**
 * Benchmark: evaluation alone (no collection, no reporting) of 1,000,000 resource × rule pairs:
 * 50,000 synthetic IAM users × 20 user rules (the built-in user rules plus parameter variants of them).
 * Run with `npm run build && npm run bench:evaluate`. Deterministic input; prints the median of 5 runs.
 */
import { evaluate } from "../src/engine/evaluate.js";
import { builtInRuleDirs, compileRule, loadRules, ruleAjv, type Rule } from "../src/engine/rules.js";
import type { Inventory, Resource } from "../src/model/inventory.js";
import { prng } from "../src/util/prng.js";

const USERS = 50_000;
const RULES = 20;
const ACCOUNT = "123456789012";

const rnd = prng(4);
const int = (n: number) => Math.floor(rnd() * n);

function user(i: number): Resource {
  const hasPassword = rnd() < 0.6;
  const keys = Array.from({ length: int(3) }, (_, k) => {
    const ageDays = int(400);
    const neverUsed = rnd() < 0.1;
    return { slot: k + 1, active: rnd() < 0.8, ageDays, neverUsed, daysUnused: neverUsed ? ageDays : int(Math.max(1, ageDays)) };
  });
  return {
    type: "aws.iam.user",
    arn: `arn:aws:iam::${ACCOUNT}:user/u${i}`,
    account: ACCOUNT,
    region: "global",
    name: `u${i}`,
    raw: {},
    derived: {
      hasConsolePassword: hasPassword,
      passwordDaysUnused: hasPassword ? int(120) : null,
      mfaActive: hasPassword ? rnd() < 0.8 : false,
      accessKeys: keys,
      activeAccessKeyCount: keys.filter((k) => k.active).length,
      attachedPolicyArns: rnd() < 0.2 ? ["arn:aws:iam::aws:policy/ReadOnlyAccess"] : [],
      inlinePolicies: [],
    },
  };
}

// Twenty user rules: the built-in ones, then copies with other parameters (distinct ids), as a profile would.
const base = loadRules(builtInRuleDirs()).filter((r) => r.resourceType === "aws.iam.user");
const ajv = ruleAjv();
const rules: Rule[] = [];
for (let v = 0; rules.length < RULES; v++) {
  for (const r of base) {
    if (rules.length >= RULES) break;
    if (v === 0) {
      rules.push(r);
      continue;
    }
    // Numeric parameters get other values; allow-lists and the like keep their defaults.
    const params = Object.fromEntries(
      Object.entries(r.parameters?.properties ?? {})
        .filter(([, spec]) => typeof spec["default"] === "number")
        .map(([k, spec]) => [k, Math.max(1, Number(spec["default"]) - 15 * v)]),
    );
    const copy = compileRule({ ...r, id: `${r.id}-v${v}` }, r.file, { parameters: params }, ajv);
    rules.push(copy);
  }
}

const inventory: Inventory = {
  kind: "tollgate-inventory",
  formatVersion: 1,
  metadata: {
    toolVersion: "bench",
    collectedAt: "2026-01-01T00:00:00Z",
    finishedAt: "2026-01-01T00:00:00Z",
    partition: "aws",
    accounts: [ACCOUNT],
    regions: ["us-east-1"],
    services: ["iam"],
    complete: true,
  },
  resources: Array.from({ length: USERS }, (_, i) => user(i)),
  errors: [],
};

const times: number[] = [];
let findings = 0;
let failing = 0;
// Started with --expose-gc (see package.json): the previous run's million findings are collected between
// runs, outside the timing, as a real one-shot CLI run never pays for a previous evaluation's garbage.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
evaluate(inventory, rules); // warm-up: JIT and template compilation
for (let run = 0; run < 5; run++) {
  gc();
  const t0 = performance.now();
  const out = evaluate(inventory, rules);
  times.push(performance.now() - t0);
  findings = out.length;
  failing = out.filter((f) => f.status === "fail").length;
}
times.sort((a, b) => a - b);
const median = times[2]!;
const pairs = USERS * rules.length;
process.stdout.write(
  [
    `evaluate: ${USERS.toLocaleString("en")} users × ${rules.length} rules = ${pairs.toLocaleString("en")} evaluations`,
    `  findings ${findings.toLocaleString("en")} (${failing.toLocaleString("en")} failing)`,
    `  median ${(median / 1000).toFixed(2)} s over 5 runs (min ${(times[0]! / 1000).toFixed(2)} s, max ${(times[4]! / 1000).toFixed(2)} s)`,
    `  ${Math.round(pairs / (median / 1000)).toLocaleString("en")} evaluations/s`,
  ].join("\n") + "\n",
);
