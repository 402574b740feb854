import type {
  GetUserPoolMfaConfigCommandOutput,
  UserPoolClientDescription,
  UserPoolClientType,
  UserPoolDescriptionType,
  UserPoolType,
} from "@aws-sdk/client-cognito-identity-provider";
import type * as CognitoIdentityProviderSdk from "@aws-sdk/client-cognito-identity-provider";
import type { IdentityPoolShortDescription } from "@aws-sdk/client-cognito-identity";
import type * as CognitoIdentitySdk from "@aws-sdk/client-cognito-identity";
import { identityPoolArn, userPoolArn, userPoolClientArn } from "../aws/arns.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} = requireSdk("@aws-sdk/client-cognito-identity-provider") as typeof CognitoIdentityProviderSdk;
type CognitoIdentityProviderClient = InstanceType<typeof CognitoIdentityProviderClient>;
const { CognitoIdentityClient, DescribeIdentityPoolCommand, GetIdentityPoolRolesCommand, ListIdentityPoolsCommand } = requireSdk(
  "@aws-sdk/client-cognito-identity",
) as typeof CognitoIdentitySdk;

/** Both Cognito APIs take MaxResults 1-60 on their list calls, and require it. */
const MAX_RESULTS = 60;

/** What every step of one region's user-pool collection shares: the unit, its client, where failures go, page size. */
interface PoolCalls {
  ctx: UnitContext;
  client: CognitoIdentityProviderClient;
  errors: CollectionError[];
  where: ReturnType<typeof callSite>;
  listing: ReturnType<typeof listingOf>;
  MaxResults: number;
}

const USER_POOLS = "cognito-idp";

/**
 * Collects Cognito user pools in one region: each pool's configuration (DescribeUserPool: MFA, threat protection
 * add-ons, password policy, sign-up), its MFA configuration from GetUserPoolMfaConfig only when DescribeUserPool
 * does not state it, and every app client (DescribeUserPoolClient: OAuth flows and scopes, token validity). A
 * client's secret is never kept, only whether it has one.
 */
export async function collectCognitoUserPools(ctx: UnitContext): Promise<UnitResult> {
  const errors: CollectionError[] = [];
  const client = createClient(CognitoIdentityProviderClient, ctx, USER_POOLS, ctx.region);
  const c: PoolCalls = {
    ctx,
    client,
    errors,
    where: callSite(ctx, USER_POOLS),
    listing: listingOf(ctx, USER_POOLS),
    MaxResults: Math.min(ctx.options.regionalPageSize, MAX_RESULTS),
  };
  try {
    const pools = await attempt(errors, c.where("ListUserPools"), () =>
      tokenLoop(
        c.listing("ListUserPools"),
        (NextToken) => client.send(new ListUserPoolsCommand({ MaxResults: c.MaxResults, NextToken })),
        (p) => p.UserPools,
      ),
    );
    // Two phases, each call in its own pool slot: a slot held while waiting for another would deadlock the pool.
    const read = await Promise.all((pools ?? []).map((p) => limited(ctx, USER_POOLS, () => readPool(c, p))));
    const resources: Resource[] = [];
    for (const r of await Promise.all(read.map((pool) => withClients(c, pool)))) resources.push(...r);
    return { resources, errors };
  } finally {
    client.destroy();
  }
}

/** A pool as read: its summary and ARN, its configuration and MFA setting, and the list of its app clients. */
interface PoolRead {
  summary: UserPoolDescriptionType;
  arn: string;
  described: UserPoolType | undefined;
  mfa: GetUserPoolMfaConfigCommandOutput | undefined;
  clientList: UserPoolClientDescription[];
}

/** A pool's configuration (with its MFA setting) and the list of its app clients. */
async function readPool(c: PoolCalls, summary: UserPoolDescriptionType): Promise<PoolRead> {
  const { client, errors, MaxResults } = c;
  const UserPoolId = summary.Id ?? "";
  const arn = userPoolArn(c.ctx.partition, c.ctx.region, c.ctx.account, UserPoolId);
  const [described, clientList] = await Promise.all([
    attempt(
      errors,
      c.where("DescribeUserPool", arn),
      async () => (await client.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool,
    ),
    attempt(errors, c.where("ListUserPoolClients", arn), () =>
      tokenLoop(
        c.listing("ListUserPoolClients"),
        (NextToken) => client.send(new ListUserPoolClientsCommand({ UserPoolId, MaxResults, NextToken })),
        (p) => p.UserPoolClients,
      ),
    ),
  ]);
  const mfa =
    described && described.MfaConfiguration === undefined
      ? await attempt(errors, c.where("GetUserPoolMfaConfig", arn), () =>
          client.send(new GetUserPoolMfaConfigCommand({ UserPoolId })),
        )
      : undefined;
  return { summary, arn, described, mfa, clientList: clientList ?? [] };
}

/** The pool's resource and one per app client, each client described in its own pool slot. */
async function withClients(c: PoolCalls, pool: PoolRead): Promise<Resource[]> {
  const { summary, arn, described, mfa } = pool;
  const base = { account: c.ctx.account, region: c.ctx.region, derived: {} };
  const UserPoolId = summary.Id ?? "";
  const clients = await Promise.all(pool.clientList.map((d) => limited(c.ctx, USER_POOLS, () => describeClient(c, arn, d))));
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
    ...clients.flatMap((client): Resource[] =>
      client
        ? [
            {
              ...base,
              type: "aws.cognito.userpool-client",
              arn: userPoolClientArn(arn, client.ClientId ?? ""),
              name: `${name}/${client.ClientName ?? client.ClientId ?? ""}`,
              raw: { client: toJson(withoutSecret(client)), userPoolId: UserPoolId, userPoolName: name },
            },
          ]
        : [],
    ),
  ];
}

/** One app client's full configuration; a failure is recorded on the pool, whose clients are then incomplete. */
async function describeClient(
  c: PoolCalls,
  poolArn: string,
  d: UserPoolClientDescription,
): Promise<UserPoolClientType | undefined> {
  return attempt(
    c.errors,
    c.where("DescribeUserPoolClient", poolArn),
    async () =>
      (await c.client.send(new DescribeUserPoolClientCommand({ UserPoolId: d.UserPoolId, ClientId: d.ClientId }))).UserPoolClient,
  );
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
