import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** A package entry of package-lock.json (lockfile v2/v3). */
interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}

/** A running loopback npm registry. */
export interface LocalRegistry {
  url: string;
  /** Package tarballs asked for that the npm cache does not hold (the install then fails on them). */
  missing: string[];
  close(): Promise<void>;
}

/** Orders plain x.y.z versions numerically (pre-release tags are not compared). */
const byVersion = (a: string, b: string): number => {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

/** Where npm's content-addressed cache keeps the bytes with this sha512 integrity. */
function cachedContent(cacheDir: string, integrity: string): string | undefined {
  const sri = integrity.split(/\s+/).find((s) => s.startsWith("sha512-"));
  if (!sri) return undefined;
  const hex = Buffer.from(sri.slice("sha512-".length), "base64").toString("hex");
  const path = join(cacheDir, "_cacache", "content-v2", "sha512", hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  return existsSync(path) ? path : undefined;
}

/**
 * An npm registry on 127.0.0.1 serving exactly the production packages of package-lock.json: packuments built
 * from the lockfile's entries, tarballs from the npm cache `npm ci` filled. A tarball install then resolves its
 * dependencies the way it does against the public registry, without leaving the machine.
 */
export async function startLocalRegistry(lockfile: string): Promise<LocalRegistry> {
  const lock = JSON.parse(readFileSync(lockfile, "utf8")) as { packages: Record<string, LockEntry> };
  const cacheDir = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
  const versions = new Map<string, Map<string, LockEntry>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.link || !entry.version || !entry.integrity) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name)!.set(entry.version, entry);
  }
  const missing: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!.slice(1));
    const tarball = /^(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path);
    if (tarball) {
      const entry = versions.get(tarball[1]!)?.get(tarball[2]!);
      const file = entry?.integrity ? cachedContent(cacheDir, entry.integrity) : undefined;
      if (!file) {
        missing.push(`${tarball[1]}@${tarball[2]}`);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream" });
      createReadStream(file).pipe(res);
      return;
    }
    const known = versions.get(path);
    if (!known) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
      return;
    }
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const doc = {
      name: path,
      "dist-tags": { latest: [...known.keys()].sort(byVersion).at(-1) },
      versions: Object.fromEntries(
        [...known].map(([version, e]) => [
          version,
          {
            name: path,
            version,
            ...(e.dependencies ? { dependencies: e.dependencies } : {}),
            ...(e.optionalDependencies ? { optionalDependencies: e.optionalDependencies } : {}),
            ...(e.peerDependencies ? { peerDependencies: e.peerDependencies } : {}),
            ...(e.peerDependenciesMeta ? { peerDependenciesMeta: e.peerDependenciesMeta } : {}),
            ...(e.bin ? { bin: e.bin } : {}),
            ...(e.engines ? { engines: e.engines } : {}),
            ...(e.os ? { os: e.os } : {}),
            ...(e.cpu ? { cpu: e.cpu } : {}),
            dist: { integrity: e.integrity, tarball: `${base}/${path}/-/${path.split("/").at(-1)}-${version}.tgz` },
          },
        ]),
      ),
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    missing,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
