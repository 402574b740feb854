import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { BoundedHttpHandler, type CallTimeouts, type SharedHttpHandler } from "./http.js";
import type { SharedSdkConfig } from "./sdk-config.js";

/**
 * The AWS services Tollgate calls, with the SDK's service id, which names their endpoint settings
 * (`AWS_ENDPOINT_URL_API_GATEWAY`, `api_gateway = endpoint_url = …` in a `services` section).
 */
export const AWS_SERVICE_IDS = {
  iam: "IAM",
  sts: "STS",
  ec2: "EC2",
  organizations: "Organizations",
  apigateway: "API Gateway",
  apigatewayv2: "ApiGatewayV2",
  wafv2: "WAFV2",
  cloudtrail: "CloudTrail",
  config: "Config Service",
  securityhub: "SecurityHub",
  sso: "SSO",
  lambda: "Lambda",
  "cognito-idp": "Cognito Identity Provider",
  "cognito-identity": "Cognito Identity",
  appsync: "AppSync",
} as const;

/** A service Tollgate calls, as Tollgate names it. */
export type AwsService = keyof typeof AWS_SERVICE_IDS;

/** Settings shared by every AWS client Tollgate builds. */
export interface AwsClientSettings {
  /** Credentials (the standard chain unless a test or an assumed role gives others). */
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** Total attempts per call, retries included. */
  maxAttempts: number;
  /** Identifies Tollgate in CloudTrail and in the account's logs. */
  userAgent: string;
  /** Connection pool shared by the run's clients (with its own timeouts); each client opens its own when absent. */
  http?: SharedHttpHandler;
  /** Timeouts of a client's own handler when there is no shared pool (default DEFAULT_CALL_TIMEOUTS). */
  timeouts?: CallTimeouts;
  /**
   * Endpoints from the standard configuration (see `loadAwsConfig`), per service; a service without one uses
   * the SDK's default endpoint for the region.
   */
  endpoints?: Partial<Record<AwsService, string>>;
  /**
   * The run's shared SDK settings (`sharedSdkConfig`): clients resolve FIPS, dual-stack, app id, auth scheme
   * preference and configured endpoints once per run instead of once each. Absent: each client resolves its own.
   */
  sdk?: SharedSdkConfig;
}

/**
 * Client configuration for one service in one region: adaptive retries (client-side rate limiting on
 * throttling), an HTTP handler that bounds every attempt in time (the run's shared pool, or the client's own) and
 * the service's configured endpoint. The endpoint is passed explicitly because the SDK reads
 * `endpoint_url` from AWS_PROFILE's profile only, never from the profile a client is given.
 */
export function clientConfig(settings: AwsClientSettings, region: string, service: AwsService) {
  const endpoint = settings.endpoints?.[service];
  return {
    region,
    credentials: settings.credentials,
    maxAttempts: settings.maxAttempts,
    retryMode: "adaptive" as const,
    customUserAgent: settings.userAgent,
    // Resolve each command's middleware chain once per client, not on every call: Tollgate adds its middleware
    // right after constructing a client, before any request, which is what this SDK option requires.
    cacheMiddleware: true,
    requestHandler: settings.http ?? new BoundedHttpHandler(settings.timeouts),
    ...(endpoint ? { endpoint } : {}),
    ...settings.sdk?.inputs,
  };
}
/** The part of a constructed SDK client's resolved configuration `shareEndpointLookup` touches. */
interface ResolvedEndpointConfig {
  serviceId?: unknown;
  serviceConfiguredEndpoint?: unknown;
}

/**
 * Makes `client` use the run's lookup of its service's configured endpoint (the first client's, which the SDK
 * memoises) instead of its own. The SDK builds the lookup in every client's resolved configuration and calls it on
 * the first request of a client without an explicit endpoint; sharing it changes no answer, only how often the
 * environment and the shared files are read. A client whose configuration lacks it (another SDK version) is left as
 * it is.
 */
export function shareEndpointLookup(client: { config?: unknown }, shared: SharedSdkConfig): void {
  const config = client.config as ResolvedEndpointConfig | undefined;
  if (!config || typeof config.serviceId !== "string" || typeof config.serviceConfiguredEndpoint !== "function") return;
  const first = shared.endpointLookups.get(config.serviceId);
  if (first) config.serviceConfiguredEndpoint = first;
  else shared.endpointLookups.set(config.serviceId, config.serviceConfiguredEndpoint);
}

/** An endpoint's auth scheme, as the SDK hands it to a client's signer factory. */
interface AuthSchemeKey {
  name?: string;
  signingName?: string;
  signingRegion?: string;
}

/**
 * Makes `client` build its SigV4 signer once per auth scheme instead of on every request. The SDK's resolved `signer`
 * is a factory it calls for each request: it copies the whole client configuration (~45 keys, in V8's slow dictionary
 * form) into a new SignatureV4 each time, although the region and service it passes become fixed on the client's
 * first request (`config.signingRegion ||= …`) and the credentials are the client's own provider, called again at each
 * signature (so refreshed credentials are still used). The signer keeps no state between signatures but its
 * configuration. The SDK's own factory builds each signer; a failed build is not kept. A client whose configuration
 * has no factory (another SDK version) is left as it is.
 */
export function reuseSigner(client: { config?: unknown }): void {
  const config = client.config as { signer?: unknown } | undefined;
  const make = config?.signer;
  if (!config || typeof make !== "function") return;
  const built = new Map<string, Promise<unknown>>();
  config.signer = (authScheme?: AuthSchemeKey): Promise<unknown> => {
    const key = authScheme ? `${authScheme.name}|${authScheme.signingName}|${authScheme.signingRegion}` : "";
    let signer = built.get(key);
    if (!signer) {
      signer = (make as (a?: AuthSchemeKey) => Promise<unknown>)(authScheme);
      built.set(key, signer);
      signer.catch(() => built.delete(key));
    }
    return signer;
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
