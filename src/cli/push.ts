import type { Argv } from "yargs";

import { push } from "../push.js";
import { renderPlan, renderResult } from "../report/terminal.js";
import { waitFrom, withPushOptions, withWaitOptions } from "./options.js";
import {
  loggerFor,
  pushRequestFrom,
  reportResults,
  type Outcome,
} from "./shell.js";

/** `flowpush push` and `flowpush plan`: the road, taken or only planned. */
export function addPushCommands(
  cli: Argv<{ verbose: boolean }>,
  outcome: Outcome,
) {
  return cli
    .command(
      "push",
      "build, register and run what the push's commit messages ask for",
      (argv) =>
        withWaitOptions(withPushOptions(argv)).option("dry-run", {
          type: "boolean",
          default: false,
          describe: "print the plan and stop",
        }),
      async (args) => {
        const log = loggerFor(args);
        const request = await pushRequestFrom(args, log);
        const dryRun = args["dry-run"];
        const result = await push({ ...request, dryRun, wait: waitFrom(args) });

        if (result.plan) {
          log.info(dryRun ? renderPlan(result.plan) : renderResult(result));
        }
        reportResults(result.results, args["allow-failures"], log, outcome);
      },
    )
    .command(
      "plan",
      "print what a push would build, register and run, changing nothing",
      (argv) => withPushOptions(argv),
      async (args) => {
        const log = loggerFor(args);
        const request = await pushRequestFrom(args, log);
        const result = await push({
          ...request,
          dryRun: true,
          wait: undefined,
        });
        if (result.plan) log.info(renderPlan(result.plan));
      },
    );
}
