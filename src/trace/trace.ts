import type { RegistryClient } from "../clients/registry.js";
import { FlowpushError } from "../errors.js";
import {
  mlflowRunsOfCommit,
  mlflowRunsOfFlowRun,
  type TraceMlflow,
} from "./mlflow.js";
import {
  isUnavailable,
  type CommitTrace,
  type ImageTrace,
  type MlflowTrace,
  type RunTraceResult,
  type Unavailable,
} from "./model.js";
import {
  pinnedDeployments,
  readRun,
  runsOfCommit,
  type TracePrefect,
} from "./runs.js";

export interface TracedPart {
  name: string;
  /** The repository under the registry, e.g. `flowpush/prices`. */
  image: string;
}

/**
 * Where a trace reads from. Prefect is required; every other system may
 * be missing, and then says why instead of answering.
 */
export interface TraceSources {
  prefect: TracePrefect;
  uiUrl: string;
  registry: Pick<RegistryClient, "address" | "manifestDigest"> | Unavailable;
  mlflow: TraceMlflow | Unavailable;
  /** The commit's full message, from git. */
  readMessage(sha: string): Promise<string | Unavailable>;
  /** The parts of flowpush.yaml at the commit, and where it was read. */
  readParts(
    sha: string,
  ): Promise<{ source: string; parts: TracedPart[] } | Unavailable>;
}

/** From a commit to everything made from it. */
export async function traceCommit(
  sha: string,
  sources: TraceSources,
): Promise<CommitTrace> {
  const { prefect, uiUrl } = sources;
  const runs = await runsOfCommit(sha, prefect, uiUrl);
  const deployments = await pinnedDeployments(sha, prefect);
  const config = await sources.readParts(sha);

  return {
    commit: { sha, message: await sources.readMessage(sha) },
    config: isUnavailable(config) ? config : config.source,
    images: isUnavailable(config)
      ? config
      : await imagesOf(sha, config.parts, sources.registry),
    deployments,
    runs,
    mlflow: await whenAvailable(sources.mlflow, (mlflow) =>
      mlflowRunsOfCommit(sha, mlflow),
    ),
  };
}

/** From one flow run back to its commit, and on to what it logged. */
export async function traceRun(
  id: string,
  sources: TraceSources,
): Promise<RunTraceResult> {
  const run = await readRun(id, sources.prefect, sources.uiUrl);
  if (!run) {
    throw new FlowpushError(
      "RUN_NOT_FOUND",
      `the Prefect server has no flow run ${id}`,
      {
        hint: "check the id, and that PREFECT_API_URL names the server that ran it; flowpush trace <commit> lists a commit's runs",
      },
    );
  }
  const message: string | Unavailable = run.commit
    ? await sources.readMessage(run.commit)
    : {
        unavailable: "the run carries no commit tag: flowpush did not start it",
      };

  return {
    commit: { sha: run.commit, message },
    run,
    mlflow: await whenAvailable(sources.mlflow, (mlflow) =>
      mlflowRunsOfFlowRun(id, mlflow),
    ),
  };
}

async function imagesOf(
  sha: string,
  parts: TracedPart[],
  registry: TraceSources["registry"],
): Promise<ImageTrace[] | Unavailable> {
  if (isUnavailable(registry)) return registry;
  const images: ImageTrace[] = [];
  for (const part of parts) {
    images.push({
      part: part.name,
      reference: `${registry.address}/${part.image}:${sha}`,
      digest: await registry.manifestDigest(part.image, sha),
    });
  }
  return images;
}

async function whenAvailable(
  mlflow: TraceMlflow | Unavailable,
  read: (mlflow: TraceMlflow) => Promise<MlflowTrace>,
): Promise<MlflowTrace | Unavailable> {
  return isUnavailable(mlflow) ? mlflow : read(mlflow);
}
