import { z } from "zod";

import { EngineError, type DockerClient } from "../clients/docker.js";
import type { GitClient } from "../clients/git.js";
import { shortSha, type Commit } from "../commit/context.js";
import type { Settings } from "../config/settings.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Plan, PlannedBuild } from "../plan/plan.js";
import { createBuildContext, runtimeFiles, writeTar, type BuildContext } from "./context.js";
import { imageLabels } from "./labels.js";

/** A part's image, pushed, with what the image said about its flows. */
export interface BuiltImage {
  part: string;
  repository: string;
  tags: string[];
  digest: string;
  /** `repository@digest`: what deployments pin. */
  reference: string;
  flows: FlowDescription[];
  /** The image's working directory, where the worker must run the flows. */
  workdir: string;
}

const descriptionSchema = z.object({
  workdir: z.string(),
  flows: z.array(
    z.object({
      entrypoint: z.string(),
      name: z.string(),
      description: z.string().nullish(),
      parameter_schema: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type FlowDescription = z.infer<typeof descriptionSchema>["flows"][number];

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
 * Builds every planned part, checks that each image imports its flows, and
 * only then pushes them all: a part that fails leaves nothing in the
 * registry, and nothing is registered.
 */
export async function buildImages(inputs: BuildInputs): Promise<BuiltImage[]> {
  const { plan, git, log } = inputs;
  // Every context is assembled before the first build: a missing Dockerfile
  // in the second part must not leave the first part built.
  const contexts = new Map<string, BuildContext>();
  for (const build of plan.builds) {
    contexts.set(build.part.name, await createBuildContext(git, plan.commit.sha, build.part));
  }

  const built: Array<Omit<BuiltImage, "digest" | "reference">> = [];
  for (const build of plan.builds) {
    const context = contexts.get(build.part.name) as BuildContext;
    const image = await buildPart(inputs, build, context);
    log.info(`built ${build.part.name}: ${image.tags[0]}`);
    built.push(image);
  }

  const pushed: BuiltImage[] = [];
  for (const image of built) {
    const digest = await pushImage(inputs, image.repository, image.tags);
    const reference = `${image.repository}@${digest}`;
    log.info(`pushed ${image.part}: ${reference}`);
    pushed.push({ ...image, digest, reference });
  }
  return pushed;
}

async function buildPart(inputs: BuildInputs, build: PlannedBuild, context: BuildContext) {
  const { plan, docker, log } = inputs;
  const { part } = build;
  const commit: Commit = plan.commit;
  const repository = `${inputs.registry.address}/${part.image}`;
  const tags = [`${repository}:${commit.sha}`, `${repository}:${shortSha(commit.sha)}`];

  const recent: string[] = [];
  try {
    await docker.build({
      context: context.tar,
      dockerfile: context.dockerfile,
      tags,
      labels: imageLabels(commit, part.name, inputs.sourceUrl),
      buildArgs: { BASE_IMAGE: part.baseImage, PREFECT_VERSION: inputs.prefectVersion },
      onLine: (line) => {
        log.debug(`build ${part.name}: ${line}`);
        recent.push(line);
        if (recent.length > 15) recent.shift();
      },
    });
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    throw new FlowpushError("BUILD_FAILED", `building part "${part.name}" failed: ${error.message}`, {
      hint: `the build's last lines:\n    ${recent.join("\n    ")}`,
      cause: error,
    });
  }

  const description = await describeFlows(docker, tags[0] as string, build);
  return { part: part.name, repository, tags, flows: description.flows, workdir: description.workdir };
}

/** Imports the part's flows inside the image, as the worker will. */
async function describeFlows(docker: DockerClient, image: string, build: PlannedBuild) {
  const entrypoints = build.flows.map(({ flow }) => flow.entrypoint);
  // The runtime goes in beside the image's own packages, so that parts built
  // from their own Dockerfile need only Prefect to be introspected.
  const runtime = await writeTar(await runtimeFiles("flowpush-introspect", true));
  const output = await docker.runOnce({
    image,
    entrypoint: ["python3"],
    command: ["-m", "flowpush_runtime", "schema", ...entrypoints],
    env: ["PYTHONPATH=/tmp/flowpush-introspect", "PREFECT_LOGGING_LEVEL=ERROR"],
    files: { tar: runtime, path: "/tmp" },
  });
  if (output.exitCode !== 0) {
    const tail = output.stderr.trim().split("\n").slice(-12).join("\n    ");
    throw new FlowpushError("FLOW_IMPORT_FAILED", `the flows of part "${build.part.name}" do not import in its image`, {
      hint: `fix the import error below, or the entrypoints (${entrypoints.join(", ")}):\n    ${tail}`,
    });
  }
  return descriptionSchema.parse(JSON.parse(output.stdout));
}

async function pushImage(inputs: BuildInputs, repository: string, tags: string[]): Promise<string> {
  const { docker, registry } = inputs;
  const auth = { username: registry.username, password: registry.password, serveraddress: registry.address };
  let digest: string | undefined;
  for (const reference of tags) {
    const tag = reference.slice(repository.length + 1);
    try {
      digest = (await docker.push(repository, tag, auth)).digest ?? digest;
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      const refused = /unauthorized|authentication required|denied/i.test(error.message);
      throw new FlowpushError(refused ? "REGISTRY_AUTH" : "PUSH_FAILED", `pushing ${reference} failed: ${error.message}`, {
        hint: refused ? "check FLOWPUSH_REGISTRY_USERNAME and FLOWPUSH_REGISTRY_PASSWORD" : "check the registry's logs",
        cause: error,
      });
    }
  }
  // Older engines omit the digest from the push stream; the image knows it.
  digest ??= await docker.repoDigest(tags[0] as string, repository);
  if (!digest) throw new FlowpushError("PUSH_FAILED", `the registry reported no digest for ${tags[0]}`);
  return digest;
}
