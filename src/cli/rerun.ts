import { resolve } from "node:path";

import type { Argv } from "yargs";

import { createPrefectClient } from "../clients/prefect.js";
import { shortSha } from "../commit/context.js";
import { resolvePrefectSettings } from "../config/settings.js";
import {
  readCommitRuns,
  selectFailedPoints,
  startReruns,
  type GridParameterOf,
} from "../run/rerun.js";
import { collectResults } from "../run/results.js";
import { waitForRuns } from "../run/wait.js";
import { waitFrom, withWaitOptions } from "./options.js";
import {
  configAt,
  loggerFor,
  openRepository,
  reportResults,
  resolveCommit,
  type Outcome,
} from "./shell.js";

/** `flowpush rerun`: train a commit's failed points again. */
export function addRerunCommand(
  cli: Argv<{ verbose: boolean }>,
  outcome: Outcome,
) {
  return cli.command(
    "rerun [commit]",
    "start again the grid points of a commit's runs that failed or crashed",
    (argv) =>
      withWaitOptions(argv)
        .positional("commit", {
          type: "string",
          describe:
            "a commit: inside the repository any revision (default HEAD), elsewhere the full SHA",
        })
        .option("failed", {
          type: "boolean",
          demandOption:
            "say which points to run again: --failed, the points that failed or crashed",
          describe:
            "run again the points whose latest attempt failed or crashed",
        })
        .option("repo", {
          type: "string",
          default: ".",
          describe: "the repository's folder",
        })
        .option("dry-run", {
          type: "boolean",
          default: false,
          describe: "print which points would run again, and stop",
        }),
    async (args) => {
      const log = loggerFor(args);
      const git = await openRepository(args.repo, log);
      const sha = await resolveCommit(args.commit, git, resolve(args.repo));
      const config = await configAt(git, sha);
      const prefect = createPrefectClient(
        resolvePrefectSettings(process.env, config?.prefect, config?.source),
        log,
      );

      const { runs, reported } = await readCommitRuns(sha, prefect);
      // Outside the repository flowpush.yaml is out of reach, and with it
      // a flow's own grid_parameter: the default then stands.
      const gridParameter: GridParameterOf = (part, flow) =>
        config?.parts.get(part)?.flows.get(flow)?.gridParameter ?? "grid";
      const { reruns, skipped } = selectFailedPoints(
        runs,
        reported,
        gridParameter,
      );
      for (const point of skipped)
        log.info(
          `${point.part}/${point.flow} point ${point.index} is left alone: ${point.why}`,
        );
      if (reruns.length === 0) {
        log.info(
          `no point of commit ${shortSha(sha)} failed or crashed: nothing to run again`,
        );
        return;
      }
      if (args["dry-run"]) {
        for (const rerun of reruns)
          log.info(
            `would run again ${rerun.part}/${rerun.flow} ${rerun.indices.length > 0 ? `points ${rerun.indices.join(", ")}` : "whole"} of ${rerun.original.name}`,
          );
        return;
      }

      let started = await startReruns(reruns, gridParameter, prefect, log);
      const wait = waitFrom(args);
      if (!wait) return;
      started = await waitForRuns(started, prefect, log, wait);
      const results = await collectResults(started, [], prefect);
      reportResults(results, args["allow-failures"], log, outcome);
    },
  );
}
