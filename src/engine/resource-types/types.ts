import type { CollectionError, Resource, ResourceType } from "../../model/inventory.js";

/** How the failure of one listing concerns resources of a type. */
export type Listing =
  /** The call lists every resource of the type in an account and region: when it failed, any may be missing. */
  | "scope"
  /** The call lists the resources under one parent, recorded by the parent's ARN (a REST API's stages). */
  | "parent";

/** What one source operation's data feeds in a resource type, and which of its failures concern a resource. */
export interface Feed {
  /** Every location the operation can feed, as JSON pointer patterns (`*` matches any key or index). */
  paths: readonly string[];
  /**
   * Which failures concern a resource. `arn` (default): a failure with no resource ARN (the call as a whole), or one
   * recorded on the resource or a resource above it by ARN path. `scope`: any failure in the resource's account
   * and region (listings of other resources it is joined with, such as custom domains for an API). `account`: any
   * failure in the resource's account, whatever its region (a regional resource joined with global IAM data);
   * `select` then narrows it.
   */
  attach?: "arn" | "scope" | "account";
  /**
   * The locations one failure leaves unknown in one resource, when that is narrower than `paths`: a failure on
   * one trail among a region's trails, or a fact with a fallback that was collected. Returns a subset of `paths`.
   */
  select?: (resource: Resource, error: CollectionError) => readonly string[];
}

/** Where a resource type's data comes from: its failures make rules reading that data report error. */
export interface ResourceTypeSource {
  /** Service as in the SigV4 scope (`apigatewayv2` for API Gateway v2 in the inventory). */
  service: string;
  /** False for global services (region `global`). */
  regional: boolean;
  /** Operations (`service:Operation`) that list the type's resources; their failure may leave some out. */
  listedBy: Readonly<Record<string, Listing>>;
  /** The data each source operation (`service:Operation`) feeds. */
  feeds: Readonly<Record<string, Feed>>;
}

/** Part of the resource-type table: the types of one service. */
export type ResourceTypeTable = Partial<Record<ResourceType, ResourceTypeSource>>;
