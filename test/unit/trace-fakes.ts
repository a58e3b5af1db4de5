import type { MlflowRun } from "../../src/clients/mlflow.js";
import type {
  Artifact,
  Deployment,
  FlowRun,
} from "../../src/clients/prefect.js";
import type { TraceMlflow } from "../../src/trace/mlflow.js";
import type { TracePrefect } from "../../src/trace/runs.js";
import type { TraceSources } from "../../src/trace/trace.js";

/**
 * In-memory stand-ins for the servers a trace reads, answering the
 * filters the trace sends (tags `all_`, ids `any_`) as the servers would.
 */
export const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
export const LATER = "ffffffffffffffffffffffffffffffffffffffff";
export const RUN_ID = "11111111-2222-3333-4444-555555555555";

type Filter = {
  flow_runs?: { tags?: { all_: string[] }; id?: { any_: string[] } };
  deployments?: { tags?: { all_: string[] }; id?: { any_: string[] } };
};

const matches = (
  item: { id: string; tags: string[] },
  filter: { tags?: { all_: string[] }; id?: { any_: string[] } } = {},
) =>
  (filter.tags?.all_ ?? []).every((tag) => item.tags.includes(tag)) &&
  (filter.id ? filter.id.any_.includes(item.id) : true);

export function flowRun(overrides: Partial<FlowRun> = {}): FlowRun {
  return {
    id: RUN_ID,
    name: "prices-train-a1b2c3d",
    deployment_id: "dep-1",
    deployment_version: SHA,
    state_type: "COMPLETED",
    state_name: "Completed",
    tags: [
      `commit:${SHA}`,
      "part:prices",
      "flow:train",
      "grid:0123456789abcdef",
    ],
    parameters: {},
    idempotency_key: null,
    job_variables: { image: "reg:5000/flowpush/prices@sha256:abc" },
    start_time: "2026-12-03T21:40:01.123456Z",
    end_time: "2026-12-03T21:41:12.000000Z",
    ...overrides,
  } as FlowRun;
}

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: "dep-1",
    name: "prices-train",
    flow_id: "flow-1",
    version: SHA,
    tags: [`commit:${SHA}`, "part:prices"],
    job_variables: {
      image: "reg:5000/flowpush/prices@sha256:abc",
      env: { FLOWPUSH_FLOW: "train" },
    },
    parameters: {},
    ...overrides,
  };
}

export function fakePrefect(state: {
  runs: FlowRun[];
  deployments: Deployment[];
  artifacts?: Artifact[];
}): TracePrefect {
  const runs = async (filter: Record<string, unknown>) =>
    state.runs.filter((run) => matches(run, (filter as Filter).flow_runs));
  return {
    filterFlowRuns: runs,
    filterAllFlowRuns: runs,
    async filterDeployments(filter) {
      return state.deployments.filter((d) =>
        matches(d, (filter as Filter).deployments),
      );
    },
    async readFlow(id) {
      return { id, name: "train-grid" };
    },
    async readArtifacts(key, ids) {
      return (state.artifacts ?? []).filter(
        (a) => a.key === key && ids.includes(a.flow_run_id ?? ""),
      );
    },
  };
}

export function mlflowRun(
  id: string,
  tags: Record<string, string>,
  more: Partial<MlflowRun> = {},
): MlflowRun {
  return {
    id,
    name: id,
    experimentId: "7",
    status: "FINISHED",
    startTime: 1,
    endTime: 2,
    tags,
    params: {},
    metrics: {},
    ...more,
  };
}

export function fakeMlflow(runs: MlflowRun[]): TraceMlflow {
  return {
    trackingUri: "http://mlflow:5000",
    async searchExperiments() {
      return [{ id: "7", name: "flowpush" }];
    },
    async searchRuns({ filter }) {
      // `tags.\`key\` = 'value' and ...`, as tagFilter writes it.
      const wanted = [...(filter ?? "").matchAll(/`([^`]+)` = '([^']*)'/g)];
      return {
        runs: runs.filter((run) =>
          wanted.every(([, key, value]) => run.tags[key as string] === value),
        ),
        nextPageToken: undefined,
      };
    },
    async getRun(id) {
      return runs.find((run) => run.id === id);
    },
  };
}

export function sources(overrides: Partial<TraceSources>): TraceSources {
  return {
    prefect: fakePrefect({ runs: [flowRun()], deployments: [deployment()] }),
    uiUrl: "http://prefect:4200",
    registry: {
      address: "reg:5000",
      async manifestDigest(repository) {
        return repository === "flowpush/prices" ? "sha256:abc" : undefined;
      },
    },
    mlflow: { unavailable: "not configured (set MLFLOW_TRACKING_URI)" },
    async readMessage() {
      return "Train prices\n\nFlowpush-Run: prices/train b=1,2";
    },
    async readParts() {
      return {
        source: "flowpush.yaml@a1b2c3d",
        parts: [
          { name: "prices", image: "flowpush/prices" },
          { name: "spreads", image: "flowpush/spreads" },
        ],
      };
    },
    ...overrides,
  };
}
