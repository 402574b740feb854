import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, partitionOfRegion, type AwsClientSettings } from "../aws/clients.js";
import { toCollectionError } from "../aws/call-error.js";
import { loadIamAnalysisData, type IamAnalysisData } from "../analysis/iam/index.js";
import { enrich } from "../enrich/index.js";
import { ExitError, InputError } from "../errors.js";
import { INVENTORY_FORMAT_VERSION, type CollectionError, type Inventory, type Resource } from "../model/inventory.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { DEFAULT_COLLECT_OPTIONS, realSleep, type CollectOptions } from "./context.js";
import { COLLECTORS } from "./registry.js";

/** What to scan and how. */
export interface ScanOptions {
  settings: AwsClientSettings;
  /** Regions to cover; the first is used for STS. */
  regions: string[];
  clock: Clock;
  logger: Logger;
  toolVersion: string;
  collect?: Partial<CollectOptions>;
  sleep?: (ms: number) => Promise<void>;
  /** IAM analysis data already loaded (tests, repeated scans); loaded once per scan otherwise. */
  iamAnalysis?: IamAnalysisData;
}

const BAD_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "CredentialsProviderError",
  "AccessDenied",
]);

/** Identifies the caller; credentials that do not work are bad input, reported clearly. */
async function callerIdentity(
  settings: AwsClientSettings,
  region: string,
): Promise<{ account: string; arn: string; partition: string }> {
  const sts = new STSClient(clientConfig(settings, region));
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    const arn = id.Arn ?? "";
    return { account: id.Account ?? "", arn, partition: arn.split(":")[1] ?? partitionOfRegion(region) };
  } catch (e) {
    const name = (e as { name?: string }).name ?? "Error";
    const msg = `cannot identify the caller with sts:GetCallerIdentity in ${region}: ${name}: ${(e as Error).message}`;
    if (BAD_CREDENTIALS.has(name)) throw new InputError(`${msg}. Check the credentials (environment, --profile, SSO login).`);
    const err = toCollectionError(e, { account: "unknown", region, service: "sts", operation: "GetCallerIdentity" });
    throw new ExitError(`${msg} (HTTP ${err.httpStatus ?? "n/a"}); nothing was collected`, 3);
  } finally {
    sts.destroy();
  }
}

/** Collects the inventory of the caller's account, then derives facts with the collection clock. */
export async function scan(opts: ScanOptions): Promise<Inventory> {
  const started = opts.clock();
  const region = opts.regions[0];
  if (!region) throw new InputError("no region: pass --regions or set AWS_REGION");
  const id = await callerIdentity(opts.settings, region);
  opts.logger.info(`Scanning account ${id.account} as ${id.arn}`);
  const options: CollectOptions = { ...DEFAULT_COLLECT_OPTIONS, ...opts.collect };
  // Loaded while collection runs; enrichers receive it explicitly and stay pure.
  const analysisData = opts.iamAnalysis ? Promise.resolve(opts.iamAnalysis) : loadIamAnalysisData();
  // Attach a handler now so a load failure surfaces at the await below, not as an unhandled rejection.
  analysisData.catch(() => undefined);
  const resources: Resource[] = [];
  const errors: CollectionError[] = [];
  for (const collector of COLLECTORS) {
    for (const unitRegion of collector.regional ? opts.regions : ["global"]) {
      const unit = await collector.collect({
        account: id.account,
        region: unitRegion,
        partition: id.partition,
        settings: opts.settings,
        clock: opts.clock,
        logger: opts.logger,
        options,
        sleep: opts.sleep ?? realSleep,
      });
      resources.push(...unit.resources);
      errors.push(...unit.errors);
      opts.logger.info(
        `${collector.service} ${id.account}/${unitRegion}: ${unit.resources.length} resources, ${unit.errors.length} errors`,
      );
    }
  }
  const enriched = enrich(resources, { now: started, iamAnalysis: await analysisData });
  return {
    kind: "tollgate-inventory",
    formatVersion: INVENTORY_FORMAT_VERSION,
    metadata: {
      toolVersion: opts.toolVersion,
      collectedAt: started.toISOString(),
      finishedAt: opts.clock().toISOString(),
      partition: id.partition,
      accounts: [id.account],
      regions: [...opts.regions],
      services: COLLECTORS.map((c) => c.service),
      complete: true,
      callers: { [id.account]: id.arn },
    },
    resources: enriched.resources,
    errors: [...errors, ...enriched.errors],
  };
}
