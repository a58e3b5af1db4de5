import { readFile } from "node:fs/promises";

import { openGitRepository, type GitClient } from "../clients/git.js";
import {
  detectPlatform,
  readPushContext,
  type Platform,
} from "../platforms/detect.js";
import type { Config } from "../config/config.js";
import { loadConfigAt } from "../config/load.js";
import { secretsIn } from "../config/settings.js";
import { FlowpushError } from "../errors.js";
import { createStreamLogger, Secrets, type Logger } from "../log.js";
import type { PushRequest } from "../push.js";
import { renderResultsText } from "../report/results.js";
import { describeFailures, type GridResult } from "../run/results.js";

/**
 * What the command line shares between its commands: exit codes, the
 * secret-masking logger, and turning arguments and the process environment
 * into the core's input. This is the only place below main.ts that may read
 * process.env.
 */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  runNotCompleted: 3,
  bug: 70,
} as const;

/** Where commands record how the process should end. */
export interface Outcome {
  exitCode: number;
}

export const secrets = new Secrets();
secretsIn(process.env).forEach((secret) => secrets.add(secret));

const writeTo = (stream: NodeJS.WriteStream) => (line: string) =>
  stream.write(`${secrets.mask(line)}\n`);

export function loggerFor(args: { verbose: boolean }): Logger {
  return createStreamLogger({
    verbose: args.verbose,
    secrets,
    out: writeTo(process.stdout),
    err: writeTo(process.stderr),
  });
}

/**
 * The results tables of the grids waited for, and the exit code they
 * mean: a point that did not complete fails the command unless allowed.
 */
export function reportResults(
  results: GridResult[],
  allowFailures: boolean,
  log: Logger,
  outcome: Outcome,
): void {
  if (results.length > 0) log.info(`\n${renderResultsText(results)}`);
  const failure = describeFailures(results, allowFailures);
  if (failure) {
    log.error(`${failure}; --allow-failures accepts that`);
    outcome.exitCode = EXIT.runNotCompleted;
  }
}

/**
 * The repository at `dir` and a commit's flowpush.yaml, for commands that
 * only read what a push made (logs, trace, rerun): outside a repository,
 * or with a file missing or not valid, they are undefined, and the
 * environment names the servers instead.
 */
export async function openRepository(
  dir: string,
  log: Logger,
): Promise<GitClient | undefined> {
  return openGitRepository(dir, log).catch(() => undefined);
}

export async function configAt(
  git: GitClient | undefined,
  sha: string | undefined,
): Promise<Config | undefined> {
  return git && sha ? loadConfigAt(git, sha).catch(() => undefined) : undefined;
}

export interface PushInputArgs {
  repo: string;
  commit: string;
  since: string | undefined;
  config: string | undefined;
  platform: Platform | "auto";
}

export async function pushRequestFrom(
  args: PushInputArgs,
  log: Logger,
): Promise<Omit<PushRequest, "dryRun" | "wait">> {
  const git = await openGitRepository(args.repo, log);
  // Naming the commits by hand means: these commits, whatever the CI says.
  const named = args.since !== undefined || args.commit !== "HEAD";
  const platform =
    args.platform !== "auto"
      ? args.platform
      : named
        ? "local"
        : detectPlatform(process.env);
  log.debug(`reading the push as ${platform} describes it`);
  const context = await readPushContext(
    {
      platform,
      env: process.env,
      local: { rev: args.commit, since: args.since },
    },
    git,
    log,
  );
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
      { hint: "check the path given to --config", cause },
    );
  }
}

const FULL_SHA = /^[0-9a-f]{40}$/i;

/** Any revision inside the repository; outside it only a full SHA. */
export async function resolveCommit(
  rev: string | undefined,
  git: GitClient | undefined,
  repo: string,
): Promise<string> {
  if (git && (await git.hasCommit(rev ?? "HEAD")))
    return (await git.readCommit(rev ?? "HEAD")).sha;
  // A commit this clone lacks can still be traced on the servers.
  if (rev && FULL_SHA.test(rev)) return rev.toLowerCase();
  if (git) {
    throw new FlowpushError(
      "GIT_FAILED",
      `no commit ${rev ?? "HEAD"} in the repository at ${git.root}`,
      { hint: "fetch the commit, or give its full 40-character SHA" },
    );
  }
  throw new FlowpushError(
    "GIT_FAILED",
    rev
      ? `"${rev}" is not a full commit SHA, and ${repo} is not inside a git repository that could resolve it`
      : `name the commit: ${repo} is not inside a git repository`,
    {
      hint: "give the commit's full 40-character SHA, or run the command inside a clone",
    },
  );
}

export async function headOf(git: GitClient): Promise<string | undefined> {
  return (await git.hasCommit("HEAD"))
    ? (await git.readCommit("HEAD")).sha
    : undefined;
}
