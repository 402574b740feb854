// Start-up benchmark: how long the commands that do no AWS work take, and how much memory they peak at, against a
// bare `node -e 0` on the same machine at the same moment (runs are interleaved so load spikes hit every command).
//
//   npm run build && npm run bench:startup [-- --runs 15] [--before <package root>] [--no-write]
//
// --before measures another build of Tollgate too (a package root with dist/src/cli.js, e.g. a worktree of an
// earlier commit) and adds its figures as "before" columns. Targets (issue #19): within 3× `node -e 0`, under 80 MB.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/util/paths.js";
import { machine, writeBenchSection } from "./doc.js";

/** One command measured: its label and the node arguments after `node`. */
interface Case {
  label: string;
  args: (cli: string) => string[];
}

const CASES: Case[] = [
  { label: "`node -e 0`", args: () => ["-e", "0"] },
  { label: "`tollgate --version`", args: (cli) => [cli, "--version"] },
  { label: "`tollgate --help`", args: (cli) => [cli, "--help"] },
  { label: "`tollgate rules list`", args: (cli) => [cli, "rules", "list"] },
];

const TIME = "/usr/bin/time";
const BASH = "/bin/bash";
const TIME_LIMIT = 3;
const RSS_LIMIT_MB = 80;

/** One run: wall time measured here, peak RSS by GNU time (the child's own getrusage). */
function runOnce(args: string[]): { ms: number; rssMb: number } {
  const useTime = existsSync(TIME);
  const cmd = useTime ? TIME : process.execPath;
  const argv = useTime ? ["-f", "max-rss-kb %M", process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const kb = Number(/max-rss-kb (\d+)/.exec(r.stderr ?? "")?.[1] ?? NaN);
  return { ms, rssMb: kb / 1024 };
}

/**
 * Another run for its CPU time (user + system): bash's `times` gives its children's to the millisecond (GNU time's
 * `%U` and `%S` are cut to 10 ms steps, which for `node -e 0`'s ~50 ms skewed the ratios). A run of its own, as the
 * shell adds its start to the wall time. CPU time is the steadier figure on a loaded machine: it does not count the
 * time the command waited for a core.
 */
function cpuOnce(args: string[]): number {
  if (!existsSync(BASH)) return NaN;
  const script = '"$@" >/dev/null; s=$?; times; exit $s';
  const r = spawnSync(BASH, ["-c", script, "bash", process.execPath, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  // `times` prints the shell's own user and system time, then its children's: the last line.
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout);
  return m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Median wall and RSS per case for one build, runs interleaved across the cases (and builds). */
function measure(
  builds: { name: string; cli: string }[],
  runs: number,
): Map<string, { ms: number[]; rss: number[]; cpu: number[] }> {
  const out = new Map<string, { ms: number[]; rss: number[]; cpu: number[] }>();
  // One warm-up round so the first measured run does not pay for a cold file cache.
  for (const b of builds) for (const c of CASES) runOnce(c.args(b.cli));
  for (let i = 0; i < runs; i++) {
    for (const b of builds) {
      for (const c of CASES) {
        if (c.label.startsWith("`node") && b !== builds[0]) continue;
        const { ms, rssMb } = runOnce(c.args(b.cli));
        const cpuMs = cpuOnce(c.args(b.cli));
        const key = c.label.startsWith("`node") ? c.label : `${b.name} ${c.label}`;
        const e = out.get(key) ?? { ms: [], rss: [], cpu: [] };
        e.ms.push(ms);
        e.rss.push(rssMb);
        e.cpu.push(cpuMs);
        out.set(key, e);
      }
    }
  }
  return out;
}

function main(): void {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const runs = Number(opt("--runs") ?? 11);
  const before = opt("--before");
  const builds = [
    { name: "after", cli: join(packageRoot(), "dist", "src", "cli.js") },
    ...(before ? [{ name: "before", cli: join(before, "dist", "src", "cli.js") }] : []),
  ];
  const where = machine();
  const m = measure(builds, runs);
  const base = m.get(CASES[0]!.label)!;
  const baseMs = median(base.ms);
  const baseCpu = median(base.cpu);
  const cell = (key: string) => {
    const e = m.get(key)!;
    return { ms: median(e.ms), range: [Math.min(...e.ms), Math.max(...e.ms)], rss: median(e.rss), cpu: median(e.cpu) };
  };
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const head = before
    ? "| command | before: wall (× node) | before: CPU (× node) | before: peak RSS | wall (× node) | runs: wall range | CPU (× node) | peak RSS | target met |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    : "| command | wall (× node) | runs: wall range | CPU (× node) | peak RSS | target met |\n| --- | ---: | ---: | ---: | ---: | --- |";
  const rows = CASES.map((c) => {
    const isNode = c.label.startsWith("`node");
    const now = cell(isNode ? c.label : `after ${c.label}`);
    const ratio = now.ms / baseMs;
    const met = isNode
      ? "(reference)"
      : ratio <= TIME_LIMIT && now.cpu / baseCpu <= TIME_LIMIT && now.rss < RSS_LIMIT_MB
        ? "yes"
        : "no";
    const cpu = (x: { cpu: number }) => `${fmt(x.cpu)} (${(x.cpu / baseCpu).toFixed(1)}×)`;
    const nowCells = `${fmt(now.ms)} (${ratio.toFixed(1)}×) | ${fmt(now.range[0]!)}–${fmt(now.range[1]!)} | ${cpu(now)} | ${now.rss.toFixed(0)} MB | ${met}`;
    if (!before) return `| ${c.label} | ${nowCells} |`;
    const old = isNode ? now : cell(`before ${c.label}`);
    return `| ${c.label} | ${fmt(old.ms)} (${(old.ms / baseMs).toFixed(1)}×) | ${cpu(old)} | ${old.rss.toFixed(0)} MB | ${nowCells} |`;
  });
  const doc = [
    "## Start-up",
    "",
    `Generated by \`npm run bench:startup\` (\`bench/startup.ts\`) on ${new Date().toISOString().slice(0, 10)}: ${runs} runs of each command, the commands interleaved so the machine's load spreads over all of them: the medians of wall time, of peak RSS (GNU time's \`%M\`) and of CPU time (user + system, from a run of its own under bash's \`times\`, to the millisecond). CPU time does not count waiting for a core, so it moves less with the machine's load than wall time. Targets (#19): wall time and CPU time within ${TIME_LIMIT}× \`node -e 0\`'s, and under ${RSS_LIMIT_MB} MB.${before ? ' "Before" is another build (`--before`, named in the section below the table), measured in the same interleaved runs.' : ""}`,
    "",
    `Machine: ${where}.`,
    "",
    head,
    ...rows,
  ].join("\n");
  process.stdout.write(doc + "\n");
  if (!argv.includes("--no-write")) writeBenchSection("startup", doc);
}

main();
