import {
  analyzeIam,
  loadIamAnalysisData,
  type AuthorizationDetails,
  type IamAnalysisData,
  type IamAnalysisResult,
  type ManagedPolicyInput,
  type PrincipalFacts,
} from "../../../src/analysis/iam/index.js";

export const ACCOUNT = "111122223333";
export const OTHER = "444455556666";

let cached: Promise<IamAnalysisData> | undefined;
/** Real catalogue and data files, loaded once per test file. */
export function data(): Promise<IamAnalysisData> {
  cached ??= loadIamAnalysisData();
  return cached;
}

/** A statement literal (loose on purpose: tests also build malformed ones). */
export type Stmt = Record<string, unknown>;

/** URL-encodes a document as IAM returns it. */
export function enc(doc: unknown): string {
  return encodeURIComponent(JSON.stringify(doc));
}

export function doc(...statements: Stmt[]): string {
  return enc({ Version: "2012-10-17", Statement: statements });
}

export function allow(action: string | string[], resource: string | string[] = "*", extra: Stmt = {}): Stmt {
  return { Effect: "Allow", Action: action, Resource: resource, ...extra };
}

export function deny(action: string | string[], resource: string | string[] = "*", extra: Stmt = {}): Stmt {
  return { Effect: "Deny", Action: action, Resource: resource, ...extra };
}

export function userArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:user/${name}`;
}

export function roleArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:role/${name}`;
}

export function policyArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:policy/${name}`;
}

export function managed(name: string, document: string, extra: Partial<ManagedPolicyInput> = {}): ManagedPolicyInput {
  return {
    PolicyName: name,
    Arn: name.startsWith("arn:") ? name : policyArn(name),
    DefaultVersionId: "v1",
    AttachmentCount: 1,
    IsAttachable: true,
    PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: true, Document: document, CreateDate: new Date(0) }],
    ...extra,
  };
}

/** Analyses a single user whose inline policy holds the statements (optionally a boundary). */
export async function analyseUser(statements: Stmt[], boundary?: Stmt[]): Promise<PrincipalFacts> {
  const details: AuthorizationDetails = {
    UserDetailList: [
      {
        UserName: "alice",
        UserId: "AIDAALICE",
        Arn: userArn("alice"),
        CreateDate: "2024-01-01T00:00:00Z",
        UserPolicyList: [{ PolicyName: "inline", PolicyDocument: doc(...statements) }],
        ...(boundary
          ? {
              PermissionsBoundary: {
                PermissionsBoundaryType: "PermissionsBoundaryPolicy" as const,
                PermissionsBoundaryArn: policyArn("boundary"),
              },
            }
          : {}),
      },
    ],
    Policies: boundary ? [managed("boundary", doc(...boundary))] : [],
  };
  const r = await run(details);
  return r.principals[0]!.facts;
}

export async function run(details: AuthorizationDetails, oidcProviderArns?: string[]): Promise<IamAnalysisResult> {
  return analyzeIam({ authorizationDetails: details, accountId: ACCOUNT, partition: "aws", oidcProviderArns }, await data());
}
