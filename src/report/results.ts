import { toJson } from "../grid/values.js";
import { clean } from "./clean.js";
import {
  failedPoints,
  type GridResult,
  type PointResult,
} from "../run/results.js";

/**
 * A grid's results as rows and columns: one row per point with its
 * parameters and metrics, the best point marked, failures with their
 * reason. Terminal and Markdown render the same cells.
 */
export interface ResultTable {
  title: string;
  header: string[];
  rows: string[][];
  failures: string[];
}

export function resultTable(grid: GridResult): ResultTable {
  const params = columns(grid.points, (p) => p.params);
  const metrics = columns(grid.points, (p) => p.metrics);
  const header = ["point", ...params, ...metrics, "state", ""];
  const rows = grid.points.map((point, at) => [
    point.index === undefined ? "-" : String(point.index),
    ...params.map((name) => cell(point.params[name])),
    ...metrics.map((name) => number(point.metrics[name])),
    point.state,
    at === grid.best ? "best" : "",
  ]);
  const failed = failedPoints(grid);
  const ranked = grid.metric
    ? `, ranked by ${grid.metric.name} (${grid.metric.goal === "minimize" ? "lower" : "higher"} is better)`
    : "";
  // Names, values and errors come from the flow's results table: clean
  // every cell once, here, for the terminal and the summaries alike.
  return {
    title: clean(
      `${grid.part}/${grid.flow}: ${grid.points.length - failed.length} of ${grid.points.length} points completed${ranked}`,
    ),
    header: header.map(clean),
    rows: rows.map((row) => row.map(clean)),
    failures: failed.map((p) =>
      clean(
        `point ${p.index ?? "-"}${describeParams(p)}: ${p.state}: ${p.error ?? "no reason given"}`,
      ),
    ),
  };
}

export function renderResultsText(grids: GridResult[]): string {
  return grids
    .map((grid) => {
      const table = resultTable(grid);
      const widths = table.header.map((_, column) =>
        Math.max(
          ...[table.header, ...table.rows].map(
            (row) => row[column]?.length ?? 0,
          ),
        ),
      );
      const line = (cells: string[]) =>
        cells
          .map((text, column) => text.padEnd(widths[column] ?? 0))
          .join("  ")
          .trimEnd();
      return [
        table.title,
        line(table.header),
        ...table.rows.map(line),
        ...table.failures,
      ].join("\n");
    })
    .join("\n\n");
}

function columns(
  points: PointResult[],
  pick: (point: PointResult) => Record<string, unknown>,
): string[] {
  return [...new Set(points.flatMap((point) => Object.keys(pick(point))))];
}

function cell(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : toJson(value);
}

function number(value: number | undefined): string {
  if (value === undefined) return "";
  return Number.isInteger(value) ? String(value) : value.toPrecision(6);
}

function describeParams(point: PointResult): string {
  const pairs = Object.entries(point.params).map(
    ([key, value]) => `${key}=${cell(value)}`,
  );
  return pairs.length > 0 ? ` (${pairs.join(" ")})` : "";
}
