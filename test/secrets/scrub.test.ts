import { describe, expect, it } from "vitest";
import { SECRET_FIELDS } from "../../src/collect/secret-fields.js";
import { RESOURCE_TYPES, type Resource, type ResourceType } from "../../src/model/inventory.js";
import type { JsonValue } from "../../src/model/json.js";
import { defaultSecretMatcher, scrubContext } from "../../src/secrets/load.js";
import { parseRedactionMarker, secretHashKey, secretHashKeyFromEnv } from "../../src/secrets/redaction.js";
import { scrubResource, scrubText } from "../../src/secrets/scrub.js";

const res = (type: ResourceType, raw: Record<string, JsonValue>): Resource => ({
  type,
  arn: `arn:aws:test:::${type}`,
  account: "111122223333",
  region: "us-east-1",
  name: type,
  raw,
  derived: {},
});

const KEY = secretHashKey("k".repeat(32));
const GH = `ghp_${"a1B2".repeat(9)}`;
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7canary\n-----END RSA PRIVATE KEY-----";

describe("secret values in name/value fields", () => {
  it("stage variables keep their names; secret values become markers saying why", () => {
    const stage = res("aws.apigateway.stage", {
      stage: {
        stageName: "dev",
        variables: {
          backend: "prod",
          dbPassword: "hunter2-canary",
          dbSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db",
          upstream: "https://svc:pa55-canary@backend.internal/x",
          ci: GH,
          pin: "",
        },
        tags: { Owner: "team-a", "deploy-token": "t0k3n-canary" },
      },
    });
    const out = scrubResource(stage, scrubContext());
    const vars = (out.raw["stage"] as { variables: Record<string, string> }).variables;
    expect(vars).toEqual({
      backend: "prod",
      dbPassword: "[redacted name:password]",
      dbSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db",
      upstream: "[redacted value:url-credentials]",
      ci: "[redacted value:github-token]",
      pin: "",
    });
    expect((out.raw["stage"] as { tags: Record<string, string> }).tags).toEqual({
      Owner: "team-a",
      "deploy-token": "[redacted name:token]",
    });
    expect(JSON.stringify(out)).not.toMatch(/canary|hunter2|a1B2a1B2/);
    // The input is not modified; a clean resource comes back as the same object.
    expect(JSON.stringify(stage)).toContain("hunter2-canary");
    const clean = res("aws.apigateway.stage", { stage: { variables: { backend: "prod" } } });
    expect(scrubResource(clean, scrubContext())).toBe(clean);
  });

  it("IAM tag lists ([{Key, Value}]) and usage plans' tags under a wildcard path", () => {
    const role = res("aws.iam.role", {
      detail: {
        RoleName: "r",
        Tags: [
          { Key: "ApiToken", Value: "abc-canary" },
          { Key: "team", Value: GH },
          { Key: "env", Value: "prod" },
        ],
      },
    });
    expect((scrubResource(role, scrubContext()).raw["detail"] as { Tags: unknown }).Tags).toEqual([
      { Key: "ApiToken", Value: "[redacted name:token]" },
      { Key: "team", Value: "[redacted value:github-token]" },
      { Key: "env", Value: "prod" },
    ]);
    const account = res("aws.apigateway.account", {
      usagePlans: [{ name: "gold", tags: { secret: "s3cr3t-canary" } }, { name: "free" }],
    });
    expect(JSON.stringify(scrubResource(account, scrubContext()))).not.toContain("s3cr3t-canary");
  });

  it("with a key: a keyed hash for change detection, comparable only under the same key", () => {
    const stage = (v: string) => res("aws.apigateway.stage", { stage: { variables: { dbPassword: v } } });
    const marker = (v: string, ctx = scrubContext(KEY)) =>
      (scrubResource(stage(v), ctx).raw["stage"] as { variables: { dbPassword: string } }).variables.dbPassword;
    const a = parseRedactionMarker(marker("hunter2"))!;
    expect(a.match).toBe("name:password");
    expect(a.hash).toEqual({ keyId: KEY.id, value: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(marker("hunter2")).toBe(marker("hunter2"));
    expect(marker("hunter3")).not.toBe(marker("hunter2"));
    const other = secretHashKey("o".repeat(32));
    expect(parseRedactionMarker(marker("hunter2", scrubContext(other)))!.hash!.value).not.toBe(a.hash!.value);
    expect(parseRedactionMarker(marker("hunter2", scrubContext()))!.hash).toBeUndefined();
  });

  it("the key comes from TOLLGATE_SECRET_HASH_KEY and must not be guessable", () => {
    expect(secretHashKeyFromEnv({})).toBeUndefined();
    expect(secretHashKeyFromEnv({ TOLLGATE_SECRET_HASH_KEY: "x".repeat(40) })?.id).toMatch(/^[0-9a-f]{8}$/);
    expect(() => secretHashKeyFromEnv({ TOLLGATE_SECRET_HASH_KEY: "short" })).toThrow(/TOLLGATE_SECRET_HASH_KEY.*at least 32/);
  });

  it("is idempotent: markers are never redacted again", () => {
    const stage = res("aws.apigateway.stage", { stage: { variables: { dbPassword: "hunter2", ci: GH } } });
    const once = scrubResource(stage, scrubContext(KEY));
    expect(scrubResource(once, scrubContext(KEY))).toBe(once);
  });

  it("every resource type declares its secret-bearing fields (an empty list says none)", () => {
    for (const t of RESOURCE_TYPES) expect(Array.isArray(SECRET_FIELDS[t]), t).toBe(true);
  });
});

describe("secret-shaped values in free text", () => {
  it("descriptions, URL-encoded policy documents and error text lose the secret, keep the rest", () => {
    const doc = encodeURIComponent(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/k": PEM } } },
        ],
      }),
    );
    const role = res("aws.iam.role", {
      detail: {
        Description: `deploys with AKIACANARY0000000001 and ${GH}`,
        RolePolicyList: [{ PolicyName: "p", PolicyDocument: doc }],
      },
    });
    const out = scrubResource(role, scrubContext());
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/AKIACANARY|a1B2a1B2|7canary/);
    const detail = out.raw["detail"] as { Description: string; RolePolicyList: { PolicyDocument: string }[] };
    expect(detail.Description).toBe("deploys with [redacted value:aws-access-key-id] and [redacted value:github-token]");
    // Still a URL-encoded policy document that parses, with the condition value replaced.
    const parsed = JSON.parse(decodeURIComponent(detail.RolePolicyList[0]!.PolicyDocument)) as {
      Statement: { Action: string; Condition: { StringEquals: Record<string, string> } }[];
    };
    expect(parsed.Statement[0]!.Action).toBe("s3:GetObject");
    expect(parsed.Statement[0]!.Condition.StringEquals["aws:PrincipalTag/k"]).toBe("[redacted value:private-key]");
  });

  it("ordinary text, ARNs and short strings are left alone", () => {
    const ctx = scrubContext();
    for (const s of [
      "arn:aws:iam::111122223333:role/deploy",
      "https://example.com/path?x=1",
      "$context.requestId $context.identity.sourceIp",
      "method.request.header.x-api-key",
      "%7B%22Version%22%3A%222012-10-17%22%7D",
    ])
      expect(scrubText(s, ctx)).toBe(s);
    expect(defaultSecretMatcher().field("backend", "prod")).toBeUndefined();
  });
});
