import { shortSha } from "../commit/context.js";
import { PENDING, where } from "../directives/parse.js";
import type { Plan } from "../plan/plan.js";
import type { PushResult } from "../push.js";

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
    lines.push(
      `  run ${run.part.name}/${run.flow.key} with ${grid}, from ${where(run.position)}`,
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
  for (const run of result.runs) {
    const state = run.state ? ` ${run.state}` : "";
    const url = ui ? ` ${runUrl(ui, run.id)}` : ` ${run.id}`;
    lines.push(
      `run         ${run.part}/${run.flow}: ${run.name}${state}${url}`,
    );
  }
  return lines.join("\n");
}

export function runUrl(uiUrl: string, runId: string): string {
  return `${uiUrl}/runs/flow-run/${runId}`;
}
