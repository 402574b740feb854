import { Readable } from "node:stream";
import { isNetworkError, UntrustedResponseError } from "../aws/call-error.js";
import type { StackPlugin } from "./rate-limit.js";
import { responseContract, type BodyFormat, type ResponseContract } from "./response-contracts.js";

interface HandlerContext {
  commandName?: string;
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

type Next = (args: unknown) => Promise<{ response: unknown; output?: Record<string, unknown> }>;
type Middleware = (next: Next, context: HandlerContext) => (args: unknown) => Promise<unknown>;

const HTML_START = /^\s*<(!doctype\s+html|html[\s>])/i;

const isRaw = (r: unknown): r is RawResponse =>
  typeof r === "object" && r !== null && typeof (r as RawResponse).statusCode === "number";

const ok = (status: number): boolean => status >= 200 && status < 300;

/** The whole body, whatever shape the HTTP handler gave it. */
async function readBody(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Readable) return readStream(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer | string>) chunks.push(typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/**
 * A Node stream read to its end through its events: what `for await` does, without the async iterator it builds
 * around every answer (measurable over the 12,000 calls of an organisation scan). A stream that closes before its
 * end fails like `for await` fails it (ERR_STREAM_PREMATURE_CLOSE); its own errors (reset, timeout) pass as they are.
 */
function readStream(body: Readable): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    body.on("data", (c: Buffer | string) => chunks.push(typeof c === "string" ? Buffer.from(c) : c));
    body.once("end", () => settle(() => resolve(Buffer.concat(chunks))));
    body.once("error", (e) => settle(() => reject(e)));
    body.once("close", () =>
      settle(() => reject(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }))),
    );
    if (body.readableEnded) settle(() => resolve(Buffer.concat(chunks)));
  });
}

/** First and last non-whitespace bytes: enough to tell a JSON object or an XML document from anything else. */
function ends(body: Uint8Array): [string, string] {
  const ws = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
  let i = 0;
  // A UTF-8 byte order mark is not content.
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) i = 3;
  while (i < body.length && ws(body[i]!)) i++;
  let j = body.length - 1;
  while (j >= i && ws(body[j]!)) j--;
  return [String.fromCharCode(body[i] ?? 0), String.fromCharCode(body[j] ?? 0)];
}

function wrongFormat(body: Uint8Array, format: BodyFormat): string | undefined {
  const [first, last] = ends(body);
  if (format === "json") return first === "{" && last === "}" ? undefined : "a body that is not a JSON object";
  return first === "<" && last === ">" ? undefined : "a body that is not XML";
}

function missing(output: Record<string, unknown> | undefined, contract: ResponseContract): string | undefined {
  const absent = (contract.required ?? []).filter((m) => output?.[m] === undefined);
  if (absent.length) return absent.join(", ");
  if (contract.oneOf && contract.oneOf.every((m) => output?.[m] === undefined)) return `any of ${contract.oneOf.join(", ")}`;
  return undefined;
}

/** An operation's name and contract, by service and SDK command name (looked up twice per call, built once). */
const calls = new Map<string, { name: string; contract: ResponseContract & { body: BodyFormat } }>();

function callOf(service: string, commandName: string): { name: string; contract: ResponseContract & { body: BodyFormat } } {
  const key = `${service}\0${commandName}`;
  let call = calls.get(key);
  if (!call) {
    const operation = commandName.replace(/Command$/, "");
    // Throws for an operation without a contract, which is then not cached.
    call = { name: `${service}:${operation}`, contract: responseContract(service, operation) };
    calls.set(key, call);
  }
  return call;
}

/**
 * Checks every answer before the SDK's deserializer believes it (and an unknown operation before it is sent), as an
 * SDK plugin. Two middleware around the deserializer, inside the retry loop:
 * - the inner one reads the raw body: an HTML page (a proxy or captive portal, any status), an empty body or one not
 *   in the service's format (2xx) is refused;
 * - the outer one refuses a 2xx answer the deserializer could not read, or whose output lacks a member the
 *   operation's contract (response-contracts.ts) requires.
 * Refusals are UntrustedResponseErrors: failed calls, recorded like AccessDenied. 5xx and 429 ones are retried as
 * the SDK retries those statuses; a 2xx that is not AWS's answer is not retried.
 */
export function responseCheckPlugin(service: string): StackPlugin {
  const where = (context: HandlerContext) => callOf(service, context.commandName ?? "Unknown");

  const body: Middleware = (next, context) => async (args) => {
    const out = await next(args);
    const response = out.response;
    if (!isRaw(response)) return out;
    const { name, contract } = where(context);
    const bytes = await readBody(response.body);
    // The deserializer reads the buffered copy.
    response.body = bytes;
    const status = response.statusCode;
    const head = Buffer.from(bytes.subarray(0, 256)).toString("utf8");
    const type = response.headers["content-type"] ?? response.headers["Content-Type"] ?? "";
    if (HTML_START.test(head) || /text\/html/i.test(type))
      throw new UntrustedResponseError(
        "HtmlResponse",
        `${name} answered HTTP ${status} with an HTML page, not the service's answer (a proxy or captive portal?)`,
        status,
      );
    if (!ok(status)) return out;
    if (bytes.length === 0)
      throw new UntrustedResponseError("EmptyResponse", `${name} answered HTTP ${status} with an empty body`, status);
    const wrong = wrongFormat(bytes, contract.body);
    if (wrong) throw new UntrustedResponseError("MalformedResponse", `${name} answered HTTP ${status} with ${wrong}`, status);
    return out;
  };

  const members: Middleware = (next, context) => async (args) => {
    // Looked up before sending: an operation without a contract is a bug and must not reach AWS.
    const { name, contract } = where(context);
    let out;
    try {
      out = await next(args);
    } catch (e) {
      const status = (e as { $response?: { statusCode?: number } }).$response?.statusCode;
      if (e instanceof UntrustedResponseError || isNetworkError(e) || status === undefined || !ok(status)) throw e;
      // A 2xx the deserializer choked on (truncated JSON, foreign XML): not the service's answer.
      const detail = String((e as Error).message ?? e).split("\n")[0];
      throw new UntrustedResponseError(
        "MalformedResponse",
        `${name} answered HTTP ${status} with a body the SDK could not read: ${detail}`,
        status,
      );
    }
    const gap = missing(out.output, contract);
    const status = isRaw(out.response) ? out.response.statusCode : undefined;
    if (gap)
      throw new UntrustedResponseError(
        "MissingResponseMember",
        `${name} answered HTTP ${status ?? "2xx"} without ${gap}, which every answer of this operation carries`,
        status,
      );
    return out;
  };

  return {
    applyToStack: (stack) => {
      const add = stack.add as unknown as (m: Middleware, o: object) => void;
      // `override`: fromTemporaryCredentials applies its client plugins again on every refresh.
      add(body, { step: "deserialize", priority: "low", name: "tollgateResponseBody", tags: ["TOLLGATE"], override: true });
      add(members, {
        step: "deserialize",
        priority: "high",
        name: "tollgateResponseMembers",
        tags: ["TOLLGATE"],
        override: true,
      });
    },
  };
}
