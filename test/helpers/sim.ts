import { join } from "node:path";
import { loadAccountFile, type AccountFile } from "../../fixtures/simulator/account-file.js";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../fixtures/simulator/server.js";

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
