import type { JsonValue } from "./json.js";
import type { Severity } from "./severity.js";

/**
 * Version of the saved inventory format; bump on incompatible change. 2: collected resources hold what AWS said
 * (`raw`), without derived facts (recomputed at evaluation); 1 also saved the facts derived when collecting.
 */
export const INVENTORY_FORMAT_VERSION = 2;

/** Inventory format versions this Tollgate reads (a format 1 inventory's derived facts are ignored). */
export const READABLE_INVENTORY_VERSIONS = [1, 2] as const;

/** Every resource type Tollgate knows; rules may only target these. */
export const RESOURCE_TYPES = [
  "aws.iam.account",
  "aws.iam.user",
  "aws.iam.group",
  "aws.iam.role",
  "aws.iam.policy",
  "aws.iam.server-certificate",
  "aws.apigateway.account",
  "aws.apigateway.restapi",
  "aws.apigateway.method",
  "aws.apigateway.stage",
  "aws.apigateway.domain",
  "aws.apigatewayv2.api",
  "aws.apigatewayv2.stage",
  "aws.apigatewayv2.route",
  "aws.apigatewayv2.domain",
  "aws.wafv2.webacl",
  "aws.cloudtrail.trail",
  "aws.cloudtrail.region",
  "aws.config.region",
  // The API's backend and identity layer.
  "aws.lambda.function",
  "aws.cognito.userpool",
  "aws.cognito.userpool-client",
  "aws.cognito.identitypool",
  "aws.appsync.graphqlapi",
  // Results of live probes (src/probe): one per probed method/route, evaluated like collected resources.
  "aws.apigateway.probe",
  // Derived from the others by the exposure-path analysis (src/analysis/paths): one per entry point.
  "aws.path.exposure",
] as const;
/** A known resource type. */
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * Resource types no collector makes: derived from the others by the enrich stage (exposure paths), so never saved
 * in an inventory and always recomputed.
 */
export const DERIVED_RESOURCE_TYPES: ReadonlySet<string> = new Set<ResourceType>(["aws.path.exposure"]);

/** One collected AWS resource: raw SDK output plus derived facts. */
export interface Resource {
  /** Resource type, e.g. `aws.iam.user`. */
  type: ResourceType;
  /** The resource ARN (or a stable pseudo-ARN for account-level resources). */
  arn: string;
  /** 12-digit account id. */
  account: string;
  /** Region, or `global` for global services such as IAM. */
  region: string;
  /** Human-readable name. */
  name: string;
  /** SDK output as returned, keyed by the operation or list it came from. */
  raw: Record<string, JsonValue>;
  /**
   * Facts computed by enrichers from `raw` and the collection clock (the probe's verdicts for probe resources).
   * Recomputed at evaluation, so saved inventories leave them out, except a probe resource's.
   */
  derived: Record<string, JsonValue>;
  /**
   * Facts deliberately left out (JSON pointer → why), e.g. probe checks not sent by design. A rule whose
   * missing inputs are all listed here reports `skipped` with the reason instead of `error`.
   */
  skipped?: Record<string, string>;
}

/**
 * A copy of `r` with `parts` in place of its raw data (when given), facts and `skipped` (kept when `parts` has no
 * `skipped` member, dropped when it has one set to undefined), written member by member in one order (`skipped` last,
 * when present): every resource then shares a handful of hidden classes, where a spread (`{ ...r, derived }`) from
 * code that sees every shape of resource gave each copy a hidden class of its own (a map and a descriptor array,
 * ~190 bytes a resource, kept as long as the resource).
 */
export function resourceWith(
  r: Resource,
  parts: { raw?: Resource["raw"]; derived: Resource["derived"]; skipped?: Resource["skipped"] | undefined },
): Resource {
  const out: Resource = {
    type: r.type,
    arn: r.arn,
    account: r.account,
    region: r.region,
    name: r.name,
    raw: parts.raw ?? r.raw,
    derived: parts.derived,
  };
  const skipped = "skipped" in parts ? parts.skipped : r.skipped;
  if (skipped !== undefined) out.skipped = skipped;
  return out;
}

/** A call that failed during collection: a coverage gap, never a pass. */
export interface CollectionError {
  /** Account the call was made in. */
  account: string;
  /** Region of the call, or `global`. */
  region: string;
  /** Service name as in the SigV4 scope, e.g. `iam`. */
  service: string;
  /** API operation, e.g. `GetCredentialReport`. */
  operation: string;
  /** Error name, e.g. `AccessDenied`, `ThrottlingException`, `MalformedPolicyDocument`. */
  errorName: string;
  /** HTTP status when there was a response. */
  httpStatus?: number;
  /** Human-readable detail. */
  message: string;
  /** When the error concerns one resource only (e.g. one malformed policy). */
  resourceArn?: string;
}

/** What produced a run's results: its filters, rule profile and config file (recorded in inventories and findings). */
export interface RunSelection {
  /** `--services`: only these services were collected and evaluated. */
  services?: string[];
  /** `--rules`: rule ids, aliases or globs evaluated. */
  rules?: string[];
  /** `--exclude-rules`: rule ids, aliases or globs left out. */
  excludeRules?: string[];
  /** `--severity`: minimum severity of the rules evaluated. */
  severity?: Severity;
  /** `--framework`: only the rules mapped to this framework. */
  framework?: string;
  /** Rule profile id, with its file for a custom profile. */
  profile?: string;
  /** Config file read, if any. */
  config?: string;
}

/** Metadata about the collection run. */
export interface RunMetadata {
  /** Tollgate version that collected. */
  toolVersion: string;
  /** ISO time the collection started; the clock for enrichers. */
  collectedAt: string;
  /** ISO time the collection ended. */
  finishedAt: string;
  /** AWS partition, e.g. `aws`. */
  partition: string;
  /** Accounts scanned. */
  accounts: string[];
  /** Regions scanned. */
  regions: string[];
  /** Services collected. */
  services: string[];
  /** False when the scan was interrupted or some units never ran. */
  complete: boolean;
  /** Caller identity per account (ARN), for the record. */
  callers?: Record<string, string>;
  /**
   * Ids of every rule evaluated in this run (set in findings files, absent in inventories). Security Hub archiving
   * uses it to know that a rule ran even where it produced no finding (e.g. every resource was deleted).
   */
  rulesEvaluated?: string[];
  /** Set by `scan --shard i/n`: this run scanned only the (account, region) units of shard `index` of `count`. */
  shard?: { index: number; count: number };
  /**
   * The (account, region) units this run was assigned (region `global`: IAM), so export scoping knows exactly
   * what was re-checked; `accounts` × `regions` may be wider (shards, accounts with different regions).
   */
  units?: { account: string; region: string }[];
  /** Set by `tollgate merge`: the shard set and which of its shards were merged or missing. */
  merged?: { count: number; shards: number[]; missing: number[] };
  /** The filters, profile and config the run used; `services` set means the others were not collected. */
  selection?: RunSelection;
}

/** A saved, re-evaluable snapshot of everything collected. */
export interface Inventory {
  /** Always `tollgate-inventory`. */
  kind: "tollgate-inventory";
  /** Format version, see INVENTORY_FORMAT_VERSION. */
  formatVersion: number;
  /** Run metadata. */
  metadata: RunMetadata;
  /** Collected resources. */
  resources: Resource[];
  /** Every failed call. */
  errors: CollectionError[];
}
