import type {
  GroupDetail,
  OpenIDConnectProviderListEntry,
  ManagedPolicyDetail,
  RoleDetail,
  UserDetail,
  VirtualMFADevice,
} from "@aws-sdk/client-iam";
import type * as IamSdk from "@aws-sdk/client-iam";
import { nameFromArn } from "../aws/arns.js";
import { iamRegion } from "../aws/clients.js";
import { createClient } from "./clients.js";
import type { JsonValue } from "../model/json.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { attempt, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { drain } from "./paging.js";
import { parseCredentialReport, type CredentialReportRow } from "./credential-report.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListServerCertificates,
  paginateListVirtualMFADevices,
} = requireSdk("@aws-sdk/client-iam") as typeof IamSdk;
type IAMClient = InstanceType<typeof IAMClient>;

const SERVICE = "iam";

/**
 * Collects IAM with account-wide calls only: authorization details (users, groups, roles, policies with
 * documents), the credential report (passwords, MFA, key ages and use), password policy, account summary
 * virtual MFA devices, OIDC providers (ARNs only, for trust analysis) and server certificates. No per-user or
 * per-provider calls: these carry everything the rules need.
 */
export async function collectIam(ctx: UnitContext): Promise<UnitResult> {
  const region = "global";
  const errors: CollectionError[] = [];
  const where = (operation: string) => ({ account: ctx.account, region, service: SERVICE, operation });
  const listing = listingOf(ctx, SERVICE);
  const client = createClient(IAMClient, ctx, SERVICE, iamRegion(ctx.partition));
  try {
    const [details, report, passwordPolicy, summary, mfa, oidc, certificates] = await Promise.all([
      attempt(errors, where("GetAccountAuthorizationDetails"), () => authorizationDetails(client, ctx)),
      credentialReport(client, ctx, errors),
      passwordPolicyOrNull(client, ctx, errors),
      attempt(
        errors,
        where("GetAccountSummary"),
        async () => (await client.send(new GetAccountSummaryCommand({}))).SummaryMap ?? {},
      ),
      attempt(errors, where("ListVirtualMFADevices"), () =>
        drain(
          listing("ListVirtualMFADevices"),
          paginateListVirtualMFADevices({ client, pageSize: 1000 }, {}),
          (p) => p.VirtualMFADevices,
        ),
      ),
      // One unpaginated account-wide call; the ARNs are all trust analysis needs.
      attempt(
        errors,
        where("ListOpenIDConnectProviders"),
        async () => (await client.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [],
      ),
      attempt(errors, where("ListServerCertificates"), () =>
        drain(
          listing("ListServerCertificates"),
          paginateListServerCertificates({ client, pageSize: 1000 }, {}),
          (p) => p.ServerCertificateMetadataList,
        ),
      ),
    ]);
    const resources = buildResources(ctx, { details, report, passwordPolicy, summary, mfa, oidc });
    for (const c of certificates ?? []) {
      resources.push({
        account: ctx.account,
        region,
        derived: {},
        type: "aws.iam.server-certificate",
        arn: c.Arn ?? "",
        name: c.ServerCertificateName || nameFromArn(c.Arn ?? ""),
        raw: { metadata: toJson(c) },
      });
    }
    return { resources, errors };
  } finally {
    client.destroy();
  }
}

interface AuthDetails {
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  policies: ManagedPolicyDetail[];
}

async function authorizationDetails(client: IAMClient, ctx: UnitContext): Promise<AuthDetails> {
  const out: AuthDetails = { users: [], groups: [], roles: [], policies: [] };
  const pages = await drain(
    listingOf(ctx, SERVICE)("GetAccountAuthorizationDetails"),
    paginateGetAccountAuthorizationDetails({ client, pageSize: ctx.options.authDetailsPageSize }, {}),
    (page) => [page],
  );
  for (const page of pages) {
    out.users.push(...(page.UserDetailList ?? []));
    out.groups.push(...(page.GroupDetailList ?? []));
    out.roles.push(...(page.RoleDetailList ?? []));
    out.policies.push(...(page.Policies ?? []));
  }
  return out;
}

/** Generates the report (polling with backoff, within a time bound), then fetches and parses it. */
async function credentialReport(
  client: IAMClient,
  ctx: UnitContext,
  errors: CollectionError[],
): Promise<CredentialReportRow[] | undefined> {
  const where = (operation: string) => ({ account: ctx.account, region: "global", service: SERVICE, operation });
  const { initialDelayMs, maxDelayMs, timeoutMs } = ctx.options.reportPolling;
  // Bounded by the run's clock, or by the time slept when that clock stands still (a frozen test clock).
  const started = ctx.clock().getTime();
  let slept = 0;
  const elapsed = () => Math.max(ctx.clock().getTime() - started, slept);
  let delay = initialDelayMs;
  for (;;) {
    const state = await attempt(
      errors,
      where("GenerateCredentialReport"),
      async () => (await client.send(new GenerateCredentialReportCommand({}))).State,
    );
    if (state === undefined) return undefined;
    if (state === "COMPLETE") break;
    if (elapsed() > timeoutMs) {
      errors.push({
        ...where("GenerateCredentialReport"),
        errorName: "CredentialReportTimeout",
        message: `credential report not COMPLETE after ${timeoutMs} ms (last state ${state})`,
      });
      return undefined;
    }
    await ctx.sleep(delay);
    slept += delay;
    delay = Math.min(maxDelayMs, delay * 2);
  }
  const content = await attempt(
    errors,
    where("GetCredentialReport"),
    async () => (await client.send(new GetCredentialReportCommand({}))).Content,
  );
  if (content === undefined) return undefined;
  const parsed = parseCredentialReport(Buffer.from(content).toString("utf8"));
  for (const p of parsed.problems) {
    errors.push({
      ...where("GetCredentialReport"),
      errorName: "MalformedCredentialReport",
      message: `line ${p.line}: ${p.message}`,
    });
  }
  // A report we could not read at all is a gap, not an account without users.
  if (parsed.rows.length === 0) return undefined;
  return parsed.rows;
}

async function passwordPolicyOrNull(
  client: IAMClient,
  ctx: UnitContext,
  errors: CollectionError[],
): Promise<{ policy: JsonValue } | undefined> {
  const local: CollectionError[] = [];
  const out = await attempt(
    local,
    { account: ctx.account, region: "global", service: SERVICE, operation: "GetAccountPasswordPolicy" },
    async () => ({
      policy: toJson((await client.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy ?? null),
    }),
  );
  // NoSuchEntity is a real answer: the account has no password policy (AWS defaults apply).
  if (local.length === 1 && local[0]!.errorName === "NoSuchEntityException") return { policy: null };
  errors.push(...local);
  return out;
}

/** What the account-wide IAM calls answered; undefined where a call failed (its error is recorded). */
interface IamAnswers {
  details: AuthDetails | undefined;
  report: CredentialReportRow[] | undefined;
  passwordPolicy: { policy: JsonValue } | undefined;
  summary: Record<string, number> | undefined;
  mfa: VirtualMFADevice[] | undefined;
  oidc: OpenIDConnectProviderListEntry[] | undefined;
}

/** An IAM resource from its authorization-details entry (some answers omit a name; the ARN carries it). */
interface DetailEntry {
  type: Resource["type"];
  arn: string | undefined;
  name: string | undefined;
  detail: object;
  /** Raw members beside `detail` (a user's credential report row and MFA devices). */
  extra?: Record<string, JsonValue>;
}

function buildResources(ctx: UnitContext, answers: IamAnswers): Resource[] {
  const { details, report, passwordPolicy, summary, mfa, oidc } = answers;
  const base = { account: ctx.account, region: "global", derived: {} };
  const resources: Resource[] = [];
  const rootArn = `arn:${ctx.partition}:iam::${ctx.account}:root`;
  const reportByArn = new Map((report ?? []).map((r) => [r.arn, r]));
  const mfaByUser = new Map<string, VirtualMFADevice[]>();
  for (const d of mfa ?? []) {
    const arn = d.User?.Arn;
    if (arn) mfaByUser.set(arn, [...(mfaByUser.get(arn) ?? []), d]);
  }
  const optional = (key: string, present: boolean, value: () => JsonValue): Record<string, JsonValue> =>
    present ? { [key]: value() } : {};

  resources.push({
    ...base,
    type: "aws.iam.account",
    arn: rootArn,
    name: ctx.account,
    raw: {
      ...optional("passwordPolicy", passwordPolicy !== undefined, () => passwordPolicy!.policy),
      ...optional("accountSummary", summary !== undefined, () => toJson(summary)),
      ...optional("credentialReport", reportByArn.has(rootArn), () => toJson(reportByArn.get(rootArn))),
      ...optional("virtualMfaDevices", mfa !== undefined, () => toJson(mfaByUser.get(rootArn) ?? [])),
      ...optional("oidcProviders", oidc !== undefined, () => toJson(oidc)),
    },
  });
  if (!details) return resources;
  const fromDetail = ({ type, arn, name, detail, extra }: DetailEntry): Resource => ({
    ...base,
    type,
    arn: arn ?? "",
    name: name || nameFromArn(arn ?? ""),
    raw: { detail: toJson(detail), ...extra },
  });
  for (const u of details.users) {
    const arn = u.Arn ?? "";
    const extra = {
      ...optional("credentialReport", reportByArn.has(arn), () => toJson(reportByArn.get(arn))),
      ...optional("virtualMfaDevices", mfa !== undefined, () => toJson(mfaByUser.get(arn) ?? [])),
    };
    resources.push(fromDetail({ type: "aws.iam.user", arn: u.Arn, name: u.UserName, detail: u, extra }));
  }
  for (const g of details.groups) resources.push(fromDetail({ type: "aws.iam.group", arn: g.Arn, name: g.GroupName, detail: g }));
  for (const r of details.roles) resources.push(fromDetail({ type: "aws.iam.role", arn: r.Arn, name: r.RoleName, detail: r }));
  for (const p of details.policies)
    resources.push(fromDetail({ type: "aws.iam.policy", arn: p.Arn, name: p.PolicyName, detail: p }));
  return resources;
}
