import { Option, type Command } from "commander";
import { PATH_ENTRY_SERVICES, SERVICE_NAMES } from "../engine/services.js";
import { DEFAULT_FORMATS, FILE_FORMATS } from "../report/formats.js";
import {
  collect,
  parseConsole,
  parseFailOn,
  parseFormats,
  parseList,
  parseOnIncomplete,
  parsePositive,
  parseSeverity,
  parseTextJson,
  refuseOldFormat,
  scanSettingParser,
} from "./options.js";

// The option groups several commands share (src/cli/program.ts builds the commands from them).

/** The old `--format` of the reporting commands, hidden and refused with what replaced it. */
export const oldFormat = () => new Option("--format <format>").hideHelp().argParser(refuseOldFormat);

/** Where results go and how the exit code is decided: scan, probe, evaluate and merge share these. */
export function outputOptions(cmd: Command): Command {
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

/** What the evaluating commands share: outputs and exit policy, rule filters, config, profile and baseline. */
export function reportOptions(cmd: Command): Command {
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

/** What `rules list` and `rules show` share: the output format and where the rules and profile come from. */
export function catalogOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--format <format>", "text or json").default("text").argParser(parseTextJson))
    .option("--rule-pack <dir>", "an extra rule pack folder (repeatable)", collect)
    .option("--config <file>", "config file (default: tollgate.config.yaml, .yml or .json in the working directory)")
    .option("--profile-rules <name>", "rule profile: default, strict, or a profile JSON file");
}

/** Per-call timeouts of the AWS calls, shared by scan and export securityhub (see docs/scanning.md). */
export function timeoutOptions(cmd: Command): Command {
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
export function probeOptions(cmd: Command, withNoProbe: boolean): Command {
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
