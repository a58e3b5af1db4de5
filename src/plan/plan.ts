import type { Commit } from "../commit/context.js";
import type { Config, FlowConfig, PartConfig } from "../config/config.js";
import {
  where,
  type Directive,
  type Position,
  type RunDirective,
} from "../directives/parse.js";
import { FlowpushError } from "../errors.js";

/**
 * What a push will do, decided before anything is done: the parts to build
 * (each then registers all its flows) and the runs to start. Every refusal
 * flowpush can make about the input is made here.
 */
export interface Plan {
  commit: Commit;
  builds: PlannedBuild[];
  runs: PlannedRun[];
}

export interface PlannedBuild {
  part: PartConfig;
  /** Why it is built: named by a Build directive, or needed by a run. */
  reason: "build" | "run";
  flows: PlannedFlow[];
}

export interface PlannedFlow {
  flow: FlowConfig;
  workPool: string;
}

export interface PlannedRun {
  part: PartConfig;
  flow: FlowConfig;
  grid: RunDirective["grid"];
  position: Position;
}

/**
 * Resolves the directives of a push, oldest commit first, against the
 * config of its head commit. A later Run directive for the same flow
 * replaces an earlier one: the last word in a push is what the author meant.
 */
export function createPlan(
  commit: Commit,
  directives: Directive[],
  config: Config,
): Plan {
  const builds = new Map<string, PlannedBuild>();
  const runs = new Map<string, PlannedRun>();

  const addBuild = (part: PartConfig, reason: PlannedBuild["reason"]) => {
    const existing = builds.get(part.name);
    if (existing) {
      if (reason === "build") existing.reason = "build";
      return;
    }
    builds.set(part.name, { part, reason, flows: planFlows(part, config) });
  };

  for (const directive of directives) {
    if (directive.kind === "build") {
      for (const ref of directive.parts)
        addBuild(findPart(config, ref.name, ref.position), "build");
      continue;
    }
    const part = findPart(config, directive.part.name, directive.part.position);
    const flow = findFlow(part, directive.flow, directive.flowPosition);
    // A run always runs this commit's code, so its part is built with it.
    addBuild(part, "run");
    runs.set(`${part.name}/${flow.key}`, {
      part,
      flow,
      grid: directive.grid,
      position: directive.position,
    });
  }

  return { commit, builds: [...builds.values()], runs: [...runs.values()] };
}

export function isEmptyPlan(plan: Plan): boolean {
  return plan.builds.length === 0 && plan.runs.length === 0;
}

function planFlows(part: PartConfig, config: Config): PlannedFlow[] {
  return [...part.flows.values()].map((flow) => {
    if (!flow.workPool) {
      throw new FlowpushError(
        "CONFIG_INVALID",
        `${config.source}: flow ${part.name}/${flow.key} has no work pool`,
        {
          hint: `set parts.${part.name}.flows.${flow.key}.work_pool, or defaults.work_pool`,
        },
      );
    }
    return { flow, workPool: flow.workPool };
  });
}

function findPart(
  config: Config,
  name: string,
  position: Position,
): PartConfig {
  const part = config.parts.get(name);
  if (part) return part;
  const known = [...config.parts.keys()].join(", ") || "none";
  throw new FlowpushError(
    "PART_UNKNOWN",
    `${where(position)}: unknown part "${name}"`,
    {
      hint: `parts in ${config.source}: ${known}`,
    },
  );
}

function findFlow(
  part: PartConfig,
  key: string,
  position: Position,
): FlowConfig {
  const flow = part.flows.get(key);
  if (flow) return flow;
  const known =
    [...part.flows.keys()]
      .map((flowKey) => `${part.name}/${flowKey}`)
      .join(", ") || "none";
  throw new FlowpushError(
    "FLOW_UNKNOWN",
    `${where(position)}: part "${part.name}" has no flow "${key}"`,
    {
      hint: `flows of ${part.name}: ${known}`,
    },
  );
}
