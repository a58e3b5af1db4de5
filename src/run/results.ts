import type { PrefectClient } from "../clients/prefect.js";
import { Grid } from "../grid/grid.js";
import type { PlannedRun } from "../plan/plan.js";
import {
  readReportedPoints,
  type PointResult as Reported,
} from "./artifact.js";
import { groupByGrid, type StartedRun } from "./run.js";

/** One point of a grid, how it went, and the flow run that trained it. */
export interface PointResult {
  /** Its index in the whole grid; undefined when a run died unreported
   * and its grid is not known (a flow's default that the image hid). */
  index: number | undefined;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  state: string;
  error: string | undefined;
  runId: string;
  mlflowRunId: string | undefined;
}

export interface GridResult {
  part: string;
  flow: string;
  mode: StartedRun["mode"];
  gridHash: string;
  points: PointResult[];
  /** What ranks the points, when any point reported a metric. */
  metric: { name: string; goal: "minimize" | "maximize" } | undefined;
  /** The index into `points` of the best completed point. */
  best: number | undefined;
}

// Past this many points, a run that died unreported is one row, not one
// row per point it would have trained.
const MAX_UNREPORTED_ROWS = 10_000;

/**
 * The results of every grid the push started: the rows the runtime
 * published, and for a run that published none (it crashed, or its flow
 * does not use the runtime) its points, each ending as the run did.
 */
export async function collectResults(
  runs: StartedRun[],
  planned: PlannedRun[],
  prefect: Pick<PrefectClient, "readArtifacts">,
): Promise<GridResult[]> {
  const reported = await readReportedPoints(
    prefect,
    runs.map((run) => run.id),
  );

  return groupByGrid(runs).map((members) => {
    const first = members[0] as StartedRun;
    const points = members
      .flatMap((run) => {
        const rows = reported.get(run.id);
        return rows ? rows.map((row) => fromRow(row, run)) : unreported(run);
      })
      .sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
    const configured = planned.find(
      (run) => run.part.name === first.part && run.flow.key === first.flow,
    )?.flow.metric;
    const metric = configured ?? guessMetric(points);
    return {
      part: first.part,
      flow: first.flow,
      mode: first.mode,
      gridHash: first.gridHash,
      points,
      metric,
      best: bestPoint(points, metric),
    };
  });
}

function fromRow(row: Reported, run: StartedRun): PointResult {
  return { ...row, runId: run.id };
}

function unreported(run: StartedRun): PointResult[] {
  const ended = run.state ?? "UNKNOWN";
  const error =
    ended === "COMPLETED"
      ? undefined
      : (run.message ?? `the run ended ${ended} without reporting results`);
  const row = (index: number | undefined, params: Record<string, unknown>) => ({
    index,
    params,
    metrics: {},
    state: ended,
    error,
    runId: run.id,
    mlflowRunId: undefined,
  });
  const grid = run.grid === undefined ? undefined : new Grid(run.grid);
  if (!grid || grid.size > BigInt(MAX_UNREPORTED_ROWS))
    return [row(undefined, {})];
  return Array.from({ length: Number(grid.size) }, (_, at) =>
    row(run.indices?.[at] ?? at, Object.fromEntries(grid.entriesAt(at))),
  );
}

// Names that mean "higher is better" in scikit-learn and MLflow habits.
const HIGHER_IS_BETTER = /acc|auc|r2|f1|precision|recall|score/i;

function guessMetric(points: PointResult[]): GridResult["metric"] {
  const names = [...new Set(points.flatMap((p) => Object.keys(p.metrics)))];
  const name = names.sort()[0];
  if (name === undefined) return undefined;
  return {
    name,
    goal: HIGHER_IS_BETTER.test(name) ? "maximize" : "minimize",
  };
}

function bestPoint(
  points: PointResult[],
  metric: GridResult["metric"],
): number | undefined {
  if (!metric) return undefined;
  let best: number | undefined;
  points.forEach((point, at) => {
    const value = point.metrics[metric.name];
    if (point.state !== "COMPLETED" || value === undefined) return;
    const current =
      best === undefined ? undefined : points[best]?.metrics[metric.name];
    const better =
      current === undefined ||
      (metric.goal === "minimize" ? value < current : value > current);
    if (better) best = at;
  });
  return best;
}

/**
 * Why a waited-for push counts as failed, in one line per grid, or
 * undefined when every point completed (or failures are allowed).
 */
/** The points of a grid that did not complete, in grid order. */
export function failedPoints(grid: GridResult): PointResult[] {
  return grid.points.filter((point) => point.state !== "COMPLETED");
}

export function describeFailures(
  grids: GridResult[],
  allowFailures: boolean,
): string | undefined {
  if (allowFailures) return undefined;
  const lines = grids.flatMap((grid) => {
    const failed = failedPoints(grid);
    if (failed.length === 0) return [];
    const which = failed.map((p) => p.index ?? "-").join(", ");
    return [
      `${grid.part}/${grid.flow}: ${failed.length} of ${grid.points.length} points did not complete (points ${which})`,
    ];
  });
  return lines.length > 0 ? lines.join("; ") : undefined;
}
