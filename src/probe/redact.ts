import { REDACTED } from "../secrets/redaction.js";
import { scrubText, type ScrubContext } from "../secrets/scrub.js";
import type { SigningCredentials } from "./sign.js";

/** Headers whose values are credentials: never written to reports, logs or the request log. */
export const SECRET_HEADERS = new Set(["authorization", "x-amz-security-token", "x-api-key", "cookie", "proxy-authorization"]);

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

/**
 * SigV4 material wherever it shows up in text an endpoint sent back: any signature (a 64-digit hex run, which is
 * also what a SHA-256 looks like; nothing a verdict needs), and the values of presigned-URL credentials.
 */
const SIGV4_IN_TEXT: [RegExp, string][] = [
  [/\b[0-9a-f]{64}\b/gi, REDACTED],
  [/(x-amz-security-token[=:]\s*)[^&\s"'<>,;]+/gi, `$1${REDACTED}`],
  [/(x-amz-credential=|credential=)[^/\s"'<>,;&]+/gi, `$1${REDACTED}`],
];

/**
 * Redacts everything the prober records (URLs, headers, response headers, messages, body excerpts, errors):
 * the scanner's own access key id, secret key and session token in every form an echo may take, any SigV4
 * signature, and every secret-shaped value (rules/data/secret-patterns.json). An endpoint that echoes the
 * request back, in a body or a header, therefore echoes nothing secret into probes.json or the reports.
 */
export class ProbeRedactor {
  /** Known secret strings, longest first (a token may contain a key id). */
  private known: string[] = [];

  constructor(private readonly secrets: ScrubContext) {}

  /**
   * Adds a set of signing credentials to what is redacted. Every set a run signs with is remembered before its first
   * request is sent (refreshed sessions bring new ones), so no echo of any of them is ever recorded.
   */
  remember(credentials: SigningCredentials): void {
    const forms = new Set(this.known);
    for (const s of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken]) {
      // Short strings would redact ordinary text; real credentials are 16 characters or more.
      if (!s || s.length < 8) continue;
      forms.add(s).add(encodeURIComponent(s)).add(s.replaceAll("/", "\\/"));
    }
    if (forms.size !== this.known.length) this.known = [...forms].sort((a, b) => b.length - a.length);
  }

  /** Text with every secret replaced. */
  text(s: string): string {
    let out = s;
    for (const k of this.known) if (out.includes(k)) out = out.split(k).join(REDACTED);
    for (const [re, to] of SIGV4_IN_TEXT) out = out.replace(re, to);
    return scrubText(out, this.secrets);
  }

  /** Request headers as recorded: credentials by header name (redactHeaders), every other value as text. */
  headers(headers: Record<string, string>): Record<string, string> {
    const out = redactHeaders(headers);
    for (const [k, v] of Object.entries(out)) if (!SECRET_HEADERS.has(k)) out[k] = this.text(v);
    return out;
  }
}
