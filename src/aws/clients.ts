import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { SharedHttpHandler } from "./http.js";

/** Settings shared by every AWS client Tollgate builds. */
export interface AwsClientSettings {
  /** Credentials (the standard chain unless a test or an assumed role gives others). */
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** Total attempts per call, retries included. */
  maxAttempts: number;
  /** Identifies Tollgate in CloudTrail and in the account's logs. */
  userAgent: string;
  /** Connection pool shared by the run's clients; each client opens its own when absent. */
  http?: SharedHttpHandler;
}

/** Options for the default credential chain. */
export interface CredentialOptions {
  /** Named profile from ~/.aws/config (SSO, role chaining and web identity profiles included). */
  profile?: string;
}

/**
 * The standard AWS credential chain: environment, SSO, shared config/credentials files, credential
 * process, web identity token file, then container and instance metadata. Endpoints are not touched here,
 * so AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> keep working through the SDK's own resolution.
 */
export function defaultCredentials(opts: CredentialOptions): AwsCredentialIdentityProvider {
  return fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {});
}

/** Client configuration for one region: adaptive retries (client-side rate limiting on throttling). */
export function clientConfig(settings: AwsClientSettings, region: string, profile?: string) {
  return {
    region,
    credentials: settings.credentials,
    maxAttempts: settings.maxAttempts,
    retryMode: "adaptive" as const,
    customUserAgent: settings.userAgent,
    // Resolve each command's middleware chain once per client, not on every call: Tollgate adds its middleware
    // right after constructing a client, before any request, which is what this SDK option requires.
    cacheMiddleware: true,
    ...(settings.http ? { requestHandler: settings.http } : {}),
    ...(profile ? { profile } : {}),
  };
}

/** The region IAM (a global service) is called in for a partition. */
export function iamRegion(partition: string): string {
  if (partition === "aws-cn") return "cn-north-1";
  if (partition === "aws-us-gov") return "us-gov-west-1";
  return "us-east-1";
}

/** The partition a region belongs to. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
