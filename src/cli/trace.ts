import { resolve } from "node:path";

import type { Argv } from "yargs";

import { mlflowSecretsIn } from "../clients/mlflow.js";
import { resolveMlflowSettings } from "../config/settings.js";
import { FlowpushError } from "../errors.js";
import { renderCommitTrace, renderRunTrace } from "../trace/render.js";
import { createTraceSources } from "../trace/sources.js";
import { traceCommit, traceRun } from "../trace/trace.js";
import {
  configAt,
  headOf,
  loggerFor,
  openRepository,
  resolveCommit,
  secrets,
} from "./shell.js";

const RUN_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `flowpush trace`: from a commit to everything made from it, or back
 * from one flow run to its commit. */
export function addTraceCommand(cli: Argv<{ verbose: boolean }>) {
  return cli.command(
    "trace [commit]",
    "show what a commit became (images, deployments, runs, MLflow metrics), or with --run where a run came from",
    (argv) =>
      argv
        .positional("commit", {
          type: "string",
          describe:
            "a commit: inside the repository any revision (default HEAD), elsewhere the full SHA",
        })
        .option("run", {
          type: "string",
          describe: "a flow run's id (or its Prefect URL) to trace back",
        })
        .option("repo", {
          type: "string",
          default: ".",
          describe: "the repository's folder",
        })
        .option("json", {
          type: "boolean",
          default: false,
          describe: "print the trace as JSON",
        })
        .conflicts("run", "commit"),
    async (args) => {
      const log = loggerFor(args);
      const runId = args.run === undefined ? undefined : runIdOf(args.run);
      const git = await openRepository(args.repo, log);
      const sha = runId
        ? undefined
        : await resolveCommit(args.commit, git, resolve(args.repo));
      // The servers are named by flowpush.yaml of the commit traced, or
      // of HEAD when tracing a run; the environment wins over both.
      const configSha = sha ?? (git && (await headOf(git)));
      const config = await configAt(git, configSha);
      const mlflow = resolveMlflowSettings(process.env, config?.mlflow);
      mlflowSecretsIn(process.env, mlflow?.trackingUri).forEach((secret) =>
        secrets.add(secret),
      );

      const sources = createTraceSources({
        git,
        repo: resolve(args.repo),
        config,
        env: process.env,
        log,
      });
      if (runId) {
        const trace = await traceRun(runId, sources);
        log.info(args.json ? toJson(trace) : renderRunTrace(trace));
      } else {
        const trace = await traceCommit(sha as string, sources);
        log.info(args.json ? toJson(trace) : renderCommitTrace(trace));
      }
    },
  );
}

/** The id alone, from an id or a run's address in the Prefect UI. */
function runIdOf(text: string): string {
  const id = RUN_ID.exec(text.trim().replace(/\/+$/, ""))?.[0];
  if (!id) {
    throw new FlowpushError("RUN_NOT_FOUND", `"${text}" is not a flow run id`, {
      hint: "a flow run's id is a UUID, the last part of its address in the Prefect UI (…/runs/flow-run/<id>)",
    });
  }
  return id.toLowerCase();
}

function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
