/**
 * Benchmark: full scans of generated accounts (`small`, `medium`, `large`) and a 50-account organisation
 * (`org`) against the simulator with per-request latency and AWS-like quotas. For each size: API calls per
 * service against the calls strictly required by the account's contents, wall time against the lower bound the
 * quotas imply, evaluation time and peak RSS of the scanning process (each size runs in its own child process;
 * the simulator runs in this parent process so its memory is not counted).
 *
 * `npm run bench [-- --sizes small,medium] [--latency 40] [--repeat 3] [--no-write] [--no-offline]`; writes
 * docs/benchmarks.md (every run's memory figures go to stderr).
 * BENCH_PROFILE_COLLECT=DIR writes a CPU profile of each scan's collect stage to DIR; BENCH_MEMLOG=1 prints the
 * scanning process's memory at each stage's start and end; BENCH_NODE_ARGS (e.g. --trace-gc) goes to its node.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateSize, type SizeName } from "../fixtures/generate/index.js";
import type { AccountFile } from "../fixtures/simulator/account-file.js";
import { createFaultInjector } from "../fixtures/simulator/faults.js";
import { AWS_LIKE_QUOTAS, createQuotaLimiter, type Quota } from "../fixtures/simulator/quotas.js";
import { startSimulator } from "../fixtures/simulator/server.js";
import { scaledGlobalConcurrency } from "../src/collect/tuning.js";
import { DEFAULT_FORMATS } from "../src/report/formats.js";
import { packageRoot } from "../src/util/paths.js";
import { machine, writeBenchSection } from "./doc.js";

type Size = SizeName | "org";
const ALL: Size[] = ["small", "medium", "large", "org"];
const ROLE = "TollgateAudit";

/** One stage of the scanning process: its wall time and the peak RSS reached while it ran. */
interface StageFigures {
  ms: number;
  peakRssMb: number;
}

/** The stages the bench measures apart, in the order they run. */
const STAGES = ["collect", "enrich", "evaluate", "report"] as const;
type Stage = (typeof STAGES)[number];

/** What the child reports. */
interface ChildResult {
  scanMs: number;
  evaluateMs: number;
  saveMs: number;
  /** Writing the reports (the default formats), after evaluation. */
  reportMs: number;
  /** Wall time and peak RSS of each stage: collect, enrich (the scan's two), evaluate (judge), report (save + write). */
  stages: Record<Stage, StageFigures>;
  resources: number;
  findings: number;
  errors: number;
  maxRssMb: number;
  /** CPU time (user + system) of the scanning process up to the scan's end, start-up included. */
  scanCpuMs: number;
  /** Time the main thread's event loop was busy during the scan: near the wall time, the scan is CPU-bound. */
  mainBusyMs: number;
  /** CPU time (user + system, all of the process's threads: GC and compiler helpers too) of the collect stage alone. */
  collectCpuMs: number;
  /** CPU time of the main thread alone during the collect stage (Linux: /proc; undefined elsewhere). */
  collectMainCpuMs: number | undefined;
  /** Wall time from the process's start to the scan's start: module loading and the run's setup. */
  startupMs: number;
}

/**
 * Measures stages one after the other: wall time, and peak RSS while each ran. RSS is sampled every 5 ms; when the
 * process's maximum RSS (getrusage) rose during a stage, that maximum is the stage's peak (exact even through a long
 * synchronous step, where no sample runs).
 */
function stageMeter() {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  timer.unref();
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  const figures: Partial<Record<Stage, StageFigures>> = {};
  return {
    figures,
    async run<T>(stage: Stage, fn: () => T | Promise<T>): Promise<T> {
      memLog(`${stage} start`);
      const before = maxRss();
      peak = process.memoryUsage.rss();
      const t0 = performance.now();
      const value = await fn();
      const ms = performance.now() - t0;
      memLog(`${stage} end`);
      const after = maxRss();
      const bytes = after > before ? after : Math.max(peak, process.memoryUsage.rss());
      figures[stage] = {
        ms: ms + (figures[stage]?.ms ?? 0),
        peakRssMb: Math.max(bytes / 2 ** 20, figures[stage]?.peakRssMb ?? 0),
      };
      return value;
    },
    stop: () => clearInterval(timer),
  };
}

/** BENCH_MEMLOG=1: the scanning process's memory (process.memoryUsage) at each stage's start and end, on stderr. */
function memLog(label: string): void {
  if (!process.env["BENCH_MEMLOG"]) return;
  const m = process.memoryUsage();
  const f = (n: number) => Math.round(n / 2 ** 20);
  process.stderr.write(
    `[mem] ${label}: rss ${f(m.rss)} heapTotal ${f(m.heapTotal)} heapUsed ${f(m.heapUsed)} external ${f(m.external)} ab ${f(m.arrayBuffers)}\n`,
  );
}

// ---------------------------------------------------------------- child: one scan, in its own process
/**
 * One scan through the pipeline's own stages (src/pipeline), as `tollgate scan` runs them: collect and enrich
 * (timed as the scan), then evaluate, correlate and triage (timed as evaluation), then the inventory saved and the
 * default reports written (the report stage).
 */
async function child(size: Size, endpoint: string, key: string, secret: string, inventoryPath: string): Promise<void> {
  process.env["AWS_ENDPOINT_URL"] = endpoint;
  const { startScan } = await import("../src/collect/scan.js");
  const pipeline = await import("../src/pipeline/index.js");
  const { RunStop, SignalRouter } = await import("../src/pipeline/lifecycle.js");
  const { systemClock } = await import("../src/util/clock.js");
  const { memoryLogger } = await import("../src/util/logger.js");
  const log = memoryLogger();
  const ctx = { stop: new RunStop({ log, router: new SignalRouter() }), log, clock: systemClock };
  memLog("modules loaded");
  const setup = await pipeline.loadSetup({ quiet: true });
  memLog("setup loaded");
  const meter = stageMeter();
  const profile = await profileCollect(process.env["BENCH_PROFILE_COLLECT"]);
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  // Loads while collection runs, as in `tollgate scan`.
  const data = pipeline.loadRunData();
  const run = startScan({
    settings: { credentials: { accessKeyId: key, secretAccessKey: secret }, maxAttempts: 8, userAgent: "tollgate-bench" },
    scan: {
      ...(size === "org" ? { org: true, roleName: ROLE } : {}),
      ...(process.env["BENCH_CONCURRENCY"] ? { concurrency: { global: Number(process.env["BENCH_CONCURRENCY"]) } } : {}),
    },
    homeRegion: "us-east-1",
    clock: systemClock,
    logger: log,
    toolVersion: "bench",
  });
  const collected = await meter.run("collect", () => pipeline.collectStage(run, ctx));
  const cpuCollect = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuMs();
  await profile?.(`collect-${size}-${process.pid}.cpuprofile`);
  const enriched = await meter.run("enrich", async () => pipeline.enrichStage(collected, await data.loaded));
  const elu = performance.eventLoopUtilization(elu0);
  const ru = process.resourceUsage();
  const evaluated = await meter.run("evaluate", () => pipeline.judge(enriched.inventory, setup, ctx));
  const t2 = performance.now();
  const failures = await meter.run("report", () =>
    pipeline.saveInventoryStage(inventoryPath, pipeline.savedForm(enriched.inventory, enriched.derivationErrors), log),
  );
  const saveMs = performance.now() - t2;
  const out = `${inventoryPath.replace(/\.inventory\.json$/, "")}-scan`;
  failures.push(
    ...(await meter.run("report", () =>
      pipeline.writeStage(evaluated, { out, formats: DEFAULT_FORMATS, console: "none", frameworks: setup.frameworks }, ctx),
    )),
  );
  if (failures.length) throw failures[0]!;
  meter.stop();
  const stages = meter.figures as Record<Stage, StageFigures>;
  const result: ChildResult = {
    scanMs: stages.collect.ms + stages.enrich.ms,
    evaluateMs: stages.evaluate.ms,
    saveMs,
    reportMs: stages.report.ms - saveMs,
    stages,
    resources: enriched.inventory.resources.length,
    findings: evaluated.input.findings.length,
    errors: enriched.inventory.errors.length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    scanCpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000,
    mainBusyMs: elu.active,
    collectCpuMs: (cpuCollect.user + cpuCollect.system) / 1000,
    collectMainCpuMs: main0 !== undefined && main1 !== undefined ? main1 - main0 : undefined,
    startupMs: t0,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

/**
 * CPU time (user + system) of this process's main thread, from /proc/self/task/<pid>/stat (clock ticks of 10 ms);
 * undefined where there is no /proc. Node 20 has no per-thread CPU clock of its own.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, utime and stime fields 14 and 15.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * BENCH_PROFILE_COLLECT=DIR: a CPU profile (V8's, as `node --cpu-prof` writes) of the collect stage alone, written to
 * DIR by the function returned; undefined without the variable.
 */
async function profileCollect(dir: string | undefined): Promise<((name: string) => Promise<void>) | undefined> {
  if (!dir) return undefined;
  const { Session } = await import("node:inspector/promises");
  const { writeFile, mkdir } = await import("node:fs/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return async (name) => {
    const { profile } = await session.post("Profiler.stop");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, name), JSON.stringify(profile));
    session.disconnect();
  };
}

/** Offline: `tollgate evaluate --inventory` of the saved inventory (load, evaluate, every report), in its own process. */
async function evaluateChild(inventoryPath: string, outDir: string): Promise<void> {
  const { evaluateCommand } = await import("../src/cli/commands.js");
  const t0 = performance.now();
  await evaluateCommand({
    inventory: inventoryPath,
    out: outDir,
    formats: [...DEFAULT_FORMATS],
    failOn: "critical",
    console: "none",
    quiet: true,
  });
  const result = { evaluateCommandMs: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result) + "\n");
}

// ---------------------------------------------------------------- required calls, from the contents
const pages = (n: number, per: number): number => Math.max(1, Math.ceil(n / per));

/** Calls strictly required to read one account, keyed `account|region|service:Operation` (region `global` for IAM/STS). */
function requiredCalls(files: AccountFile[]): Map<string, number> {
  const req = new Map<string, number>();
  const add = (acct: string, region: string, op: string, n = 1) => {
    const k = `${acct}|${region}|${op}`;
    req.set(k, (req.get(k) ?? 0) + n);
  };
  const mgmt = files[0]!;
  const org = files.length > 1;
  add(mgmt.accountId, "us-east-1", "sts:GetCallerIdentity");
  if (org) add(mgmt.accountId, "us-east-1", "organizations:ListAccounts", pages(files.length, 20));
  for (const f of files) {
    const a = f.accountId;
    if (f !== mgmt) {
      add(mgmt.accountId, "us-east-1", "sts:AssumeRole");
      add(a, "us-east-1", "sts:GetCallerIdentity");
    }
    add(a, "us-east-1", "ec2:DescribeRegions");
    const iam = f.iam;
    const managed = new Set<string>();
    for (const x of [...(iam.users ?? []), ...(iam.roles ?? []), ...(iam.groups ?? [])])
      for (const p of x.attachedPolicies ?? []) if (p.includes(":aws:policy/")) managed.add(p);
    const entities =
      (iam.users?.length ?? 0) +
      (iam.roles?.length ?? 0) +
      (iam.groups?.length ?? 0) +
      (iam.policies?.length ?? 0) +
      managed.size;
    add(a, "global", "iam:GetAccountAuthorizationDetails", pages(entities, 1000));
    // The report is generated (STARTED), polled once (COMPLETE) and fetched.
    add(a, "global", "iam:GenerateCredentialReport", 2);
    add(a, "global", "iam:GetCredentialReport");
    for (const op of ["GetAccountPasswordPolicy", "GetAccountSummary", "ListOpenIDConnectProviders"])
      add(a, "global", `iam:${op}`);
    const mfa = (iam.users ?? []).filter((u) => u.mfa?.includes("virtual")).length;
    add(a, "global", "iam:ListVirtualMFADevices", pages(mfa, 1000));
    add(a, "global", "iam:ListServerCertificates", pages(iam.serverCertificates?.length ?? 0, 1000));
    const multiRegion = Object.values(f.regional ?? {}).flatMap((r) =>
      (r.cloudtrail?.trails ?? []).filter((t) => t.IsMultiRegionTrail),
    );
    for (const region of f.regions) {
      const r = f.regional?.[region] ?? {};
      const rest = r.apigateway?.restApis ?? [];
      add(a, region, "apigateway:GetRestApis", pages(rest.length, 500));
      for (const op of ["GetUsagePlans", "GetDomainNames", "GetAccount"]) add(a, region, `apigateway:${op}`);
      for (const api of rest) {
        add(a, region, "apigateway:GetResources", pages(api.resources.length, 500));
        add(a, region, "apigateway:GetStages");
        add(a, region, "apigateway:GetAuthorizers", pages(api.authorizers?.length ?? 0, 500));
        add(a, region, "apigateway:GetGatewayResponses", pages(api.gatewayResponses?.length ?? 0, 500));
      }
      for (const d of r.apigateway?.domainNames ?? [])
        add(a, region, `apigateway:GetBasePathMappings`, pages(d.basePathMappings?.length ?? 0, 500));
      const http = r.apigatewayv2?.apis ?? [];
      add(a, region, "apigateway:v2:GetApis", pages(http.length, 500));
      add(a, region, "apigateway:v2:GetDomainNames");
      for (const api of http)
        for (const [op, n] of [
          ["GetStages", api.stages?.length],
          ["GetRoutes", api.routes?.length],
          ["GetAuthorizers", api.authorizers?.length],
          ["GetIntegrations", api.integrations?.length],
        ] as const)
          add(a, region, `apigateway:v2:${op}`, pages(n ?? 0, 500));
      for (const d of r.apigatewayv2?.domainNames ?? [])
        add(a, region, "apigateway:v2:GetApiMappings", pages(d.apiMappings?.length ?? 0, 500));
      const acls = r.wafv2?.webAcls ?? [];
      add(a, region, "wafv2:ListWebACLs", pages(acls.length, 100));
      add(a, region, "wafv2:GetWebACL", acls.length);
      // Associations are listed per resource type: API Gateway stages and AppSync APIs.
      add(a, region, "wafv2:ListResourcesForWebACL", acls.length * 2);
      add(a, region, "wafv2:ListLoggingConfigurations", pages(acls.filter((w) => w.logging).length, 100));
      // Every region sees its own trails and the shadows of multi-region trails homed elsewhere.
      const visible = new Set([...(r.cloudtrail?.trails ?? []), ...multiRegion]).size;
      add(a, region, "cloudtrail:DescribeTrails");
      add(a, region, "cloudtrail:GetTrailStatus", visible);
      add(a, region, "cloudtrail:GetEventSelectors", visible);
      // Lambda: one policy and one URL listing per function, one more policy per URL on an alias.
      const fns = r.lambda?.functions ?? [];
      add(a, region, "lambda:ListFunctions", pages(fns.length, 50));
      for (const fn of fns) {
        add(a, region, "lambda:ListFunctionUrlConfigs", pages(fn.urls?.length ?? 0, 50));
        add(a, region, "lambda:GetPolicy", 1 + new Set((fn.urls ?? []).flatMap((u) => (u.qualifier ? [u.qualifier] : []))).size);
      }
      // Cognito user pools: DescribeUserPool states MfaConfiguration, so GetUserPoolMfaConfig is needed only without it.
      const pools = r.cognito?.userPools ?? [];
      add(a, region, "cognito-idp:ListUserPools", pages(pools.length, 60));
      for (const p of pools) {
        add(a, region, "cognito-idp:DescribeUserPool");
        if (p["MfaConfiguration"] === undefined) add(a, region, "cognito-idp:GetUserPoolMfaConfig");
        add(a, region, "cognito-idp:ListUserPoolClients", pages(p.clients?.length ?? 0, 60));
        add(a, region, "cognito-idp:DescribeUserPoolClient", p.clients?.length ?? 0);
      }
      const identityPools = r.cognito?.identityPools ?? [];
      add(a, region, "cognito-identity:ListIdentityPools", pages(identityPools.length, 60));
      add(a, region, "cognito-identity:DescribeIdentityPool", identityPools.length);
      add(a, region, "cognito-identity:GetIdentityPoolRoles", identityPools.length);
      // AppSync: data sources of every API; keys only for APIs that accept API keys.
      const graphql = r.appsync?.graphqlApis ?? [];
      add(a, region, "appsync:ListGraphqlApis", pages(graphql.length, 25));
      for (const g of graphql) {
        add(a, region, "appsync:ListDataSources", pages(g.dataSources?.length ?? 0, 25));
        const keyAuth = [
          g.authenticationType,
          ...((g["additionalAuthenticationProviders"] as { authenticationType: string }[] | undefined) ?? []).map(
            (p) => p.authenticationType,
          ),
        ];
        if (keyAuth.includes("API_KEY")) add(a, region, "appsync:ListApiKeys", pages(g.apiKeys?.length ?? 0, 25));
      }
      for (const op of [
        "DescribeConfigurationRecorders",
        "DescribeConfigurationRecorderStatus",
        "DescribeDeliveryChannels",
        "DescribeDeliveryChannelStatus",
      ])
        add(a, region, `config:${op}`);
    }
  }
  return req;
}

/**
 * The lower bound the quotas imply: for each (account, region) bucket, the calls beyond its burst at its rate
 * (the slowest bucket wins), plus one round trip per dependent step (caller identity, organisation pages, role,
 * regions, then the longest chain inside a unit: IAM authorization-details pages or list → per-item calls).
 */
function lowerBound(req: Map<string, number>, files: AccountFile[], latencyMs: number): { ms: number; bottleneck: string } {
  const perBucket = new Map<string, number>();
  for (const [k, n] of req) {
    const [acct, region, op] = k.split("|") as [string, string, string];
    const [svc, ...rest] = op.split(":");
    const name = rest[rest.length - 1]!;
    const bucketRegion = svc === "iam" ? "global" : region;
    for (const key of [svc!, `${svc}:${name}`]) {
      if (!AWS_LIKE_QUOTAS[key]) continue;
      const id = `${acct}|${bucketRegion}|${key}`;
      perBucket.set(id, (perBucket.get(id) ?? 0) + n);
    }
  }
  let worst = 0;
  let bottleneck = "none";
  for (const [id, n] of perBucket) {
    const q: Quota = AWS_LIKE_QUOTAS[id.split("|")[2]!]!;
    const ms = (Math.max(0, n - q.burst) / q.rps) * 1000;
    if (ms > worst) {
      worst = ms;
      bottleneck = `${id.split("|")[2]} (${n} calls)`;
    }
  }
  const org = files.length > 1;
  const gaadPages = Math.max(...files.map((f) => req.get(`${f.accountId}|global|iam:GetAccountAuthorizationDetails`) ?? 1));
  const setup = 1 + (org ? pages(files.length, 20) + 2 : 0) + 1;
  const unit = Math.max(gaadPages, 3, 2);
  return { ms: worst + (setup + unit) * latencyMs, bottleneck };
}

// ---------------------------------------------------------------- parent
function runChild(size: Size, endpoint: string, f: AccountFile, inventoryPath: string): Promise<ChildResult> {
  const c = f.callers[0]!;
  return spawnJson(size, ["--child", size, endpoint, c.accessKeyId, c.secretAccessKey, inventoryPath]);
}

function spawnJson<T>(size: Size, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to the child processes only.
    const nodeArgs = (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
    const p = spawn(process.execPath, [...nodeArgs, process.argv[1]!, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${size}: child exited ${code}`));
      // The result is the last line that is a JSON object; anything else the child printed (e.g. --trace-gc through
      // BENCH_NODE_ARGS, which may also print after it) goes to stderr.
      const lines = out.trim().split("\n");
      const at = lines.findLastIndex((l) => l.startsWith("{"));
      const rest = lines.filter((_, i) => i !== at);
      if (rest.length) process.stderr.write(rest.join("\n") + "\n");
      resolve(JSON.parse(lines[at] ?? "") as T);
    });
  });
}

interface Row {
  size: Size;
  accounts: number;
  calls: Map<string, number>;
  required: Map<string, number>;
  throttled: number;
  lb: { ms: number; bottleneck: string };
  child: ChildResult;
  /** `tollgate evaluate --inventory` of the saved inventory: time and peak RSS. */
  offline: { evaluateCommandMs: number; maxRssMb: number } | undefined;
  /** Scan wall times of every run of this size (the row shows the median run). */
  walls: number[];
  /** CPU time of the simulator (this process) while the scanning child ran: not the scanner's. */
  simCpuMs: number;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perCall = (ms: number, calls: number) => `${(ms / calls).toFixed(2)} ms`;
const serviceOf = (op: string) => op.split(":")[0]!;
function byService(m: Map<string, number>, keyOp: (k: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of m) out.set(serviceOf(keyOp(k)), (out.get(serviceOf(keyOp(k))) ?? 0) + n);
  return out;
}

/**
 * Runs a size `repeat` times, each against a fresh simulator, and keeps the run with the median scan wall time:
 * the machine is shared, and single runs of the same scan were seen to vary by ±20%.
 */
async function runSizeMedian(size: Size, latencyMs: number, repeat: number): Promise<Row> {
  const runs: Row[] = [];
  for (let i = 0; i < repeat; i++) {
    const row = await runSize(size, latencyMs);
    runs.push(row);
    // Every run's memory figures (the table keeps only the median run's): RSS varies between runs of the same scan.
    const c = row.child;
    console.error(
      `  run ${i + 1}: peak RSS by stage ${STAGES.map((s) => Math.round(c.stages[s].peakRssMb)).join(" / ")} MB, peak ${mb(c.maxRssMb)}` +
        (row.offline ? `; evaluate --inventory ${mb(row.offline.maxRssMb)}` : "") +
        `; scan ${fmt(c.scanMs)}, evaluate ${fmt(c.evaluateMs)}, report ${fmt(c.stages.report.ms)}`,
    );
  }
  runs.sort((a, b) => a.child.scanMs - b.child.scanMs);
  return { ...runs[Math.floor((runs.length - 1) / 2)]!, walls: runs.map((r) => r.child.scanMs) };
}

async function runSize(size: Size, latencyMs: number): Promise<Row> {
  const files = generateSize(size);
  const required = requiredCalls(files);
  const quotas = createQuotaLimiter();
  const latency = createFaultInjector({ rules: [{ operation: "*", latencyMs }] });
  const sim = await startSimulator({ accounts: files, reportDelayMs: 0, hooks: [latency.hook, quotas.hook] });
  try {
    const inventoryPath = join(packageRoot(), "reports", `bench-${size}.inventory.json`);
    const simCpu0 = process.cpuUsage();
    const child = await runChild(size, sim.endpoint, files[0]!, inventoryPath);
    const simCpu = process.cpuUsage(simCpu0);
    const offline = offlineEvaluation
      ? await spawnJson<{ evaluateCommandMs: number; maxRssMb: number }>(size, [
          "--evaluate-child",
          inventoryPath,
          join(packageRoot(), "reports", `bench-${size}`),
        ])
      : undefined;
    const calls = new Map([...sim.counts].filter(([k]) => !k.endsWith(":unauthenticated")));
    const throttled = [...quotas.stats.throttled.values()].reduce((a, b) => a + b, 0);
    return {
      size,
      accounts: files.length,
      calls,
      required,
      throttled,
      lb: lowerBound(required, files, latencyMs),
      child,
      offline,
      walls: [child.scanMs],
      simCpuMs: (simCpu.user + simCpu.system) / 1000,
    };
  } finally {
    await sim.close();
  }
}

/** One column of the table: its header, its alignment, and its cell for a row. */
interface Column {
  header: string;
  /** Right-aligned (figures) unless false. */
  right?: boolean;
  cell: (r: Row) => string;
}

const SERVICES = [
  "iam",
  "sts",
  "ec2",
  "organizations",
  "apigateway",
  "wafv2",
  "cloudtrail",
  "config",
  "lambda",
  "cognito-idp",
  "cognito-identity",
  "appsync",
];

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const mb = (n: number) => `${Math.round(n)} MB`;

/**
 * The table's columns, in order. A new figure is one entry here (and its field in ChildResult): the header and the
 * separator row are built from this list.
 */
function columns(latencyMs: number): Column[] {
  const made = (r: Row) => byService(r.calls, (k) => k);
  const req = (r: Row) => byService(r.required, (k) => k.split("|")[2]!);
  return [
    { header: "size", right: false, cell: (r) => r.size },
    { header: "accounts", cell: (r) => String(r.accounts) },
    { header: "resources", cell: (r) => r.child.resources.toLocaleString("en") },
    {
      header: "calls made / required",
      cell: (r) => {
        const tm = total(r.calls);
        const tr = total(r.required);
        return `${tm.toLocaleString("en")} / ${tr.toLocaleString("en")} (${(((tm - tr) / tr) * 100).toFixed(1)}%)`;
      },
    },
    ...SERVICES.map((s): Column => ({ header: s, cell: (r) => `${made(r).get(s) ?? 0}/${req(r).get(s) ?? 0}` })),
    { header: "throttled", cell: (r) => String(r.throttled) },
    { header: "start-up", cell: (r) => fmt(r.child.startupMs) },
    { header: "wall (scanner CPU)", cell: (r) => `${fmt(r.child.scanMs)} (${fmt(r.child.scanCpuMs)})` },
    {
      header: "main thread busy",
      cell: (r) => `${fmt(r.child.mainBusyMs)} (${Math.round((r.child.mainBusyMs / r.child.scanMs) * 100)}%)`,
    },
    {
      header: "collect CPU per call: main thread, process (simulator)",
      cell: (r) => {
        const calls = total(r.calls);
        const main = r.child.collectMainCpuMs === undefined ? "n/a" : perCall(r.child.collectMainCpuMs, calls);
        return `${main}, ${perCall(r.child.collectCpuMs, calls)} (${perCall(r.simCpuMs, calls)})`;
      },
    },
    {
      header: "runs: wall range",
      cell: (r) => `${r.walls.length}: ${fmt(Math.min(...r.walls))}–${fmt(Math.max(...r.walls))}`,
    },
    { header: "lower bound (bottleneck)", right: false, cell: (r) => `${fmt(r.lb.ms)} (${r.lb.bottleneck})` },
    { header: "wall ÷ bound", cell: (r) => (r.child.scanMs / r.lb.ms).toFixed(2) },
    { header: "concurrency bound", cell: (r) => fmt((total(r.required) * latencyMs) / globalConcurrency(r.accounts)) },
    { header: "evaluate", cell: (r) => fmt(r.child.evaluateMs) },
    { header: "save inventory", cell: (r) => fmt(r.child.saveMs) },
    { header: "write reports", cell: (r) => fmt(r.child.reportMs) },
    {
      header: "peak RSS by stage: collect / enrich / evaluate / report",
      cell: (r) => STAGES.map((s) => Math.round(r.child.stages[s].peakRssMb)).join(" / ") + " MB",
    },
    { header: "peak RSS", cell: (r) => mb(r.child.maxRssMb) },
    {
      header: "`evaluate --inventory` (time, peak RSS)",
      cell: (r) => (r.offline ? `${fmt(r.offline.evaluateCommandMs)}, ${mb(r.offline.maxRssMb)}` : "not run"),
    },
  ];
}

function table(rows: Row[], latencyMs: number): string {
  const cols = columns(latencyMs);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const lines = [line(cols.map((c) => c.header)), line(cols.map((c) => (c.right === false ? "---" : "---:")))];
  for (const r of rows) lines.push(line(cols.map((c) => c.cell(r))));
  return (
    lines.join("\n") +
    `\n\nLatency ${latencyMs} ms per request. Each row is the run with the median scan wall time of the runs given under "runs" (the range shows the machine's noise); \`large\` runs once. "made/required" per service counts attempts the simulator answered (retries of throttled calls included). "Start-up": from the scanning process's start to its first step (module loading and the run's set-up: rules, profiles). "Main thread busy": how long the scanning process's event loop was busy during the scan (CPU-bound when near 100%). "Collect CPU per call": CPU time of the collect stage (every AWS call, the collectors, secret scrubbing) ÷ calls made, for the scanning process's main thread (Linux /proc, 10 ms ticks) and for the whole process (process.cpuUsage: GC and compiler helper threads included); in parentheses the simulator's CPU time over the scanning process's life ÷ the same calls (it runs in the bench's own process, on the same 2 cores, and is not counted in the scanner's figures). "Concurrency bound": required calls × latency ÷ the scan's global concurrency (by default ${globalConcurrency(1)}, and 64 more per 25 accounts: ${globalConcurrency(50)} for the organisation), the floor the scanner's own call pool sets whatever the quotas allow. The scanning process runs the stages \`tollgate scan\` runs: collect, enrich (the scan's wall time is theirs), evaluate (rules, probe correlation, suppressions), report (the inventory saved, then the default reports written: ${DEFAULT_FORMATS.join(", ")}); "peak RSS by stage" is the highest resident memory while each ran (sampled every 5 ms, exact when the process's maximum rose during the stage), and "peak RSS" the process's maximum. \`evaluate --inventory\` runs the CLI command on the saved inventory in a process of its own.`
  );
}

/** Whether each size's saved inventory is also evaluated offline (`--no-offline`: scans only, for quicker memory work). */
let offlineEvaluation = true;

/** The global concurrency of a scan of `accounts` accounts: BENCH_CONCURRENCY, else Tollgate's default for them. */
function globalConcurrency(accounts: number): number {
  return Number(process.env["BENCH_CONCURRENCY"] ?? scaledGlobalConcurrency(accounts));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") return child(argv[1] as Size, argv[2]!, argv[3]!, argv[4]!, argv[5]!);
  if (argv[0] === "--evaluate-child") return evaluateChild(argv[1]!, argv[2]!);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (arg("--sizes") ?? ALL.join(",")).split(",") as Size[];
  for (const s of sizes) if (!ALL.includes(s)) throw new Error(`--sizes: unknown size ${s} (one of ${ALL.join(", ")})`);
  const latencyMs = Number(arg("--latency") ?? 40);
  offlineEvaluation = !argv.includes("--no-offline");
  const repeat = Number(arg("--repeat") ?? 3);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error("--repeat: a positive integer");
  // The scan's global concurrency (default: Tollgate's own default); passed to the child scans.
  const concurrency = arg("--concurrency");
  if (concurrency) process.env["BENCH_CONCURRENCY"] = concurrency;
  const host = machine();
  console.error(`Machine: ${host}`);
  const rows: Row[] = [];
  for (const size of sizes) {
    console.error(`${size}: generating and scanning…`);
    // A large scan takes minutes and its wall time is dominated by API Gateway's quota, not by noise: one run.
    const row = await runSizeMedian(size, latencyMs, size === "large" ? 1 : repeat);
    rows.push(row);
    console.error(table([row], latencyMs).split("\n")[2]);
    const over = [...row.calls].filter(([op, n]) => n > (sumOp(row.required, op) ?? 0));
    for (const [op, n] of over) console.error(`  ${op}: ${n} made, ${sumOp(row.required, op)} required`);
  }
  const t = table(rows, latencyMs);
  console.log(t);
  if (!argv.includes("--no-write")) {
    const doc = `Generated by \`npm run bench\` (\`bench/scan.ts\`) on ${new Date().toISOString().slice(0, 10)}. Sizes and the simulator's quotas are described in [scale.md](scale.md).\n\nMachine: ${host}.\n\n${t}\n`;
    writeBenchSection("scan", doc);
    console.error("Wrote docs/benchmarks.md");
  }
}

function sumOp(req: Map<string, number>, op: string): number {
  let n = 0;
  for (const [k, v] of req) if (k.split("|")[2] === op) n += v;
  return n;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
