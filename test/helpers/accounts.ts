import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AccountFile } from "../../fixtures/simulator/account-file.js";
import { account, ROOT } from "./sim.js";

/** policy/tollgate-readonly.json, the scanner's least privilege. */
export function readonlyPolicy(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, "policy", "tollgate-readonly.json"), "utf8")) as Record<string, unknown>;
}

/** The clean account under another id, with its own caller key (so several can share one simulator). */
export function cleanAccount(accountId: string, keySuffix: string, extra: Partial<AccountFile> = {}): AccountFile {
  const clean = account("clean");
  return {
    ...structuredClone(clean),
    accountId,
    callers: [
      { ...clean.callers[0]!, accessKeyId: `AKIA${keySuffix.padEnd(16, "0")}`, arn: `arn:aws:iam::${accountId}:user/scanner` },
    ],
    ...extra,
  };
}

/** A member account whose `roleName` trusts `trustedAccount` (optionally only with `externalId`) and holds the read-only policy. */
export function memberAccount(
  accountId: string,
  keySuffix: string,
  opts: { roleName: string; trustedAccount: string; externalId?: string; regions?: string[] },
): AccountFile {
  const base = cleanAccount(accountId, keySuffix);
  return {
    ...base,
    ...(opts.regions ? { regions: opts.regions } : {}),
    iam: {
      ...base.iam,
      roles: [
        ...(base.iam.roles ?? []),
        {
          name: opts.roleName,
          trustPolicy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${opts.trustedAccount}:root` },
                Action: "sts:AssumeRole",
                ...(opts.externalId ? { Condition: { StringEquals: { "sts:ExternalId": opts.externalId } } } : {}),
              },
            ],
          },
          inlinePolicies: { tollgate: readonlyPolicy() },
        },
      ],
    },
  };
}
