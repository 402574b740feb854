import { CHECK_OPERATIONS } from "../../probe/types.js";
import type { ResourceTypeTable } from "./types.js";

/** The prober's checks, one resource type. */
export const PROBE_SOURCES = {
  // Probe checks fail independently: each leaves only its own outcome unknown.
  "aws.apigateway.probe": {
    service: "probe",
    regional: true,
    listedBy: {},
    feeds: Object.fromEntries(
      Object.entries(CHECK_OPERATIONS).map(([check, op]) => [`probe:${op}`, { paths: [`/derived/${check}Outcome`] }]),
    ),
  },
} satisfies ResourceTypeTable;
