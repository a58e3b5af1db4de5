#!/usr/bin/env node
import yargs from "yargs";
import { hideBin } from "yargs/helpers";

import { describeError, FlowpushError } from "../errors.js";
import { addCheckCommands } from "./check.js";
import { addGridCommand } from "./grid.js";
import { addLogsCommand } from "./logs.js";
import { addPushCommands } from "./push.js";
import { addRerunCommand } from "./rerun.js";
import { EXIT, secrets, type Outcome } from "./shell.js";
import { addTraceCommand } from "./trace.js";

// A reader that stops early (`flowpush logs | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
  throw error;
});

async function main(): Promise<number> {
  const outcome: Outcome = { exitCode: EXIT.ok };
  const cli = yargs(hideBin(process.argv))
    .scriptName("flowpush")
    .option("verbose", {
      type: "boolean",
      default: false,
      describe: "log every command and request",
    });

  addPushCommands(cli, outcome);
  addLogsCommand(cli, outcome);
  addRerunCommand(cli, outcome);
  addGridCommand(cli);
  addCheckCommands(cli);
  addTraceCommand(cli);
  await cli
    .demandCommand(
      1,
      "name a command: push, plan, rerun, logs, trace, grid, check or hook",
    )
    .strict()
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`${message}\nrun flowpush --help for usage\n`);
      process.exit(EXIT.usage);
    })
    .parseAsync();
  return outcome.exitCode;
}

// The one place errors become exit codes: a FlowpushError is the user's to
// fix and is shown without a stack; anything else is a bug in flowpush.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const verbose = process.argv.includes("--verbose");
    const text = `error: ${describeError(error, verbose)}`;
    process.stderr.write(`${secrets.mask(text)}\n`);
    process.exitCode = error instanceof FlowpushError ? EXIT.error : EXIT.bug;
  },
);
