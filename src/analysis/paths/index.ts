/** Public API of the exposure-path analysis (docs/paths.md). */
export { analyzePaths } from "./analyze.js";
export { ENTRY_TYPES, type Entry, type EntryType } from "./entries.js";
export { HOPS, hopsFrom, type HopType, type WalkNode } from "./hops.js";
export { isExposed, pathSeverity, SEVERITY_MATRIX } from "./severity.js";
export { TELEMETRY_WRITES } from "./targets.js";
export * from "./types.js";
