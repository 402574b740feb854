import * as http from "node:http";
import * as https from "node:https";
import { rootCertificates, type TLSSocket } from "node:tls";
import type { ExchangeError } from "./types.js";

/** TLS versions as Node names them. */
export type NodeTlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

/** One request to send. */
export interface WireSend {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Request body (opt-in POST probes only); sent with its content-length. */
  body?: string;
  /** Per-request timeout (connect + response headers + capped body). */
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), added to Node's bundled CAs; certificate checks are never turned off. */
  extraCa?: string;
  /** Pin the TLS version range (legacy-handshake probes). */
  tlsVersion?: { min: NodeTlsVersion; max: NodeTlsVersion };
  /** OpenSSL cipher string for this connection. */
  ciphers?: string;
}

/** What came back. */
export interface WireResult {
  status?: number;
  /** Lower-cased response headers, repeated values joined with `, `. */
  headers?: Record<string, string>;
  /** At most MAX_BODY bytes of the body. */
  body?: Buffer;
  error?: ExchangeError;
  tls?: { protocol: string; cipher: string };
  elapsedMs: number;
}

/** Body bytes kept per response: enough for an API Gateway error message, never a whole payload. */
export const MAX_BODY = 4096;

const CERT_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

/** Classifies a socket/TLS error: a server's TLS alert means it refused the handshake we offered. */
export function classifyError(e: NodeJS.ErrnoException): ExchangeError {
  const code = e.code;
  const message = e.message.split("\n")[0]!.slice(0, 300);
  const base = { ...(code ? { code } : {}), message };
  if (code === "ECONNREFUSED") return { kind: "refused", ...base };
  if (code === "ECONNRESET" || code === "EPIPE" || /socket hang up/.test(message)) return { kind: "reset", ...base };
  if (code && CERT_CODES.has(code)) return { kind: "tls-cert", ...base };
  if (
    code === "ERR_SSL_NO_PROTOCOLS_AVAILABLE" ||
    /no protocols available|unsupported protocol|no ciphers available/i.test(message)
  )
    return { kind: "tls-local", ...base };
  if (/alert|wrong version number/i.test(message) || code?.startsWith("ERR_SSL_")) return { kind: "tls-alert", ...base };
  if (code === "EPROTO") return { kind: "tls-alert", ...base };
  return { kind: "network", ...base };
}

/**
 * Sends one request with Node's http/https (not fetch: probes need per-socket TLS versions, ciphers, an extra
 * CA and a hard timeout). A fresh connection per request (`agent: false`) so every probe does its own handshake.
 */
export function sendOnce(req: WireSend, now: () => number = () => performance.now()): Promise<WireResult> {
  const started = now();
  const url = new URL(req.url);
  const isHttps = url.protocol === "https:";
  return new Promise((resolve) => {
    let settled = false;
    let tlsInfo: WireResult["tls"];
    const done = (r: Omit<WireResult, "elapsedMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, ...(tlsInfo ? { tls: tlsInfo } : {}), elapsedMs: Math.round(now() - started) });
    };
    const options: https.RequestOptions = {
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: req.body !== undefined ? { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) } : req.headers,
      agent: false,
      ...(isHttps
        ? {
            servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
            // Verification is set here, on every connection, never left to defaults: Node's default follows
            // NODE_TLS_REJECT_UNAUTHORIZED=0, and its default CA list follows NODE_EXTRA_CA_CERTS and
            // --use-openssl-ca. The trust store is Node's bundled Mozilla CAs plus --ca-file, nothing else.
            rejectUnauthorized: true,
            ca: req.extraCa ? [...rootCertificates, req.extraCa] : [...rootCertificates],
            ...(req.tlsVersion ? { minVersion: req.tlsVersion.min, maxVersion: req.tlsVersion.max } : {}),
            ...(req.ciphers ? { ciphers: req.ciphers } : {}),
          }
        : {}),
    };
    const client = (isHttps ? https : http).request(options, (res) => {
      // Belt and braces: a response over a connection whose certificate was not verified is never believed.
      if (isHttps && (res.socket as TLSSocket).authorized !== true) {
        const reason = (res.socket as TLSSocket).authorizationError;
        done({ error: { kind: "tls-cert", message: `certificate not verified${reason ? ` (${String(reason)})` : ""}` } });
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
      }
      const finish = () => done({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      res.on("data", (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c.subarray(0, MAX_BODY - size));
        size += c.length;
        // A large body is not read to the end: the status and headers are what the verdicts need.
        if (size >= MAX_BODY) {
          finish();
          res.destroy();
        }
      });
      res.on("end", finish);
      res.on("error", finish);
    });
    client.on("socket", (s) => {
      if (isHttps) {
        s.on("secureConnect", () => {
          const t = s as TLSSocket;
          tlsInfo = { protocol: t.getProtocol() ?? "unknown", cipher: t.getCipher()?.name ?? "unknown" };
        });
      }
    });
    client.on("error", (e: NodeJS.ErrnoException) => done({ error: classifyError(e) }));
    const timer = setTimeout(() => {
      done({ error: { kind: "timeout", message: `no response within ${req.timeoutMs} ms` } });
      client.destroy();
    }, req.timeoutMs);
    client.end(req.body);
  });
}
