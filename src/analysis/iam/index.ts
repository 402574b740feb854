/** Public API of the IAM least-privilege analysis library. */
export { analyzeIam, analyzeIamEach } from "./analyze.js";
export type {
  IamAnalysisOptions,
  IamAnalysisResult,
  ManagedPolicyFacts,
  PermissionFacts,
  PolicyError,
  PolicyErrorName,
  PrincipalAnalysis,
  PrincipalFacts,
  RoleTrustFacts,
} from "./result.js";
export { ACCESS_LEVELS, createActionCatalog, normaliseAccessLevel } from "./catalog.js";
export type { AccessLevel, ActionCatalog, ActionCatalogEntry, ActionInfo, PatternExpansion } from "./catalog.js";
export { defaultRulesDataDir, loadActionCatalog, loadIamAnalysisData, parseTrustServices } from "./data.js";
export type { IamAnalysisData, LoadActionCatalogOptions } from "./data.js";
export { applyBoundary, isAllowedOn } from "./effective.js";
export type { PolicyVariables } from "./effective.js";
export { combineGrants, compileGrants } from "./grants.js";
export type { AllowedSets, CompiledStatement, PolicyGrants } from "./grants.js";
export type * from "./input.js";
export { normalisePolicy, parsePolicyDocument } from "./policy.js";
export type {
  Effect,
  NormalizedCondition,
  NormalizedPolicy,
  NormalizedPrincipal,
  NormalizedStatement,
  ParseResult,
  PolicyKind,
} from "./policy.js";
export { matchPrivesc, parsePrivescCatalog, PrivescCatalogError, resolvePrivescMethods } from "./privesc.js";
export type { LimitedBy, PrivescMatch, PrivescMethod, PrivescSource, ResolvedPrivescMethod } from "./privesc.js";
export { analyzeTrustPolicy, RESTRICTING_KEYS, TRUST_CODES } from "./trust.js";
export type { TrustCode, TrustContext, TrustFinding } from "./trust.js";
export { arnGlobMatches, globToRegExp, isUnconstrainedResource } from "./wildcard.js";
export { DATA_ACTIONS, dataActionsOnAllResources } from "./data-access.js";
