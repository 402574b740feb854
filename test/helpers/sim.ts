import { join } from "node:path";
import { loadAccountFile, type AccountFile } from "../../fixtures/simulator/account-file.js";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../fixtures/simulator/server.js";
import { DEFAULT_COLLECT_OPTIONS, type UnitContext } from "../../src/collect/context.js";
import type { ScanOptions } from "../../src/collect/scan.js";
import { fixedClock } from "../../src/util/clock.js";
import { memoryLogger } from "../../src/util/logger.js";

/** Repository root. */
export const ROOT = join(import.meta.dirname, "..", "..");

/** Loads an account file from fixtures/accounts by name. */
export function account(name: string): AccountFile {
  return loadAccountFile(join(ROOT, "fixtures", "accounts", `${name}.json`));
}

/** Starts a simulator on loopback for the given account files. */
export function sim(accounts: AccountFile[], opts: Omit<SimulatorOptions, "accounts"> = {}): Promise<Simulator> {
  return startSimulator({ accounts, reportDelayMs: 50, ...opts });
}

/** Static credentials of an account's first caller. */
export function callerCredentials(a: AccountFile, index = 0): { accessKeyId: string; secretAccessKey: string } {
  const c = a.callers[index]!;
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
}

/** The time simulator tests run at: account files' ages are relative to it. */
export const SIM_NOW = new Date("2026-06-01T12:00:00Z");

/**
 * A collector unit for `caller`'s account against the simulator at SIM_NOW: region `global`, one attempt per
 * call, default collect options, waits that return at once. `over` replaces whole fields.
 */
export function unitContext(caller: AccountFile, over: Partial<UnitContext> & { maxAttempts?: number } = {}): UnitContext {
  const { maxAttempts = 1, ...rest } = over;
  return {
    account: caller.accountId,
    region: "global",
    partition: "aws",
    settings: { credentials: callerCredentials(caller), maxAttempts, userAgent: "tollgate-test" },
    clock: fixedClock(SIM_NOW),
    logger: memoryLogger(),
    options: DEFAULT_COLLECT_OPTIONS,
    sleep: () => Promise.resolve(),
    ...rest,
  };
}

/** Options for a whole scan as `caller` against the simulator at SIM_NOW, polling the credential report quickly. */
export function scanOptions(caller: AccountFile, over: Partial<ScanOptions> = {}): ScanOptions {
  return {
    settings: { credentials: callerCredentials(caller), maxAttempts: 8, userAgent: "tollgate-test" },
    homeRegion: "us-east-1",
    clock: fixedClock(SIM_NOW),
    logger: memoryLogger(),
    toolVersion: "test",
    collect: { reportPolling: { initialDelayMs: 20, maxDelayMs: 50, timeoutMs: 20_000 } },
    ...over,
  };
}

/** Environment for a child process that reaches the simulator through the standard AWS variables only. */
export function simEnv(s: Simulator, a: AccountFile): NodeJS.ProcessEnv {
  const c = a.callers[0]!;
  return {
    PATH: process.env["PATH"],
    HOME: "/nonexistent",
    AWS_ENDPOINT_URL: s.endpoint,
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_REGION: a.regions[0],
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}
