import { describe, expect, it } from "vitest";
import { parseLambdaRuntimes, readLambdaRuntimes } from "../../src/data/lambda-runtimes.js";
import { enrichLambda, lambdaPolicyFacts, runtimeFacts } from "../../src/enrich/lambda.js";
import type { Resource } from "../../src/model/inventory.js";
import type { JsonObject, JsonValue } from "../../src/model/json.js";
import { defaultSecretPatterns } from "../../src/secrets/load.js";
import { redactionMarker } from "../../src/secrets/redaction.js";

const ACCT = "111122223333";
const ARN = `arn:aws:lambda:us-east-1:${ACCT}:function:orders`;
const runtimes = readLambdaRuntimes();
const NOW = new Date("2026-12-03T10:00:00Z");

const fn = (raw: Record<string, JsonValue>): Resource => ({
  type: "aws.lambda.function",
  arn: ARN,
  account: ACCT,
  region: "us-east-1",
  name: "orders",
  raw: { function: { FunctionName: "orders", FunctionArn: ARN, Runtime: "python3.12" }, ...raw },
  derived: {},
});
const stmt = (s: Record<string, JsonValue>) => ({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: ARN, ...s });
const doc = (...Statement: JsonValue[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const getPolicy = (...Statement: JsonValue[]) => ({ Policy: doc(...Statement), RevisionId: "r1" });
const facts = (r: Resource, now = NOW) => {
  const out = enrichLambda([r], { now, runtimes, secretPatterns: defaultSecretPatterns() });
  return { derived: out.derived.get(r) as JsonObject, skipped: out.skipped?.get(r), errors: out.errors };
};

describe("Lambda resource-policy facts", () => {
  const judge = (...s: JsonValue[]) => {
    const out = lambdaPolicyFacts(doc(...s), ACCT);
    if (!out.ok) throw new Error(out.message);
    return out.facts;
  };

  it("Principal * with no condition, and NotPrincipal, are public", () => {
    expect(judge(stmt({ Sid: "anyone", Principal: "*" })).publicStatements).toEqual(["Statement[0] (anyone): everyone"]);
    expect(judge(stmt({ Principal: { AWS: "*" } })).publicStatements).toEqual(["Statement[0]: everyone"]);
    expect(judge(stmt({ NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:root` } })).publicStatements).toEqual([
      "Statement[0]: NotPrincipal: everyone else",
    ]);
  });

  it("the conditions AWS adds for a function URL do not restrict who calls (a NONE URL's permissions are public)", () => {
    const f = judge(
      stmt({
        Sid: "FunctionURLAllowPublicAccess",
        Principal: "*",
        Action: "lambda:InvokeFunctionUrl",
        Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } },
      }),
      stmt({ Principal: "*", Condition: { Bool: { "lambda:InvokedViaFunctionUrl": "true" } } }),
    );
    expect(f.publicStatements).toEqual([
      "Statement[0] (FunctionURLAllowPublicAccess): everyone, through the function URL",
      "Statement[1]: everyone",
    ]);
  });

  it("a service principal needs a source condition; with aws:SourceArn or aws:SourceAccount it is not public", () => {
    expect(judge(stmt({ Principal: { Service: "s3.amazonaws.com" } })).publicStatements).toEqual([
      "Statement[0]: s3.amazonaws.com on behalf of any account",
    ]);
    const pinned = judge(
      stmt({
        Principal: { Service: "apigateway.amazonaws.com" },
        Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:execute-api:us-east-1:${ACCT}:abc/*/GET/orders` } },
      }),
      stmt({ Principal: { Service: "s3.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCT } } }),
      stmt({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }),
    );
    expect(pinned).toEqual({ present: true, publicStatements: [], crossAccountStatements: [] });
    // A wildcard value restricts nothing.
    expect(
      judge(stmt({ Principal: { Service: "s3.amazonaws.com" }, Condition: { ArnLike: { "aws:SourceArn": "*" } } }))
        .publicStatements,
    ).toHaveLength(1);
  });

  it("a whole other account without a condition is cross-account; its role, or the own account, is not", () => {
    const f = judge(
      stmt({ Sid: "partner", Principal: { AWS: "arn:aws:iam::444455556666:root" } }),
      stmt({ Principal: { AWS: "555566667777" } }),
      stmt({ Principal: { AWS: "arn:aws:iam::444455556666:role/caller" } }),
      stmt({ Principal: { AWS: `arn:aws:iam::${ACCT}:root` } }),
      stmt({
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::444455556666:role/x" } },
      }),
      { ...stmt({ Principal: { AWS: "arn:aws:iam::444455556666:root" } }), Effect: "Deny" },
    );
    expect(f.crossAccountStatements).toEqual([
      "Statement[0] (partner): account 444455556666",
      "Statement[1]: account 555566667777",
    ]);
    expect(f.publicStatements).toEqual([]);
  });

  it("the function's own policy and the policies of aliases serving a URL are judged apart", () => {
    const live = {
      Policy: doc(
        stmt({
          Principal: { AWS: "arn:aws:iam::444455556666:root" },
          Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
        }),
      ),
    };
    const { derived } = facts(
      fn({
        policy: null,
        functionUrlConfigs: [
          { FunctionUrl: "https://u.lambda-url.us-east-1.on.aws/", FunctionArn: `${ARN}:live`, AuthType: "AWS_IAM" },
        ],
        aliasPolicies: { live },
      }),
    );
    expect(derived["resourcePolicy"]).toEqual({ present: false, publicStatements: [], crossAccountStatements: [] });
    expect(derived["aliasResourcePolicies"]).toEqual({
      present: true,
      publicStatements: [],
      crossAccountStatements: ["alias live: Statement[0]: account 444455556666"],
    });
  });

  it("a policy not read, URLs not read or an alias policy not read leave the facts unknown (null), never clean", () => {
    const url = { FunctionUrl: "https://u/", FunctionArn: `${ARN}:live`, AuthType: "NONE" };
    expect(facts(fn({ functionUrlConfigs: [] })).derived["resourcePolicy"]).toBeNull();
    const noUrls = facts(fn({ policy: null })).derived;
    expect([noUrls["aliasResourcePolicies"], noUrls["publicUrls"], noUrls["corsCredentialedAnyOrigin"]]).toEqual([
      null,
      null,
      null,
    ]);
    expect(facts(fn({ policy: null, functionUrlConfigs: [url] })).derived["aliasResourcePolicies"]).toBeNull();
    // An alias with no policy (GetPolicy answered "none") is known.
    expect(
      facts(fn({ policy: null, functionUrlConfigs: [url], aliasPolicies: { live: null } })).derived["aliasResourcePolicies"],
    ).toEqual({
      present: false,
      publicStatements: [],
      crossAccountStatements: [],
    });
  });

  it("a malformed policy is null with an error recorded on the function's GetPolicy", () => {
    const out = facts(fn({ policy: { Policy: "{not json", RevisionId: "r" }, functionUrlConfigs: [] }));
    expect(out.derived["resourcePolicy"]).toBeNull();
    expect(out.errors).toEqual([
      expect.objectContaining({
        service: "lambda",
        operation: "GetPolicy",
        errorName: "MalformedPolicyDocument",
        resourceArn: ARN,
      }),
    ]);
  });
});

describe("Lambda function URL facts", () => {
  it("NONE URLs and credentialed wildcard CORS are listed by URL, with the alias they serve", () => {
    const { derived } = facts(
      fn({
        policy: getPolicy(),
        functionUrlConfigs: [
          { FunctionUrl: "https://a/", FunctionArn: ARN, AuthType: "NONE", Cors: { AllowOrigins: ["*"] } },
          {
            FunctionUrl: "https://b/",
            FunctionArn: `${ARN}:live`,
            AuthType: "AWS_IAM",
            Cors: { AllowOrigins: ["*"], AllowCredentials: true },
          },
          {
            FunctionUrl: "https://c/",
            FunctionArn: `${ARN}:beta`,
            AuthType: "AWS_IAM",
            Cors: { AllowOrigins: ["https://app.example.com"], AllowCredentials: true },
          },
        ],
        aliasPolicies: { live: null, beta: null },
      }),
    );
    expect(derived["publicUrls"]).toEqual(["https://a/"]);
    expect(derived["corsCredentialedAnyOrigin"]).toEqual(["https://b/ (alias live)"]);
  });
});

describe("Lambda runtime facts", () => {
  const rt = (f: JsonValue, now = NOW) => runtimeFacts(f, { now, runtimes });

  it("judges the runtime against the injected clock, not the wall clock", () => {
    const before = rt({ Runtime: "nodejs22.x" }, new Date("2027-04-29T23:59:59Z")).runtime;
    expect(before).toMatchObject({
      identifier: "nodejs22.x",
      listed: true,
      deprecationDate: "2027-04-30",
      deprecated: false,
      daysUntilDeprecation: 0,
    });
    const on = rt({ Runtime: "nodejs22.x" }, new Date("2027-04-30T00:00:00Z")).runtime;
    expect(on).toMatchObject({ deprecated: true, daysUntilDeprecation: 0 });
    expect(rt({ Runtime: "nodejs16.x" }).runtime).toMatchObject({
      deprecated: true,
      deprecationDate: "2024-06-12",
      blockCreateDate: "2025-10-01",
      blockUpdateDate: "2025-11-01",
    });
    expect(rt({ Runtime: "python3.12" }, new Date("2028-08-02T00:00:00Z")).runtime.daysUntilDeprecation).toBe(90);
  });

  it("a container image has no runtime and is not judged; an unlisted runtime is skipped with the reason", () => {
    expect(rt({ PackageType: "Image" })).toEqual({
      runtime: expect.objectContaining({ identifier: null, packageType: "Image", deprecated: null }),
    });
    const unlisted = rt({ Runtime: "nodejs99.x" });
    expect(unlisted.runtime).toMatchObject({ listed: false, deprecated: null, daysUntilDeprecation: null });
    expect(unlisted.skip).toMatch(/nodejs99\.x is not in rules\/data\/lambda-runtimes\.json \(as of \d{4}-\d{2}-\d{2}\)/);
    const { skipped } = facts(fn({ function: { FunctionName: "orders", Runtime: "nodejs99.x" } }));
    expect(Object.keys(skipped ?? {})).toEqual(["/derived/runtime/deprecated", "/derived/runtime/daysUntilDeprecation"]);
  });

  it("without the runtime table the lifecycle is unknown (null) and nothing is skipped", () => {
    const out = runtimeFacts({ Runtime: "nodejs16.x" }, { now: NOW });
    expect(out).toEqual({ runtime: expect.objectContaining({ deprecated: null, listed: false }) });
  });

  it("the shipped table names its source and every runtime's deprecation date; a bad member is named", () => {
    expect(runtimes.source).toBe("https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html");
    for (const id of [
      "nodejs16.x",
      "nodejs18.x",
      "python3.8",
      "python3.9",
      "nodejs20.x",
      "nodejs22.x",
      "python3.12",
      "java8",
      "go1.x",
    ])
      expect(runtimes.runtimes[id]?.deprecation, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const bad = { asOf: "2026-01-01", source: "https://x", runtimes: { "nodejs20.x": { name: "n", deprecation: "April 2026" } } };
    expect(() => parseLambdaRuntimes(bad)).toThrow(
      "lambda-runtimes.json: /runtimes/nodejs20.x/deprecation: must be a YYYY-MM-DD date",
    );
  });
});

describe("Lambda environment facts", () => {
  it("names (never values) of secret-looking variables, whether the collector redacted the value or the name says so", () => {
    const marker = redactionMarker("name:api-key", "sk_live_x", undefined);
    const { derived } = facts(
      fn({
        function: {
          FunctionName: "orders",
          Runtime: "python3.12",
          Environment: {
            Variables: {
              TABLE_NAME: "orders",
              PAYMENT_API_KEY: marker,
              DB_PASSWORD: "",
              SECRET_ARN: "arn:aws:secretsmanager:us-east-1:111122223333:secret:x",
            },
          },
        },
      }),
    );
    expect(derived["secretEnvironmentVariables"]).toEqual(["DB_PASSWORD", "PAYMENT_API_KEY"]);
    expect(JSON.stringify(derived)).not.toContain("sk_live");
  });
});
