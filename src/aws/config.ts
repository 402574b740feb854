import { hasUserInfo, maskUserInfo } from "../util/url-userinfo.js";
import type * as StsSdk from "@aws-sdk/client-sts";
import type * as CredentialProviders from "@aws-sdk/credential-providers";
import type * as SmithyConfig from "@smithy/core/config";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { Logger } from "../util/logger.js";
import { AWS_SERVICE_IDS, type AwsService } from "./clients.js";
import { BoundedHttpHandler, type CallTimeouts } from "./http.js";
import { checkRegion } from "./regions.js";
import { requireSdk } from "./sdk-require.js";

// Required, not imported: see requireSdk.
const { getDefaultRoleAssumer, getDefaultRoleAssumerWithWebIdentity } = requireSdk("@aws-sdk/client-sts") as typeof StsSdk;
const { fromEnv, fromNodeProviderChain } = requireSdk("@aws-sdk/credential-providers") as typeof CredentialProviders;
const { getHomeDir, loadSharedConfigFiles } = requireSdk("@smithy/core/config") as typeof SmithyConfig;

/** A setting and where it was set, so a message can send the user to the right place. */
export interface Sourced {
  value: string;
  /** `--profile`, `AWS_REGION`, `endpoint_url of profile "x" in ~/.aws/config`, … */
  source: string;
}

/** How the selected credentials are obtained, for messages that say what to fix. */
export type CredentialKind =
  | "environment"
  | "static"
  | "sso"
  | "assume-role"
  | "credential-process"
  | "web-identity"
  | "no-credentials-in-profile"
  | "chain";

/** Where the credentials come from. */
export interface CredentialSource {
  kind: CredentialKind;
  /** The profile they come from, if one. */
  profile?: Sourced;
  /** The profile's settings that matter for messages (role_arn, source_profile, sso_session, credential_process). */
  settings: Record<string, string>;
}

/** The standard AWS configuration of a run, read once, the way the AWS CLI reads it. */
export interface AwsConfig {
  /** The selected profile (`--profile`, else AWS_PROFILE); absent means `default`, which need not exist. */
  profile?: Sourced;
  /** AWS_REGION, AWS_DEFAULT_REGION or the profile's `region`, in that order. */
  region?: Sourced;
  /** Endpoints set for the services Tollgate calls; a service without one uses AWS's endpoint. */
  endpoints: Partial<Record<AwsService, Sourced>>;
  credentialSource: CredentialSource;
  /** The credential provider for the run (memoised and refreshed by the SDK). */
  credentials: AwsCredentialIdentityProvider;
  /** The shared files read. */
  files: { config: string; credentials: string };
}

/** Options of `loadAwsConfig`. */
export interface AwsConfigOptions {
  /** `--profile`: overrides AWS_PROFILE, and environment credentials, as in the AWS CLI. */
  profile?: string;
  /** Receives the SDK's credential warnings. */
  logger?: Logger;
  /** Timeouts of the STS and SSO calls that fetch credentials (default DEFAULT_CALL_TIMEOUTS). */
  timeouts?: CallTimeouts;
}

type Section = Record<string, string | undefined>;

function isSet(v: string | undefined): v is string {
  return v !== undefined && v !== "";
}

/** A boolean setting as the SDK reads it: exactly `true` or `false`. */
function flag(value: string | undefined, source: string): boolean {
  if (value === undefined || value === "") return false;
  if (value === "true" || value === "false") return value === "true";
  throw new InputError(`${source}: must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * Refuses an endpoint URL the SDK could not use (exit 2), naming where it was set: a typo would otherwise
 * surface as a connection error per call, or send requests somewhere unintended.
 */
export function checkEndpointUrl(value: string, source: string): void {
  // User info is masked: the message must not print the credential it refuses.
  const problem = (why: string): never => {
    throw new InputError(
      `${source}: ${JSON.stringify(maskUserInfo(value))} ${why}; an endpoint is an http(s) URL such as https://iam.amazonaws.com or http://127.0.0.1:4566`,
    );
  };
  if (hasUserInfo(value)) problem("has user info (credentials do not belong in URLs)");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problem("is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") problem(`has scheme ${url.protocol} (not http or https)`);
  if (!url.hostname) problem("has no host");
  if (url.username || url.password) problem("has user info (credentials do not belong in URLs)");
  if (url.search || url.hash) problem("has a query or fragment");
}

/** How a profile obtains credentials, judged from its settings in the order the SDK's resolvers try them. */
function profileKind(section: Section): CredentialKind {
  if (isSet(section["role_arn"]) && (isSet(section["source_profile"]) || isSet(section["credential_source"])))
    return "assume-role";
  if (isSet(section["aws_access_key_id"]) && isSet(section["aws_secret_access_key"])) return "static";
  if (isSet(section["role_arn"]) && isSet(section["web_identity_token_file"])) return "web-identity";
  if (isSet(section["credential_process"])) return "credential-process";
  if (["sso_session", "sso_start_url", "sso_account_id", "sso_region", "sso_role_name"].some((k) => isSet(section[k])))
    return "sso";
  return "no-credentials-in-profile";
}

/** Settings of a profile worth naming in messages (never secrets). */
function messageSettings(section: Section): Record<string, string> {
  const keys = [
    "role_arn",
    "source_profile",
    "credential_source",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "sso_role_name",
  ];
  const out: Record<string, string> = {};
  for (const k of [...keys, "credential_process", "web_identity_token_file"]) if (isSet(section[k])) out[k] = section[k];
  return out;
}

/**
 * Reads the standard AWS configuration as the AWS CLI does and checks it before any call: the profile
 * (`--profile`, else AWS_PROFILE) must exist in the config or credentials file; the region (AWS_REGION,
 * AWS_DEFAULT_REGION, the profile's `region`) must be one AWS has; each endpoint (AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the profile's `services` section, its `endpoint_url`, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 * or `ignore_configured_endpoint_urls`) must be an http(s) URL. Anything wrong is an InputError (exit 2) naming the
 * variable, flag or file. Credentials follow the CLI's precedence: `--profile`, then AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, then AWS_PROFILE or `default` with the SDK's chain (SSO, role_arn + source_profile,
 * credential_process, web identity, container and instance metadata).
 */
export async function loadAwsConfig(opts: AwsConfigOptions = {}): Promise<AwsConfig> {
  const env = process.env;
  const files = {
    config: env["AWS_CONFIG_FILE"] || join(getHomeDir(), ".aws", "config"),
    credentials: env["AWS_SHARED_CREDENTIALS_FILE"] || join(getHomeDir(), ".aws", "credentials"),
  };
  const loaded = await loadSharedConfigFiles({ configFilepath: files.config, filepath: files.credentials, ignoreCache: true });
  const selected = selectProfile({ env, files, loaded }, opts.profile);
  const region = configuredRegion(env, selected);
  const endpoints = configuredEndpoints({ env, files, loaded }, selected);
  const credentialSource = credentialSourceOf(env, selected);
  const { profile, name } = selected;
  if (profile?.source === "--profile" && hasEnvKeys(env))
    opts.logger?.info(
      `Using profile ${name} (--profile); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored, as the AWS CLI does`,
    );
  return {
    ...(profile ? { profile } : {}),
    ...(region ? { region } : {}),
    endpoints,
    credentialSource,
    credentials: credentialsProvider({
      profile,
      region,
      endpoints,
      fromEnvironment: credentialSource.kind === "environment",
      logger: opts.logger,
      timeouts: opts.timeouts,
    }),
    files,
  };
}

/** The environment and the shared files, as read once by `loadAwsConfig`. */
interface ConfigSources {
  env: NodeJS.ProcessEnv;
  files: AwsConfig["files"];
  loaded: Awaited<ReturnType<typeof loadSharedConfigFiles>>;
}

/** The selected profile, its two sections, and how messages name its settings. */
interface SelectedProfile {
  profile: Sourced | undefined;
  name: string;
  inConfig: Section | undefined;
  inCredentials: Section | undefined;
  where: (key: string) => string;
}

/** `--profile`, else AWS_PROFILE, else `default`; a profile named but in neither file is bad input (exit 2). */
function selectProfile({ env, files, loaded }: ConfigSources, given: string | undefined): SelectedProfile {
  const profile: Sourced | undefined = isSet(given)
    ? { value: given, source: "--profile" }
    : isSet(env["AWS_PROFILE"])
      ? { value: env["AWS_PROFILE"], source: "AWS_PROFILE" }
      : undefined;
  const name = profile?.value ?? "default";
  const inConfig = loaded.configFile[name] as Section | undefined;
  const inCredentials = loaded.credentialsFile[name] as Section | undefined;
  if (profile && !inConfig && !inCredentials) {
    const known = [
      ...new Set([...Object.keys(loaded.configFile).filter((k) => !k.includes(".")), ...Object.keys(loaded.credentialsFile)]),
    ].sort();
    throw new InputError(
      `${profile.source} ${name}: no profile named ${JSON.stringify(name)} in ${files.config} or ${files.credentials} ` +
        `(${known.length ? `profiles there: ${known.join(", ")}` : "no profiles there"}). Create it with ` +
        `\`aws configure --profile ${name}\` (access keys) or \`aws configure sso --profile ${name}\` (IAM Identity Center), ` +
        "or select an existing one",
    );
  }
  const where = (key: string) => `${key} of profile ${JSON.stringify(name)} in ${files.config}`;
  return { profile, name, inConfig, inCredentials, where };
}

/** AWS_REGION, AWS_DEFAULT_REGION or the profile's `region`, in that order; checked against the regions AWS has. */
function configuredRegion(env: NodeJS.ProcessEnv, p: SelectedProfile): Sourced | undefined {
  let region: Sourced | undefined;
  if (isSet(env["AWS_REGION"])) region = { value: env["AWS_REGION"], source: "AWS_REGION" };
  else if (isSet(env["AWS_DEFAULT_REGION"])) region = { value: env["AWS_DEFAULT_REGION"], source: "AWS_DEFAULT_REGION" };
  else if (isSet(p.inConfig?.["region"])) region = { value: p.inConfig["region"], source: p.where("region") };
  if (region) checkRegion(region.value, region.source);
  return region;
}

/**
 * Each service's configured endpoint, in the SDK's order: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's
 * `services` section, its `endpoint_url`; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile) says so.
 */
function configuredEndpoints({ env, files, loaded }: ConfigSources, p: SelectedProfile): AwsConfig["endpoints"] {
  const { inConfig, where } = p;
  const endpoints: AwsConfig["endpoints"] = {};
  const ignore = isSet(env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"])
    ? flag(env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"], "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    : flag(inConfig?.["ignore_configured_endpoint_urls"], where("ignore_configured_endpoint_urls"));
  if (ignore) return endpoints;
  const servicesName = inConfig?.["services"];
  let services: Section | undefined;
  if (isSet(servicesName)) {
    services = loaded.configFile[`services.${servicesName}`] as Section | undefined;
    if (!services)
      throw new InputError(`${where("services")}: names section [services ${servicesName}], which is not in the file`);
  }
  for (const [service, id] of Object.entries(AWS_SERVICE_IDS) as [AwsService, string][]) {
    const envKey = `AWS_ENDPOINT_URL_${id.toUpperCase().replaceAll(" ", "_")}`;
    const fileKey = `${id.toLowerCase().replaceAll(" ", "_")}.endpoint_url`;
    let found: Sourced | undefined;
    if (isSet(env[envKey])) found = { value: env[envKey], source: envKey };
    else if (isSet(env["AWS_ENDPOINT_URL"])) found = { value: env["AWS_ENDPOINT_URL"], source: "AWS_ENDPOINT_URL" };
    else if (isSet(services?.[fileKey]))
      found = { value: services[fileKey], source: `${fileKey} of [services ${servicesName}] in ${files.config}` };
    else if (isSet(inConfig?.["endpoint_url"])) found = { value: inConfig["endpoint_url"], source: where("endpoint_url") };
    if (!found) continue;
    checkEndpointUrl(found.value, found.source);
    endpoints[service] = found;
  }
  return endpoints;
}

const hasEnvKeys = (env: NodeJS.ProcessEnv) => isSet(env["AWS_ACCESS_KEY_ID"]) && isSet(env["AWS_SECRET_ACCESS_KEY"]);

/** Where the credentials come from, as the AWS CLI decides it (environment keys lose only to `--profile`). */
function credentialSourceOf(env: NodeJS.ProcessEnv, p: SelectedProfile): CredentialSource {
  if (p.profile?.source !== "--profile" && hasEnvKeys(env)) return { kind: "environment", settings: {} };
  if (p.inConfig || p.inCredentials) {
    // The SDK merges a profile's two sections, the credentials file winning.
    const section: Section = { ...(p.inConfig ?? {}), ...(p.inCredentials ?? {}) };
    return {
      kind: profileKind(section),
      profile: p.profile ?? { value: p.name, source: "default" },
      settings: messageSettings(section),
    };
  }
  if (isSet(env["AWS_WEB_IDENTITY_TOKEN_FILE"]) && isSet(env["AWS_ROLE_ARN"]))
    return { kind: "web-identity", settings: { role_arn: env["AWS_ROLE_ARN"] } };
  return { kind: "chain", settings: {} };
}

/**
 * The credential provider. The SDK's nested clients (STS for role_arn and web identity, SSO for IAM Identity
 * Center) read `endpoint_url` from AWS_PROFILE's profile only, so with `--profile` their configured endpoints are
 * given to them here; without one configured, the SDK's defaults stand.
 */
function credentialsProvider({
  profile,
  region,
  endpoints,
  fromEnvironment,
  logger,
  timeouts,
}: {
  profile: Sourced | undefined;
  region: Sourced | undefined;
  endpoints: AwsConfig["endpoints"];
  fromEnvironment: boolean;
  logger: Logger | undefined;
  timeouts: CallTimeouts | undefined;
}): AwsCredentialIdentityProvider {
  if (fromEnvironment) return fromEnv();
  const sts = endpoints.sts?.value;
  // The STS and SSO calls that fetch the credentials are bounded in time like every other AWS call.
  const requestHandler = new BoundedHttpHandler(timeouts);
  const stsOptions = {
    ...(profile ? { profile: profile.value } : {}),
    ...(region ? { region: region.value } : {}),
    ...(sts ? { endpoint: sts } : {}),
    requestHandler,
  };
  return fromNodeProviderChain({
    ...(profile ? { profile: profile.value } : {}),
    logger: sdkLogger(logger),
    ...(sts
      ? {
          roleAssumer: getDefaultRoleAssumer(stsOptions),
          roleAssumerWithWebIdentity: getDefaultRoleAssumerWithWebIdentity(stsOptions),
        }
      : {}),
    clientConfig: { requestHandler, ...(endpoints.sso ? { endpoint: endpoints.sso.value } : {}) },
  });
}

/**
 * The SDK's credential logger: warnings go to Tollgate's log on one line, except the multi-line notice that a profile
 * and environment keys are both set, which `loadAwsConfig` replaces with its own line (the SDK would print it with
 * console.warn otherwise).
 */
function sdkLogger(logger: Logger | undefined) {
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (...args: unknown[]) => {
      const text = args.map(String).join(" ");
      if (!text.includes("Multiple credential sources detected")) logger?.warn(text.replace(/\s*\n\s*/g, " ").trim());
    },
  };
}

/** The endpoints as client settings take them. */
export function endpointUrls(config: Pick<AwsConfig, "endpoints">): Partial<Record<AwsService, string>> {
  return Object.fromEntries(Object.entries(config.endpoints).map(([k, v]) => [k, v.value]));
}
