import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { InputError } from "../errors.js";
import { describeAjvErrors, newAjv } from "../util/ajv.js";
import { atPointer, userInfoMessage, userInfoPointers } from "../util/url-userinfo.js";
import { packageRoot } from "../util/paths.js";
import { APPSYNC_AUTH_TYPES, PROBE_AUTH_TYPES, type ProbeEndpointsFile, type ProbeKind, type ProbeTarget } from "./types.js";

/** The authorization types each kind of endpoint can have. */
const AUTH_OF_KIND: Record<ProbeKind, readonly string[]> = {
  apigateway: PROBE_AUTH_TYPES,
  "lambda-url": ["NONE", "AWS_IAM"],
  appsync: APPSYNC_AUTH_TYPES,
};

let validator: ValidateFunction | undefined;
function endpointsValidator(): ValidateFunction {
  validator ??= newAjv().compile(
    JSON.parse(readFileSync(join(packageRoot(), "schemas/probe-endpoints.schema.json"), "utf8")) as object,
  );
  return validator;
}

/** Parses and validates an endpoints file's text; errors name the file and the JSON pointer (exit 2). */
export function parseProbeEndpoints(text: string, source: string): ProbeTarget[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source}: not valid JSON: ${(e as Error).message}`);
  }
  const validate = endpointsValidator();
  if (!validate(data)) throw new InputError(`${source}: invalid probe endpoints file: ${describeAjvErrors(validate.errors)}`);
  // Anywhere in the file (baseUrl, httpBaseUrl, ids): a URL with user info would be sent and recorded.
  const withUserInfo = userInfoPointers(data)[0];
  if (withUserInfo !== undefined)
    throw new InputError(userInfoMessage(`${source}: ${withUserInfo}`, atPointer(data, withUserInfo)));
  const file = data as ProbeEndpointsFile;
  const seen = new Set<string>();
  file.endpoints.forEach((t, i) => {
    if (seen.has(t.id)) throw new InputError(`${source}: /endpoints/${i}/id: duplicate id ${JSON.stringify(t.id)}`);
    seen.add(t.id);
    const auths: readonly string[] = AUTH_OF_KIND[t.kind ?? "apigateway"];
    if (!auths.includes(t.expect.auth))
      throw new InputError(
        `${source}: /endpoints/${i}/expect/auth: ${t.expect.auth} is not an authorization type of a ${t.kind ?? "apigateway"} endpoint (${auths.join(", ")})`,
      );
    // Checked here rather than in the schema: a URL the WHATWG parser refuses would only fail mid-scan.
    for (const key of ["baseUrl", "httpBaseUrl"] as const) {
      const v = t[key];
      if (v === undefined) continue;
      try {
        new URL(v);
      } catch {
        throw new InputError(`${source}: /endpoints/${i}/${key}: not a valid URL: ${v}`);
      }
    }
  });
  return file.endpoints;
}

/** Reads an endpoints file (`--probe-endpoints`). */
export function loadProbeEndpoints(path: string): ProbeTarget[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`${path}: cannot read probe endpoints file: ${(e as Error).message}`);
  }
  return parseProbeEndpoints(text, path);
}
