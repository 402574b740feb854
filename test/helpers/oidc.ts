// OIDC federation for tests: audit roles that trust a CI system's identity provider, and the tokens such a
// provider issues, as the simulator's AssumeRoleWithWebIdentity checks them (issuer, audience, expiry and the
// role's trust policy; not the signature).
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { cleanAccount, readonlyPolicy } from "./accounts.js";

/** An OIDC identity provider a role trusts, with the subjects it accepts. */
export interface OidcTrust {
  issuer: string;
  audience: string;
  subject: string;
}

/** GitHub's and GitLab's OIDC issuers, as the docs' roles trust them. */
export const GITHUB_OIDC: OidcTrust = {
  issuer: "token.actions.githubusercontent.com",
  audience: "sts.amazonaws.com",
  subject: "repo:example/audit:*",
};
export const GITLAB_OIDC: OidcTrust = {
  issuer: "gitlab.com",
  audience: "sts.amazonaws.com",
  subject: "project_path:example/audit:*",
};

/** Adds the providers and a read-only role `roleName` trusting them (and nothing else) to an account. */
export function addOidcRole(a: AccountFile, roleName: string, trusts: OidcTrust[]): AccountFile {
  a.iam.oidcProviders = [
    ...(a.iam.oidcProviders ?? []),
    ...trusts.map((t) => ({ url: `https://${t.issuer}`, clientIds: [t.audience], thumbprints: ["a".repeat(40)] })),
  ];
  a.iam.roles = [
    ...(a.iam.roles ?? []),
    {
      name: roleName,
      trustPolicy: {
        Version: "2012-10-17",
        Statement: trusts.map((t) => ({
          Effect: "Allow",
          Principal: { Federated: `arn:aws:iam::${a.accountId}:oidc-provider/${t.issuer}` },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${t.issuer}:aud`]: t.audience }, StringLike: { [`${t.issuer}:sub`]: t.subject } },
        })),
      },
      inlinePolicies: { tollgate: readonlyPolicy() },
    },
  ];
  return a;
}

/** A clean account whose read-only audit role `roleName` trusts the given OIDC providers. */
export function oidcAuditAccount(accountId: string, keySuffix: string, roleName: string, trusts: OidcTrust[]): AccountFile {
  return addOidcRole(cleanAccount(accountId, keySuffix), roleName, trusts);
}

/** An unsigned JWT with these claims. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** The token an OIDC provider issues for a subject, valid for 15 minutes. */
export function oidcToken(issuer: string, subject: string, audience = "sts.amazonaws.com"): string {
  return unsignedJwt({ iss: `https://${issuer}`, aud: audience, sub: subject, exp: Math.floor(Date.now() / 1000) + 900 });
}
