import type { ResourceType } from "../model/inventory.js";

/** Where a resource type's data comes from: its failures make rules on it report error. */
export interface ResourceTypeSource {
  /** Service as in the SigV4 scope. */
  service: string;
  /** Operations whose data the type carries. */
  operations: string[];
  /** False for global services (region `global`). */
  regional: boolean;
}

/** The source operations of every resource type. */
export const RESOURCE_TYPE_SOURCES: Record<ResourceType, ResourceTypeSource> = {
  "aws.iam.account": {
    service: "iam",
    operations: [
      "GetAccountPasswordPolicy",
      "GetAccountSummary",
      "GenerateCredentialReport",
      "GetCredentialReport",
      "ListVirtualMFADevices",
    ],
    regional: false,
  },
  "aws.iam.user": {
    service: "iam",
    operations: ["GetAccountAuthorizationDetails", "GenerateCredentialReport", "GetCredentialReport", "ListVirtualMFADevices"],
    regional: false,
  },
  "aws.iam.group": { service: "iam", operations: ["GetAccountAuthorizationDetails"], regional: false },
  "aws.iam.role": { service: "iam", operations: ["GetAccountAuthorizationDetails"], regional: false },
  "aws.iam.policy": { service: "iam", operations: ["GetAccountAuthorizationDetails"], regional: false },
  // Probe checks fail independently: each rule names its own check in `dependsOn`.
  "aws.apigateway.probe": {
    service: "probe",
    operations: ["ProbeAuth", "ProbeSigV4", "ProbeApiKey", "ProbeHttp", "ProbeTls", "ProbeCors", "ProbeWaf", "ProbeThrottle"],
    regional: true,
  },
};
