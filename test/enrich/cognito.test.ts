import { beforeAll, describe, expect, it } from "vitest";
import { loadIamAnalysisData, type IamAnalysisData } from "../../src/analysis/iam/index.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtInRuleDirs, loadRules } from "../../src/engine/rules.js";
import { enrichCognito } from "../../src/enrich/cognito.js";
import { enrich } from "../../src/enrich/index.js";
import { INVENTORY_FORMAT_VERSION, type CollectionError, type Resource, type ResourceType } from "../../src/model/inventory.js";
import type { JsonObject, JsonValue } from "../../src/model/json.js";
import { defaultSecretPatterns } from "../../src/secrets/load.js";

const ACCOUNT = "111122223333";
const NOW = new Date("2026-06-01T00:00:00Z");
const POOL = `arn:aws:cognito-identity:us-east-1:${ACCOUNT}:identitypool/us-east-1:p1`;
const GUEST = `arn:aws:iam::${ACCOUNT}:role/guest`;

const res = (type: ResourceType, arn: string, raw: Record<string, JsonValue>, region = "us-east-1"): Resource => ({
  type,
  arn,
  account: ACCOUNT,
  region,
  name: arn.split("/").pop()!,
  raw,
  derived: {},
});

const userPool = (raw: Record<string, JsonValue>) =>
  res("aws.cognito.userpool", `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_a`, {
    summary: { Id: "us-east-1_a" },
    ...raw,
  });
const client = (c: JsonObject) =>
  res("aws.cognito.userpool-client", `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_a/client/c`, {
    client: c,
    userPoolId: "us-east-1_a",
    userPoolName: "a",
  });
const identityPool = (unauth: boolean, roles: JsonObject | undefined) =>
  res("aws.cognito.identitypool", POOL, {
    summary: { IdentityPoolId: "us-east-1:p1" },
    identityPool: { IdentityPoolId: "us-east-1:p1", AllowUnauthenticatedIdentities: unauth },
    ...(roles ? { roles: { IdentityPoolId: "us-east-1:p1", Roles: roles } } : {}),
  });
/** An IAM role as GetAccountAuthorizationDetails lists it, with one inline policy. */
const role = (name: string, statements: JsonObject[]) =>
  res(
    "aws.iam.role",
    `arn:aws:iam::${ACCOUNT}:role/${name}`,
    {
      detail: {
        RoleName: name,
        RoleId: `AROA${name.toUpperCase()}`,
        Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
        Path: "/",
        CreateDate: "2025-01-01T00:00:00Z",
        AssumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Federated: "cognito-identity.amazonaws.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
              },
            ],
          }),
        ),
        RolePolicyList: [
          {
            PolicyName: "p",
            PolicyDocument: encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: statements })),
          },
        ],
        AttachedManagedPolicies: [],
        InstanceProfileList: [],
        Tags: [],
      },
    },
    "global",
  );
const facts = (r: Resource, all: Resource[] = [r], errors: CollectionError[] = []) =>
  enrichCognito(all, { errors }).derived.get(r);

describe("user pool facts", () => {
  it("MFA from the description, else from GetUserPoolMfaConfig, else unknown", () => {
    expect(facts(userPool({ userPool: { MfaConfiguration: "ON" } }))?.["mfa"]).toBe("ON");
    expect(facts(userPool({ userPool: {}, mfaConfig: { MfaConfiguration: "OPTIONAL" } }))?.["mfa"]).toBe("OPTIONAL");
    expect(facts(userPool({ userPool: {} }))?.["mfa"]).toBeNull();
  });

  it("self sign-up and threat protection take AWS's defaults when unset; unknown when the pool was not described", () => {
    expect(facts(userPool({ userPool: {} }))).toMatchObject({ selfSignUpAllowed: true, threatProtection: "OFF" });
    expect(
      facts(
        userPool({
          userPool: {
            AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
            UserPoolAddOns: { AdvancedSecurityMode: "AUDIT" },
          },
        }),
      ),
    ).toMatchObject({ selfSignUpAllowed: false, threatProtection: "AUDIT" });
    expect(facts(userPool({}))).toEqual({ mfa: null, selfSignUpAllowed: null, threatProtection: null });
  });
});

describe("app client facts", () => {
  it("token lifetimes in one unit each, with AWS's default units and values", () => {
    expect(facts(client({}))?.["tokenValidity"]).toEqual({ accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 });
    // Without TokenValidityUnits, access and ID tokens count in hours and refresh tokens in days.
    expect(facts(client({ AccessTokenValidity: 24, IdTokenValidity: 1, RefreshTokenValidity: 3650 }))?.["tokenValidity"]).toEqual(
      {
        accessTokenMinutes: 1440,
        idTokenMinutes: 60,
        refreshTokenDays: 3650,
      },
    );
    expect(
      facts(
        client({
          AccessTokenValidity: 3600,
          IdTokenValidity: 30,
          RefreshTokenValidity: 720,
          TokenValidityUnits: { AccessToken: "seconds", IdToken: "minutes", RefreshToken: "hours" },
        }),
      )?.["tokenValidity"],
    ).toEqual({ accessTokenMinutes: 60, idTokenMinutes: 30, refreshTokenDays: 30 });
  });

  it("the implicit grant counts only while OAuth is enabled for the client", () => {
    const flows = { AllowedOAuthFlows: ["code", "implicit"] };
    expect(facts(client({ ...flows, AllowedOAuthFlowsUserPoolClient: true }))?.["implicitGrant"]).toBe(true);
    expect(facts(client({ ...flows, AllowedOAuthFlowsUserPoolClient: false }))?.["implicitGrant"]).toBe(false);
    expect(facts(client({ AllowedOAuthFlows: ["code"], AllowedOAuthFlowsUserPoolClient: true }))?.["implicitGrant"]).toBe(false);
  });
});

describe("identity pool: the unauthenticated role, joined with the IAM analysis", () => {
  let data: IamAnalysisData;
  beforeAll(async () => {
    data = await loadIamAnalysisData();
  });
  const run = (resources: Resource[], errors: CollectionError[] = [], services?: string[]) =>
    enrich(resources, {
      now: NOW,
      iamAnalysis: data,
      errors,
      secretPatterns: defaultSecretPatterns(),
      ...(services ? { services } : {}),
    });
  const guestOf = (out: { resources: Resource[] }) =>
    out.resources.find((r) => r.type === "aws.cognito.identitypool")!.derived["unauthenticatedRole"] as JsonObject | null;

  it("a guest role reading every S3 object is judged from the analysis's Read-level actions on *", () => {
    const out = run([
      identityPool(true, { unauthenticated: GUEST }),
      role("guest", [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]),
    ]);
    expect(guestOf(out)).toMatchObject({
      arn: GUEST,
      found: true,
      adminEquivalent: false,
      readActionsOnAllResources: ["s3:GetObject"],
    });
    const rules = loadRules(builtInRuleDirs()).filter(
      (r) => r.id === "aws.cognito.identitypool.unauthenticated-role-not-privileged",
    );
    const findings = evaluate(
      {
        kind: "tollgate-inventory",
        formatVersion: INVENTORY_FORMAT_VERSION,
        metadata: {
          toolVersion: "test",
          collectedAt: NOW.toISOString(),
          finishedAt: NOW.toISOString(),
          partition: "aws",
          accounts: [ACCOUNT],
          regions: ["us-east-1"],
          services: [],
          complete: true,
        },
        resources: out.resources,
        errors: [],
      },
      rules,
    );
    expect(findings.map((f) => f.status)).toEqual(["fail"]);
    expect(findings[0]!.evidence.map((e) => e.actual)).toEqual(["s3:GetObject"]);
  });

  it("an administrator guest role, and one scoped to a bucket prefix", () => {
    const admin = run([
      identityPool(true, { unauthenticated: GUEST }),
      role("guest", [{ Effect: "Allow", Action: "*", Resource: "*" }]),
    ]);
    expect(guestOf(admin)).toMatchObject({ adminEquivalent: true });
    const scoped = run([
      identityPool(true, { unauthenticated: GUEST }),
      role("guest", [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::assets/public/*" }]),
    ]);
    expect(guestOf(scoped)).toMatchObject({
      adminEquivalent: false,
      privilegeEscalation: [],
      serviceWildcards: [],
      readActionsOnAllResources: [],
      writeActionsOnAllResources: [],
    });
  });

  it("unknown (null) when the roles were not read, the IAM listing failed or the role's policy is unreadable; skipped without IAM", () => {
    expect(guestOf(run([identityPool(true, undefined)]))).toBeNull();
    const listingFailed: CollectionError = {
      account: ACCOUNT,
      region: "global",
      service: "iam",
      operation: "GetAccountAuthorizationDetails",
      errorName: "AccessDenied",
      message: "denied",
    };
    expect(guestOf(run([identityPool(true, { unauthenticated: GUEST })], [listingFailed]))).toBeNull();
    const broken = res(
      "aws.iam.role",
      GUEST,
      {
        detail: {
          ...(role("guest", []).raw["detail"] as JsonObject),
          RolePolicyList: [{ PolicyName: "p", PolicyDocument: "%7B%22Statement%22%3A" }],
        },
      },
      "global",
    );
    expect(guestOf(run([identityPool(true, { unauthenticated: GUEST }), broken]))).toBeNull();
    const noIam = run([identityPool(true, { unauthenticated: GUEST })], [], ["cognito-identity"]);
    expect(guestOf(noIam)).toBeNull();
    expect(noIam.resources.find((r) => r.type === "aws.cognito.identitypool")!.skipped).toEqual({
      "/derived/unauthenticatedRole": expect.stringContaining("iam not collected") as unknown as string,
    });
  });

  it("no unauthenticated role, or one that does not exist (IAM listed completely): nothing is handed out", () => {
    expect(guestOf(run([identityPool(true, {})]))).toMatchObject({ arn: null, found: false, adminEquivalent: false });
    const iamAccount = res("aws.iam.account", `arn:aws:iam::${ACCOUNT}:root`, {}, "global");
    expect(guestOf(run([identityPool(true, { unauthenticated: GUEST }), iamAccount]))).toMatchObject({
      arn: GUEST,
      found: false,
    });
    // The account's IAM was not read in this run (another shard's unit): the role is unknown, not absent.
    expect(guestOf(run([identityPool(true, { unauthenticated: GUEST })]))).toBeNull();
  });

  it("without the collection errors, a role that is not there is unknown, not absent", () => {
    const pool = identityPool(true, { unauthenticated: GUEST });
    expect(enrichCognito([pool], {}).derived.get(pool)?.["unauthenticatedRole"]).toBeNull();
  });
});
