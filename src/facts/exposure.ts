/**
 * Facts of exposure paths (`aws.path.exposure`, src/analysis/paths): one resource per entry point (REST method,
 * HTTP route, function URL, function resource policy, identity-pool slot, AppSync API), derived from the other
 * resources' facts, with what it reaches.
 */
import { CONTROL_KINDS, ENTRY_KINDS, EXPOSURES, NODE_KINDS, TARGET_CLASSES } from "../analysis/paths/types.js";
import { SEVERITIES } from "../model/severity.js";
import { f, resourceFacts } from "./define.js";

const pathNode = (description: string) =>
  f.object(
    {
      kind: f.enum(NODE_KINDS, "Node kind."),
      arn: f.string("ARN (or a stable pseudo-ARN for integrations and backends)."),
      name: f.string("What a person reads."),
      account: f.string("Account id."),
      region: f.string("Region, or `global`."),
      via: f.string("How it was reached from the previous node (or the entry's exposure)."),
    },
    description,
  );

const gap = f.object({
  operation: f.optional(f.string("`service:Operation` of the failed call, when one failed.")),
  account: f.string("Account of the missing data."),
  region: f.string("Region of the missing data."),
  resourceArn: f.optional(f.string("The resource the call concerned.")),
  message: f.string("Why the hop could not be followed."),
});

const controls = f.array(
  f.object({
    kind: f.enum(CONTROL_KINDS),
    detail: f.string("What was seen."),
    effect: f.integer("+1 raises, -1 lowers the severity one step."),
  }),
  "Controls that move the severity.",
);

const path = f.nullable(
  f.object({
    target: f.enum(TARGET_CLASSES, "What the path reaches."),
    severity: f.enum(SEVERITIES, "Exposure × privilege, moved one step per control."),
    exposure: f.enum(EXPOSURES, "The entry's exposure (copied here so a finding, which carries only its path, says why)."),
    exposureDetail: f.string("Why that exposure (authorization type, probe outcome)."),
    controls,
    chain: f.array(pathNode("One node."), "The nodes in order: the entry, each hop, the role."),
    identity: f.string("ARN of the role the caller ends up acting as."),
    permission: f.object(
      {
        target: f.enum(TARGET_CLASSES),
        reason: f.string("Why, from the IAM analysis."),
        actions: f.array(f.string(), "The permissions behind it."),
        grants: f.array(
          f.object({
            action: f.string("Permission."),
            policy: f.string("Managed policy ARN, or `inline:<name>`."),
            statement: f.integer("Statement index (0-based)."),
            sid: f.optional(f.string("Statement Sid.")),
          }),
          "Statements granting them.",
        ),
      },
      "The permission reached and the statements granting it.",
    ),
    alternatives: f.integer("Other paths from this entry to the same class (counted, not reported)."),
    fix: f.object(
      {
        from: f.string("The hop's start."),
        to: f.string("The hop's end."),
        cuts: f.integer("Reported paths of the account through this hop."),
        advice: f.string("What removing it means."),
      },
      "The cheapest fix: the hop on this path whose removal cuts the most reported paths.",
    ),
  }),
  "The path to this class; null when the entry reaches none (or only through IAM authorisation).",
);

export const exposureFacts = {
  "aws.path.exposure": resourceFacts(
    {
      entryType: f.string("Resource type the entry comes from."),
      entryArn: f.string("ARN of the resource the entry comes from."),
    },
    {
      entry: pathNode("The entry point the path starts from."),
      entryKind: f.enum(ENTRY_KINDS, "Entry kind."),
      exposure: f.enum(EXPOSURES, "Who can use the entry: unauthenticated … iam, none."),
      exposureDetail: f.string("Why (authorization type, auth type, probe outcome)."),
      controls,
      reaches: f.nullable(
        f.object({ admin: path, privilegeEscalation: path, writeAll: path, dataWildcard: path }),
        "Paths by target class; null when a hop could not be followed (see gaps) or the entry is skipped.",
      ),
      shielded: f.array(f.enum(TARGET_CLASSES), "Classes reached only by IAM-authorised or disabled entries (not paths)."),
      terminals: f.array(
        pathNode("A terminal node."),
        "Nodes ending paths without a role: external backends, mocks, missing functions.",
      ),
      nodes: f.array(f.string(), "ARNs of every node visited."),
      gaps: f.array(gap, "Why the entry could not be evaluated; empty when it was."),
      notFollowed: f.nullable(
        f.string("The gaps in words, for error findings: which hop could not be followed and which call or resource is missing."),
      ),
      unfollowed: f.array(gap, "What could not be followed beyond an IAM-authorised or disabled entry (no path, so no gap)."),
    },
  ),
};
