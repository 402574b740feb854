import { Command, Option } from "commander";
import { parseShard } from "../collect/shard.js";
import { InputError } from "../errors.js";
import { toolVersion } from "../version.js";
import type { CommandEnv } from "./commands.js";
import { collect, parseRegion, parseSeverity, parseTextJson, scanSettingParser } from "./options.js";
import { catalogOptions, outputOptions, probeOptions, reportOptions, timeoutOptions } from "./program-options.js";

// The command line: one builder per command. Each command's module is imported inside its action, so `--help`,
// `--version` and a command's parsing load only commander and these definitions (#19 start-up).

/** Builds the command-line program; `env` carries the signal router of a running CLI (none in tests of parsing). */
export function buildProgram(env: CommandEnv = {}): Command {
  const program = new Command("tollgate")
    .description("Audits the security of APIs on AWS and proves what it finds.")
    .version(toolVersion())
    .showHelpAfterError()
    .exitOverride()
    // `export` and `export securityhub` share option names; each command parses only the options after it.
    .enablePositionalOptions();
  for (const add of [addScan, addProbe, addEvaluate, addMerge, addReport, addExport, addRules, addDiff]) add(program, env);
  return program;
}

/** `scan`'s scope and collection options: regions, accounts and roles, profile, saved inventory, retries, bounds, shard. */
function scanScopeOptions(cmd: Command): Command {
  return cmd
    .option(
      "--regions <list>",
      "comma-separated regions (default: the account's enabled regions)",
      scanSettingParser("regions", "list"),
    )
    .option(
      "--accounts <list>",
      "comma-separated account ids to scan by assuming --role-name in each",
      scanSettingParser("accounts", "list"),
    )
    .option(
      "--role-name <name>",
      "role to assume in each scanned account (other than the caller's own)",
      scanSettingParser("roleName"),
    )
    .option("--external-id <id>", "sts:ExternalId to pass when assuming --role-name", scanSettingParser("externalId"))
    .option("--org", "scan every ACTIVE account of the organisation (organizations:ListAccounts)")
    .option("--profile <name>", "AWS profile from the shared config (SSO, role, web identity profiles work)")
    .option("--save-inventory <file>", "also save the collected inventory (re-evaluate later with `tollgate evaluate`)")
    .addOption(
      new Option("--max-attempts <n>", "attempts per AWS call, retries included (default: 8)").argParser(
        scanSettingParser("maxAttempts", "number"),
      ),
    )
    .addOption(
      new Option(
        "--max-duration <duration>",
        "bound for collection and probing (e.g. 90s, 30m, 1h30m): when reached, stop, save what was collected, report it and exit 3",
      ).argParser(scanSettingParser("maxDuration")),
    )
    .addOption(
      new Option(
        "--shard <i/n>",
        "scan only shard i of n of the (account, region) units; combine with `tollgate merge`",
      ).argParser((v: string) => parseShard(v)),
    );
}

/** `scan --securityhub` and its options, then `--probe-only` and its `--inventory`. */
function scanFollowUpOptions(cmd: Command): Command {
  return cmd
    .option(
      "--securityhub",
      "after writing the reports, import the findings into each account's Security Hub (other accounts through --role-name)",
    )
    .option("--securityhub-only-failed", "with --securityhub: send failing findings only")
    .addOption(
      new Option(
        "--securityhub-home-region <region>",
        "with --securityhub: Region for findings of global services (IAM)",
      ).argParser(parseRegion),
    )
    .option("--probe-only", "only probe (targets from --inventory and/or --probe-endpoints), no collection")
    .option("--inventory <file>", "with --probe-only: a saved inventory whose API endpoints to probe");
}

/** `tollgate scan`. */
function addScan(program: Command, env: CommandEnv): void {
  const scan = program
    .command("scan")
    .description("collect the account's inventory over the AWS APIs, evaluate the rules and write reports");
  reportOptions(scanFollowUpOptions(scanScopeOptions(scan)));
  probeOptions(timeoutOptions(scan), true).action(async (opts) => {
    const { scanCommand } = await import("./aws-commands.js");
    const securityhubOptions = {
      onlyFailed: opts.securityhubOnlyFailed ?? false,
      ...(opts.securityhubHomeRegion ? { homeRegion: opts.securityhubHomeRegion } : {}),
    };
    process.exitCode = await scanCommand({ ...opts, securityhubOptions }, env);
  });
}

/** `tollgate probe`. */
function addProbe(program: Command, env: CommandEnv): void {
  const probe = program
    .command("probe")
    .description("send live probes to API endpoints (from --probe-endpoints and/or a saved --inventory), evaluate and report")
    .option("--inventory <file>", "a saved inventory whose API endpoints to probe (and to evaluate with the probes)")
    .option("--profile <name>", "AWS profile whose credentials sign the SigV4 probes")
    .option("--save-inventory <file>", "save the inventory with the probe results");
  probeOptions(reportOptions(probe), false).action(async (opts) => {
    const { probeCommand } = await import("./aws-commands.js");
    process.exitCode = await probeCommand(opts, env);
  });
}

/** `tollgate evaluate`. */
function addEvaluate(program: Command, env: CommandEnv): void {
  const evaluate = program
    .command("evaluate")
    .description("evaluate the rules on a saved inventory, offline and without credentials")
    .requiredOption("--inventory <file>", "inventory saved by `tollgate scan --save-inventory`");
  reportOptions(evaluate).action(async (opts) => {
    const { evaluateCommand } = await import("./commands.js");
    process.exitCode = await evaluateCommand(opts, env);
  });
}

/** `tollgate merge`. */
function addMerge(program: Command, env: CommandEnv): void {
  const merge = program
    .command("merge")
    .description("combine the inventories of a sharded scan (scan --shard i/n --save-inventory) into one report set")
    .argument("<inventories...>", "shard inventories, one per shard")
    .option("--save-inventory <file>", "also save the merged inventory");
  reportOptions(merge).action(async (inventories: string[], opts) => {
    const { mergeCommand } = await import("./merge.js");
    process.exitCode = await mergeCommand({ ...opts, inventories }, env);
  });
}

/** `tollgate report`. */
function addReport(program: Command, env: CommandEnv): void {
  const report = program
    .command("report")
    .description("re-render reports from a saved findings.json, without AWS")
    .requiredOption("--from <file>", "findings.json written by scan or evaluate");
  outputOptions(report)
    .option("--quiet", "no progress on stderr")
    .action(async (opts) => {
      const { reportCommand } = await import("./commands.js");
      process.exitCode = await reportCommand(opts, env);
    });
}

/** `tollgate export` (OCSF, ASFF files) and `tollgate export securityhub`. */
function addExport(program: Command): void {
  const exp = program
    .command("export")
    .description("convert a findings.json to another format (OCSF, ASFF), or import it into Security Hub")
    .enablePositionalOptions()
    .option("--from <file>", "findings.json written by scan or evaluate")
    .addOption(new Option("--format <format>", "ocsf (OCSF 1.2 Detection Findings) or asff").choices(["ocsf", "asff"]))
    .option("--out <file>", "write here instead of stdout")
    .option("--only-failed", "asff: failing findings only")
    .addOption(
      new Option(
        "--home-region <region>",
        "asff: Region for findings of global services (default: the first scanned Region)",
      ).argParser(parseRegion),
    )
    .option("--rule-pack <dir>", "an extra rule pack folder (repeatable), for its metadata", collect)
    .option("--quiet", "no progress on stderr")
    .action(async (opts: { from?: string; format?: "ocsf" | "asff" }) => {
      if (!opts.from || !opts.format)
        throw new InputError("tollgate export needs --from FILE and --format ocsf|asff (or the securityhub subcommand)");
      const { exportFileCommand } = await import("./export.js");
      process.exitCode = await exportFileCommand({ ...opts, from: opts.from, format: opts.format });
    });
  addSecurityHubExport(exp);
}

/** `tollgate export securityhub`. */
function addSecurityHubExport(exp: Command): void {
  timeoutOptions(exp.command("securityhub"))
    .description("import findings into each account's own AWS Security Hub, archiving resolved ones")
    .requiredOption("--from <file>", "findings.json written by scan or evaluate")
    .option("--dry-run", "write asff.json (the exact import batches) instead of importing")
    .option("--out <dir>", "where --dry-run writes asff.json (default: the folder of --from)")
    .option("--only-failed", "send failing findings only (fixed ones are still archived)")
    .option("--no-archive", "do not archive earlier findings that this run resolved")
    .addOption(
      new Option(
        "--home-region <region>",
        "Region for findings of global services (default: the first scanned Region)",
      ).argParser(parseRegion),
    )
    .option("--role-name <name>", "role to assume in accounts other than the caller's", scanSettingParser("roleName"))
    .option("--external-id <id>", "sts:ExternalId to pass when assuming --role-name", scanSettingParser("externalId"))
    .option("--profile <name>", "AWS profile from the shared config")
    .addOption(
      new Option("--max-attempts <n>", "attempts per AWS call, retries included")
        .default(8)
        .argParser(scanSettingParser("maxAttempts", "number")),
    )
    .option("--rule-pack <dir>", "an extra rule pack folder (repeatable), for its metadata", collect)
    .option("--quiet", "no progress on stderr (errors still shown)")
    .action(async ({ connectTimeout, requestTimeout, ...opts }) => {
      const { exportSecurityHubCommand } = await import("./export.js");
      process.exitCode = await exportSecurityHubCommand({
        ...opts,
        ...(connectTimeout ? { connectTimeoutMs: connectTimeout } : {}),
        ...(requestTimeout ? { requestTimeoutMs: requestTimeout } : {}),
      });
    });
}

/** `tollgate rules list` and `tollgate rules show`. */
function addRules(program: Command): void {
  const rules = program.command("rules").description("the rule catalogue: list rules and frameworks, show one rule");
  catalogOptions(
    rules
      .command("list")
      .description("list every rule (effective severity under the profile, frameworks), or one framework's coverage")
      .option("--framework <id>", "list this framework's requirements and the rules covering them"),
  ).action(async (opts) => {
    const { rulesListCommand } = await import("./rules-commands.js");
    process.stdout.write(rulesListCommand(opts));
  });
  catalogOptions(
    rules
      .command("show")
      .description("show one rule: metadata, parameters with effective values, remediation, frameworks")
      .argument("<id>", "rule id or alias"),
  ).action(async (id: string, opts) => {
    const { rulesShowCommand } = await import("./rules-commands.js");
    process.stdout.write(rulesShowCommand(id, opts));
  });
}

/** `tollgate diff`. */
function addDiff(program: Command): void {
  program
    .command("diff")
    .description(
      "compare two findings.json files: new, unchanged and fixed failing findings; exit 1 on new ones at or above --fail-on",
    )
    .argument("<old>", "the earlier findings.json")
    .argument("<new>", "the later findings.json")
    .addOption(new Option("--format <format>", "text or json").default("text").argParser(parseTextJson))
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a new failing finding is at or above this severity")
        .default("high")
        .argParser(parseSeverity),
    )
    .action(async (oldFile: string, newFile: string, opts) => {
      const { diffCommand } = await import("./diff.js");
      const { output, code } = await diffCommand(oldFile, newFile, opts);
      process.stdout.write(output);
      process.exitCode = code;
    });
}
