/**
 * Input shapes: `GetAccountAuthorizationDetails` output as SDK v3 returns it, loosened so that a
 * JSON snapshot (dates as ISO strings) type-checks as well as live SDK objects (dates as `Date`).
 */
import type { GroupDetail, ManagedPolicyDetail, PolicyVersion, RoleDetail, RoleLastUsed, UserDetail } from "@aws-sdk/client-iam";

/** A date as the SDK returns it or as a saved snapshot stores it. */
export type DateLike = Date | string;

type WithDates<T, K extends keyof T> = Omit<T, K> & { [P in K]?: DateLike | undefined };

/** `UserDetail` with dates as `Date` or ISO string. */
export type UserDetailInput = WithDates<UserDetail, "CreateDate">;
/** `GroupDetail` with dates as `Date` or ISO string. */
export type GroupDetailInput = WithDates<GroupDetail, "CreateDate">;
/** `RoleDetail` with dates as `Date` or ISO string (instance profiles are not analysed). */
export type RoleDetailInput = WithDates<Omit<RoleDetail, "RoleLastUsed" | "InstanceProfileList">, "CreateDate"> & {
  /** Last use, as returned. */
  RoleLastUsed?: WithDates<RoleLastUsed, "LastUsedDate"> | undefined;
  /** Instance profiles, passed through untouched. */
  InstanceProfileList?: readonly unknown[] | undefined;
};
/** `PolicyVersion` with dates as `Date` or ISO string. */
export type PolicyVersionInput = WithDates<PolicyVersion, "CreateDate">;
/** `ManagedPolicyDetail` with dates as `Date` or ISO string. */
export type ManagedPolicyInput = WithDates<Omit<ManagedPolicyDetail, "PolicyVersionList">, "CreateDate" | "UpdateDate"> & {
  /** Versions; the one with `IsDefaultVersion` is the effective document. */
  PolicyVersionList?: readonly PolicyVersionInput[] | undefined;
};

/** The (merged, all pages) output of `GetAccountAuthorizationDetails`. */
export interface AuthorizationDetails {
  /** Users with inline policies, attached policies and group names. */
  UserDetailList?: readonly UserDetailInput[] | undefined;
  /** Groups with inline and attached policies. */
  GroupDetailList?: readonly GroupDetailInput[] | undefined;
  /** Roles with trust, inline and attached policies. */
  RoleDetailList?: readonly RoleDetailInput[] | undefined;
  /** Managed policies (customer and, ideally, AWS managed) with their versions. */
  Policies?: readonly ManagedPolicyInput[] | undefined;
}

/** Everything the analysis needs about one account. */
export interface IamAnalysisInput {
  /** Authorization details of the account. */
  authorizationDetails: AuthorizationDetails;
  /** 12-digit account id; decides which trusted accounts are "other" accounts. */
  accountId: string;
  /** Partition, e.g. `aws`, `aws-cn`, `aws-us-gov`. */
  partition: string;
  /** OIDC provider ARNs in the account (`ListOpenIDConnectProviders`), when collected. */
  oidcProviderArns?: readonly string[] | undefined;
}
