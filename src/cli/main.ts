#!/usr/bin/env node
import { readFile } from "node:fs/promises";

import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";

import { openGitRepository } from "../clients/git.js";
import { createPrefectClient, type PrefectClient } from "../clients/prefect.js";
import { readLocalPush } from "../commit/local.js";
import { resolvePrefectSettings, secretsIn } from "../config/settings.js";
import { describeError, FlowpushError } from "../errors.js";
import { createStreamLogger, Secrets, type Logger } from "../log.js";
import { push, type PushRequest } from "../push.js";
import { renderPlan, renderResult } from "../report/terminal.js";
import { FINAL_STATES } from "../run/wait.js";

/** Exit codes, also listed in the README. */
const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  runNotCompleted: 3,
  bug: 70,
} as const;

// A reader that stops early (`flowpush logs | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
  throw error;
});

const secrets = new Secrets();
secretsIn(process.env).forEach((secret) => secrets.add(secret));
const write = (stream: NodeJS.WriteStream) => (line: string) =>
  stream.write(`${secrets.mask(line)}\n`);

interface CommonArgs {
  repo: string;
  commit: string;
  since: string | undefined;
  config: string | undefined;
  verbose: boolean;
}

function commonOptions<T>(argv: Argv<T>) {
  return argv
    .option("repo", {
      type: "string",
      default: ".",
      describe: "the repository's folder",
    })
    .option("commit", {
      type: "string",
      default: "HEAD",
      describe: "the head commit of the push",
    })
    .option("since", {
      type: "string",
      describe: "the commit before the push; its successors are pushed",
    })
    .option("config", {
      type: "string",
      describe: "read flowpush.yaml from this file, not from the commit",
    });
}

async function buildRequest(
  args: CommonArgs,
  log: Logger,
): Promise<Omit<PushRequest, "dryRun" | "wait">> {
  const git = await openGitRepository(args.repo, log);
  const context = await readLocalPush(git, {
    rev: args.commit,
    since: args.since,
  });
  const configOverride = args.config
    ? { text: await readConfigFile(args.config), source: args.config }
    : undefined;
  return {
    context,
    git,
    env: process.env,
    configOverride,
    dockerHost: process.env.DOCKER_HOST || "unix:///var/run/docker.sock",
    log,
  };
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    throw new FlowpushError(
      "CONFIG_NOT_FOUND",
      `cannot read the config file ${path}`,
      {
        hint: "check the path given to --config",
        cause,
      },
    );
  }
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

function loggerFor(args: { verbose: boolean }): Logger {
  return createStreamLogger({
    verbose: args.verbose,
    secrets,
    out: write(process.stdout),
    err: write(process.stderr),
  });
}

async function main(): Promise<number> {
  let exitCode: number = EXIT.ok;
  await yargs(hideBin(process.argv))
    .scriptName("flowpush")
    .option("verbose", {
      type: "boolean",
      default: false,
      describe: "log every command and request",
    })
    .command(
      "push",
      "build, register and run what the push's commit messages ask for",
      (argv) =>
        commonOptions(argv)
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
        const request = await buildRequest(args, log);
        const wait = args.wait
          ? { timeoutSeconds: args["wait-timeout"], pollSeconds: 2 }
          : undefined;
        const result = await push({
          ...request,
          dryRun: args["dry-run"],
          wait,
        });
        if (result.plan)
          log.info(
            args["dry-run"] ? renderPlan(result.plan) : renderResult(result),
          );
        const unfinished = result.runs.filter(
          (run) => args.wait && run.state !== "COMPLETED",
        );
        for (const run of unfinished)
          log.error(
            `run ${run.name} ended ${run.state ?? "in no known state"}`,
          );
        if (unfinished.length > 0) exitCode = EXIT.runNotCompleted;
      },
    )
    .command(
      "plan",
      "print what a push would build, register and run, changing nothing",
      (argv) => commonOptions(argv),
      async (args) => {
        const log = loggerFor(args);
        const request = await buildRequest(args, log);
        const result = await push({
          ...request,
          dryRun: true,
          wait: undefined,
        });
        log.info(
          result.plan
            ? renderPlan(result.plan)
            : "no flowpush directives: nothing to do",
        );
      },
    )
    .command(
      "logs [run]",
      "print the log lines of a flow run, or of every run of a commit",
      (argv) =>
        argv
          .positional("run", { type: "string", describe: "a flow run's id" })
          .option("repo", {
            type: "string",
            default: ".",
            describe: "the repository's folder",
          })
          .option("commit", {
            type: "string",
            default: "HEAD",
            describe: "the commit whose runs to show",
          }),
      async (args) => {
        const log = loggerFor(args);
        const prefect = createPrefectClient(
          resolvePrefectSettings(process.env),
          log,
        );
        const runIds = args.run
          ? [args.run]
          : await runsOfCommit(args, prefect, log);
        for (const id of runIds) {
          const run = await prefect.readFlowRun(id);
          log.info(`== ${run.name} (${run.id}) ${run.state_type ?? ""}`);
          for (const line of await prefect.readLogs(id)) log.info(line.message);
          if (
            run.state_type &&
            FINAL_STATES.has(run.state_type) &&
            run.state_type !== "COMPLETED"
          ) {
            exitCode = EXIT.runNotCompleted;
          }
        }
      },
    )
    .demandCommand(1, "name a command: push, plan or logs")
    .strict()
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`${message}\nrun flowpush --help for usage\n`);
      process.exit(EXIT.usage);
    })
    .parseAsync();
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const verbose = process.argv.includes("--verbose");
    process.stderr.write(
      `${secrets.mask(`error: ${describeError(error, verbose)}`)}\n`,
    );
    process.exitCode = error instanceof FlowpushError ? EXIT.error : EXIT.bug;
  },
);
