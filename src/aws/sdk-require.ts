import { createRequire } from "node:module";

/**
 * Loads an AWS SDK package with CommonJS `require`, as `requireSdk("@aws-sdk/client-lambda") as typeof LambdaSdk`
 * (types still come from `import type`). The SDK's packages are CommonJS: an ES `import` of one makes Node scan its
 * whole source for export names (cjs-module-lexer) besides compiling it, about twice the CPU of `require`: the 13 service
 * clients of a scan take ~700 ms imported and ~290 ms required on the benchmark machine (docs/benchmarks.md). A package
 * is loaded once either way (Node's module cache), so both forms hand out the same classes.
 */
export const requireSdk: NodeJS.Require = createRequire(import.meta.url);
