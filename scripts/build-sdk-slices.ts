// Part of `npm run build`: cuts the EC2 client package down to what region discovery calls (src/collect/scope.ts,
// SDK_SLICES) into dist/src/collect/generated/ (out of git: cut again from the installed package on every build).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { SDK_SLICES } from "../src/collect/scope.js";
import { sliceModule } from "./sdk-slice.js";

const require = createRequire(import.meta.url);
for (const slice of SDK_SLICES) {
  const main = require.resolve(slice.package);
  const { version } = JSON.parse(readFileSync(join(dirname(main), "..", "package.json"), "utf8")) as { version: string };
  const text = sliceModule(slice, readFileSync(main, "utf8"), version);
  mkdirSync(dirname(slice.module), { recursive: true });
  writeFileSync(slice.module, text);
  console.log(`sdk slice: ${slice.package}@${version} ${slice.exports.join(", ")} → ${Math.round(text.length / 1024)} KB`);
}
