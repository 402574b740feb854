// A first run fails most often before anything is collected: no credentials, a profile that does not exist, an
// SSO session that expired, a key that was deleted. Each gets one message that says what to do, instead of the
// SDK's error text (which names a provider chain, not a fix).
import type { AwsConfig, CredentialSource } from "./config.js";
import { ExitError, InputError } from "../errors.js";
import { READONLY_POLICY_FILE } from "./permissions.js";

/**
 * `sts:GetCallerIdentity`, the first call of a run, failed: credentials that do not work are bad input (exit 2),
 * anything else (STS unreachable, throttled past retries) leaves the run with nothing collected (exit 3).
 */
export class CallerIdentityError extends ExitError {
  constructor(
    message: string,
    exitCode: number,
    /** Region of the STS call. */
    readonly region: string,
    /** What the SDK threw. */
    readonly failure: unknown,
  ) {
    super(message, exitCode);
    this.name = "CallerIdentityError";
  }
}

/** Error names that mean the credentials themselves were refused or could not be obtained. */
const CREDENTIAL_FAILURES = new Set([
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "InvalidIdentityToken",
  "IDPCommunicationError",
  "IDPRejectedClaim",
  "CredentialsProviderError",
  "TokenProviderError",
  "UnauthorizedException",
  "AccessDenied",
]);

/** Wraps a failed GetCallerIdentity with the SDK's own words; `explainCallerIdentity` turns it into advice. */
export function callerIdentityError(e: unknown, region: string): CallerIdentityError {
  const name = (e as { name?: string }).name ?? "Error";
  const msg = `cannot identify the caller with sts:GetCallerIdentity in ${region}: ${name}: ${(e as Error).message}`;
  if (CREDENTIAL_FAILURES.has(name))
    return new CallerIdentityError(`${msg}. Check the credentials (environment, --profile, SSO login).`, 2, region, e);
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return new CallerIdentityError(`${msg} (HTTP ${status ?? "n/a"}); nothing was collected`, 3, region, e);
}

const q = JSON.stringify;

/** The profile as messages name it: `profile "audit" (--profile)`. */
function profileName(s: CredentialSource): string {
  return s.profile ? `profile ${q(s.profile.value)}${s.profile.source === "default" ? "" : ` (${s.profile.source})`}` : "";
}

/** Where the credentials came from, in words. */
function describe(source: CredentialSource, config: AwsConfig): string {
  const p = profileName(source);
  switch (source.kind) {
    case "environment":
      return "the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables";
    case "static":
      return `the access key of ${p} (${config.files.credentials} or ${config.files.config})`;
    case "sso":
      return `the IAM Identity Center (SSO) session of ${p}`;
    case "assume-role":
      return `${p}, which assumes ${source.settings["role_arn"]} with ${source.settings["source_profile"] ? `source_profile ${source.settings["source_profile"]}` : `credential_source ${source.settings["credential_source"]}`}`;
    case "credential-process":
      return `the credential_process of ${p}`;
    case "web-identity":
      return `web identity (role ${source.settings["role_arn"] ?? "?"}${source.profile ? ` from ${p}` : ", AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE"})`;
    case "no-credentials-in-profile":
      return p;
    case "chain":
      return "the default credential chain";
  }
}

/** How to get working credentials of this kind again. */
function refresh(source: CredentialSource): string {
  const p = source.profile?.value;
  switch (source.kind) {
    case "sso":
      return `run \`aws sso login --profile ${p}\`, then run Tollgate again`;
    case "environment":
      return "export fresh ones (in GitHub Actions, run aws-actions/configure-aws-credentials in the same job, before Tollgate)";
    case "static":
      return `update the profile's keys (\`aws configure --profile ${p}\`)`;
    case "credential-process":
      return "run the profile's credential_process command by hand to see why it returns stale credentials";
    case "web-identity":
      return "give Tollgate a current token (in CI, request the OIDC token in the same job)";
    default:
      return "get fresh credentials for the same principal";
  }
}

const NEEDS = `The principal needs read-only access: ${READONLY_POLICY_FILE}`;

/**
 * One message for a failed GetCallerIdentity (or the credential lookup before it), saying what to do. Network and
 * service failures keep their exit code 3; everything about the credentials is exit 2.
 */
export function explainCallerIdentity(err: CallerIdentityError, config: AwsConfig): ExitError {
  const e = err.failure as { name?: string; message?: string };
  const name = e.name ?? "Error";
  const sdk = (e.message ?? "").split("\n")[0]!.trim();
  const source = config.credentialSource;
  const from = describe(source, config);
  const p = source.profile?.value;
  const bad = (text: string) => new InputError(text);

  if (name === "CredentialsProviderError" || name === "TokenProviderError") {
    if (source.kind === "sso" || /SSO|token/i.test(sdk))
      return bad(
        `the IAM Identity Center (SSO) session of ${profileName(source) || "the profile"} has expired or was never started (${sdk}): ` +
          `run \`aws sso login${p ? ` --profile ${p}` : ""}\`, then run Tollgate again`,
      );
    if (source.kind === "no-credentials-in-profile")
      return bad(
        `${profileName(source)} has no credentials in ${config.files.config} or ${config.files.credentials} (no aws_access_key_id, ` +
          `sso_session, role_arn, credential_process or web_identity_token_file): set them up with \`aws configure --profile ${p}\` ` +
          `or \`aws configure sso --profile ${p}\``,
      );
    if (source.kind === "credential-process")
      return bad(`the credential_process of ${profileName(source)} failed: ${sdk}. Run that command by hand to see why`);
    if (source.kind === "assume-role")
      return bad(`${from} could not get credentials: ${sdk}. Check the source profile's own credentials first`);
    if (source.kind === "web-identity")
      return bad(`${from} failed: ${sdk}. Check that the token file exists and holds a current OIDC token`);
    return bad(
      "no AWS credentials found (no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, no usable default profile in " +
        `${config.files.config} or ${config.files.credentials}, no web identity token, no container or instance role). ` +
        "Give Tollgate credentials the usual AWS way: `aws configure sso` (or `aws configure`) and run with `--profile NAME`, " +
        "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; in GitHub Actions use aws-actions/configure-aws-credentials " +
        `with OIDC (docs/ci.md). ${NEEDS}`,
    );
  }
  if (name === "ExpiredToken" || name === "ExpiredTokenException" || name === "RequestExpired")
    return bad(`the credentials from ${from} have expired: ${refresh(source)}`);
  if (name === "InvalidClientTokenId" || name === "UnrecognizedClientException")
    return bad(
      `AWS does not recognise the access key from ${from}: it was deleted or deactivated, belongs to another partition ` +
        `(aws-cn, aws-us-gov), or was mistyped, or its session token is wrong. ${source.kind === "environment" || source.kind === "static" ? "Create a new access key for the principal, or use another profile" : refresh(source)}`,
    );
  if (name === "SignatureDoesNotMatch")
    return bad(
      `the secret access key from ${from} does not match its access key id (AWS says: ${sdk}): it was mistyped or truncated; ` +
        "copy it again or create a new access key",
    );
  if (source.kind === "assume-role" && name === "AccessDenied")
    return bad(
      `${from}: AssumeRole was refused (${sdk}). The source credentials need sts:AssumeRole on ${source.settings["role_arn"]}, ` +
        "and the role's trust policy must trust them (with the profile's external_id, if it sets one)",
    );
  if (
    source.kind === "web-identity" &&
    (name === "AccessDenied" || name.startsWith("InvalidIdentityToken") || name.startsWith("IDP"))
  )
    return bad(
      `${from}: AssumeRoleWithWebIdentity was refused (${name}: ${sdk}). The role's trust policy must trust the OIDC ` +
        "provider as a Federated principal with sts:AssumeRoleWithWebIdentity, and its aud/sub conditions must match the token",
    );
  if (err.exitCode === 2) return bad(`${err.message.replace(/\. Check the credentials.*$/, "")}: check ${from}`);
  const endpoint = config.endpoints.sts;
  return new ExitError(
    `${err.message}${endpoint ? `; STS endpoint ${endpoint.value} (from ${endpoint.source})` : ""}`,
    err.exitCode,
  );
}

/** Awaits `work`; a CallerIdentityError from it becomes the one message that says what to do. */
export async function withCredentialAdvice<T>(config: AwsConfig, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw e instanceof CallerIdentityError ? explainCallerIdentity(e, config) : e;
  }
}
