import type { UnitContext, UnitResult } from "./context.js";
import { collectIam } from "./iam.js";

/** A collector for one service; run once per account (global) or once per account and region. */
export interface ServiceCollector {
  /** Service name as in the SigV4 scope and in inventory errors. */
  service: string;
  /** Global services (IAM) run once per account with region `global`. */
  regional: boolean;
  collect(ctx: UnitContext): Promise<UnitResult>;
}

/** Every collector. New services add one entry here. */
export const COLLECTORS: ServiceCollector[] = [{ service: "iam", regional: false, collect: collectIam }];
