import { createHash } from "node:crypto";

import type { BuiltImage } from "../build/push.js";
import type { FlowRunBody, PrefectClient } from "../clients/prefect.js";
import { shortSha, type Commit } from "../commit/context.js";
import type { RunMode } from "../config/config.js";
import { Grid, type GridSpec } from "../grid/grid.js";
import { toJson } from "../grid/values.js";
import type { Logger } from "../log.js";
import type { Plan, PlannedRun } from "../plan/plan.js";
import { commitTags, type RegisteredDeployment } from "../register/register.js";
import { createRuns } from "./create.js";
import { effectiveGrid, gridHash, pointGrid } from "./grid.js";
import { gridParentRun, type RunTracking } from "./mlflow.js";

export interface StartedRun {
  part: string;
  flow: string;
  id: string;
  name: string;
  /** False when the server already had a run with this idempotency key. */
  created: boolean;
  /** How many points this run trains; undefined for an unknown default. */
  points: bigint | undefined;
  state: string | undefined;
  mode: RunMode;
  /** Names the whole grid the run belongs to (tag `grid:<hash>`). */
  gridHash: string;
  /** The grid this run trains, when known (a flow's default may not be). */
  grid: GridSpec | undefined;
  /** The whole-grid index of each of its points, when it holds part. */
  indices: number[] | undefined;
  /** Why the run ended as it did, when Prefect says. */
  message?: string | undefined;
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

/** The key of one point of a grid started in `runs` mode. */
export function pointKey(
  commit: Commit,
  run: PlannedRun,
  hash: string,
  index: number,
): string {
  return `flowpush:${commit.sha}:${run.part.name}/${run.flow.key}:${hash}:${index}`;
}

/** A push's runs, one list per grid (part, flow and grid hash), in order. */
export function groupByGrid<
  T extends Pick<StartedRun, "part" | "flow" | "gridHash">,
>(runs: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const run of runs) {
    const key = `${run.part}/${run.flow}/${run.gridHash}`;
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()];
}

/** The value of a `<name>:<value>` tag, as flowpush writes its tags. */
export function tagValue(tags: string[], name: string): string | undefined {
  const prefix = `${name}:`;
  return tags.find((tag) => tag.startsWith(prefix))?.slice(prefix.length);
}

export function gridTags(
  commit: Commit,
  part: string,
  flow: string,
  hash: string,
): string[] {
  return [...commitTags(commit, part), `flow:${flow}`, `grid:${hash}`];
}

export interface RunInputs {
  plan: Plan;
  deployments: RegisteredDeployment[];
  images: BuiltImage[];
  prefect: PrefectClient;
  mlflow: RunTracking | undefined;
  log: Logger;
}

/** Starts every planned run: one flow run per grid, or one per point. */
export async function startRuns(inputs: RunInputs): Promise<StartedRun[]> {
  const started: StartedRun[] = [];
  for (const run of inputs.plan.runs) {
    const deployment = inputs.deployments.find(
      (d) => d.part === run.part.name && d.flow === run.flow.key,
    );
    if (!deployment)
      throw new Error(
        `no deployment was registered for ${run.part.name}/${run.flow.key}`,
      );
    const spec = effectiveGrid(run, describedFlow(inputs.images, run));
    const launch = { run, deployment, hash: gridHash(spec), spec };
    started.push(
      ...(run.mode === "runs"
        ? await startPointRuns(inputs, launch, new Grid(spec))
        : [await startGridRun(inputs, launch)]),
    );
  }
  return started;
}

interface Launch {
  run: PlannedRun;
  deployment: RegisteredDeployment;
  hash: string;
  spec: GridSpec | undefined;
}

async function startGridRun(
  inputs: RunInputs,
  { run, deployment, hash, spec }: Launch,
): Promise<StartedRun> {
  const { plan, prefect, log } = inputs;
  const { run: flowRun, created } = await prefect.createFlowRun(deployment.id, {
    name: `${run.part.name}-${run.flow.key}-${shortSha(plan.commit.sha)}`,
    parameters: run.grid ? { [run.flow.gridParameter]: run.grid.spec } : {},
    tags: gridTags(plan.commit, run.part.name, run.flow.key, hash),
    idempotency_key: idempotencyKey(plan.commit, run),
    job_variables: runJobVariables(deployment, {
      hash,
      experiment: inputs.mlflow?.experimentOf(run.part.name),
      trackingUri: inputs.mlflow?.client.trackingUri,
    }),
  });
  const verb = created ? "started" : "found existing";
  log.info(
    `${verb} run ${run.part.name}/${run.flow.key}: ${flowRun.name} (${flowRun.id})`,
  );
  return {
    part: run.part.name,
    flow: run.flow.key,
    id: flowRun.id,
    name: flowRun.name,
    created,
    points: run.grid?.size,
    state: flowRun.state_type ?? undefined,
    mode: "map",
    gridHash: hash,
    grid: spec,
    indices: undefined,
  };
}

/**
 * One flow run per point, so that each point gets its own container,
 * retries and logs. Points that already have a run (found by idempotency
 * key) are not sent again; the keys still guard against a concurrent push.
 */
async function startPointRuns(
  inputs: RunInputs,
  { run, deployment, hash }: Launch,
  grid: Grid,
): Promise<StartedRun[]> {
  const { plan, prefect, log } = inputs;
  const size = Number(grid.size);
  const digits = String(Math.max(size - 1, 0)).length;
  const base = `${run.part.name}-${run.flow.key}-${shortSha(plan.commit.sha)}`;
  const tags = gridTags(plan.commit, run.part.name, run.flow.key, hash);
  const parent =
    inputs.mlflow &&
    (await gridParentRun(
      inputs.mlflow,
      { commit: plan.commit, part: run.part.name, flow: run.flow.key, hash },
      log,
    ));

  const points = Array.from({ length: size }, (_, index) =>
    pointGrid(grid, index),
  );
  const bodies: FlowRunBody[] = points.map((point, index) => ({
    name: `${base}-p${String(index).padStart(digits, "0")}`,
    parameters: { [run.flow.gridParameter]: point },
    tags: [...tags, `point:${index}`],
    idempotency_key: pointKey(plan.commit, run, hash, index),
    job_variables: runJobVariables(deployment, {
      hash,
      points: [index],
      gridSize: size,
      experiment: parent?.experiment,
      trackingUri: inputs.mlflow?.client.trackingUri,
      parentRun: parent?.runId,
    }),
  }));
  const created = await createRuns(prefect, deployment.id, bodies, tags, log);
  const fresh = created.filter((c) => c.created).length;
  log.info(
    `${run.part.name}/${run.flow.key}: ${size} runs, one per point (${fresh} started, ${size - fresh} found existing), tag grid:${hash}`,
  );
  return created.map(({ run: flowRun, created: isNew }, index) => ({
    part: run.part.name,
    flow: run.flow.key,
    id: flowRun.id,
    name: flowRun.name,
    created: isNew,
    points: 1n,
    state: flowRun.state_type ?? undefined,
    mode: "runs" as const,
    gridHash: hash,
    grid: points[index],
    indices: [index],
  }));
}

/** What a run tells the runtime beyond its deployment's variables. */
export interface RunEnv {
  hash: string;
  /** The whole-grid indices of the run's points, when it holds part. */
  points?: number[] | undefined;
  gridSize?: number | undefined;
  /** Without credentials: those belong in the work pool's environment. */
  trackingUri?: string | undefined;
  experiment?: string | undefined;
  parentRun?: string | undefined;
}

/**
 * The deployment's job variables, pinned on the run (another push may
 * update the deployment meanwhile), plus what the runtime needs to know
 * about this run: see runtime/README.md for the contract.
 */
export function runJobVariables(
  deployment: Pick<RegisteredDeployment, "jobVariables">,
  run: RunEnv,
): Record<string, unknown> {
  const env: Record<string, string> = {
    ...(deployment.jobVariables.env as Record<string, string> | undefined),
    FLOWPUSH_GRID_HASH: run.hash,
  };
  if (run.points) env.FLOWPUSH_POINT_INDEX = run.points.join(",");
  if (run.gridSize !== undefined) env.FLOWPUSH_GRID_SIZE = String(run.gridSize);
  if (run.trackingUri) env.MLFLOW_TRACKING_URI = run.trackingUri;
  if (run.experiment) env.FLOWPUSH_MLFLOW_EXPERIMENT = run.experiment;
  if (run.parentRun) env.FLOWPUSH_MLFLOW_PARENT_RUN = run.parentRun;
  return { ...deployment.jobVariables, env };
}

function describedFlow(images: BuiltImage[], run: PlannedRun) {
  const image = images.find((i) => i.part === run.part.name);
  const flow = image?.flows.find((f) => f.entrypoint === run.flow.entrypoint);
  if (!flow)
    throw new Error(
      `the image of ${run.part.name} did not describe ${run.flow.key}`,
    );
  return flow;
}
