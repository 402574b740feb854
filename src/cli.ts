#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { evaluateCommand, scanCommand } from "./cli/commands.js";
import { collect, parseList, parsePositiveInt, parseSeverity, parseStdoutFormat } from "./cli/options.js";
import { ExitError } from "./errors.js";
import { toolVersion } from "./version.js";

// Tollgate supports Node 20 deliberately; the SDK's one-time upgrade notice is noise on stderr.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

function reportOptions(cmd: Command): Command {
  return cmd
    .option("--out <dir>", "folder for findings.json and results.sarif", "reports")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a failing finding is at or above this severity")
        .default("high")
        .argParser(parseSeverity),
    )
    .addOption(
      new Option("--format <format>", "what to print on stdout: none, text, json, sarif")
        .default("none")
        .argParser(parseStdoutFormat),
    )
    .option("--rules <dir>", "an extra rule pack folder (repeatable)", collect)
    .option("--quiet", "no progress or summary on stderr (warnings still shown)");
}

/** Builds the command-line program. */
export function buildProgram(): Command {
  const program = new Command("tollgate")
    .description("Audits the security of APIs on AWS and proves what it finds.")
    .version(toolVersion())
    .showHelpAfterError()
    .exitOverride();

  reportOptions(
    program
      .command("scan")
      .description("collect the account's inventory over the AWS APIs, evaluate the rules and write reports")
      .option("--regions <list>", "comma-separated regions (default: the account's enabled regions)", parseList)
      .option("--accounts <list>", "comma-separated account ids to scan by assuming --role-name in each", parseList)
      .option("--role-name <name>", "role to assume in each scanned account (other than the caller's own)")
      .option("--external-id <id>", "sts:ExternalId to pass when assuming --role-name")
      .option("--org", "scan every ACTIVE account of the organisation (organizations:ListAccounts)")
      .option("--profile <name>", "AWS profile from the shared config (SSO, role, web identity profiles work)")
      .option("--save-inventory <file>", "also save the collected inventory (re-evaluate later with `tollgate evaluate`)")
      .addOption(
        new Option("--max-attempts <n>", "attempts per AWS call, retries included (default: 8)").argParser(parsePositiveInt),
      ),
  ).action(async (opts) => {
    process.exitCode = await scanCommand(opts);
  });

  reportOptions(
    program
      .command("evaluate")
      .description("evaluate the rules on a saved inventory, offline and without credentials")
      .requiredOption("--inventory <file>", "inventory saved by `tollgate scan --save-inventory`"),
  ).action((opts) => {
    process.exitCode = evaluateCommand(opts);
  });
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors are bad input.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof ExitError) {
      process.stderr.write(`tollgate: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`tollgate: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 4;
  }
}

await main();
