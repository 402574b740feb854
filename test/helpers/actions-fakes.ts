// Stand-ins for the third-party actions a Tollgate workflow uses, each doing what the real one does that Tollgate
// depends on: configure-aws-credentials exchanges a GitHub OIDC token for role credentials with STS's
// AssumeRoleWithWebIdentity (at the simulator) and exports them; upload-sarif checks the file GitHub would ingest
// and the permission it needs; cache keeps folders between runs by key and restore-key prefix.
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { UsesCall, UsesHandlers, UsesResult } from "./actions-runner.js";
import { GITHUB_OIDC, oidcToken } from "./oidc.js";
import { assertValidSarif } from "./sarif.js";

/** aws-actions/configure-aws-credentials with role-to-assume: GitHub's OIDC token for STS's temporary credentials. */
function configureAwsCredentials(stsEndpoint: string) {
  return async ({ with: w, job }: UsesCall): Promise<UsesResult> => {
    if (!w["role-to-assume"] || !w["aws-region"])
      return { failed: true, summary: "configure-aws-credentials: role-to-assume and aws-region are required\n" };
    // Without `id-token: write` GitHub issues no OIDC token and the real action fails.
    if (job.permissions["id-token"] !== "write")
      return { failed: true, summary: "configure-aws-credentials: no id-token permission\n" };
    const sts = new STSClient({ region: w["aws-region"], endpoint: stsEndpoint });
    try {
      const r = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: w["role-to-assume"],
          RoleSessionName: w["role-session-name"] || "GitHubActions",
          WebIdentityToken: oidcToken(GITHUB_OIDC.issuer, `repo:${job.github["repository"]}:ref:${job.github["ref"]}`),
        }),
      );
      const c = r.Credentials!;
      return {
        env: {
          AWS_ACCESS_KEY_ID: c.AccessKeyId!,
          AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!,
          AWS_SESSION_TOKEN: c.SessionToken!,
          AWS_REGION: w["aws-region"],
          AWS_DEFAULT_REGION: w["aws-region"],
        },
      };
    } catch (e) {
      return { failed: true, summary: `configure-aws-credentials: ${(e as Error).name}: ${(e as Error).message}\n` };
    } finally {
      sts.destroy();
    }
  };
}

/** What the fakes saw: SARIF uploads, artifacts, and the cache store kept between runs. */
export interface FakeWorld {
  sarifUploads: { file: string; category?: string; results: number }[];
  artifacts: Record<string, string>;
  cache: Map<string, string>;
  root: string;
}

/** A fresh world for the fakes, its folders under `root`. */
export function fakeWorld(root: string): FakeWorld {
  return { sarifUploads: [], artifacts: {}, cache: new Map(), root };
}

/** The handlers for every third-party action Tollgate's action and documented workflows use. */
export function fakeActions(world: FakeWorld, stsEndpoint: string): UsesHandlers {
  const paths = (v: string | undefined) =>
    (v ?? "")
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    "actions/checkout@": () => undefined,
    "actions/setup-node@": ({ with: w }) => (Number(w["node-version"]) >= 20 ? undefined : { failed: true }),
    "aws-actions/configure-aws-credentials@": configureAwsCredentials(stsEndpoint),
    "github/codeql-action/upload-sarif@": ({ with: w, job }) => {
      if (job.permissions["security-events"] !== "write")
        return { failed: true, summary: "upload-sarif: no security-events permission\n" };
      const file = resolve(job.workspace, w["sarif_file"] ?? "");
      const log = assertValidSarif(readFileSync(file, "utf8"));
      world.sarifUploads.push({
        file,
        ...(w["category"] ? { category: w["category"] } : {}),
        results: log.runs?.[0]?.results?.length ?? 0,
      });
      return undefined;
    },
    "actions/upload-artifact@": ({ with: w, job }) => {
      const dest = join(world.root, "artifacts", w["name"]!);
      rmSync(dest, { recursive: true, force: true });
      for (const p of paths(w["path"])) cpSync(join(job.workspace, p), join(dest, p), { recursive: true });
      world.artifacts[w["name"]!] = dest;
      return undefined;
    },
    "actions/cache/restore@": ({ with: w, job }): UsesResult => {
      const keys = [w["key"]!, ...paths(w["restore-keys"])];
      // An exact key first, then the newest entry starting with a restore key, as actions/cache does.
      let hit = world.cache.has(keys[0]!) ? keys[0]! : undefined;
      for (const prefix of keys.slice(1)) {
        if (hit) break;
        hit = [...world.cache.keys()].reverse().find((k) => k.startsWith(prefix));
      }
      if (!hit) return { outputs: { "cache-hit": "false" } };
      cpSync(world.cache.get(hit)!, job.workspace, { recursive: true });
      return { outputs: { "cache-hit": String(hit === keys[0]), "cache-matched-key": hit } };
    },
    "actions/cache/save@": ({ with: w, job }) => {
      if (world.cache.has(w["key"]!)) return undefined; // caches are immutable
      const dest = join(world.root, "cache", String(world.cache.size));
      mkdirSync(dest, { recursive: true });
      for (const p of paths(w["path"]))
        if (existsSync(join(job.workspace, p))) cpSync(join(job.workspace, p), join(dest, p), { recursive: true });
      world.cache.set(w["key"]!, dest);
      return undefined;
    },
  };
}
