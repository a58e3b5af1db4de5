import { MLFLOW_TAGS } from "./mlflow.js";
import {
  isUnavailable,
  type CommitInfo,
  type CommitTrace,
  type MlflowRunTrace,
  type MlflowTrace,
  type RunDeployment,
  type RunTrace,
  type RunTraceResult,
  type Unavailable,
} from "./model.js";
import { clean, pairs, pointLines, short, span } from "./format.js";

/** The chain from a commit to its images, deployments, runs and metrics,
 * as a person reads it in a terminal. */
export function renderCommitTrace(trace: CommitTrace): string {
  const lines = commitLines(trace.commit);

  lines.push("", `images${source(trace.config)}`);
  if (isUnavailable(trace.images)) lines.push(`  ${why(trace.images)}`);
  else if (trace.images.length === 0) lines.push("  (the commit has no parts)");
  for (const image of isUnavailable(trace.images) ? [] : trace.images) {
    const digest = image.digest ?? "not built";
    lines.push(`  ${clean(image.part)}  ${clean(image.reference)}  ${digest}`);
  }

  lines.push("", "deployments pinned to this commit");
  if (trace.deployments.length === 0)
    lines.push("  none (never registered, or a later commit moved them)");
  for (const d of trace.deployments) {
    const what = d.part && d.flow ? `${d.part}/${d.flow}  ` : "";
    lines.push(`  ${clean(what)}${clean(d.name)}  ${d.id}`);
  }

  lines.push("", "runs");
  if (trace.runs.length === 0) lines.push("  none");
  for (const group of groupRuns(trace.runs)) {
    const [first] = group;
    lines.push(`  ${groupTitle(first?.part, first?.flow, first?.grid)}`);
    const used = new Set(group.map((run) => deploymentText(run.deployment)));
    for (const text of used) if (text) lines.push(`    ${text}`);
    for (const run of group) {
      lines.push(`    ${runLine(run)}`);
      lines.push(...pointLines(run.results, "      "));
    }
  }

  lines.push("", ...mlflowLines(trace.mlflow));
  return lines.join("\n");
}

/** One run and the way back to its commit. */
export function renderRunTrace(trace: RunTraceResult): string {
  const { run } = trace;
  const lines = [`run ${runLine(run)}`];
  lines.push(`  ${groupTitle(run.part, run.flow, run.grid)}`);
  if (run.point !== undefined) lines.push(`  point ${run.point}`);
  if (run.rerunOf) lines.push(`  rerun of ${run.rerunOf}`);
  lines.push(`  image ${run.image ? clean(run.image) : "unknown"}`);
  const deployment = deploymentText(run.deployment);
  if (deployment) lines.push(`  ${deployment}`);
  lines.push(...pointLines(run.results, "  "));

  lines.push("", ...commitLines(trace.commit));
  lines.push("", ...mlflowLines(trace.mlflow));
  return lines.join("\n");
}

function commitLines(commit: CommitInfo): string[] {
  const lines = [`commit ${commit.sha ?? "unknown"}`];
  if (isUnavailable(commit.message))
    lines.push(`  message not read: ${clean(commit.message.unavailable)}`);
  else
    for (const line of commit.message.split(/\r?\n/))
      lines.push(`    ${clean(line)}`.trimEnd());
  return lines;
}

function runLine(run: RunTrace): string {
  return [
    clean(run.name),
    run.state ?? "UNKNOWN",
    span(run.start, run.end),
    run.url,
  ].join("  ");
}

function deploymentText(d: RunDeployment | undefined): string | undefined {
  if (!d) return undefined;
  const name = d.name ? clean(d.name) : `${d.id} (deleted since)`;
  const moved =
    d.name && d.currentVersion !== d.ranVersion
      ? ` (now at ${short(d.currentVersion)})`
      : "";
  return `deployment ${name} at version ${short(d.ranVersion)}${moved}`;
}

function groupTitle(
  part: string | undefined,
  flow: string | undefined,
  grid: string | undefined,
): string {
  const what = `${part ?? "?"}/${flow ?? "?"}`;
  return clean(grid ? `${what}  grid ${grid}` : what);
}

function groupRuns(runs: RunTrace[]): RunTrace[][] {
  const groups = new Map<string, RunTrace[]>();
  for (const run of runs) {
    const key = [run.part, run.flow, run.grid].join("\n");
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()];
}

function mlflowLines(mlflow: MlflowTrace | Unavailable): string[] {
  if (isUnavailable(mlflow)) return [`mlflow: ${clean(mlflow.unavailable)}`];
  const lines = [`mlflow ${mlflow.trackingUri}`];
  if (mlflow.grids.length === 0) lines.push("  no runs");
  for (const { parent, points } of mlflow.grids) {
    const tags = (parent ?? points[0])?.tags ?? {};
    lines.push(
      `  ${groupTitle(tags[MLFLOW_TAGS.part], tags[MLFLOW_TAGS.flow], tags[MLFLOW_TAGS.grid])}`,
    );
    if (parent) lines.push(`    ${mlflowRunLine("parent", parent)}`);
    for (const point of points) {
      const index = point.tags[MLFLOW_TAGS.point];
      const label = index === undefined ? clean(point.name) : `point ${index}`;
      lines.push(`    ${mlflowRunLine(label, point)}`);
    }
  }
  return lines;
}

function mlflowRunLine(label: string, run: MlflowRunTrace): string {
  const values = [pairs(run.params), pairs(run.metrics)].filter(Boolean);
  return [label, run.status, ...values, run.url].join("  ");
}

function source(config: string | Unavailable): string {
  return isUnavailable(config) ? "" : ` (parts of ${clean(config)})`;
}

function why(missing: Unavailable): string {
  return `not read: ${clean(missing.unavailable)}`;
}
