import type { Argv } from "yargs";

import { createPrefectClient, type PrefectClient } from "../clients/prefect.js";
import { resolvePrefectSettings } from "../config/settings.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import { FINAL_STATES } from "../run/wait.js";
import { withCommitOptions } from "./options.js";
import {
  configAt,
  EXIT,
  loggerFor,
  openRepository,
  type Outcome,
} from "./shell.js";

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
      const git = await openRepository(args.repo, log);
      const sha = git && (await git.readCommit(args.commit)).sha;
      const config = await configAt(git, sha);
      const settings = resolvePrefectSettings(
        process.env,
        config?.prefect,
        config?.source,
      );
      const prefect = createPrefectClient(settings, log);
      if (!args.run && !sha) {
        throw new FlowpushError(
          "GIT_FAILED",
          `${args.repo} is not inside a git repository`,
          {
            hint: "name a flow run's id, or run flowpush logs inside the repository",
          },
        );
      }
      const runIds = args.run
        ? [args.run]
        : await runsOf(sha as string, prefect, log);

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

async function runsOf(
  sha: string,
  prefect: PrefectClient,
  log: Logger,
): Promise<string[]> {
  const runs = await prefect.filterFlowRuns({
    flow_runs: { tags: { all_: [`commit:${sha}`] } },
    sort: "START_TIME_ASC",
  });
  if (runs.length === 0) log.info(`commit ${sha.slice(0, 7)} has no flow runs`);
  return runs.map((run) => run.id);
}
