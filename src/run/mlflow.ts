import {
  searchAllRuns,
  tagFilter,
  type MlflowClient,
} from "../clients/mlflow.js";
import type { Commit } from "../commit/context.js";
import type { Logger } from "../log.js";

/** Where a push's runs log, when a tracking server is set. */
export interface RunTracking {
  client: MlflowClient;
  /** The experiment a part's runs log to. */
  experimentOf(part: string): string;
}

export interface GridParent {
  experiment: string;
  runId: string;
}

/**
 * The MLflow parent run of a grid trained one flow run per point. Those
 * runs start apart, so none of them can make the parent: flowpush makes it
 * before the first starts, tagged like the points, and finds it again by
 * those tags when the same push runs twice. (A grid trained in one flow
 * run gets its parent from the runtime instead.)
 */
export async function gridParentRun(
  tracking: RunTracking,
  grid: { commit: Commit; part: string; flow: string; hash: string },
  log: Logger,
): Promise<GridParent> {
  const experiment = tracking.experimentOf(grid.part);
  const experimentId = await tracking.client.getOrCreateExperiment(experiment);
  const tags = {
    "mlflow.source.git.commit": grid.commit.sha,
    "flowpush.part": grid.part,
    "flowpush.flow": grid.flow,
    "flowpush.grid_hash": grid.hash,
    "flowpush.role": "grid",
  };
  const [existing] = await searchAllRuns(tracking.client, {
    experimentIds: [experimentId],
    filter: tagFilter(tags),
    maxResults: 1,
  });
  if (existing) {
    log.debug(`MLflow parent run ${existing.id} of grid ${grid.hash} exists`);
    return { experiment, runId: existing.id };
  }
  const parent = await tracking.client.createRun({
    experimentId,
    runName: `${grid.part}-${grid.flow}-grid`,
    tags,
  });
  log.debug(`made MLflow parent run ${parent.id} for grid ${grid.hash}`);
  return { experiment, runId: parent.id };
}
