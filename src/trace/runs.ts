import type { Deployment, FlowRun, PrefectClient } from "../clients/prefect.js";
import { runUrl } from "../report/terminal.js";
import type { DeploymentTrace, RunTrace } from "./model.js";
import { readReportedPoints } from "../run/artifact.js";
import { tagValue } from "../run/run.js";

/** What a trace asks Prefect: reads only. */
export type TracePrefect = Pick<
  PrefectClient,
  | "filterFlowRuns"
  | "filterAllFlowRuns"
  | "filterDeployments"
  | "readFlow"
  | "readArtifacts"
>;

/** Every flow run tagged with the commit, grouped by part, flow, grid. */
export async function runsOfCommit(
  sha: string,
  prefect: TracePrefect,
  uiUrl: string,
): Promise<RunTrace[]> {
  const runs = await prefect.filterAllFlowRuns({
    flow_runs: { tags: { all_: [`commit:${sha}`] } },
  });
  const traces = await describeRuns(runs, prefect, uiUrl);
  return traces.sort(byGroupThenPoint);
}

/** One flow run, or undefined when the server has none with this id. */
export async function readRun(
  id: string,
  prefect: TracePrefect,
  uiUrl: string,
): Promise<RunTrace | undefined> {
  // The filter answers an unknown id with nothing, where GET answers 404.
  const runs = await prefect.filterFlowRuns({
    flow_runs: { id: { any_: [id] } },
  });
  return (await describeRuns(runs, prefect, uiUrl))[0];
}

/** The deployments whose current version is the commit. */
export async function pinnedDeployments(
  sha: string,
  prefect: TracePrefect,
): Promise<DeploymentTrace[]> {
  // A later commit's upsert replaces the tags, so the tag means "current".
  const deployments = await prefect.filterDeployments({
    deployments: { tags: { all_: [`commit:${sha}`] } },
  });
  const names = await namesOf(deployments, prefect);
  return deployments.map((deployment) => {
    const variables = deployment.job_variables ?? {};
    const env = (variables.env ?? {}) as Record<string, unknown>;
    return {
      id: deployment.id,
      name: names.get(deployment.id) ?? deployment.name,
      part: tagValue(deployment.tags, "part"),
      flow: stringOr(env.FLOWPUSH_FLOW),
      version: deployment.version ?? undefined,
      image: stringOr(variables.image),
    };
  });
}

async function describeRuns(
  runs: FlowRun[],
  prefect: TracePrefect,
  uiUrl: string,
): Promise<RunTrace[]> {
  const ids = unique(runs.map((run) => run.deployment_id));
  const deployments = ids.length
    ? await prefect.filterDeployments({ deployments: { id: { any_: ids } } })
    : [];
  const names = await namesOf(deployments, prefect);
  const results = await readReportedPoints(
    prefect,
    runs.map((run) => run.id),
  );

  return runs.map((run) => {
    const deployment = deployments.find((d) => d.id === run.deployment_id);
    const env = (run.job_variables?.env ?? {}) as Record<string, unknown>;
    const point = tagValue(run.tags, "point");
    return {
      id: run.id,
      name: run.name,
      commit: tagValue(run.tags, "commit") ?? stringOr(env.FLOWPUSH_COMMIT),
      part: tagValue(run.tags, "part"),
      flow: tagValue(run.tags, "flow"),
      grid: tagValue(run.tags, "grid"),
      point: point === undefined ? undefined : Number(point),
      rerunOf: tagValue(run.tags, "rerun-of"),
      state: run.state_type ?? undefined,
      start: run.start_time ?? undefined,
      end: run.end_time ?? undefined,
      url: runUrl(uiUrl, run.id),
      image: stringOr(run.job_variables?.image),
      deployment: run.deployment_id
        ? {
            id: run.deployment_id,
            name: deployment && names.get(deployment.id),
            ranVersion: run.deployment_version ?? undefined,
            currentVersion: deployment?.version ?? undefined,
          }
        : undefined,
      results: results.get(run.id) ?? [],
    };
  });
}

/** `<flow name>/<deployment name>` by deployment id. */
async function namesOf(
  deployments: Deployment[],
  prefect: TracePrefect,
): Promise<Map<string, string>> {
  const flows = new Map<string, string>();
  for (const flowId of unique(deployments.map((d) => d.flow_id)))
    flows.set(flowId, (await prefect.readFlow(flowId)).name);
  return new Map(
    deployments.map((d) => [d.id, `${flows.get(d.flow_id)}/${d.name}`]),
  );
}

function byGroupThenPoint(a: RunTrace, b: RunTrace): number {
  const group = (run: RunTrace) =>
    [run.part ?? "", run.flow ?? "", run.grid ?? ""].join("\n");
  return (
    group(a).localeCompare(group(b)) ||
    (a.point ?? -1) - (b.point ?? -1) ||
    (a.start ?? "").localeCompare(b.start ?? "")
  );
}

function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
