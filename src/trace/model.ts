import type { MlflowRun } from "../clients/mlflow.js";
import type { PointResult } from "../run/artifact.js";

/**
 * What `flowpush trace` finds, in the shape `--json` prints. Each outside
 * system's part is either what it holds or, when flowpush could not ask
 * it, an `Unavailable` saying why: a trace is still worth reading when
 * one system is not configured.
 */
export interface Unavailable {
  unavailable: string;
}

export function isUnavailable(value: unknown): value is Unavailable {
  return typeof value === "object" && value !== null && "unavailable" in value;
}

export interface CommitInfo {
  /** Undefined only for a run that carries no commit tag. */
  sha: string | undefined;
  /** The full message, from git. */
  message: string | Unavailable;
}

export interface ImageTrace {
  part: string;
  /** `<registry>/<image>:<full sha>`. */
  reference: string;
  /** Undefined when the registry has no image for the commit. */
  digest: string | undefined;
}

export interface DeploymentTrace {
  id: string;
  /** `<flow name>/<deployment name>`, as Prefect's UI shows it. */
  name: string;
  part: string | undefined;
  flow: string | undefined;
  /** The commit the deployment points at now. */
  version: string | undefined;
  image: string | undefined;
}

/** The deployment a run was created from, then and now. */
export interface RunDeployment {
  id: string;
  /** Undefined when the deployment has since been deleted. */
  name: string | undefined;
  /** The commit the run was created with. */
  ranVersion: string | undefined;
  /** The commit the deployment points at now, if it still exists. */
  currentVersion: string | undefined;
}

/** One point of a grid as the runtime's results artifact reports it. */
export type { PointResult };

export interface RunTrace {
  id: string;
  name: string;
  commit: string | undefined;
  part: string | undefined;
  flow: string | undefined;
  grid: string | undefined;
  /** Set in per-point ("runs") mode. */
  point: number | undefined;
  rerunOf: string | undefined;
  state: string | undefined;
  start: string | undefined;
  end: string | undefined;
  url: string;
  /** The image the run ran, pinned by digest. */
  image: string | undefined;
  deployment: RunDeployment | undefined;
  /** Empty until the run publishes its results. */
  results: PointResult[];
}

export interface MlflowRunTrace extends MlflowRun {
  url: string;
}

/** A grid's parent run with its points; `parent` is undefined for runs
 * whose parent the search did not find. */
export interface MlflowGrid {
  parent: MlflowRunTrace | undefined;
  points: MlflowRunTrace[];
}

export interface MlflowTrace {
  trackingUri: string;
  grids: MlflowGrid[];
}

export interface CommitTrace {
  commit: CommitInfo;
  /** Where the parts were read from, e.g. `flowpush.yaml@1a2b3c4`. */
  config: string | Unavailable;
  images: ImageTrace[] | Unavailable;
  /** Deployments whose current version is the commit. */
  deployments: DeploymentTrace[];
  runs: RunTrace[];
  mlflow: MlflowTrace | Unavailable;
}

export interface RunTraceResult {
  commit: CommitInfo;
  run: RunTrace;
  mlflow: MlflowTrace | Unavailable;
}
