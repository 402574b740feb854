/**
 * Policy documents of one analysis run: each parsed and compiled once per unique text (large accounts attach the
 * same few documents thousands of times), and the policies a principal uses resolved to their grants, with every
 * document that cannot be used recorded as a PolicyError.
 */
import type { ActionCatalog } from "./catalog.js";
import { compileGrants, type PolicyGrants } from "./grants.js";
import type { AuthorizationDetails, ManagedPolicyInput } from "./input.js";
import { parsePolicyDocument, type NormalizedPolicy, type ParseResult, type PolicyKind } from "./policy.js";
import type { PolicyError } from "./result.js";

/** A document parsed and compiled, or why it could not be. */
export type Compiled = { ok: true; policy: NormalizedPolicy; grants: PolicyGrants } | { ok: false; message: string };

/** Parse-and-compile memo scoped to one analysis run (no module-level state). */
export class DocumentCache {
  private readonly parsed = new Map<string, ParseResult>();
  private readonly compiled = new Map<string, Compiled>();
  constructor(private readonly catalog: ActionCatalog) {}

  private key(doc: unknown, kind: PolicyKind): string | undefined {
    if (typeof doc === "string") return `${kind}\u0000${doc}`;
    return typeof doc === "object" && doc !== null ? `${kind}\u0001${JSON.stringify(doc)}` : undefined;
  }

  parse(doc: unknown, kind: PolicyKind): ParseResult {
    const k = this.key(doc, kind);
    if (k === undefined) return parsePolicyDocument(doc, kind);
    let r = this.parsed.get(k);
    if (!r) {
      r = parsePolicyDocument(doc, kind);
      this.parsed.set(k, r);
    }
    return r;
  }

  identity(doc: unknown): Compiled {
    const k = this.key(doc, "identity") ?? "";
    let c = this.compiled.get(k);
    if (!c) {
      const r = this.parse(doc, "identity");
      c = r.ok ? { ok: true, policy: r.policy, grants: compileGrants(r.policy, this.catalog) } : r;
      if (k !== "") this.compiled.set(k, c);
    }
    return c;
  }
}

/** The default version's document, or undefined when the version list lacks it. */
function defaultDocument(p: ManagedPolicyInput): string | undefined {
  const versions = p.PolicyVersionList ?? [];
  const v = versions.find((x) => x.IsDefaultVersion === true) ?? versions.find((x) => x.VersionId === p.DefaultVersionId);
  return v?.Document;
}

/** A managed policy's compiled default version, or the error that keeps it from being used. */
export interface ManagedEntry {
  arn: string;
  compiled: Compiled;
  error?: PolicyError;
}

/** What a principal (or group) draws from its policies. */
export interface Collected {
  grants: PolicyGrants[];
  errors: PolicyError[];
  customerPolicyArns: string[];
}

/** A new, empty Collected. */
export const collected = (): Collected => ({ grants: [], errors: [], customerPolicyArns: [] });

/** A permissions boundary: whether one is attached, and its grants when they could be read. */
export interface Boundary {
  present: boolean;
  grants?: PolicyGrants;
}

/**
 * The policies of one account's authorization details, resolved for principals. Every problem met is appended to
 * `errors` in the order it is found (managed policies first), each once.
 */
export class PolicySource {
  /** Managed policies by ARN. */
  readonly managed = new Map<string, ManagedEntry>();
  readonly errors: PolicyError[] = [];
  private readonly customerPolicyPrefix: RegExp;

  constructor(
    details: AuthorizationDetails,
    partition: string,
    readonly cache: DocumentCache,
  ) {
    this.customerPolicyPrefix = new RegExp(`^arn:${escape(partition)}:iam::\\d{12}:policy/`);
    for (const p of details.Policies ?? []) if (p.Arn) this.managed.set(p.Arn, this.managedEntry(p, p.Arn));
    for (const m of this.managed.values()) if (m.error) this.errors.push(m.error);
  }

  private managedEntry(p: ManagedPolicyInput, arn: string): ManagedEntry {
    const doc = defaultDocument(p);
    if (doc === undefined) {
      const message = "No default version document in PolicyVersionList";
      return { arn, compiled: { ok: false, message }, error: { policyArn: arn, errorName: "PolicyDocumentMissing", message } };
    }
    const compiled = this.cache.identity(doc);
    if (compiled.ok) return { arn, compiled };
    return { arn, compiled, error: { policyArn: arn, errorName: "MalformedPolicyDocument", message: compiled.message } };
  }

  /** True for a customer managed policy ARN of the account's partition. */
  isCustomerManaged(arn: string): boolean {
    return this.customerPolicyPrefix.test(arn);
  }

  /** Attached managed policies; a reference missing from the snapshot is an error, not "no permissions". */
  attach(out: Collected, principalArn: string, attached: readonly { PolicyArn?: string | undefined }[] | undefined): void {
    for (const a of attached ?? []) {
      if (!a.PolicyArn) continue;
      const m = this.managed.get(a.PolicyArn);
      if (!m) {
        out.errors.push({
          principalArn,
          policyArn: a.PolicyArn,
          errorName: "PolicyNotFound",
          message: "Attached managed policy is not in the authorization details",
        });
        continue;
      }
      if (this.isCustomerManaged(m.arn)) out.customerPolicyArns.push(m.arn);
      if (m.compiled.ok) out.grants.push(m.compiled.grants);
      else if (m.error) out.errors.push(m.error);
    }
  }

  /** Inline policies; a malformed one is an error of the principal and of the run. */
  inline(
    out: Collected,
    principalArn: string,
    list: readonly { PolicyName?: string | undefined; PolicyDocument?: string | undefined }[] | undefined,
  ): void {
    for (const ip of list ?? []) {
      const c = this.cache.identity(ip.PolicyDocument);
      if (c.ok) out.grants.push(c.grants);
      else {
        const e: PolicyError = { principalArn, errorName: "MalformedPolicyDocument", message: c.message };
        if (ip.PolicyName !== undefined) e.policyName = ip.PolicyName;
        out.errors.push(e);
        this.errors.push(e);
      }
    }
  }

  /** A principal's permissions boundary; one that cannot be read is present without grants, its error in `errs`. */
  boundary(principalArn: string, b: { PermissionsBoundaryArn?: string | undefined } | undefined, errs: PolicyError[]): Boundary {
    const arn = b?.PermissionsBoundaryArn;
    if (!arn) return { present: false };
    const m = this.managed.get(arn);
    if (!m) {
      errs.push({
        principalArn,
        policyArn: arn,
        errorName: "PolicyNotFound",
        message: "Permissions boundary policy is not in the authorization details",
      });
      return { present: true };
    }
    if (!m.compiled.ok) {
      if (m.error) errs.push(m.error);
      return { present: true };
    }
    return { present: true, grants: m.compiled.grants };
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
