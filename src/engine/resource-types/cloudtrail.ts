import type { Feed, ResourceTypeTable } from "./types.js";
import { key, obj } from "./shared.js";

/** One trail's failure in a region leaves that trail's facts unknown, and with them whether the region is covered. */
function trailMember(fields: string[], raw: string): Feed {
  const coverage = [
    "/derived/trailCoverage/covered",
    "/derived/trailCoverage/coveringTrails",
    "/derived/trailCoverage/unknownTrails",
  ];
  return {
    paths: [`/raw/${raw}`, ...coverage, ...fields.map((f) => `/derived/trailCoverage/trails/*/${f}`)],
    attach: "scope",
    select: (r, e) => {
      const trails = obj(r.derived["trailCoverage"])?.["trails"];
      const i = Array.isArray(trails) ? trails.findIndex((t) => obj(t)?.["arn"] === e.resourceArn) : -1;
      if (i < 0 && e.resourceArn !== undefined) return [];
      return [
        ...coverage,
        e.resourceArn === undefined ? `/raw/${raw}` : `/raw/${raw}/${key(e.resourceArn)}`,
        ...fields.map((f) => `/derived/trailCoverage/trails/${i < 0 ? "*" : i}/${f}`),
      ];
    },
  };
}

/** CloudTrail's resource types. */
export const CLOUDTRAIL_SOURCES = {
  "aws.cloudtrail.trail": {
    service: "cloudtrail",
    regional: true,
    listedBy: { "cloudtrail:DescribeTrails": "scope" },
    feeds: {
      "cloudtrail:GetTrailStatus": { paths: ["/raw/status"] },
      "cloudtrail:GetEventSelectors": { paths: ["/raw/eventSelectors"] },
    },
  },
  "aws.cloudtrail.region": {
    service: "cloudtrail",
    regional: true,
    listedBy: {},
    feeds: {
      "cloudtrail:DescribeTrails": { paths: ["/raw", "/derived/trailCoverage"] },
      "cloudtrail:GetTrailStatus": trailMember(["logging"], "trailStatus"),
      "cloudtrail:GetEventSelectors": trailMember(["managementRead", "managementWrite", "excludedSources"], "eventSelectors"),
    },
  },
} satisfies ResourceTypeTable;
