#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { evaluateCommand, scanCommand } from "./cli/commands.js";
import { collect, parseList, parseSeverity, parseStdoutFormat, parseTextJson } from "./cli/options.js";
import { diffCommand, rulesListCommand, rulesShowCommand } from "./cli/rules-commands.js";
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
    .option("--quiet", "no progress or summary on stderr (warnings still shown)")
    .option("--config <file>", "config file (default: tollgate.config.yaml, .yml or .json in the working directory)")
    .option("--profile-rules <name>", "rule profile: default, strict, or a profile JSON file (overrides the config's profile)")
    .option("--baseline <file>", "an earlier findings.json: only new failing findings count toward --fail-on");
}

function catalogOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--format <format>", "text or json").default("text").argParser(parseTextJson))
    .option("--rules <dir>", "an extra rule pack folder (repeatable)", collect)
    .option("--config <file>", "config file (default: tollgate.config.yaml, .yml or .json in the working directory)")
    .option("--profile-rules <name>", "rule profile: default, strict, or a profile JSON file");
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
      .option("--regions <list>", "comma-separated regions (default: AWS_REGION)", parseList)
      .option("--profile <name>", "AWS profile from the shared config (SSO, role, web identity profiles work)")
      .option("--save-inventory <file>", "also save the collected inventory (re-evaluate later with `tollgate evaluate`)")
      .addOption(
        new Option("--max-attempts <n>", "attempts per AWS call, retries included")
          .default(8)
          .argParser((v) => Number.parseInt(v, 10)),
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

  const rules = program.command("rules").description("the rule catalogue: list rules and frameworks, show one rule");
  catalogOptions(
    rules
      .command("list")
      .description("list every rule (effective severity under the profile, frameworks), or one framework's coverage")
      .option("--framework <id>", "list this framework's requirements and the rules covering them"),
  ).action((opts) => {
    process.stdout.write(rulesListCommand(opts));
  });
  catalogOptions(
    rules
      .command("show")
      .description("show one rule: metadata, parameters with effective values, remediation, frameworks")
      .argument("<id>", "rule id or alias"),
  ).action((id: string, opts) => {
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
    .action((oldFile: string, newFile: string, opts) => {
      const { output, code } = diffCommand(oldFile, newFile, opts);
      process.stdout.write(output);
      process.exitCode = code;
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
