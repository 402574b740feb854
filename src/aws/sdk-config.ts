// Settings every AWS SDK client otherwise resolves for itself from the environment and the shared config files, on
// its first call: FIPS and dual-stack endpoints, the user agent's app id, the auth scheme preference, and the endpoint
// configured for its service. Each client resolves them once through a chain of sources that builds (and throws) an
// error for every source that does not set the value; a 50-account organisation scan builds 1,850 clients (one per
// account, region and service), and these resolutions were about 0.6 ms of CPU per client. A run shares one set.
import type * as SdkCoreClient from "@aws-sdk/core/client";
import type * as SdkAuthSchemes from "@aws-sdk/core/httpAuthSchemes";
import type * as SmithyConfig from "@smithy/core/config";
import type { Provider } from "@smithy/types";
import { requireSdk } from "./sdk-require.js";

// Required, not imported: see requireSdk.
const { NODE_APP_ID_CONFIG_OPTIONS } = requireSdk("@aws-sdk/core/client") as typeof SdkCoreClient;
const { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } = requireSdk("@aws-sdk/core/httpAuthSchemes") as typeof SdkAuthSchemes;
const { loadConfig, NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS } = requireSdk(
  "@smithy/core/config",
) as typeof SmithyConfig;

/** SDK settings shared by the clients of one run (see `sharedSdkConfig`). */
export interface SharedSdkConfig {
  /** Client inputs: the SDK's own loaders of these settings (same sources, same order), memoised once for the run. */
  inputs: {
    useFipsEndpoint: Provider<boolean>;
    useDualstackEndpoint: Provider<boolean>;
    userAgentAppId: Provider<string | undefined>;
    authSchemePreference: Provider<string[]>;
  };
  /**
   * Per SDK service id, the configured-endpoint lookup (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's
   * `services` section and `endpoint_url`) of the run's first client of that service; later clients use it too.
   */
  endpointLookups: Map<string, unknown>;
}

/**
 * One run's shared SDK settings. Nothing is read until a client needs it (as each client would), and a failed read is
 * not remembered (the SDK's memoisation), so errors surface where they did.
 */
export function sharedSdkConfig(): SharedSdkConfig {
  // The loader configuration SDK clients use when they are given no `profile` (Tollgate gives them none).
  const loader = {};
  return {
    inputs: {
      useFipsEndpoint: loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, loader),
      useDualstackEndpoint: loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, loader),
      userAgentAppId: loadConfig(NODE_APP_ID_CONFIG_OPTIONS, loader),
      authSchemePreference: loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, loader),
    },
    endpointLookups: new Map(),
  };
}
