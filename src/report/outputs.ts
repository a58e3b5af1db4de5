import type { PushResult } from "../push.js";
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
  };
}
