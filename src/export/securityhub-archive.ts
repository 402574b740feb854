import { GetFindingsCommand, type GetFindingsCommandOutput, type SecurityHubClient } from "@aws-sdk/client-securityhub";
import { tokenLoop } from "../collect/paging.js";
import type { RuleMeta } from "../model/rule-meta.js";
import { skipReason } from "../report/common.js";
import { archivedCopy, asffId, ASFF_ID_PREFIX, parseAsffId, productArn, type AsffFinding } from "./asff.js";
import type { TokenBucket } from "./batches.js";
import type { ExportInput } from "./findings-file.js";
import type { ImportGroup } from "./import-plan.js";
import { planArchive } from "./scope.js";
import { errName, type HubSession } from "./securityhub-import.js";

// Archiving in Security Hub: the findings Tollgate imported earlier that this run resolved, within scopes it
// checked completely, are imported again as ARCHIVED; the others stay ACTIVE, with why.

/** What the archive step needs: the run's findings and rules, what was just imported, the pairs to check, the time. */
export interface ArchiveStep {
  input: ExportInput;
  rules: RuleMeta[];
  /** The import plan's groups: their findings are current, never archived. */
  groups: readonly ImportGroup[];
  /** The (account, Region) pairs to check (archiveTargets). */
  targets: readonly { account: string; region: string }[];
  /** This export's `UpdatedAt`. */
  updatedAt: string;
}

/** The archive step: for each target not refused, the earlier findings this run resolved are archived. */
export async function archiveResolved(session: HubSession, step: ArchiveStep): Promise<void> {
  const currentIds = new Set(step.groups.flatMap((g) => g.findings.map((f) => f.Id ?? "")));
  // A check skipped this run says nothing about what an earlier run found there: keep it, never archive it.
  const notRechecked = new Map(
    step.input.findings.filter((f) => f.status === "skipped").map((f) => [asffId(f), `not checked this run: ${skipReason(f)}`]),
  );
  const ruleTypes = new Map(step.rules.map((r) => [r.id, r.resourceType]));
  for (const t of step.targets) {
    if (session.stopOf(t.account, t.region)) continue;
    const existing = await earlierFindings(session, t, step.input.metadata.partition);
    if (!existing) continue;
    const plan = planArchive(
      { ...step.input, ruleResourceTypes: ruleTypes },
      existing.map((f) => ({ id: f.Id ?? "", scope: parseAsffId(f.Id ?? "") })),
      currentIds,
      notRechecked,
    );
    session.result.kept += plan.kept.length;
    for (const k of plan.kept.slice(0, 5))
      session.opts.logger.info(`Security Hub ${t.account}/${t.region}: kept ${k.id} ACTIVE: ${k.reason}`);
    if (!plan.archive.length) continue;
    await archive(session, { ...t, findings: archivedCopies(existing, new Set(plan.archive), step.updatedAt) });
  }
}

/**
 * The ACTIVE findings Tollgate imported earlier into one account and Region; undefined when they could not be read
 * (a refusal, recorded once; any other failure recorded too: without the list nothing can be archived safely, and
 * the export fails rather than claim success).
 */
async function earlierFindings(
  session: HubSession,
  t: { account: string; region: string },
  partition: string,
): Promise<AsffFinding[] | undefined> {
  const { client, reads } = session.clientFor(t.account, t.region);
  try {
    return await activeTollgateFindings(client, reads, t, productArn(partition, t.region, t.account));
  } catch (e) {
    if (session.refuse(e, { ...t, operation: "GetFindings" })) return undefined;
    session.result.callErrors.push({
      account: t.account,
      region: t.region,
      operation: "GetFindings",
      errorName: errName(e),
      message: (e as Error).message,
    });
    return undefined;
  }
}

/** ARCHIVED copies of the findings to archive, each updated later than its stored `UpdatedAt`. */
function archivedCopies(existing: readonly AsffFinding[], toArchive: ReadonlySet<string>, updatedAt: string): AsffFinding[] {
  return existing
    .filter((f) => toArchive.has(f.Id ?? ""))
    .map((f) => {
      // UpdatedAt must be later than the stored one or Security Hub ignores the update.
      const stored = Date.parse(f.UpdatedAt ?? "") || 0;
      const at = new Date(Math.max(Date.parse(updatedAt), stored + 1000)).toISOString();
      return archivedCopy(f, at);
    });
}

/** Imports the archived copies of one account and Region (unless it refused the caller). */
async function archive(session: HubSession, group: ImportGroup): Promise<void> {
  const r = await session.importUnlessRefused(group);
  session.result.archived += r.imported;
  if (r.skipped) return;
  session.result.failed.push(...r.failed);
  session.opts.logger.info(`Security Hub ${group.account}/${group.region}: archived ${r.imported} resolved finding(s)`);
}

/** Reads the ACTIVE findings Tollgate imported earlier into one account and Region (all pages). */
async function activeTollgateFindings(
  client: SecurityHubClient,
  bucket: TokenBucket,
  { account, region }: { account: string; region: string },
  product: string,
) {
  return tokenLoop(
    { service: "securityhub", operation: "GetFindings" },
    async (token): Promise<GetFindingsCommandOutput> => {
      await bucket.take();
      return client.send(
        new GetFindingsCommand({
          Filters: {
            ProductArn: [{ Value: product, Comparison: "EQUALS" }],
            // Our Id prefix, not the GeneratorId: other custom tools share the account's default product.
            Id: [{ Value: ASFF_ID_PREFIX, Comparison: "PREFIX" }],
            RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
            AwsAccountId: [{ Value: account, Comparison: "EQUALS" }],
            Region: [{ Value: region, Comparison: "EQUALS" }],
          },
          MaxResults: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      );
    },
    (p) => p.Findings,
  );
}
