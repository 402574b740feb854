import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type UserPoolClientDescription,
  type UserPoolClientType,
  type UserPoolDescriptionType,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CognitoIdentityClient,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
  ListIdentityPoolsCommand,
  type IdentityPoolShortDescription,
} from "@aws-sdk/client-cognito-identity";
import { identityPoolArn, userPoolArn, userPoolClientArn } from "../aws/arns.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";

/** Both Cognito APIs take MaxResults 1-60 on their list calls, and require it. */
const MAX_RESULTS = 60;

/**
 * Collects Cognito user pools in one region: each pool's configuration (DescribeUserPool: MFA, threat protection
 * add-ons, password policy, sign-up), its MFA configuration from GetUserPoolMfaConfig only when DescribeUserPool
 * does not state it, and every app client (DescribeUserPoolClient: OAuth flows and scopes, token validity). A
 * client's secret is never kept, only whether it has one.
 */
export async function collectCognitoUserPools(ctx: UnitContext): Promise<UnitResult> {
  const SERVICE = "cognito-idp";
  const { account, region, partition } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const listing = listingOf(ctx, SERVICE);
  const MaxResults = Math.min(ctx.options.regionalPageSize, MAX_RESULTS);
  const client = createClient(CognitoIdentityProviderClient, ctx, SERVICE, region);
  const base = { account, region, derived: {} };
  try {
    const pools = await attempt(errors, where("ListUserPools"), () =>
      tokenLoop(
        listing("ListUserPools"),
        (NextToken) => client.send(new ListUserPoolsCommand({ MaxResults, NextToken })),
        (p) => p.UserPools,
      ),
    );
    // Two phases, each call in its own pool slot: a slot held while waiting for another would deadlock the pool.
    const read = await Promise.all((pools ?? []).map((p) => limited(ctx, SERVICE, () => readPool(p))));
    const resources: Resource[] = [];
    for (const r of await Promise.all(read.map(withClients))) resources.push(...r);
    return { resources, errors };
  } finally {
    client.destroy();
  }

  /** A pool's configuration (with its MFA setting) and the list of its app clients. */
  async function readPool(summary: UserPoolDescriptionType) {
    const UserPoolId = summary.Id ?? "";
    const arn = userPoolArn(partition, region, account, UserPoolId);
    const [described, clientList] = await Promise.all([
      attempt(
        errors,
        where("DescribeUserPool", arn),
        async () => (await client.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool,
      ),
      attempt(errors, where("ListUserPoolClients", arn), () =>
        tokenLoop(
          listing("ListUserPoolClients"),
          (NextToken) => client.send(new ListUserPoolClientsCommand({ UserPoolId, MaxResults, NextToken })),
          (p) => p.UserPoolClients,
        ),
      ),
    ]);
    const mfa =
      described && described.MfaConfiguration === undefined
        ? await attempt(errors, where("GetUserPoolMfaConfig", arn), () =>
            client.send(new GetUserPoolMfaConfigCommand({ UserPoolId })),
          )
        : undefined;
    return { summary, arn, described, mfa, clientList: clientList ?? [] };
  }

  /** The pool's resource and one per app client, each client described in its own pool slot. */
  async function withClients(pool: Awaited<ReturnType<typeof readPool>>): Promise<Resource[]> {
    const { summary, arn, described, mfa } = pool;
    const UserPoolId = summary.Id ?? "";
    const clients = await Promise.all(pool.clientList.map((c) => limited(ctx, SERVICE, () => describeClient(arn, c))));
    const name = described?.Name ?? summary.Name ?? UserPoolId;
    return [
      {
        ...base,
        type: "aws.cognito.userpool",
        arn,
        name,
        raw: {
          summary: toJson(summary),
          ...(described ? { userPool: toJson(described) } : {}),
          ...(mfa ? { mfaConfig: toJson(mfa) } : {}),
        },
      },
      ...clients.flatMap((c): Resource[] =>
        c
          ? [
              {
                ...base,
                type: "aws.cognito.userpool-client",
                arn: userPoolClientArn(arn, c.ClientId ?? ""),
                name: `${name}/${c.ClientName ?? c.ClientId ?? ""}`,
                raw: { client: toJson(withoutSecret(c)), userPoolId: UserPoolId, userPoolName: name },
              },
            ]
          : [],
      ),
    ];
  }

  /** One app client's full configuration; a failure is recorded on the pool, whose clients are then incomplete. */
  async function describeClient(poolArn: string, c: UserPoolClientDescription): Promise<UserPoolClientType | undefined> {
    return attempt(
      errors,
      where("DescribeUserPoolClient", poolArn),
      async () =>
        (await client.send(new DescribeUserPoolClientCommand({ UserPoolId: c.UserPoolId, ClientId: c.ClientId }))).UserPoolClient,
    );
  }
}

/** A client without its secret: `ClientSecret` is replaced by `HasClientSecret` (a confidential client). */
function withoutSecret(c: UserPoolClientType): Record<string, unknown> {
  const { ClientSecret, ...rest } = c;
  return { ...rest, HasClientSecret: ClientSecret !== undefined && ClientSecret !== "" };
}

/**
 * Collects Cognito identity pools in one region: each pool's configuration (DescribeIdentityPool: unauthenticated
 * identities, classic flow, identity providers) and its roles and role mappings (GetIdentityPoolRoles).
 */
export async function collectCognitoIdentityPools(ctx: UnitContext): Promise<UnitResult> {
  const SERVICE = "cognito-identity";
  const { account, region, partition } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const listing = listingOf(ctx, SERVICE);
  const MaxResults = Math.min(ctx.options.regionalPageSize, MAX_RESULTS);
  const client = createClient(CognitoIdentityClient, ctx, SERVICE, region);
  try {
    const pools = await attempt(errors, where("ListIdentityPools"), () =>
      tokenLoop(
        listing("ListIdentityPools"),
        (NextToken) => client.send(new ListIdentityPoolsCommand({ MaxResults, NextToken })),
        (p) => p.IdentityPools,
      ),
    );
    const resources = await Promise.all((pools ?? []).map((p) => limited(ctx, SERVICE, () => collectPool(p))));
    return { resources, errors };
  } finally {
    client.destroy();
  }

  async function collectPool(summary: IdentityPoolShortDescription): Promise<Resource> {
    const IdentityPoolId = summary.IdentityPoolId ?? "";
    const arn = identityPoolArn(partition, region, account, IdentityPoolId);
    const [described, roles] = await Promise.all([
      attempt(errors, where("DescribeIdentityPool", arn), () => client.send(new DescribeIdentityPoolCommand({ IdentityPoolId }))),
      attempt(errors, where("GetIdentityPoolRoles", arn), () => client.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }))),
    ]);
    return {
      type: "aws.cognito.identitypool",
      arn,
      account,
      region,
      name: described?.IdentityPoolName ?? summary.IdentityPoolName ?? IdentityPoolId,
      derived: {},
      raw: {
        summary: toJson(summary),
        ...(described ? { identityPool: toJson(described) } : {}),
        ...(roles ? { roles: toJson(roles) } : {}),
      },
    };
  }
}
