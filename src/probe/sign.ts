import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

/** Credentials for signing probes (temporary ones carry a session token). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Where the prober gets the credentials that sign a request: asked before every signature, so a probe run that
 * outlives an assumed-role session signs with the refreshed one (src/aws/identity.ts `signingCredentials`), never a
 * snapshot taken when the run started. Rejects when no credentials can be had any more.
 */
export type SigningCredentialSource = () => Promise<SigningCredentials>;

/** A source that always gives `credentials` (long-term keys, tests). */
export function fixedSigningCredentials(credentials: SigningCredentials): SigningCredentialSource {
  return () => Promise.resolve(credentials);
}

/** A request to sign, as it will go on the wire. */
export interface SignableRequest {
  method: string;
  /** Host header value exactly as sent (with `:port` when not the default). */
  host: string;
  /** Path as sent on the wire (already percent-encoded). */
  path: string;
  /** Decoded query parameters. */
  query?: Record<string, string | string[]>;
  /** Headers to send and sign (lower-case names). */
  headers?: Record<string, string>;
  body?: string;
}

/** Options for signRequest. */
export interface SignOptions {
  region: string;
  /** `execute-api` for API Gateway. */
  service?: string;
  /** The signing time (probes sign a stale date on purpose for the replay-window check). */
  signingDate: Date;
  /** Add `x-amz-content-sha256` (the AWS test suite vectors are computed without it). */
  applyChecksum?: boolean;
}

/**
 * Signs a request with SigV4 and returns the headers to send (including `authorization`, `x-amz-date` and,
 * for temporary credentials, `x-amz-security-token`). The caller must not log the returned secrets.
 */
export async function signRequest(
  req: SignableRequest,
  credentials: SigningCredentials,
  opts: SignOptions,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials,
    region: opts.region,
    service: opts.service ?? "execute-api",
    sha256: Sha256,
    applyChecksum: opts.applyChecksum ?? true,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: req.method,
      protocol: "https:",
      hostname: req.host.replace(/:\d+$/, ""),
      path: req.path,
      query: req.query ?? {},
      // The host header is signed as sent on the wire (with the port): Node sends `host:port` for other ports.
      headers: { ...req.headers, host: req.host },
      ...(req.body !== undefined ? { body: req.body } : {}),
    }),
    { signingDate: opts.signingDate },
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k.toLowerCase()] = String(v);
  return out;
}

/** Flips the last hex digit of the signature: a well-formed header that must fail verification. */
export function corruptSignature(authorization: string): string {
  return authorization.replace(/Signature=([0-9a-f]*)([0-9a-f])$/, (_m, head: string, last: string) => {
    const flipped = ((parseInt(last, 16) + 1) % 16).toString(16);
    return `Signature=${head}${flipped}`;
  });
}
