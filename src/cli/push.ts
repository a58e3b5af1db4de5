import type { Argv } from "yargs";

import { push } from "../push.js";
import { renderPlan, renderResult } from "../report/terminal.js";
import { withPushOptions } from "./options.js";
import { EXIT, loggerFor, pushRequestFrom, type Outcome } from "./shell.js";

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
        withPushOptions(argv)
          .option("dry-run", {
            type: "boolean",
            default: false,
            describe: "print the plan and stop",
          })
          .option("wait", {
            type: "boolean",
            default: false,
            describe: "follow the runs until they end",
          })
          .option("wait-timeout", {
            type: "number",
            default: 3600,
            describe: "seconds to wait for the runs",
          }),
      async (args) => {
        const log = loggerFor(args);
        const request = await pushRequestFrom(args, log);
        const wait = args.wait
          ? { timeoutSeconds: args["wait-timeout"], pollSeconds: 2 }
          : undefined;
        const dryRun = args["dry-run"];
        const result = await push({ ...request, dryRun, wait });

        if (result.plan) {
          log.info(dryRun ? renderPlan(result.plan) : renderResult(result));
        }
        const unfinished = wait
          ? result.runs.filter((run) => run.state !== "COMPLETED")
          : [];
        for (const run of unfinished) {
          log.error(
            `run ${run.name} ended ${run.state ?? "in no known state"}`,
          );
        }
        if (unfinished.length > 0) outcome.exitCode = EXIT.runNotCompleted;
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
