import { createHash } from "node:crypto";

import type { FlowRun, PrefectClient } from "../clients/prefect.js";
import { shortSha } from "../commit/context.js";
import { FlowpushError } from "../errors.js";
import type { GridPoint, GridSpec } from "../grid/grid.js";
import type { Logger } from "../log.js";
import { readReportedPoints, type PointResult } from "./artifact.js";
import { pointsGrid } from "./grid.js";
import { tagValue, type StartedRun } from "./run.js";
import { isFinal } from "./wait.js";

/** The name of a flow's grid parameter, by part and flow. */
export type GridParameterOf = (part: string, flow: string) => string;

/** States a point is trained again from: it failed, or its run crashed. */
const RETRIED = new Set(["FAILED", "CRASHED"]);

/** The tag that links a rerun to the run whose points it trains again. */
export const RERUN_TAG = "rerun-of:";

const tag = (run: FlowRun, name: string) => tagValue(run.tags, name);

/** One run to start: the failed points of one earlier run. */
export interface Rerun {
  original: FlowRun;
  part: string;
  flow: string;
  gridHash: string;
  mode: "map" | "runs";
  /** Whole-grid indices; empty when the original's points are unknown and
   * the whole run is started again as it was. */
  indices: number[];
  params: Record<string, unknown>[];
  /** How many runs have trained these points before, the original's included. */
  attempt: number;
}

/** A point that is not started again, and why. */
export interface Skipped {
  part: string;
  flow: string;
  index: number;
  why: string;
}

interface Attempt {
  run: FlowRun;
  index: number;
  state: string;
  params: Record<string, unknown>;
}

/**
 * The points of a commit's grids to train again: each point's latest
 * attempt decides, so a point that a rerun already trained is not taken
 * up again, and a point whose latest attempt still runs is left alone.
 * A map run that died before reporting its points, with no grid in its
 * parameters (the flow's default ran), is started again whole.
 */
export function selectFailedPoints(
  runs: FlowRun[],
  reported: Map<string, PointResult[]>,
  gridParameterOf: GridParameterOf,
): { reruns: Rerun[]; skipped: Skipped[] } {
  const reruns: Rerun[] = [];
  const skipped: Skipped[] = [];
  const groups = new Map<string, FlowRun[]>();
  for (const run of runs) {
    const grid = tag(run, "grid");
    if (!grid) continue;
    const key = `${tag(run, "part")}/${tag(run, "flow")}/${grid}`;
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }

  // Prefect lists runs by their random ids: go by part, flow and grid, so
  // that reruns start, and are reported, in the same order every time.
  const ordered = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, members] of ordered) {
    const byAge = [...members].sort(oldestFirst);
    const latest = new Map<number, Attempt>();
    const attempts = new Map<number, number>();
    for (const run of byAge) {
      const { part, flow } = gridOf(run);
      const parameter = gridParameterOf(part, flow);
      const points = attemptsIn(run, reported.get(run.id), parameter);
      if (points === "unknown") {
        if (RETRIED.has(run.state_type ?? "") && !hasRerun(run, runs))
          reruns.push(wholeRun(run));
        continue;
      }
      for (const point of points) {
        latest.set(point.index, point);
        attempts.set(point.index, (attempts.get(point.index) ?? 0) + 1);
      }
    }

    const failed = new Map<string, Attempt[]>();
    for (const point of [...latest.values()].sort(
      (a, b) => a.index - b.index,
    )) {
      if (!isFinal(point.state)) {
        const { part, flow } = gridOf(point.run);
        skipped.push({
          part,
          flow,
          index: point.index,
          why: `its latest run ${point.run.name} is ${point.state}`,
        });
        continue;
      }
      if (!RETRIED.has(point.state)) continue;
      const same = failed.get(point.run.id);
      if (same) same.push(point);
      else failed.set(point.run.id, [point]);
    }
    for (const points of failed.values()) {
      const original = (points[0] as Attempt).run;
      reruns.push({
        ...gridOf(original),
        indices: points.map((p) => p.index),
        params: points.map((p) => p.params),
        attempt: Math.max(...points.map((p) => attempts.get(p.index) ?? 1)),
      });
    }
  }
  return { reruns, skipped };
}

/** The points a run trained, with how each ended. */
function attemptsIn(
  run: FlowRun,
  rows: PointResult[] | undefined,
  gridParameter: string,
): Attempt[] | "unknown" {
  if (rows && rows.length > 0)
    return rows.map((row) => ({
      run,
      index: row.index,
      state: row.state,
      params: row.params,
    }));
  const point = tag(run, "point");
  if (point !== undefined) {
    const grid = run.parameters[gridParameter];
    return [
      {
        run,
        index: Number(point),
        state: run.state_type ?? "SCHEDULED",
        params: onePoint(grid),
      },
    ];
  }
  return "unknown";
}

/** The parameters of a one-point grid, as runs mode writes it. */
function onePoint(grid: unknown): Record<string, unknown> {
  if (typeof grid !== "object" || grid === null || Array.isArray(grid))
    return {};
  return Object.fromEntries(
    Object.entries(grid).map(([key, values]) => [
      key,
      Array.isArray(values) ? values[0] : values,
    ]),
  );
}

function wholeRun(run: FlowRun): Rerun {
  return { ...gridOf(run), indices: [], params: [], attempt: 1 };
}

/** What a run's tags say of the grid it belongs to. */
function gridOf(run: FlowRun) {
  return {
    original: run,
    part: tag(run, "part") ?? "",
    flow: tag(run, "flow") ?? "",
    gridHash: tag(run, "grid") ?? "",
    mode:
      tag(run, "point") === undefined ? ("map" as const) : ("runs" as const),
  };
}

function hasRerun(run: FlowRun, runs: FlowRun[]): boolean {
  return runs.some((other) => other.tags.includes(`${RERUN_TAG}${run.id}`));
}

function oldestFirst(a: FlowRun, b: FlowRun): number {
  return (a.created ?? "").localeCompare(b.created ?? "");
}

/**
 * Starts the reruns: each on its original's deployment, with the
 * original's image and environment (the job variables pinned on it), its
 * tags plus a link to it, and a key derived from it, so that asking twice
 * before the first rerun ends starts nothing new.
 */
export async function startReruns(
  reruns: Rerun[],
  gridParameterOf: GridParameterOf,
  prefect: PrefectClient,
  log: Logger,
): Promise<StartedRun[]> {
  // Every original's deployment first: a rerun must not stop half-way.
  const targets = reruns.map((rerun) => {
    const deploymentId = rerun.original.deployment_id;
    if (!deploymentId) {
      throw new FlowpushError(
        "RUN_NOT_FOUND",
        `run ${rerun.original.name} has no deployment to run again`,
        { hint: "its deployment was deleted; push the commit again instead" },
      );
    }
    return { rerun, deploymentId };
  });

  const started: StartedRun[] = [];
  for (const { rerun, deploymentId } of targets) {
    const { original } = rerun;
    const gridParameter = gridParameterOf(rerun.part, rerun.flow);
    const grid = rerunGrid(rerun, original, gridParameter);
    const env = {
      ...(original.job_variables?.env as Record<string, string> | undefined),
      ...(rerun.indices.length > 0
        ? { FLOWPUSH_POINT_INDEX: rerun.indices.join(",") }
        : {}),
    };
    const tags = [
      ...original.tags.filter((tag) => !tag.startsWith(RERUN_TAG)),
      `${RERUN_TAG}${original.id}`,
    ];
    const { run, created } = await prefect.createFlowRun(deploymentId, {
      name: `${original.name.replace(/-r[0-9]+$/, "")}-r${rerun.attempt}`,
      parameters:
        grid === undefined
          ? original.parameters
          : { ...original.parameters, [gridParameter]: grid },
      tags,
      idempotency_key: rerunKey(original, rerun.indices),
      job_variables: { ...original.job_variables, env },
    });
    const which =
      rerun.indices.length > 0
        ? `points ${rerun.indices.join(", ")}`
        : "all its points";
    log.info(
      `${created ? "started" : "found existing"} rerun ${run.name} of ${original.name} (${which}) ${run.id}`,
    );
    started.push({
      part: rerun.part,
      flow: rerun.flow,
      id: run.id,
      name: run.name,
      created,
      points: BigInt(rerun.indices.length),
      state: run.state_type ?? undefined,
      mode: rerun.mode,
      gridHash: rerun.gridHash,
      grid,
      indices: rerun.indices.length > 0 ? rerun.indices : undefined,
    });
  }
  return started;
}

function rerunGrid(
  rerun: Rerun,
  original: FlowRun,
  gridParameter: string,
): GridSpec | undefined {
  if (rerun.indices.length === 0)
    return original.parameters[gridParameter] as GridSpec | undefined;
  // The parameters came back as JSON, whose values are all grid values.
  return pointsGrid(rerun.params as GridPoint[]);
}

/** One key per original run and set of points. */
function rerunKey(original: FlowRun, indices: number[]): string {
  const digest = createHash("sha256")
    .update(indices.join(","))
    .digest("hex")
    .slice(0, 16);
  return `flowpush-rerun:${original.id}:${digest}`;
}

/** What a commit's runs hold, read once for selecting and reporting. */
export async function readCommitRuns(
  sha: string,
  prefect: PrefectClient,
): Promise<{ runs: FlowRun[]; reported: Map<string, PointResult[]> }> {
  const runs = await prefect.filterAllFlowRuns({
    flow_runs: { tags: { all_: [`commit:${sha}`] } },
  });
  if (runs.length === 0) {
    throw new FlowpushError(
      "RUN_NOT_FOUND",
      `commit ${shortSha(sha)} has no flow runs on this Prefect server`,
      {
        hint: "check PREFECT_API_URL, and that the commit was pushed with a Flowpush-Run directive",
      },
    );
  }
  const reported = await readReportedPoints(
    prefect,
    runs.map((run) => run.id),
  );
  return { runs, reported };
}
