/**
 * Benchmark: findings files and inventories larger than one JavaScript string can hold (about 512 MB) are written
 * and read back. Writes a findings.json and an inventory of more than 550 MB each (streamed, atomically), then reads
 * them back the ways Tollgate does: `report --from` / `export` (loadFindingsFile), `--baseline` and `diff`
 * (readBaseline, which keeps only each finding's fingerprint fields), `evaluate`, `probe` and `merge`
 * (loadInventory), and `tollgate diff BIG BIG` end to end. Every step runs in its own process so its time and peak
 * RSS are its own.
 *
 * `npm run build && npm run bench:files [-- --mb 560] [--keep] [--no-write]`; writes its section of docs/benchmarks.md.
 * Needs about 2.5 GB of free disk in the system's temporary folder and 3 GB of memory. Not part of CI.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "../src/model/finding.js";
import type { Inventory, Resource } from "../src/model/inventory.js";
import type { ReportInput } from "../src/model/report.js";
import { prng } from "../src/util/prng.js";
import { packageRoot } from "../src/util/paths.js";
import { machine, writeBenchSection } from "./doc.js";

const ACCOUNT = "123456789012";
const MB = 1024 * 1024;

/** What a step reports from its own process. */
interface StepResult {
  ms: number;
  maxRssMb: number;
  count: number;
}

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

// ---------------------------------------------------------------- synthetic data, deterministic
function finding(i: number, rnd: () => number): Finding {
  const fail = rnd() < 0.35;
  const user = `team-${i % 97}/svc-user-${i}`;
  return {
    ruleId: `aws.iam.user.rule-${String(i % 24).padStart(2, "0")}`,
    resourceArn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
    resourceType: "aws.iam.user",
    resourceName: user,
    account: ACCOUNT,
    region: "global",
    status: fail ? "fail" : "pass",
    severity: (["critical", "high", "medium", "low"] as const)[i % 4]!,
    title: `IAM users follow rule ${i % 24} of the credential hygiene policy`,
    message: fail
      ? `IAM user ${user} has an active access key (key 1) last rotated ${90 + (i % 400)} days ago, over the 90-day limit.`
      : `IAM user ${user} passes.`,
    evidence: fail ? [{ path: "/derived/accessKeys/0/ageDays", actual: 90 + (i % 400), expected: "at most 90 days" }] : [],
  };
}

function resource(i: number, rnd: () => number): Resource {
  const name = `svc-user-${i}`;
  // A user as GetAccountAuthorizationDetails returns it: inline and attached policies make up most of the bytes.
  const statements = Array.from({ length: 6 }, (_, s) => ({
    Sid: `Statement${s}`,
    Effect: rnd() < 0.9 ? "Allow" : "Deny",
    Action: [`s3:GetObject`, `s3:PutObject`, `dynamodb:Query`, `sqs:SendMessage`].slice(0, 1 + (s % 4)),
    Resource: [`arn:aws:s3:::bucket-${i % 1000}/prefix-${s}/*`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t${s}`],
  }));
  return {
    type: "aws.iam.user",
    arn: `arn:aws:iam::${ACCOUNT}:user/team-${i % 97}/${name}`,
    account: ACCOUNT,
    region: "global",
    name,
    raw: {
      user: {
        UserName: name,
        UserId: `AIDA${String(i).padStart(17, "0")}`,
        Arn: `arn:aws:iam::${ACCOUNT}:user/team-${i % 97}/${name}`,
        Path: `/team-${i % 97}/`,
        CreateDate: "2024-03-01T10:00:00Z",
        UserPolicyList: [{ PolicyName: `inline-${i}`, PolicyDocument: { Version: "2012-10-17", Statement: statements } }],
        AttachedManagedPolicies: [
          { PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
          { PolicyName: `team-${i % 97}-base`, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/team-${i % 97}-base` },
        ],
        GroupList: [`team-${i % 97}`, "developers"],
        Tags: [{ Key: "owner", Value: `team-${i % 97}@example.com` }],
      },
      credentialReport: {
        password_enabled: "false",
        mfa_active: "false",
        access_key_1_active: "true",
        access_key_1_last_rotated: "2025-01-01T00:00:00Z",
        access_key_1_last_used_date: "2026-05-30T00:00:00Z",
      },
    },
    derived: {
      hasConsolePassword: false,
      mfaActive: false,
      accessKeys: [{ slot: 1, active: true, ageDays: 90 + (i % 400), neverUsed: false, daysUnused: 2 }],
      activeAccessKeyCount: 1,
      attachedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", `arn:aws:iam::${ACCOUNT}:policy/team-${i % 97}-base`],
    },
  };
}

const metadata = (): Inventory["metadata"] => ({
  toolVersion: "bench",
  collectedAt: "2026-06-01T12:00:00.000Z",
  finishedAt: "2026-06-01T12:00:00.000Z",
  partition: "aws",
  accounts: [ACCOUNT],
  regions: ["us-east-1"],
  services: ["iam"],
  complete: true,
});

// ---------------------------------------------------------------- steps, each in its own process
async function step(name: string, args: string[]): Promise<StepResult> {
  const t0 = performance.now();
  let count = 0;
  if (name === "write-findings") {
    const [path, n] = [args[0]!, Number(args[1])];
    const { writeReports } = await import("../src/report/write.js");
    const rnd = prng(7);
    const findings = Array.from({ length: n }, (_, i) => finding(i, rnd));
    const input: ReportInput = { metadata: metadata(), findings, rules: [], coverage: [] };
    const r = await writeReports(path, ["json"], input, { toolVersion: "bench" });
    if (r.failures.length) throw r.failures[0];
    count = n;
  } else if (name === "write-inventory") {
    const [path, n] = [args[0]!, Number(args[1])];
    const { saveInventory } = await import("../src/inventory/io.js");
    const rnd = prng(9);
    await saveInventory(path, {
      kind: "tollgate-inventory",
      formatVersion: 1,
      metadata: metadata(),
      resources: Array.from({ length: n }, (_, i) => resource(i, rnd)),
      errors: [],
    });
    count = n;
  } else if (name === "load-findings") {
    const { loadFindingsFile } = await import("../src/report/load.js");
    count = (await loadFindingsFile(args[0]!)).findings.length;
  } else if (name === "read-baseline") {
    const { readBaseline } = await import("../src/engine/baseline.js");
    count = (await readBaseline(args[0]!)).findings.length;
  } else if (name === "load-inventory") {
    const { loadInventory } = await import("../src/inventory/io.js");
    count = (await loadInventory(args[0]!)).resources.length;
  } else throw new Error(`unknown step ${name}`);
  return { ms: performance.now() - t0, maxRssMb: maxRssMb(), count };
}

/** Runs a step (or the CLI) in a child process and returns what it measured. */
function runChild(args: string[], cli = false): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // The CLI reports its peak RSS through a preload that writes it to stderr on exit.
    const argv = cli
      ? ["--import", join(packageRoot(), "dist", "bench", "max-rss.js"), join(packageRoot(), "dist", "src", "cli.js"), ...args]
      : [process.argv[1]!, "--step", ...args];
    const p = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      if (cli) {
        const rss = /max-rss-mb (\d+)/.exec(err);
        if (!rss || (code !== 0 && code !== 1)) return reject(new Error(`tollgate ${args.join(" ")} exited ${code}:\n${err}`));
        return resolve({ ms: performance.now() - t0, maxRssMb: Number(rss[1]), count: out.split("\n").length - 1 });
      }
      if (code !== 0) return reject(new Error(`step ${args[0]} exited ${code}:\n${err}`));
      resolve(JSON.parse(out) as StepResult);
    });
  });
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmtMb = (bytes: number) => `${Math.round(bytes / MB)} MB`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--step") {
    process.stdout.write(JSON.stringify(await step(argv[1]!, argv.slice(2))));
    return;
  }
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const targetMb = Number(arg("--mb") ?? 560);
  const host = machine();
  console.error(`Machine: ${host}`);
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-files-"));
  const findingsPath = join(dir, "findings.json");
  const inventoryPath = join(dir, "inventory.json");
  // About 560 bytes per finding and 4,700 per resource as written (2-space indentation, sorted keys).
  const nFindings = Math.ceil((targetMb * MB) / 560);
  const nResources = Math.ceil((targetMb * MB) / 4700);
  const rows: string[] = [];
  const row = (what: string, file: string, r: StepResult, note: string) => {
    const line = `| ${what} | ${fmtMb(statSync(file).size)} | ${r.count.toLocaleString("en-US")} | ${fmtS(r.ms)} | ${r.maxRssMb} MB | ${note} |`;
    rows.push(line);
    console.error(line);
  };
  try {
    console.error(
      `Writing ${nFindings.toLocaleString("en-US")} findings and ${nResources.toLocaleString("en-US")} resources into ${dir}`,
    );
    row(
      "write findings.json (writeReports, streamed, atomic)",
      findingsPath,
      await runChild(["write-findings", dir, String(nFindings)]),
      "building the findings included",
    );
    row(
      "write inventory (saveInventory, streamed, atomic)",
      inventoryPath,
      await runChild(["write-inventory", inventoryPath, String(nResources)]),
      "building the resources included",
    );
    row(
      "read findings.json (loadFindingsFile: `report --from`, `export`, `merge`)",
      findingsPath,
      await runChild(["load-findings", findingsPath]),
      "every finding validated and kept",
    );
    row(
      "read findings.json as a baseline (readBaseline: `--baseline`, `diff`)",
      findingsPath,
      await runChild(["read-baseline", findingsPath]),
      "failing entries kept, reduced to their fingerprint fields as read",
    );
    row(
      "read inventory (loadInventory: `evaluate`, `probe`, `merge`)",
      inventoryPath,
      await runChild(["load-inventory", inventoryPath]),
      "every resource validated, scrubbed and kept",
    );
    const diff = await runChild(["diff", findingsPath, findingsPath], true);
    row("`tollgate diff BIG BIG` (two baseline reads, CLI end to end)", findingsPath, diff, "output lines counted");
  } finally {
    if (!argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
    else console.error(`Kept ${dir}`);
  }
  const table = ["| step | file | items | time | peak RSS | notes |", "| --- | ---: | ---: | ---: | ---: | --- |", ...rows].join(
    "\n",
  );
  console.log(table);
  if (!argv.includes("--no-write"))
    writeBenchSection(
      "large-files",
      `## Large findings files and inventories\n\nGenerated by \`npm run bench:files\` (\`bench/large-files.ts\`) on ${new Date().toISOString().slice(0, 10)}: a findings.json and an inventory of more than ${targetMb} MB each (more than one JavaScript string can hold, about 512 MB) are written and read back, each step in its own process. Files are read with \`@streamparser/json\` (\`src/util/json-stream.ts\`): the large arrays element by element, each element validated against its schema when complete. Before, every read step failed on files this size: Node cannot hold more than about 512 MB of text in one string (\`ERR_STRING_TOO_LONG\`).\n\nMachine: ${host}.\n\n${table}\n`,
    );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
