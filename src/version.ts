import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./util/paths.js";

/** Tollgate's version, from package.json. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
