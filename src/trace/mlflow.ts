import {
  mlflowRunUrl,
  searchAllRuns,
  tagFilter,
  type MlflowClient,
  type MlflowRun,
} from "../clients/mlflow.js";
import type { MlflowGrid, MlflowRunTrace, MlflowTrace } from "./model.js";

/** What a trace asks MLflow: reads only, so a trace creates nothing. */
export type TraceMlflow = Pick<
  MlflowClient,
  "trackingUri" | "searchExperiments" | "searchRuns" | "getRun"
>;

export const MLFLOW_TAGS = {
  commit: "mlflow.source.git.commit",
  parent: "mlflow.parentRunId",
  part: "flowpush.part",
  flow: "flowpush.flow",
  grid: "flowpush.grid_hash",
  point: "flowpush.point_index",
  role: "flowpush.role",
  flowRun: "prefect.flow_run_id",
} as const;

// Keeps each search's request small whatever the server holds.
const EXPERIMENTS_PER_SEARCH = 100;

/** The commit's runs in every experiment, points under their grids. */
export async function mlflowRunsOfCommit(
  sha: string,
  mlflow: TraceMlflow,
): Promise<MlflowTrace> {
  const runs = await searchEverywhere(mlflow, { [MLFLOW_TAGS.commit]: sha });
  return { trackingUri: mlflow.trackingUri, grids: nest(runs, mlflow) };
}

/** The runs a flow run logged, with the parent run of their grid. */
export async function mlflowRunsOfFlowRun(
  flowRunId: string,
  mlflow: TraceMlflow,
): Promise<MlflowTrace> {
  const runs = await searchEverywhere(mlflow, {
    [MLFLOW_TAGS.flowRun]: flowRunId,
  });
  // In per-point mode flowpush makes the parent before any flow run
  // exists, so the parent carries no flow run id: fetch it by its id.
  const known = new Set(runs.map((run) => run.id));
  const parentIds = new Set(
    runs
      .map((run) => run.tags[MLFLOW_TAGS.parent])
      .filter((id): id is string => Boolean(id) && !known.has(id as string)),
  );
  for (const id of parentIds) {
    const parent = await mlflow.getRun(id);
    if (parent) runs.push(parent);
  }
  return { trackingUri: mlflow.trackingUri, grids: nest(runs, mlflow) };
}

async function searchEverywhere(
  mlflow: TraceMlflow,
  tags: Record<string, string>,
): Promise<MlflowRun[]> {
  const experiments = await mlflow.searchExperiments();
  const runs: MlflowRun[] = [];
  for (let at = 0; at < experiments.length; at += EXPERIMENTS_PER_SEARCH) {
    const slice = experiments.slice(at, at + EXPERIMENTS_PER_SEARCH);
    runs.push(
      ...(await searchAllRuns(mlflow, {
        experimentIds: slice.map((experiment) => experiment.id),
        filter: tagFilter(tags),
      })),
    );
  }
  return runs;
}

/** Parents (role `grid`) with their points; points whose parent was not
 * found form a grid without a parent. */
export function nest(runs: MlflowRun[], mlflow: TraceMlflow): MlflowGrid[] {
  const withUrl = (run: MlflowRun): MlflowRunTrace => ({
    ...run,
    url: mlflowRunUrl(mlflow.trackingUri, run),
  });
  const isParent = (run: MlflowRun) => run.tags[MLFLOW_TAGS.role] === "grid";
  const grids = new Map<string, MlflowGrid>();
  for (const run of runs.filter(isParent))
    grids.set(run.id, { parent: withUrl(run), points: [] });

  for (const run of runs.filter((run) => !isParent(run))) {
    const parentId = run.tags[MLFLOW_TAGS.parent] ?? `orphan:${run.id}`;
    const grid = grids.get(parentId) ?? { parent: undefined, points: [] };
    grid.points.push(withUrl(run));
    grids.set(parentId, grid);
  }
  const pointIndex = (run: MlflowRun) =>
    Number(run.tags[MLFLOW_TAGS.point] ?? Number.MAX_SAFE_INTEGER);
  for (const grid of grids.values())
    grid.points.sort((a, b) => pointIndex(a) - pointIndex(b));
  return [...grids.values()].sort(
    (a, b) => gridKey(a).localeCompare(gridKey(b)) || startOf(a) - startOf(b),
  );
}

function gridKey(grid: MlflowGrid): string {
  const tags = (grid.parent ?? grid.points[0])?.tags ?? {};
  return [MLFLOW_TAGS.part, MLFLOW_TAGS.flow, MLFLOW_TAGS.grid]
    .map((key) => tags[key] ?? "")
    .join("\n");
}

function startOf(grid: MlflowGrid): number {
  return (grid.parent ?? grid.points[0])?.startTime ?? 0;
}
