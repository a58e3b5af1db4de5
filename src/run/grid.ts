import { createHash } from "node:crypto";

import type { FlowDescription } from "../build/introspect.js";
import { Grid, type GridPoint, type GridSpec } from "../grid/grid.js";
import { toJson } from "../grid/values.js";
import type { PlannedRun } from "../plan/plan.js";

/**
 * The grid a run trains: the directive's, else the flow's `parameters` in
 * flowpush.yaml, else the default in the flow's signature (as the image
 * reported it). Undefined only when none exists, which the registration
 * check refuses before anything is pushed.
 */
export function effectiveGrid(
  run: PlannedRun,
  described: FlowDescription,
): GridSpec | undefined {
  if (run.grid) return run.grid.spec;
  const parameter = run.flow.gridParameter;
  if (parameter in run.flow.parameters)
    return run.flow.parameters[parameter] as GridSpec;
  const schema = described.parameter_schema as {
    properties?: Record<string, { default?: unknown }>;
  };
  const property = schema.properties?.[parameter];
  return property && "default" in property
    ? (property.default as GridSpec)
    : undefined;
}

/**
 * Sixteen hex digits that name a grid: the same points in the same order
 * give the same hash, so runs of one grid can be found by tag again.
 */
export function gridHash(spec: GridSpec | undefined): string {
  const text = spec === undefined ? "default" : toJson(spec, true);
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/**
 * One point as a grid of its own: every value a one-element list, which
 * the runtime expands back to exactly that point.
 */
export function pointGrid(grid: Grid, index: number): GridSpec {
  return Object.fromEntries(
    grid.entriesAt(index).map(([key, value]) => [key, [value]]),
  );
}

/** Several points, in order, as a list of one-point grids. */
export function pointsGrid(points: GridPoint[]): GridSpec {
  return points.map((point) =>
    Object.fromEntries(
      Object.entries(point).map(([key, value]) => [key, [value]]),
    ),
  );
}
