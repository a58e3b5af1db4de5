import { createHash } from "node:crypto";

import type { PrefectClient } from "../clients/prefect.js";
import { shortSha, type Commit } from "../commit/context.js";
import { toJson } from "../grid/values.js";
import type { Logger } from "../log.js";
import type { Plan, PlannedRun } from "../plan/plan.js";
import { commitTags, type RegisteredDeployment } from "../register/register.js";

export interface StartedRun {
  part: string;
  flow: string;
  id: string;
  name: string;
  /** False when the server already had a run with this idempotency key. */
  created: boolean;
  points: bigint | undefined;
  state: string | undefined;
}

/**
 * The key Prefect deduplicates runs by. It covers everything that makes a
 * run what it is (commit, flow, grid), so re-running the same CI job finds
 * the first run instead of training the grid again.
 */
export function idempotencyKey(commit: Commit, run: PlannedRun): string {
  const grid = run.grid ? toJson(run.grid.spec, true) : "default";
  const digest = createHash("sha256")
    .update([commit.sha, run.part.name, run.flow.key, grid].join("\n"))
    .digest("hex")
    .slice(0, 16);
  return `flowpush:${commit.sha}:${run.part.name}/${run.flow.key}:${digest}`;
}

export async function startRuns(
  plan: Plan,
  deployments: RegisteredDeployment[],
  prefect: PrefectClient,
  log: Logger,
): Promise<StartedRun[]> {
  const started: StartedRun[] = [];
  for (const run of plan.runs) {
    const deployment = deployments.find(
      (d) => d.part === run.part.name && d.flow === run.flow.key,
    );
    if (!deployment)
      throw new Error(
        `no deployment was registered for ${run.part.name}/${run.flow.key}`,
      );

    const parameters = run.grid
      ? { [run.flow.gridParameter]: run.grid.spec }
      : {};
    const { run: flowRun, created } = await prefect.createFlowRun(
      deployment.id,
      {
        name: `${run.part.name}-${run.flow.key}-${shortSha(plan.commit.sha)}`,
        parameters,
        tags: [
          ...commitTags(plan.commit, run.part.name),
          `flow:${run.flow.key}`,
        ],
        idempotency_key: idempotencyKey(plan.commit, run),
        job_variables: deployment.jobVariables,
      },
    );
    const verb = created ? "started" : "found existing";
    log.info(
      `${verb} run ${run.part.name}/${run.flow.key}: ${flowRun.name} (${flowRun.id})`,
    );
    started.push({
      part: run.part.name,
      flow: run.flow.key,
      id: flowRun.id,
      name: flowRun.name,
      created,
      points: run.grid?.size,
      state: flowRun.state_type ?? undefined,
    });
  }
  return started;
}
