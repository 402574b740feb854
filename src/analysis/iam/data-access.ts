/**
 * Wildcard data access: the data-plane actions that read or change the contents of the data services an API's
 * backend typically holds (S3 objects, DynamoDB items, Secrets Manager secrets, KMS decryption, SSM parameters).
 * A principal allowed one of them on every resource can reach every bucket, table, secret or key of the account,
 * whatever the application meant it to touch.
 */
import { hasBit, type BitSet } from "./bitset.js";
import type { ActionCatalog } from "./catalog.js";

/** The data actions judged, by service (canonical names as the catalogue spells them). */
export const DATA_ACTIONS: readonly string[] = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "secretsmanager:GetSecretValue",
  "kms:Decrypt",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
];

/** The DATA_ACTIONS in `unconstrained` (allowed on every resource without condition), in DATA_ACTIONS order. */
export function dataActionsOnAllResources(catalog: ActionCatalog, unconstrained: BitSet): string[] {
  const out: string[] = [];
  for (const a of DATA_ACTIONS) {
    const i = catalog.indexOf(a);
    if (i !== undefined && hasBit(unconstrained, i)) out.push(catalog.actions[i]?.name ?? a);
  }
  return out;
}
