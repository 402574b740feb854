// Every command block of docs/ci.md runs here, as written, against the account simulator: the shell blocks in a
// user's shell, the GitHub workflows in a local Actions runner (the Tollgate action from this repository), the
// GitLab job in a shell with GitLab's variables. The only things the test supplies are what a CI service would:
// the AWS endpoint (AWS_ENDPOINT_URL, the simulator), OIDC tokens, caches and artifacts, and npm's registry (a
// loopback one serving the packed tarball and its locked dependencies).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Simulator } from "../../fixtures/simulator/server.js";
import { fakeActions, fakeWorld } from "../helpers/actions-fakes.js";
import { GITHUB_OIDC, GITLAB_OIDC, oidcAuditAccount, oidcToken } from "../helpers/oidc.js";
import { newJob, runWorkflowJob, type JobState } from "../helpers/actions-runner.js";
import { runCommand } from "../helpers/cli.js";
import { startLocalRegistry, type LocalRegistry } from "../helpers/npm-registry.js";
import { packTarball } from "../helpers/package.js";
import { ROOT, sim } from "../helpers/sim.js";
import { EXIT_REASONS } from "../../src/ci/github-action.js";
import { DEFAULT_FORMATS } from "../../src/report/formats.js";
import { parseXml } from "../helpers/xml.js";

const DOC = readFileSync(join(ROOT, "docs", "ci.md"), "utf8");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const ACCOUNT_ID = "111111111111"; // the account of the docs' role ARNs
const account = oidcAuditAccount(ACCOUNT_ID, "DOCSCI", "tollgate-audit", [GITHUB_OIDC, GITLAB_OIDC]);

/** A fenced block of the page, with the heading it sits under. */
interface Block {
  lang: string;
  code: string;
  heading: string;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let heading = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const h = /^#+ (.*)$/.exec(lines[i]!);
    if (h) heading = h[1]!;
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const code: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) code.push(lines[i]!);
    out.push({ lang: open[1]!, code: code.join("\n") + "\n", heading });
  }
  return out;
}

const all = blocks(DOC);
const tmp = mkdtempSync(join(tmpdir(), "tollgate-docs-ci-"));
let s: Simulator;
let registry: LocalRegistry;
let tarball: string;
/** Where `npm install --global` puts things, and the shim that sends `npm install --global tollgate` to the tarball. */
const prefix = join(tmp, "npm-prefix");
const shims = join(tmp, "shims");

beforeAll(async () => {
  s = await sim([account]);
  tarball = packTarball().file;
  registry = await startLocalRegistry(join(ROOT, "package-lock.json"));
  // `npm install --global tollgate[@version]` installs the packed tarball (this version only); anything else is
  // the real npm. Dependencies resolve against the loopback registry.
  const npm = execFileSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).trim();
  mkdirSync(shims, { recursive: true });
  writeFileSync(
    join(shims, "npm"),
    `#!/usr/bin/env bash
if [ "$1" = install ] && [ "$2" = --global ] && [[ "$3" =~ ^tollgate(@${VERSION.replaceAll(".", "\\.")})?$ ]] && [ $# -eq 3 ]; then
  exec ${JSON.stringify(npm)} install --global --prefix ${JSON.stringify(prefix)} --registry ${JSON.stringify(registry.url)} --no-audit --no-fund --loglevel=error ${JSON.stringify(tarball)}
fi
exec ${JSON.stringify(npm)} "$@"
`,
    { mode: 0o755 },
  );
}, 120_000);
afterAll(async () => {
  await registry?.close();
  await s?.close();
});

/** The environment of a CI machine pointed at the simulator: PATH with npm's global bin, a fresh HOME. */
function machineEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [shims, join(prefix, "bin"), process.env["PATH"]].join(delimiter),
    HOME: mkdtempSync(join(tmp, "home-")),
    npm_config_update_notifier: "false",
    AWS_ENDPOINT_URL: s.endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
}

interface FindingsFile {
  findings: { status: string; baseline?: string }[];
}
const findingsIn = (file: string) => JSON.parse(readFileSync(file, "utf8")) as FindingsFile;

describe("docs/ci.md: every command block runs as written", () => {
  it("has only shell and YAML blocks, each one run below", () => {
    expect(all.map((b) => b.lang).filter((l) => l !== "sh" && l !== "yaml")).toEqual([]);
    const yaml = all.filter((b) => b.lang === "yaml");
    const kinds = yaml.map((b) => {
      const doc = parse(b.code) as Record<string, unknown>;
      if (doc["jobs"])
        return (JSON.stringify(doc).includes("tollgate-audit/tollgate@") ? "github-action" : "github-plain") as string;
      if (Object.values(doc).some((j) => typeof j === "object" && j !== null && "script" in j)) return "gitlab";
      return "unknown";
    });
    expect(kinds).toEqual(["github-action", "github-plain", "gitlab"]);
  });

  it("no note says a command is not wired yet, anywhere in the docs or the README", () => {
    const stale = /being wired|wires? it in|once the (integration|scan side)|target interface|not (yet )?wired/i;
    const docs = [
      join(ROOT, "README.md"),
      join(ROOT, "action.yml"),
      ...readdirSync(join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => join(ROOT, "docs", f)),
    ];
    expect(docs.length).toBeGreaterThan(5);
    expect(docs.filter((f) => stale.test(readFileSync(f, "utf8")))).toEqual([]);
  });

  it("docs/ci.md names every input and output, and the formats default is Tollgate's", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
    };
    const named = [...Object.keys(action.inputs), ...Object.keys(action.outputs)];
    expect(named.filter((n) => !DOC.includes(`\`${n}\``))).toEqual([]);
    expect(action.inputs["formats"]?.default).toBe(DEFAULT_FORMATS.join(","));
    expect(Object.values(EXIT_REASONS).filter((r) => !DOC.includes(`\`${r}\``))).toEqual([]);
  });

  it("the shell blocks, in order, in one user's shell with their own credentials", async () => {
    const workdir = mkdtempSync(join(tmp, "user-"));
    const env = machineEnv({
      AWS_ACCESS_KEY_ID: account.callers[0]!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.callers[0]!.secretAccessKey,
      AWS_REGION: "us-east-1",
    });
    for (const b of all.filter((x) => x.lang === "sh")) {
      const r = await runCommand("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", b.code], {
        env,
        cwd: workdir,
        timeoutMs: 180_000,
      });
      expect({ heading: b.heading, code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({
        heading: b.heading,
        code: 0,
        stderr: "",
      });
      if (b.code.includes("--version")) expect(r.stdout.trim().split("\n").at(-1)).toBe(VERSION);
    }
    for (const f of ["reports/findings.json", "reports/summary.md", "out/report.html", "out/results.sarif", "out/junit.xml"])
      expect(existsSync(join(workdir, f))).toBe(true);
  }, 240_000);

  /** Runs a GitHub workflow block twice, as two nightly runs sharing caches: the second has a baseline. */
  async function twoNightlyRuns(
    kind: "github-action" | "github-plain",
  ): Promise<{ runs: JobState[]; world: ReturnType<typeof fakeWorld> }> {
    const block = all.find(
      (b) =>
        b.lang === "yaml" &&
        b.code.includes("tollgate-audit/tollgate@") === (kind === "github-action") &&
        b.code.includes("jobs:"),
    )!;
    const ref = /uses: (tollgate-audit\/tollgate@\S+)/.exec(block.code)?.[1];
    const world = fakeWorld(mkdtempSync(join(tmp, "world-")));
    const runs: JobState[] = [];
    for (let run = 1; run <= 2; run++) {
      const job = newJob({
        env: machineEnv(),
        github: { run_id: String(1000 + run), repository: "example/audit", ref: "refs/heads/main" },
        handlers: fakeActions(world, s.endpoint),
        ...(ref ? { localActions: { [ref]: ROOT } } : {}),
      });
      runs.push(await runWorkflowJob(block.code, "audit", job));
    }
    return { runs, world };
  }

  it("GitHub Actions with the action: a nightly run, then one with the previous run as baseline", async () => {
    const ref = /uses: tollgate-audit\/tollgate@v(\S+)/.exec(DOC)?.[1];
    expect(ref, "the docs pin the action to this release").toBe(VERSION);
    const { runs, world } = await twoNightlyRuns("github-action");
    for (const job of runs) {
      const failed = job.steps.filter((st) => st.outcome === "failure");
      expect(failed.map((st) => `${st.name}: ${st.stdout}${st.stderr}`)).toEqual([]);
      expect(job.summary).toContain("Tollgate");
    }
    // Run 1 had no baseline (a notice); run 2 compared against run 1's findings.
    const scan = (job: JobState) => job.steps.find((st) => st.name === "Tollgate")!;
    expect(runs[0]!.steps.map((st) => st.stdout).join("")).toContain("does not exist yet");
    expect(scan(runs[1]!).outputs["new"]).toBe("0");
    const second = findingsIn(scan(runs[1]!).outputs["findings"]!);
    expect(second.findings.some((f) => f.baseline === "unchanged")).toBe(true);
    expect(world.sarifUploads).toHaveLength(2);
    expect(existsSync(join(world.artifacts["tollgate-reports"]!, "tollgate-reports", "report.html"))).toBe(true);
  }, 240_000);

  it("GitHub Actions without the action: npm install, OIDC, scan, summary, SARIF, baseline, gate", async () => {
    const { runs, world } = await twoNightlyRuns("github-plain");
    for (const job of runs) {
      const failed = job.steps.filter((st) => st.outcome === "failure");
      expect(failed.map((st) => `${st.name}: ${st.stdout}${st.stderr}`)).toEqual([]);
      expect(job.steps.find((st) => st.name === "Gate")!.exitCode).toBe(0);
      expect(job.summary).toContain("Tollgate");
    }
    const second = findingsIn(join(runs[1]!.workspace, "reports", "findings.json"));
    expect(second.findings.some((f) => f.baseline === "unchanged")).toBe(true);
    expect(world.sarifUploads).toHaveLength(2);
  }, 240_000);

  it("GitLab CI: OIDC through the SDK's web identity, JUnit and artifacts, the baseline in the cache", async () => {
    const block = all.find((b) => b.lang === "yaml" && !b.code.includes("jobs:"))!;
    const [[name, job]] = Object.entries(parse(block.code) as Record<string, GitlabJob>) as [[string, GitlabJob]];
    // The job runs on schedules only.
    expect(job.rules?.[0]?.if).toBe('$CI_PIPELINE_SOURCE == "schedule"');
    const cache = mkdtempSync(join(tmp, "gitlab-cache-"));
    const results: { code: number; dir: string }[] = [];
    for (let run = 1; run <= 2; run++) {
      const dir = mkdtempSync(join(tmp, "gitlab-project-"));
      // The runner restores the cache before the job and saves it after, also on failure (`when: always`).
      for (const p of job.cache.paths) if (existsSync(join(cache, p))) cpSync(join(cache, p), join(dir, p), { recursive: true });
      const predefined: Record<string, string> = {
        CI: "true",
        GITLAB_CI: "true",
        CI_PROJECT_DIR: dir,
        CI_JOB_NAME: name,
        CI_PIPELINE_SOURCE: "schedule",
        CI_DEFAULT_BRANCH: "main",
      };
      const env: Record<string, string> = machineEnv(predefined);
      // id_tokens: GitLab mints a token per job for each audience.
      for (const [v, spec] of Object.entries(job.id_tokens))
        env[v] = oidcToken(GITLAB_OIDC.issuer, "project_path:example/audit:ref_type:branch:ref:main", spec.aud);
      for (const [k, v] of Object.entries(job.variables)) env[k] = v.replace(/\$\{?(\w+)\}?/g, (_, n: string) => env[n] ?? "");
      const script = job.script.join("\n");
      const r = await runCommand("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        env,
        cwd: dir,
        timeoutMs: 180_000,
      });
      const after = await runCommand("bash", ["-c", job.after_script.join("\n")], { env, cwd: dir });
      expect(after.stdout).toContain("Tollgate");
      if (job.cache.when === "always" || r.code === 0)
        for (const p of job.cache.paths) if (existsSync(join(dir, p))) cpSync(join(dir, p), join(cache, p), { recursive: true });
      results.push({ code: r.code ?? -1, dir });
      expect(r.stderr).not.toContain("internal error");
      // Artifacts: the reports, and the JUnit report GitLab reads for the test widget.
      for (const p of job.artifacts.paths) expect(existsSync(join(dir, p))).toBe(true);
      const junit = parseXml(readFileSync(join(dir, job.artifacts.reports.junit), "utf8"));
      expect(junit.name).toBe("testsuites");
    }
    expect(results.map((x) => x.code)).toEqual([0, 0]);
    expect(findingsIn(join(results[1]!.dir, "reports", "findings.json")).findings.some((f) => f.baseline === "unchanged")).toBe(
      true,
    );
  }, 240_000);
});

/** The parts of a GitLab CI job the docs use. */
interface GitlabJob {
  rules?: { if: string }[];
  id_tokens: Record<string, { aud: string }>;
  variables: Record<string, string>;
  cache: { key: string; paths: string[]; when?: string };
  script: string[];
  after_script: string[];
  artifacts: { paths: string[]; reports: { junit: string } };
}
