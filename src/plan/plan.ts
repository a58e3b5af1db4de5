import type { Commit } from "../commit/context.js";
import type {
  Config,
  FlowConfig,
  PartConfig,
  RunMode,
} from "../config/config.js";
import {
  where,
  type CommitDirectives,
  type PartSelector,
  type Position,
  type RunDirective,
} from "../directives/parse.js";
import { FlowpushError } from "../errors.js";
import { checkPolicy } from "./policy.js";

/**
 * What a push will do, decided before anything is done: the parts to build
 * (each then registers all its flows) and the runs to start. Every refusal
 * flowpush can make about the input alone is made here.
 */
export interface Plan {
  commit: Commit;
  builds: PlannedBuild[];
  runs: PlannedRun[];
}

export interface PlannedBuild {
  part: PartConfig;
  /** Why it is built: named, selected by `all` or `changed`, or run. */
  reason: "named" | "all" | "changed" | "run";
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
  /** The directive's choice, else the flow's configured mode. */
  mode: RunMode;
  position: Position;
  /** Earlier directives of the push for the same flow, now replaced. */
  replaces: Position[];
}

export interface PlanInput {
  /** The commit that is built. */
  head: Commit;
  /** The push's commits with their directives, oldest first. */
  commits: CommitDirectives[];
  config: Config;
  branch: string | undefined;
  /** Paths the push changed; needed only when a directive says `changed`. */
  changedPaths: string[] | undefined;
}

/**
 * Resolves the directives of a push against the config of its head commit.
 * A later Run directive for the same flow replaces an earlier one: the last
 * word in a push is what the author meant.
 */
export function createPlan(input: PlanInput): Plan {
  const { config, head } = input;
  const builds = new Map<string, PlannedBuild>();
  const runs = new Map<string, PlannedRun>();

  const addBuild = (part: PartConfig, reason: PlannedBuild["reason"]) => {
    const existing = builds.get(part.name);
    if (!existing)
      builds.set(part.name, { part, reason, flows: planFlows(part, config) });
    else if (existing.reason === "run") existing.reason = reason;
  };

  for (const { commit, directives } of input.commits) {
    for (const directive of directives) {
      if (directive.kind === "build") {
        for (const selector of directive.parts) {
          const parts = selectParts(selector, input);
          checkPolicy(config, commit, input.branch, parts, selector.position);
          const reason = selector.kind === "name" ? "named" : selector.kind;
          parts.forEach((part) => addBuild(part, reason));
        }
        continue;
      }
      const part = findPart(
        config,
        directive.part.name,
        directive.part.position,
      );
      const flow = findFlow(part, directive.flow, directive.flowPosition);
      checkPolicy(config, commit, input.branch, [part], directive.position);
      checkSize(config, directive);
      // A run always runs this commit's code, so its part is built with it.
      addBuild(part, "run");
      const key = `${part.name}/${flow.key}`;
      const earlier = runs.get(key);
      const replaces = earlier ? [...earlier.replaces, earlier.position] : [];
      runs.delete(key);
      runs.set(key, {
        part,
        flow,
        grid: directive.grid,
        mode: directive.mode ?? flow.mode,
        position: directive.position,
        replaces,
      });
    }
  }

  return {
    commit: head,
    builds: [...builds.values()],
    runs: [...runs.values()],
  };
}

export function isEmptyPlan(plan: Plan): boolean {
  return plan.builds.length === 0 && plan.runs.length === 0;
}

/** Whether any directive of the push selects the parts it changed. */
export function needsChangedPaths(commits: CommitDirectives[]): boolean {
  return commits.some(({ directives }) =>
    directives.some(
      (d) => d.kind === "build" && d.parts.some((p) => p.kind === "changed"),
    ),
  );
}

function selectParts(selector: PartSelector, input: PlanInput): PartConfig[] {
  const parts = [...input.config.parts.values()];
  if (selector.kind === "name")
    return [findPart(input.config, selector.name, selector.position)];
  if (selector.kind === "all") return parts;
  if (!input.changedPaths)
    throw new Error(
      "changed paths were not computed for a `changed` directive",
    );
  const changed = input.changedPaths;
  return parts.filter(({ path }) =>
    changed.some(
      (file) => path === "" || file === path || file.startsWith(`${path}/`),
    ),
  );
}

function checkSize(config: Config, run: RunDirective): void {
  if (!run.grid || run.grid.size <= BigInt(config.policy.maxPoints)) return;
  throw new FlowpushError(
    "GRID_TOO_LARGE",
    `${where(run.position)}: the grid has ${run.grid.size} points, more than the ${config.policy.maxPoints} a run may have`,
    {
      position: run.position,
      hint: `narrow the grid, or raise policy.max_points in ${config.source}`,
    },
  );
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
      position,
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
      position,
      hint: `flows of ${part.name}: ${known}`,
    },
  );
}
