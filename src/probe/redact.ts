/** Headers whose values are credentials: never written to reports, logs or the request log. */
export const SECRET_HEADERS = new Set(["authorization", "x-amz-security-token", "x-api-key", "cookie", "proxy-authorization"]);

/** The placeholder written instead of a secret. */
export const REDACTED = "[redacted]";

/**
 * Copies headers with secret values replaced. Signed `Authorization` headers keep their non-secret shape
 * (algorithm, key id, scope and signed header list) so the report can show what was signed, not the signature.
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (key === "authorization") {
      const m = /^(AWS4-HMAC-SHA256) Credential=[^/]+\/([^,]+), ?SignedHeaders=([^,]+),/.exec(v);
      out[key] = m ? `${m[1]} Credential=${REDACTED}/${m[2]}, SignedHeaders=${m[3]}, Signature=${REDACTED}` : REDACTED;
    } else out[key] = SECRET_HEADERS.has(key) ? REDACTED : v;
  }
  return out;
}

/** Response headers worth recording (everything else is dropped: bodies and cookies stay out of reports). */
export const RECORDED_RESPONSE_HEADERS = [
  "content-type",
  "location",
  "www-authenticate",
  "x-amzn-errortype",
  "x-amzn-requestid",
  "x-amz-apigw-id",
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "retry-after",
  "server",
  "strict-transport-security",
  "via",
] as const;
