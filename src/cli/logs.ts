import type { Argv } from "yargs";

import { openGitRepository } from "../clients/git.js";
import { createPrefectClient, type PrefectClient } from "../clients/prefect.js";
import { resolvePrefectSettings } from "../config/settings.js";
import type { Logger } from "../log.js";
import { FINAL_STATES } from "../run/wait.js";
import { withCommitOptions } from "./options.js";
import { EXIT, loggerFor, type Outcome } from "./shell.js";

/** `flowpush logs`: what a run printed, found by its id or by its commit. */
export function addLogsCommand(
  cli: Argv<{ verbose: boolean }>,
  outcome: Outcome,
) {
  return cli.command(
    "logs [run]",
    "print the log lines of a flow run, or of every run of a commit",
    (argv) =>
      withCommitOptions(argv, "the commit whose runs to show").positional(
        "run",
        { type: "string", describe: "a flow run's id" },
      ),
    async (args) => {
      const log = loggerFor(args);
      const settings = resolvePrefectSettings(process.env);
      const prefect = createPrefectClient(settings, log);
      const runIds = args.run
        ? [args.run]
        : await runsOfCommit(args, prefect, log);

      for (const id of runIds) {
        const run = await prefect.readFlowRun(id);
        log.info(`== ${run.name} (${run.id}) ${run.state_type ?? ""}`);
        for (const line of await prefect.readLogs(id)) log.info(line.message);
        const state = run.state_type ?? "";
        if (FINAL_STATES.has(state) && state !== "COMPLETED") {
          outcome.exitCode = EXIT.runNotCompleted;
        }
      }
    },
  );
}

async function runsOfCommit(
  args: { repo: string; commit: string },
  prefect: PrefectClient,
  log: Logger,
): Promise<string[]> {
  const git = await openGitRepository(args.repo, log);
  const { sha } = await git.readCommit(args.commit);
  const runs = await prefect.filterFlowRuns({
    flow_runs: { tags: { all_: [`commit:${sha}`] } },
    sort: "START_TIME_ASC",
  });
  if (runs.length === 0) log.info(`commit ${sha.slice(0, 7)} has no flow runs`);
  return runs.map((run) => run.id);
}
