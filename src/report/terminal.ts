import { shortSha } from "../commit/context.js";
import { PENDING, where } from "../directives/parse.js";
import type { Plan } from "../plan/plan.js";
import type { PushResult } from "../push.js";
import { groupByGrid, type StartedRun } from "../run/run.js";

const REASONS = {
  named: "",
  all: " (all parts)",
  changed: " (changed by the push)",
  run: " (needed by a run)",
} as const;

/** The plan as a person reads it before anything happens. */
export function renderPlan(plan: Plan): string {
  const subject =
    plan.commit.sha === PENDING
      ? "this message"
      : `commit ${shortSha(plan.commit.sha)}`;
  const lines = [`plan for ${subject}:`];
  if (plan.builds.length === 0) lines.push("  nothing to build");
  for (const build of plan.builds) {
    const why = REASONS[build.reason];
    lines.push(`  build ${build.part.name}${why}`);
    for (const { flow, workPool } of build.flows) {
      lines.push(
        `    register ${build.part.name}/${flow.key} -> deployment ${flow.deployment} on pool ${workPool}`,
      );
    }
  }
  for (const run of plan.runs) {
    const grid = run.grid
      ? `grid ${run.grid.text} (${run.grid.size} ${run.grid.size === 1n ? "point" : "points"})`
      : "the flow's default grid";
    const mode =
      run.mode === "runs" ? "one flow run per point" : "in one flow run";
    lines.push(
      `  run ${run.part.name}/${run.flow.key} with ${grid}, ${mode}, from ${where(run.position)}`,
    );
    for (const earlier of run.replaces) {
      lines.push(`    (replaces the run asked for at ${where(earlier)})`);
    }
  }
  return lines.join("\n");
}

/** What a push did, with the addresses a person follows up on. */
export function renderResult(result: PushResult): string {
  if (!result.plan) return "nothing to do";
  const lines: string[] = [];
  for (const image of result.images)
    lines.push(`image       ${image.part}: ${image.reference}`);
  for (const deployment of result.deployments) {
    lines.push(
      `deployment  ${deployment.part}/${deployment.flow}: ${deployment.name} (${deployment.id})`,
    );
  }
  const ui = result.settings?.prefect.uiUrl;
  for (const group of groupRuns(result.runs)) {
    const [run] = group.runs;
    if (group.runs.length === 1 && run) {
      const state = run.state ? ` ${run.state}` : "";
      const url = ui ? ` ${runUrl(ui, run.id)}` : ` ${run.id}`;
      lines.push(
        `run         ${run.part}/${run.flow}: ${run.name}${state}${url}`,
      );
      continue;
    }
    lines.push(
      `runs        ${group.part}/${group.flow}: ${group.runs.length} runs, one per point (${group.states}), tag grid:${group.gridHash}`,
    );
  }
  return lines.join("\n");
}

export interface RunGroup {
  part: string;
  flow: string;
  gridHash: string;
  runs: StartedRun[];
  /** The number of points, or "default" when the flow's own default ran. */
  points: string;
  /** "3 COMPLETED, 1 FAILED": the runs' states, counted. */
  states: string;
}

/** The runs of each grid together: one for `map`, one per point for `runs`. */
export function groupRuns(runs: StartedRun[]): RunGroup[] {
  return groupByGrid(runs).map((members) => {
    const first = members[0] as StartedRun;
    const counts = new Map<string, number>();
    for (const run of members) {
      const state = run.state ?? "SCHEDULED";
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    const points =
      first.mode === "runs"
        ? String(members.length)
        : first.points === undefined
          ? "default"
          : String(first.points);
    return {
      part: first.part,
      flow: first.flow,
      gridHash: first.gridHash,
      runs: members,
      points,
      states: [...counts].map(([state, n]) => `${n} ${state}`).join(", "),
    };
  });
}

export function runUrl(uiUrl: string, runId: string): string {
  return `${uiUrl}/runs/flow-run/${runId}`;
}
