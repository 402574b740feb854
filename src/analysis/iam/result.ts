/** The IAM analysis's output types: per-principal and per-policy facts, and the policy errors behind them. */
import type { PrivescMatch } from "./privesc.js";
import type { TrustFinding } from "./trust.js";

/** Why a policy could not be used; a principal depending on it is `incomplete`. */
export type PolicyErrorName = "MalformedPolicyDocument" | "PolicyDocumentMissing" | "PolicyNotFound" | "GroupNotFound";

/** A per-policy problem, reported as data (never thrown, never ignored). */
export interface PolicyError {
  /** Managed policy ARN, when the problem is a managed policy. */
  policyArn?: string;
  /** Principal (user, group or role) ARN, for inline and trust policies and missing references. */
  principalArn?: string;
  /** Inline policy name, `AssumeRolePolicyDocument`, or the missing group name. */
  policyName?: string;
  /** Error class. */
  errorName: PolicyErrorName;
  /** Human-readable detail. */
  message: string;
}

/** Permission facts shared by principals and single managed policies. */
export interface PermissionFacts {
  /** Number of catalogue actions allowed on every resource without condition. */
  actionsOnAllResourcesCount: number;
  /** Number of actions allowed only on specific resources. */
  resourceScopedActionsCount: number;
  /** Number of actions allowed only under a condition. */
  conditionalActionsCount: number;
  /** Read-level actions allowed on `*` (reading data anywhere), sorted (truncated to `listLimit`). */
  readActionsOnAllResources: string[];
  /** Total Read-level actions allowed on `*`. */
  readActionsOnAllResourcesCount: number;
  /** Write-level actions allowed on `*`, sorted (truncated to `listLimit`). */
  writeActionsOnAllResources: string[];
  /** Total Write-level actions allowed on `*`. */
  writeActionsOnAllResourcesCount: number;
  /** Permissions-management actions allowed on `*`, sorted (truncated to `listLimit`). */
  permissionsManagementActionsOnAllResources: string[];
  /** Total Permissions-management actions allowed on `*`. */
  permissionsManagementActionsOnAllResourcesCount: number;
  /** True when one of the lists above was truncated. */
  listsTruncated: boolean;
  /** Data actions (S3 objects, DynamoDB items, secrets, KMS decrypt, SSM parameters; data-access.ts) allowed on `*`. */
  dataAccessOnAllResources: string[];
  /** Services granted through a literal `svc:*` that survives Denies and the boundary, sorted. */
  serviceWildcards: string[];
  /** Allowed action patterns unknown to the catalogue (kept verbatim, never dropped). */
  unknownActionPatterns: string[];
  /** Some Deny is conditional or resource-scoped: it was not subtracted from the sets. */
  hasPartialDeny: boolean;
  /** Privilege-escalation methods all of whose actions are allowed. */
  privilegeEscalation: PrivescMatch[];
}

/** Trust analysis of one role. */
export interface RoleTrustFacts {
  /** Findings in statement order. */
  findings: TrustFinding[];
  /** True when the trust policy could not be parsed. */
  incomplete: boolean;
}

/** Derived facts for one user or role; JSON-serialisable. */
export interface PrincipalFacts extends PermissionFacts {
  /** Principal ARN. */
  arn: string;
  /** User or role name. */
  name: string;
  /** `user` or `role`. */
  principalType: "user" | "role";
  /** True when some policy of the principal could not be read: facts are a lower bound. */
  incomplete: boolean;
  /** The problems behind `incomplete`. */
  errors: PolicyError[];
  /** Whether a permission boundary is attached. */
  hasPermissionsBoundary: boolean;
  /** Effectively `*:*`, or able to grant itself anything. */
  adminEquivalent: boolean;
  /** Why `adminEquivalent` is true. */
  adminReasons: string[];
  /** Group names (users only). */
  groups?: string[];
  /** Trust-policy analysis (roles only). */
  trust?: RoleTrustFacts;
}

/**
 * One principal's analysis: its JSON facts. The effective allowed sets they were computed from are not kept: at
 * about 8 KB a principal they were most of the analysis's memory on large accounts, and nothing read them.
 */
export interface PrincipalAnalysis {
  /** JSON facts. */
  facts: PrincipalFacts;
  /**
   * The permission facts copied into `facts` (member by member): one object (and the same lists) for every principal of the run with
   * the same policies and boundary, so a consumer can convert them once per combination. Never modified.
   */
  permissions: PermissionFacts;
}

/** Facts for one customer managed policy taken alone. */
export interface ManagedPolicyFacts extends PermissionFacts {
  /** Policy ARN. */
  arn: string;
  /** Policy name. */
  name: string;
  /** Number of principals it is attached to, as IAM reports. */
  attachmentCount: number;
  /** Number of principals using it as a permissions boundary. */
  permissionsBoundaryUsageCount: number;
  /** Allows every action on every resource without condition (`*:*`). */
  allowsAllActionsOnAllResources: boolean;
  /** True when the default version could not be read. */
  incomplete: boolean;
  /** The reason, when incomplete. */
  error?: PolicyError;
}

/** Analysis output. */
export interface IamAnalysisResult {
  /** Users then roles, in input order. */
  principals: PrincipalAnalysis[];
  /** Customer managed policies, in input order. */
  policies: ManagedPolicyFacts[];
  /** Every policy error (also attached to the affected principals/policies). */
  errors: PolicyError[];
  /** Data problems that do not concern one policy (e.g. privesc methods with unknown actions). */
  warnings: string[];
  /** Version of the action data used. */
  dataVersion: string;
}

/** Tuning knobs. */
export interface IamAnalysisOptions {
  /** Maximum names per action list in the facts (counts stay exact). Default 200. */
  listLimit?: number;
}
