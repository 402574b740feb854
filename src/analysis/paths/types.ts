/**
 * The exposure-path model: nodes (entry points, integrations, functions, roles, external backends), the hops
 * between them, the privileges a role reaches, and what a path analysis says per entry.
 */
import type { CollectionError, Resource } from "../../model/inventory.js";
import type { Severity } from "../../model/severity.js";

/** Where a path starts: something a caller outside the account can reach. */
export const ENTRY_KINDS = [
  "apigateway-method",
  "apigatewayv2-route",
  "lambda-function-url",
  "lambda-function-policy",
  "cognito-identitypool-unauthenticated",
  "cognito-identitypool-authenticated",
  "appsync-api",
] as const;
/** An entry kind. */
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Every kind of node a path passes through. */
export const NODE_KINDS = [...ENTRY_KINDS, "integration", "lambda-function", "iam-role", "external-backend"] as const;
/** A node kind. */
export type NodeKind = (typeof NODE_KINDS)[number];

/**
 * Who can use an entry, most open first: anyone (`unauthenticated`), anyone holding an API key (`api-key`, a
 * key is an identifier, not a credential), any AWS principal of any account (`any-aws-account`), a user signed
 * in through an authorizer or identity provider (`authenticated`), a caller whose AWS credentials the account
 * allows (`iam`), nobody (`none`: disabled).
 */
export const EXPOSURES = ["unauthenticated", "api-key", "any-aws-account", "authenticated", "iam", "none"] as const;
/** An exposure class. */
export type Exposure = (typeof EXPOSURES)[number];

/** What a path can reach, most dangerous first (from the IAM analysis of the role at its end). */
export const TARGET_CLASSES = ["admin", "privilegeEscalation", "writeAll", "dataWildcard"] as const;
/** A target class. */
export type TargetClass = (typeof TARGET_CLASSES)[number];

/** One node of a path. */
export interface PathNode {
  kind: NodeKind;
  /** The node's ARN (or a stable pseudo-ARN: an integration, an external backend). */
  arn: string;
  /** What a person reads: `orders GET /orders`, `function list-orders`. */
  name: string;
  account: string;
  region: string;
  /** How this node was reached from the previous one (`AWS_PROXY integration`, `execution role`), or the entry's exposure. */
  via: string;
}

/** The modifiers: `probe-confirmed-open` raises a path's severity one step, the others lower it one step. */
export const CONTROL_KINDS = [
  "probe-confirmed-open",
  "waf",
  "private-endpoint",
  "vpc-endpoint-policy",
  "source-ip-policy",
] as const;

/** A control that changes an entry's severity. */
export interface Control {
  /** `probe-confirmed-open` raises; the others lower. */
  kind: (typeof CONTROL_KINDS)[number];
  /** What was seen, e.g. `web ACL orders-prod on every stage`. */
  detail: string;
  /** +1 raises the severity one step, -1 lowers it one step. */
  effect: 1 | -1;
}

/** The policy statement that grants a permission. */
export interface Grant {
  /** The permission granted, e.g. `s3:GetObject` or `*`. */
  action: string;
  /** Managed policy ARN, or `inline:<name>` for an inline policy. */
  policy: string;
  /** Statement index in the document (0-based). */
  statement: number;
  /** Statement Sid, when it has one. */
  sid?: string;
}

/** What a role reaches in one target class, with the statements that grant it. */
export interface Reach {
  target: TargetClass;
  /** Why, in words (`Allows every action on every resource (*:*)`, `iam:PassRole + lambda:CreateFunction`). */
  reason: string;
  /** The permissions behind it. */
  actions: string[];
  /** The statements granting them (one per action found; empty when none could be located). */
  grants: Grant[];
}

/** Why a part of the graph could not be followed: the failed call, or the data that is missing. */
export interface Gap {
  /** `service:Operation` of the failed call, when one failed. */
  operation?: string;
  account: string;
  region: string;
  /** The resource the call concerned, when it concerned one. */
  resourceArn?: string;
  /** Why the hop could not be followed. */
  message: string;
}

/** Result of following one hop type from one node. */
export type HopResult = { nodes: PathNode[] } | { gap: Gap } | { skip: string };

/** A reported path: one per (entry, target class); `alternatives` counts the others to the same class. */
export interface ExposurePath {
  target: TargetClass;
  severity: Severity;
  /** The nodes in order: the entry, each hop, the role (the identity the caller acts as). */
  chain: PathNode[];
  /** The role at the end. */
  identity: string;
  /** The permission and the statements granting it. */
  permission: Reach;
  /** Other paths from the same entry to the same class (through other integrations, roles or role mappings). */
  alternatives: number;
  /** The hop whose removal cuts the most reported paths of the account, with how many it cuts. */
  fix: { from: string; to: string; cuts: number; advice: string };
}

/** What the analysis says about one entry. */
export interface EntryAnalysis {
  entry: PathNode;
  exposure: Exposure;
  /** Why this exposure (`authorizationType NONE`, `AuthType NONE`, `probe: unauthenticated request got 200`). */
  exposureDetail: string;
  controls: Control[];
  /** Reported paths by target class; null (with `gaps`) when some hop could not be followed. */
  reaches: Record<TargetClass, ExposurePath | null> | null;
  /** Targets reached only by IAM-authorised (or disabled) entries: not exposure paths, listed for transparency. */
  shielded: TargetClass[];
  /** Terminal nodes that end paths without a role (external backends, mocks, missing functions). */
  terminals: PathNode[];
  /** Every node visited (for coverage and lineage). */
  nodes: string[];
  /** Why the entry could not be evaluated; empty when it was. */
  gaps: Gap[];
  /** What could not be followed beyond an IAM-authorised or disabled entry (not a gap: nothing there is a path). */
  unfollowed: Gap[];
  /** Set when the entry's paths are deliberately not followed (AppSync data sources not collected). */
  skipped?: string;
}

/** What the analysis reads: resources with their derived facts (IAM access facts in particular) and the failed calls. */
export interface PathInput {
  resources: readonly Resource[];
  errors: readonly CollectionError[];
  /**
   * The services the run collected when it was restricted (`--services`); absent: all of them. A hop into a
   * service left out is skipped with that reason, never read as "the function or role does not exist".
   */
  services?: readonly string[] | undefined;
}
