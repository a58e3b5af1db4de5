import { EngineError, type DockerClient } from "../clients/docker.js";
import type { GitClient } from "../clients/git.js";
import { shortSha } from "../commit/context.js";
import type { Settings } from "../config/settings.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Plan, PlannedBuild } from "../plan/plan.js";
import { createBuildContext, type BuildContext } from "./context.js";
import { describeFlows, type FlowDescription } from "./introspect.js";
import { imageLabels } from "./labels.js";

/** A part's image in the local engine, with what it said about its flows. */
export interface LocalImage {
  part: string;
  repository: string;
  /** Full SHA first, then the short SHA. */
  tags: string[];
  flows: FlowDescription[];
  /** The image's working directory, where the worker must run the flows. */
  workdir: string;
}

export interface BuildInputs {
  plan: Plan;
  git: GitClient;
  docker: DockerClient;
  registry: Settings["registry"];
  sourceUrl: string | undefined;
  prefectVersion: string;
  log: Logger;
}

/**
 * Builds every planned part and checks that each image imports its flows.
 * Nothing leaves the machine here: pushing is a step of its own, taken
 * only once every part has built and every registration has been checked.
 */
export async function buildImages(inputs: BuildInputs): Promise<LocalImage[]> {
  const { plan, git, log } = inputs;
  // Every context is assembled before the first build: a missing Dockerfile
  // in the second part must not leave the first part built.
  const contexts = new Map<string, BuildContext>();
  for (const build of plan.builds) {
    const context = await createBuildContext(git, plan.commit.sha, build.part);
    contexts.set(build.part.name, context);
  }

  const images: LocalImage[] = [];
  for (const build of plan.builds) {
    const context = contexts.get(build.part.name) as BuildContext;
    const image = await buildPart(inputs, build, context);
    log.info(`built ${build.part.name}: ${image.tags[0]}`);
    images.push(image);
  }
  return images;
}

async function buildPart(
  inputs: BuildInputs,
  build: PlannedBuild,
  context: BuildContext,
): Promise<LocalImage> {
  const { plan, docker, log } = inputs;
  const { part } = build;
  const repository = `${inputs.registry.address}/${part.image}`;
  const tags = [plan.commit.sha, shortSha(plan.commit.sha)].map(
    (tag) => `${repository}:${tag}`,
  );

  const recent: string[] = [];
  try {
    await docker.build({
      context: context.tar,
      dockerfile: context.dockerfile,
      tags,
      labels: imageLabels(plan.commit, part.name, inputs.sourceUrl),
      buildArgs: {
        BASE_IMAGE: part.baseImage,
        PREFECT_VERSION: inputs.prefectVersion,
      },
      onLine: (line) => {
        log.debug(`build ${part.name}: ${line}`);
        recent.push(line);
        if (recent.length > 15) recent.shift();
      },
    });
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    throw new FlowpushError(
      "BUILD_FAILED",
      `building part "${part.name}" failed: ${error.message}`,
      {
        hint: `the build's last lines:\n    ${recent.join("\n    ")}`,
        cause: error,
      },
    );
  }

  const { flows, workdir } = await describeFlows(
    docker,
    tags[0] as string,
    build,
  );
  return { part: part.name, repository, tags, flows, workdir };
}
