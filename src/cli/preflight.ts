import type { ScanSettingsFile } from "../collect/tuning.js";
import { InputError } from "../errors.js";
import { assertWritable, type OutputTarget } from "../util/atomic-write.js";
import { DURATION_HINT, parseDuration } from "../util/duration.js";

// Checks that run before a command's first AWS call (or first request, or first output), so that bad input is
// refused with exit 2 and a message naming the file or flag, never discovered after the scan. Loading the config,
// profile, rules, baseline and probe files (pipeline/setup.ts loadSetup, probe/run.ts prepareProbes) is the rest of it.

/**
 * Checks that every output of the run can be written, with a real write in each folder (removed at once): a
 * read-only mount, a missing permission or a path through a file is refused before anything is collected.
 */
export async function checkOutputs(targets: (OutputTarget | undefined)[]): Promise<void> {
  for (const t of targets) if (t) await assertWritable(t);
}

/** The output targets of a run that writes reports into `out` and maybe an inventory. */
export function runOutputs(opts: { out: string; saveInventory?: string | undefined }): OutputTarget[] {
  return [
    { path: opts.out, kind: "dir", flag: "--out" },
    ...(opts.saveInventory ? [{ path: opts.saveInventory, kind: "file" as const, flag: "--save-inventory" }] : []),
  ];
}

/**
 * Scope settings that cannot work, refused before the first AWS call: the organisation's accounts, or several
 * listed accounts, can only be scanned by assuming a role in them.
 */
export function checkScanScope(s: ScanSettingsFile): void {
  if (s.org && !s.roleName)
    throw new InputError("--org (or scan.org) scans the organisation's other accounts by assuming a role: give --role-name NAME");
  if (new Set(s.accounts ?? []).size > 1 && !s.roleName)
    throw new InputError(
      "--accounts (or scan.accounts) names several accounts: scanning other accounts needs --role-name (the role to assume in each account)",
    );
}

/**
 * `--max-duration` (or the config's `scan.maxDuration`) in milliseconds, or undefined for no bound. The flag's text
 * was validated by the option parser; the config's is checked here, naming the file and JSON pointer.
 */
export function maxDurationMs(settings: ScanSettingsFile, source: string): number | undefined {
  if (settings.maxDuration === undefined) return undefined;
  const ms = parseDuration(settings.maxDuration);
  if (ms === undefined)
    throw new InputError(`${source}: /scan/maxDuration: must be ${DURATION_HINT}, got ${JSON.stringify(settings.maxDuration)}`);
  return ms;
}
