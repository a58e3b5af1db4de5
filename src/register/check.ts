import type { LocalImage } from "../build/build.js";
import type { FlowDescription } from "../build/introspect.js";
import { where } from "../directives/parse.js";
import { FlowpushError } from "../errors.js";
import { Grid, GridShapeError } from "../grid/grid.js";
import type { Plan, PlannedRun } from "../plan/plan.js";
import { effectiveGrid } from "../run/grid.js";

interface ParameterSchema {
  properties?: Record<string, { default?: unknown }>;
  required?: string[];
}

/**
 * Checks the plan against what the images said about their flows, before
 * anything is pushed: Prefect would refuse these only later, at run
 * creation, when images are already pushed and deployments registered.
 */
export function checkRegistrations(
  plan: Plan,
  images: LocalImage[],
  maxPoints: number,
): void {
  const owners = new Map<string, string>();
  for (const build of plan.builds) {
    for (const [index, { flow }] of build.flows.entries()) {
      const described = describedFlow(images, build.part.name, index);
      const identity = `${described.name}/${flow.deployment}`;
      const owner = `${build.part.name}/${flow.key}`;
      const other = owners.get(identity);
      if (other) {
        throw new FlowpushError(
          "CONFIG_INVALID",
          `${other} and ${owner} would both register deployment ${identity}`,
          { hint: `give one of them another deployment name in flowpush.yaml` },
        );
      }
      owners.set(identity, owner);
      checkParameters(owner, described, Object.keys(flow.parameters));
    }
  }

  for (const run of plan.runs) {
    const build = plan.builds.find((b) => b.part.name === run.part.name);
    const index =
      build?.flows.findIndex((f) => f.flow.key === run.flow.key) ?? -1;
    const described = describedFlow(images, run.part.name, index);
    const schema = described.parameter_schema as ParameterSchema;
    const parameter = schema.properties?.[run.flow.gridParameter];
    const owner = `${run.part.name}/${run.flow.key}`;
    if (!parameter) {
      throw new FlowpushError(
        "CONFIG_INVALID",
        `${where(run.position)}: flow ${owner} has no parameter "${run.flow.gridParameter}" to take the grid`,
        {
          position: run.position,
          hint: `its parameters: ${Object.keys(schema.properties ?? {}).join(", ") || "none"}; set grid_parameter in flowpush.yaml`,
        },
      );
    }
    const hasDefault =
      "default" in parameter || run.flow.gridParameter in run.flow.parameters;
    if (run.mode === "runs" && !run.grid && hasDefault)
      checkDefaultGrid(run, described, maxPoints);
    if (!run.grid && !hasDefault) {
      throw new FlowpushError(
        "GRID_INVALID",
        `${where(run.position)}: flow ${owner} has no default grid, so the run needs one`,
        {
          position: run.position,
          hint: `write a grid after the flow, e.g. Flowpush-Run: ${owner} a=1,2`,
        },
      );
    }
  }
}

/**
 * In `runs` mode flowpush expands the default grid itself, one run per
 * point, so the default must be a grid and must fit the size limit.
 */
function checkDefaultGrid(
  run: PlannedRun,
  described: FlowDescription,
  maxPoints: number,
) {
  const owner = `${run.part.name}/${run.flow.key}`;
  let size: bigint;
  try {
    size = new Grid(effectiveGrid(run, described)).size;
  } catch (error) {
    if (!(error instanceof GridShapeError)) throw error;
    throw new FlowpushError(
      "GRID_INVALID",
      `${where(run.position)}: the default grid of ${owner} is not a grid: ${error.message}`,
      {
        position: run.position,
        hint: "write a grid in the directive, or fix the flow's default",
      },
    );
  }
  if (size > BigInt(maxPoints)) {
    throw new FlowpushError(
      "GRID_TOO_LARGE",
      `${where(run.position)}: the default grid of ${owner} has ${size} points, more than the ${maxPoints} a run may have`,
      {
        position: run.position,
        hint: "write a smaller grid in the directive, or raise policy.max_points",
      },
    );
  }
}

function checkParameters(
  owner: string,
  described: FlowDescription,
  given: string[],
) {
  const known =
    (described.parameter_schema as ParameterSchema).properties ?? {};
  const unknown = given.filter((name) => !(name in known));
  if (unknown.length > 0) {
    throw new FlowpushError(
      "CONFIG_INVALID",
      `flow ${owner} has no parameter ${unknown.map((n) => `"${n}"`).join(", ")}`,
      { hint: `its parameters: ${Object.keys(known).join(", ") || "none"}` },
    );
  }
}

function describedFlow(
  images: LocalImage[],
  part: string,
  index: number,
): FlowDescription {
  const flow = images.find((image) => image.part === part)?.flows[index];
  if (!flow) throw new Error(`no description of flow ${index} of part ${part}`);
  return flow;
}
