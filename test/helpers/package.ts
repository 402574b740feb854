import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalRegistry } from "./npm-registry.js";
import { ROOT } from "./sim.js";

/**
 * The environment for a child npm: the caller's, without the `npm_*` variables an outer `npm test` sets for its
 * own package (prefix, command, lifecycle), which would otherwise leak into the inner command; the npm cache and
 * user config stay, since that is where the offline install reads from.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("npm_") || k === "npm_config_cache" || k === "npm_config_userconfig") env[k] = v;
  }
  return { ...env, npm_config_loglevel: "error", npm_config_update_notifier: "false" };
}

/** One entry of `npm pack --json`'s file list. */
export interface PackedFile {
  path: string;
  mode: number;
}

/** A packed tarball of the working tree and what is in it. */
export interface PackedTarball {
  file: string;
  files: PackedFile[];
}

/**
 * `npm pack` of the repository as built (`dist/` comes from `npm test`'s pretest build, so the pack's own
 * `prepare` build is skipped).
 */
export function packTarball(): PackedTarball {
  const dest = mkdtempSync(join(tmpdir(), "tollgate-pack-"));
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dest], {
    cwd: ROOT,
    encoding: "utf8",
    env: npmEnv(),
  });
  const [info] = JSON.parse(out) as [{ filename: string; files: PackedFile[] }];
  return { file: join(dest, info.filename), files: info.files };
}

/**
 * Installs a tarball the way a user installs a CLI (`npm install --global`) into an empty prefix. Dependencies
 * resolve against a loopback registry holding the lockfile's production packages from the npm cache that
 * `npm ci` filled, so nothing leaves the machine. `--engine-strict` refuses a dependency whose `engines` this
 * Node does not satisfy. Returns the prefix; the command is `<prefix>/bin/tollgate`.
 */
export async function installGlobal(tarball: string, prefix = mkdtempSync(join(tmpdir(), "tollgate-prefix-"))): Promise<string> {
  const registry = await startLocalRegistry(join(ROOT, "package-lock.json"));
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        "npm",
        [
          "install",
          "--global",
          "--prefix",
          prefix,
          "--registry",
          registry.url,
          "--engine-strict",
          "--no-audit",
          "--no-fund",
          tarball,
        ],
        { cwd: prefix, env: npmEnv(), timeout: 180_000 },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const missing = registry.missing.length ? `; not in the npm cache: ${registry.missing.join(", ")}` : "";
          reject(new Error(`npm install --global ${tarball} failed: ${stderr}${missing}`));
        },
      );
    });
  } finally {
    await registry.close();
  }
  return prefix;
}
