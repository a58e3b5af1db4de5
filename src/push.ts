import { buildImages } from "./build/build.js";
import { pushImages, type BuiltImage } from "./build/push.js";
import { createDockerClient, type DockerClient } from "./clients/docker.js";
import { createMlflowClient, type MlflowClient } from "./clients/mlflow.js";
import type { GitClient } from "./clients/git.js";
import { createPrefectClient, type PrefectClient } from "./clients/prefect.js";
import {
  createRegistryClient,
  type RegistryClient,
} from "./clients/registry.js";
import { headOf, shortSha, type PushContext } from "./commit/context.js";
import { changedPaths } from "./commit/history.js";
import { parseConfig, type Config } from "./config/config.js";
import { loadConfigAt } from "./config/load.js";
import {
  resolveSettings,
  type Environment,
  type Settings,
} from "./config/settings.js";
import { findSkipMarker } from "./directives/inline.js";
import { parseDirectives, type CommitDirectives } from "./directives/parse.js";
import { FlowpushError } from "./errors.js";
import type { Logger } from "./log.js";
import {
  createPlan,
  isEmptyPlan,
  needsChangedPaths,
  type Plan,
} from "./plan/plan.js";
import { checkRegistrations } from "./register/check.js";
import {
  registerDeployments,
  type RegisteredDeployment,
} from "./register/register.js";
import { startRuns, type StartedRun } from "./run/run.js";
import { collectResults, type GridResult } from "./run/results.js";
import { waitForRuns } from "./run/wait.js";

/**
 * The road from a push to runs: directives, plan, build, register, run.
 * Everything the input can be refused for is refused, and every outside
 * system is checked, before the first image is built; what only the built
 * images can tell (do the flows import, do their parameters fit the plan)
 * is checked before the first image is pushed.
 */
export interface PushRequest {
  context: PushContext;
  git: GitClient;
  env: Environment;
  /** flowpush.yaml read from disk instead of from the head commit. */
  configOverride?: { text: string; source: string } | undefined;
  dryRun: boolean;
  wait: { timeoutSeconds: number; pollSeconds: number } | undefined;
  dockerHost: string;
  log: Logger;
  connect?: (settings: Settings, dockerHost: string, log: Logger) => Clients;
}

export interface Clients {
  docker: DockerClient;
  registry: RegistryClient;
  prefect: PrefectClient;
  /** Present when a tracking server is set. */
  mlflow: MlflowClient | undefined;
}

export interface PushResult {
  plan: Plan | undefined;
  settings: Settings | undefined;
  images: BuiltImage[];
  deployments: RegisteredDeployment[];
  runs: StartedRun[];
  /** Per grid, how each point went; only when the push waited. */
  results: GridResult[];
}

/** What a push that did nothing returns. */
export function emptyResult(): PushResult {
  return {
    plan: undefined,
    settings: undefined,
    images: [],
    deployments: [],
    runs: [],
    results: [],
  };
}

export async function push(request: PushRequest): Promise<PushResult> {
  const { context, log } = request;
  const empty = emptyResult();

  const commits = readPushDirectives(context, log);
  if (!commits) return empty;

  const config = await loadConfig(request);
  const first = (commits[0] as CommitDirectives).commit;
  const changed = needsChangedPaths(commits)
    ? await changedPaths(request.git, first.sha, headOf(context).sha, log)
    : undefined;
  const plan = createPlan({
    head: headOf(context),
    commits,
    config,
    branch: context.branch,
    changedPaths: changed,
  });
  if (request.dryRun || isEmptyPlan(plan)) return { ...empty, plan };

  const settings = resolveSettings(config, request.env);
  const connect = request.connect ?? connectClients;
  const clients = connect(settings, request.dockerHost, log);
  const prefectVersion = await preflight(plan, settings, clients, log);

  const local = await buildImages({
    plan,
    git: request.git,
    docker: clients.docker,
    registry: settings.registry,
    sourceUrl: context.sourceUrl,
    prefectVersion,
    log,
  });
  checkRegistrations(plan, local, config.policy.maxPoints);
  const images = await pushImages(
    local,
    clients.docker,
    settings.registry,
    log,
  );
  const deployments = await registerDeployments(
    plan,
    images,
    clients.prefect,
    log,
  );
  let runs = await startRuns({
    plan,
    deployments,
    images,
    prefect: clients.prefect,
    mlflow: clients.mlflow && {
      client: clients.mlflow,
      experimentOf: (part: string) => experimentOf(settings, part),
    },
    log,
  });
  let results: GridResult[] = [];
  if (request.wait && runs.length > 0) {
    runs = await waitForRuns(runs, clients.prefect, log, request.wait);
    results = await collectResults(runs, plan.runs, clients.prefect);
  }
  return { plan, settings, images, deployments, runs, results };
}

/** Runs log to the configured experiment, else to one named after the part. */
function experimentOf(settings: Settings, part: string): string {
  return settings.mlflow?.experiment ?? part;
}

export function connectClients(
  settings: Settings,
  dockerHost: string,
  log: Logger,
): Clients {
  return {
    docker: createDockerClient(dockerHost, log),
    registry: createRegistryClient(
      settings.registry.address,
      settings.registry,
      log,
    ),
    prefect: createPrefectClient(settings.prefect, log),
    mlflow:
      settings.mlflow && createMlflowClient(settings.mlflow.connection, log),
  };
}

/**
 * Every commit's directives, oldest first, or nothing when there is nothing
 * to do: no directives, or a skip marker on the head commit. A skip marker
 * on an earlier commit silences that commit only.
 */
function readPushDirectives(
  context: PushContext,
  log: Logger,
): CommitDirectives[] | undefined {
  const head = context.head;
  const headSkip = head && findSkipMarker(head.message);
  if (!head || headSkip) {
    const why = head
      ? `commit ${shortSha(head.sha)} says ${headSkip}`
      : "the push deleted the branch";
    log.info(`${why}: nothing to do`);
    return undefined;
  }
  const commits = context.commits.map(parseDirectives);
  for (const { commit, skip } of commits) {
    if (skip)
      log.info(
        `commit ${shortSha(commit.sha)} says ${skip}: its directives are left out`,
      );
  }
  if (commits.every(({ directives }) => directives.length === 0)) {
    log.info("no flowpush directives in this push: nothing to do");
    return undefined;
  }
  return commits;
}

async function loadConfig(request: PushRequest): Promise<Config> {
  const override = request.configOverride;
  if (override) return parseConfig(override.text, override.source);
  return loadConfigAt(request.git, headOf(request.context).sha);
}

/**
 * Checks every outside system the push needs, so that an unreachable server
 * or a refused password fails the push before anything is built. Returns the
 * Prefect server's release, which the image template installs.
 */
async function preflight(
  plan: Plan,
  settings: Settings,
  clients: Clients,
  log: Logger,
): Promise<string> {
  await clients.docker.ping();
  await clients.registry.checkCredentials();
  await clients.prefect.checkHealth();
  // Every run is told the tracking server, and runs of one point each log
  // under a parent run flowpush makes: refuse a server that does not
  // answer, or an experiment nobody can log to, now.
  const mlflow = clients.mlflow;
  if (mlflow) {
    const experiments = new Set(
      plan.runs.map((run) => experimentOf(settings, run.part.name)),
    );
    for (const name of experiments) await mlflow.checkExperiment(name);
  }
  const version = await clients.prefect.serverVersion();
  log.debug(`Prefect server ${version} at ${clients.prefect.apiUrl}`);

  const pools = new Set(
    plan.builds.flatMap((build) => build.flows.map((flow) => flow.workPool)),
  );
  for (const pool of pools) {
    if (!(await clients.prefect.workPoolExists(pool))) {
      throw new FlowpushError(
        "WORK_POOL_MISSING",
        `Prefect has no work pool "${pool}"`,
        {
          hint: `create it (prefect work-pool create ${pool} --type docker) or set another work_pool in flowpush.yaml`,
        },
      );
    }
  }
  return version;
}
