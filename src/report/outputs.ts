import type { PushResult } from "../push.js";
import { failedPoints } from "../run/results.js";
import { runUrl } from "./terminal.js";

/**
 * What a push produced, as the JSON values CI steps pass on: one list each
 * of images, deployments and runs, with the addresses to open.
 */
export interface PushOutputs {
  images: Array<{
    part: string;
    image: string;
    digest: string;
    tags: string[];
  }>;
  deployments: Array<{
    part: string;
    flow: string;
    id: string;
    name: string;
    url: string | undefined;
  }>;
  runs: Array<{
    part: string;
    flow: string;
    id: string;
    name: string;
    state: string | null;
    points: number | null;
    url: string | undefined;
  }>;
  /** Per grid the push waited for: counts and the best point. */
  results: Array<{
    part: string;
    flow: string;
    grid: string;
    points: number;
    completed: number;
    failed: number[];
    metric: string | null;
    best: {
      index: number | null;
      params: Record<string, unknown>;
      metrics: Record<string, number>;
    } | null;
  }>;
}

export function pushOutputs(result: PushResult): PushOutputs {
  const ui = result.settings?.prefect.uiUrl;
  return {
    images: result.images.map((image) => ({
      part: image.part,
      image: image.reference,
      digest: image.digest,
      tags: image.tags,
    })),
    deployments: result.deployments.map((deployment) => ({
      part: deployment.part,
      flow: deployment.flow,
      id: deployment.id,
      name: deployment.name,
      url: ui && `${ui}/deployments/deployment/${deployment.id}`,
    })),
    runs: result.runs.map((run) => ({
      part: run.part,
      flow: run.flow,
      id: run.id,
      name: run.name,
      state: run.state ?? null,
      points: run.points === undefined ? null : Number(run.points),
      url: ui && runUrl(ui, run.id),
    })),
    results: result.results.map((grid) => {
      const best = grid.best === undefined ? undefined : grid.points[grid.best];
      const failed = failedPoints(grid);
      return {
        part: grid.part,
        flow: grid.flow,
        grid: grid.gridHash,
        points: grid.points.length,
        completed: grid.points.length - failed.length,
        failed: failed.map((p) => p.index ?? -1),
        metric: grid.metric?.name ?? null,
        best: best
          ? {
              index: best.index ?? null,
              params: best.params,
              metrics: best.metrics,
            }
          : null,
      };
    }),
  };
}
