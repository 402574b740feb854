#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import type { CommandEnv } from "./cli/commands.js";
import { SignalRouter } from "./pipeline/lifecycle.js";
import { guardStandardStreams } from "./cli/streams.js";
import { parseShard } from "./collect/shard.js";
import {
  collect,
  parseConsole,
  parseFailOn,
  parseFormats,
  parseList,
  parseOnIncomplete,
  parsePositive,
  parseRegion,
  parseSeverity,
  parseTextJson,
  refuseOldFormat,
  scanSettingParser,
} from "./cli/options.js";
import { ExitError, InputError } from "./errors.js";
import { escapeForTerminal } from "./util/escape.js";
import { PATH_ENTRY_SERVICES, SERVICE_NAMES } from "./engine/selection.js";
import { DEFAULT_FORMATS, FILE_FORMATS } from "./report/formats.js";
import { toolVersion } from "./version.js";

// Tollgate supports Node 20 deliberately; the SDK's one-time upgrade notice is noise on stderr.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

/** The old `--format` of the reporting commands, hidden and refused with what replaced it. */
const oldFormat = () => new Option("--format <format>").hideHelp().argParser(refuseOldFormat);

/** Where results go and how the exit code is decided: scan, probe, evaluate and merge share these. */
function outputOptions(cmd: Command): Command {
  return cmd
    .option("--out <dir>", "folder the files of --formats are written to", "reports")
    .addOption(
      new Option(
        "--formats <list>",
        `files to write, comma-separated: ${FILE_FORMATS.map((f) => `${f.name} (${f.fileName})`).join(", ")}`,
      )
        .default([...DEFAULT_FORMATS], DEFAULT_FORMATS.join(","))
        .argParser(parseFormats),
    )
    .addOption(
      new Option("--console <format>", "what to print on stdout: none, text (a table), json (findings.json), sarif")
        .default("none")
        .argParser(parseConsole),
    )
    .addOption(oldFormat());
}

function reportOptions(cmd: Command): Command {
  return outputOptions(cmd)
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 when a failing finding is at or above this severity: critical, high, medium, low, informational, or none (report-only)",
      )
        .default("high")
        .argParser(parseFailOn),
    )
    .addOption(
      new Option(
        "--on-incomplete <mode>",
        "when a call failed or a check could not conclude: error (exit 3), fail (exit 1), ignore (judge the findings only); default error, ignore with --fail-on none",
      ).argParser(parseOnIncomplete),
    )
    .option(
      "--services <list>",
      `only these services, comma-separated (${SERVICE_NAMES.join(", ")}): the others are not collected or evaluated; exposure paths run with any of ${PATH_ENTRY_SERVICES.join(", ")} and are skipped past a service left out (add lambda,iam to follow them)`,
      parseList,
    )
    .option("--rules <list>", "only these rules: comma-separated ids, aliases or globs (aws.iam.*)", parseList)
    .option("--exclude-rules <list>", "not these rules: comma-separated ids, aliases or globs", parseList)
    .addOption(
      new Option(
        "--severity <min>",
        "only rules at or above this severity: critical, high, medium, low, informational",
      ).argParser(parseSeverity),
    )
    .option("--framework <id>", "only the rules mapped to this framework: aws-fsbp, cis-aws-3.0, cis-aws-5.0, owasp-api-2023")
    .option("--rule-pack <dir>", "an extra rule pack folder (repeatable)", collect)
    .option("--quiet", "print only the final summary and warnings on stderr (no progress)")
    .option("--config <file>", "config file (default: tollgate.config.yaml, .yml or .json in the working directory)")
    .option("--profile-rules <name>", "rule profile: default, strict, or a profile JSON file (overrides the config's profile)")
    .option("--baseline <file>", "an earlier findings.json: only new failing findings count toward --fail-on");
}

function catalogOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--format <format>", "text or json").default("text").argParser(parseTextJson))
    .option("--rule-pack <dir>", "an extra rule pack folder (repeatable)", collect)
    .option("--config <file>", "config file (default: tollgate.config.yaml, .yml or .json in the working directory)")
    .option("--profile-rules <name>", "rule profile: default, strict, or a profile JSON file");
}

/** Per-call timeouts of the AWS calls, shared by scan and export securityhub (see docs/scanning.md). */
function timeoutOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--connect-timeout <ms>", "time to connect to AWS, per attempt (default: 10000)").argParser(
        scanSettingParser("connectTimeoutMs", "number"),
      ),
    )
    .addOption(
      new Option(
        "--request-timeout <ms>",
        "time one attempt of an AWS call may take, up to the answer's last byte (default: 60000)",
      ).argParser(scanSettingParser("requestTimeoutMs", "number")),
    );
}

/** Live probe options shared by scan and probe (see docs/probes.md). */
function probeOptions(cmd: Command, withNoProbe: boolean): Command {
  if (withNoProbe) cmd.option("--no-probe", "do not send live probes to the API endpoints found (probes run by default)");
  return cmd
    .option(
      "--probe-endpoints <file>",
      "extra endpoints to probe, with their expected auth (schemas/probe-endpoints.schema.json)",
    )
    .option(
      "--invoke-url-template <url>",
      "invoke URL of a stage: {apiId}, {region}, {stage} (default: https://{apiId}.execute-api.{region}.amazonaws.com/{stage}; " +
        "required to probe APIs read from an emulator)",
    )
    .option("--http-invoke-url-template <url>", "plain-HTTP URL for the http:// check (default: the https URL on port 80)")
    .option(
      "--domain-url-template <url>",
      "URL of a custom domain's base path: {domain}, {basePath} (default: https://{domain}/{basePath}; " +
        "required to probe domains read from an emulator)",
    )
    .option(
      "--function-url-template <url>",
      "URL of a Lambda function URL: {urlId}, {region} (default: https://{urlId}.lambda-url.{region}.on.aws; " +
        "required to probe function URLs read from an emulator)",
    )
    .option(
      "--appsync-url-template <url>",
      "GraphQL endpoint of an AppSync API: {endpointId}, {region} (default: https://{endpointId}.appsync-api.{region}.amazonaws.com/graphql)",
    )
    .option("--probe-appsync", "also send AppSync endpoints one read-only GraphQL query without credentials (a POST, so opt-in)")
    .option(
      "--probe-hosts <globs>",
      "comma-separated host globs probes may reach (default: any host from the inventory and the endpoints file)",
    )
    .option(
      "--ca-file <file>",
      "an extra trusted CA certificate (PEM) for probes, added to Node's bundled CAs (the environment cannot add or disable CAs)",
    )
    .option("--probe-throttling", "also send a throttling burst where a limit is configured (opt-in)")
    .addOption(
      new Option("--throttle-budget <n>", "requests per throttling burst (max 500)").default(50).argParser(parsePositive),
    )
    .addOption(new Option("--probe-budget <n>", "total probe requests in the run").default(500).argParser(parsePositive))
    .addOption(new Option("--probe-rate <n>", "probe requests per second per host").default(5).argParser(parsePositive))
    .addOption(new Option("--probe-timeout <ms>", "timeout per probe request").default(5000).argParser(parsePositive));
}

/** Builds the command-line program; `env` carries the signal router of a running CLI (none in tests of parsing). */
export function buildProgram(env: CommandEnv = {}): Command {
  const program = new Command("tollgate")
    .description("Audits the security of APIs on AWS and proves what it finds.")
    .version(toolVersion())
    .showHelpAfterError()
    .exitOverride()
    // `export` and `export securityhub` share option names; each command parses only the options after it.
    .enablePositionalOptions();

  reportOptions(
    program
      .command("scan")
      .description("collect the account's inventory over the AWS APIs, evaluate the rules and write reports")
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
      )
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
      .option("--inventory <file>", "with --probe-only: a saved inventory whose API endpoints to probe"),
  );
  probeOptions(timeoutOptions(program.commands.at(-1)!), true).action(async (opts) => {
    const { scanCommand } = await import("./cli/commands.js");
    process.exitCode = await scanCommand(
      {
        ...opts,
        securityhubOptions: {
          onlyFailed: opts.securityhubOnlyFailed ?? false,
          ...(opts.securityhubHomeRegion ? { homeRegion: opts.securityhubHomeRegion } : {}),
        },
      },
      env,
    );
  });

  probeOptions(
    reportOptions(
      program
        .command("probe")
        .description("send live probes to API endpoints (from --probe-endpoints and/or a saved --inventory), evaluate and report")
        .option("--inventory <file>", "a saved inventory whose API endpoints to probe (and to evaluate with the probes)")
        .option("--profile <name>", "AWS profile whose credentials sign the SigV4 probes")
        .option("--save-inventory <file>", "save the inventory with the probe results"),
    ),
    false,
  ).action(async (opts) => {
    const { probeCommand } = await import("./cli/commands.js");
    process.exitCode = await probeCommand(opts, env);
  });

  reportOptions(
    program
      .command("evaluate")
      .description("evaluate the rules on a saved inventory, offline and without credentials")
      .requiredOption("--inventory <file>", "inventory saved by `tollgate scan --save-inventory`"),
  ).action(async (opts) => {
    const { evaluateCommand } = await import("./cli/commands.js");
    process.exitCode = await evaluateCommand(opts, env);
  });

  reportOptions(
    program
      .command("merge")
      .description("combine the inventories of a sharded scan (scan --shard i/n --save-inventory) into one report set")
      .argument("<inventories...>", "shard inventories, one per shard")
      .option("--save-inventory <file>", "also save the merged inventory"),
  ).action(async (inventories: string[], opts) => {
    const { mergeCommand } = await import("./cli/merge.js");
    process.exitCode = await mergeCommand({ ...opts, inventories }, env);
  });

  outputOptions(
    program
      .command("report")
      .description("re-render reports from a saved findings.json, without AWS")
      .requiredOption("--from <file>", "findings.json written by scan or evaluate"),
  )
    .option("--quiet", "no progress on stderr")
    .action(async (opts) => {
      const { reportCommand } = await import("./cli/commands.js");
      process.exitCode = await reportCommand(opts, env);
    });

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
      const { exportFileCommand } = await import("./cli/export.js");
      process.exitCode = await exportFileCommand({ ...opts, from: opts.from, format: opts.format });
    });
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
      const { exportSecurityHubCommand } = await import("./cli/export.js");
      process.exitCode = await exportSecurityHubCommand({
        ...opts,
        ...(connectTimeout ? { connectTimeoutMs: connectTimeout } : {}),
        ...(requestTimeout ? { requestTimeoutMs: requestTimeout } : {}),
      });
    });

  const rules = program.command("rules").description("the rule catalogue: list rules and frameworks, show one rule");
  catalogOptions(
    rules
      .command("list")
      .description("list every rule (effective severity under the profile, frameworks), or one framework's coverage")
      .option("--framework <id>", "list this framework's requirements and the rules covering them"),
  ).action(async (opts) => {
    const { rulesListCommand } = await import("./cli/rules-commands.js");
    process.stdout.write(rulesListCommand(opts));
  });
  catalogOptions(
    rules
      .command("show")
      .description("show one rule: metadata, parameters with effective values, remediation, frameworks")
      .argument("<id>", "rule id or alias"),
  ).action(async (id: string, opts) => {
    const { rulesShowCommand } = await import("./cli/rules-commands.js");
    process.stdout.write(rulesShowCommand(id, opts));
  });

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
      const { diffCommand } = await import("./cli/rules-commands.js");
      const { output, code } = await diffCommand(oldFile, newFile, opts);
      process.stdout.write(output);
      process.exitCode = code;
    });
  return program;
}

async function main(): Promise<void> {
  guardStandardStreams();
  // One SIGINT/SIGTERM listener for the whole process: a run in progress stops and saves; otherwise exit at once.
  const router = new SignalRouter().install();
  try {
    await buildProgram({ router, vars: process.env }).parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors are bad input.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    // Error messages may quote AWS data (hosts, names, error messages): printed escaped.
    if (e instanceof ExitError) {
      process.stderr.write(`tollgate: ${escapeForTerminal(e.message)}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    const head = String(e);
    const stack = (e as Error).stack ?? head;
    // The stack's frames are Tollgate's own; only its first line (the message) is escaped as one line.
    const frames = stack.startsWith(head) ? stack.slice(head.length) : `\n${stack}`;
    process.stderr.write(
      `tollgate: internal error: ${escapeForTerminal(head)}${frames.split("\n").map(escapeForTerminal).join("\n")}\n`,
    );
    process.exitCode = 4;
  }
}

await main();
