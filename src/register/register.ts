import type { BuiltImage } from "../build/push.js";
import type { PrefectClient } from "../clients/prefect.js";
import type { Commit } from "../commit/context.js";
import type { FlowConfig } from "../config/config.js";
import type { Logger } from "../log.js";
import type { Plan } from "../plan/plan.js";

/** A deployment flowpush created or updated, pinned to one image. */
export interface RegisteredDeployment {
  part: string;
  flow: string;
  id: string;
  /** `<flow name>/<deployment name>`, as Prefect's CLI and UI name it. */
  name: string;
  image: string;
  /** The commit's job variables, pinned on its runs as well: the
   * deployment is shared by every commit, and another push may update it
   * between this push's registration and its run starting. */
  jobVariables: Record<string, unknown>;
}

/**
 * What the runtime reads in every run of the deployment (the contract is
 * in runtime/README.md): the commit and where the run came from, and where
 * a grid trained in one run sends its points.
 */
function deploymentEnv(
  commit: Commit,
  part: string,
  flow: FlowConfig,
  image: BuiltImage,
): Record<string, string> {
  const env: Record<string, string> = {
    ...(flow.jobVariables.env as Record<string, string> | undefined),
    FLOWPUSH_COMMIT: commit.sha,
    FLOWPUSH_PART: part,
    FLOWPUSH_FLOW: flow.key,
    FLOWPUSH_IMAGE: image.reference,
  };
  const dask = flow.dask;
  if (dask?.kind === "address") env.FLOWPUSH_DASK_ADDRESS = dask.address;
  if (dask?.kind === "kubernetes") {
    env.FLOWPUSH_DASK_KUBERNETES = JSON.stringify({
      image: image.reference,
      // The workers' pods go where the flow's own pod goes, unless told.
      namespace: dask.namespace ?? flow.kubernetes.namespace,
      min_workers: dask.workers.min,
      max_workers: dask.workers.max,
      worker_cpu: dask.cpu,
      worker_memory: dask.memory,
      lifetime: dask.lifetime,
      env: dask.env,
    });
  }
  return env;
}

export function commitTags(commit: Commit, part: string): string[] {
  return [`commit:${commit.sha}`, `part:${part}`];
}

/**
 * Creates or updates one deployment per flow of every built part. Both
 * calls are upserts, so registering the same commit twice changes nothing.
 */
export async function registerDeployments(
  plan: Plan,
  images: BuiltImage[],
  prefect: PrefectClient,
  log: Logger,
): Promise<RegisteredDeployment[]> {
  const registered: RegisteredDeployment[] = [];
  for (const build of plan.builds) {
    const image = images.find(
      (candidate) => candidate.part === build.part.name,
    );
    if (!image)
      throw new Error(`no image was built for part ${build.part.name}`);

    for (const [index, { flow, workPool }] of build.flows.entries()) {
      const described = image.flows[index];
      if (!described)
        throw new Error(
          `the image of ${build.part.name} did not describe ${flow.entrypoint}`,
        );

      const { id: flowId } = await prefect.upsertFlow(described.name);
      const jobVariables = {
        ...flow.jobVariables,
        ...flow.kubernetes,
        image: image.reference,
        env: deploymentEnv(plan.commit, build.part.name, flow, image),
      };
      const deployment = await prefect.upsertDeployment({
        name: flow.deployment,
        flow_id: flowId,
        entrypoint: flow.entrypoint,
        work_pool_name: workPool,
        ...(flow.workQueue ? { work_queue_name: flow.workQueue } : {}),
        job_variables: jobVariables,
        parameters: flow.parameters,
        parameter_openapi_schema: described.parameter_schema,
        enforce_parameter_schema: true,
        pull_steps: [
          {
            "prefect.deployments.steps.set_working_directory": {
              directory: image.workdir,
            },
          },
        ],
        version: plan.commit.sha,
        tags: [...commitTags(plan.commit, build.part.name), ...flow.tags],
        ...((flow.description ?? described.description)
          ? { description: flow.description ?? described.description ?? "" }
          : {}),
      });
      const name = `${described.name}/${deployment.name}`;
      log.info(
        `registered ${build.part.name}/${flow.key}: deployment ${name} (${deployment.id})`,
      );
      registered.push({
        part: build.part.name,
        flow: flow.key,
        id: deployment.id,
        name,
        image: image.reference,
        jobVariables,
      });
    }
  }
  return registered;
}
