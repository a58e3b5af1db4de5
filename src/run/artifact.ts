import type { PointResult } from "./model.js";

/** The key of the table artifact the Python runtime publishes per run. */
export const RESULTS_KEY = "flowpush-results";

type Row = Record<string, unknown>;

/**
 * The points of a results artifact. Prefect stores a table artifact's
 * data as JSON text of whatever table the flow passed: a list of rows or
 * a mapping of columns, and writes NaN as null. Anything else yields no
 * points rather than an error: a trace still shows the run.
 */
export function parseResults(data: unknown): PointResult[] {
  const table = typeof data === "string" ? parseJson(data) : data;
  return rowsOf(table)
    .map(toPoint)
    .filter((point): point is PointResult => point !== undefined)
    .sort((a, b) => a.index - b.index);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function rowsOf(table: unknown): Row[] {
  if (Array.isArray(table)) return table.filter(isRow);
  if (!isRow(table)) return [];
  const columns = Object.entries(table).filter(([, values]) =>
    Array.isArray(values),
  ) as [string, unknown[]][];
  const length = Math.max(0, ...columns.map(([, values]) => values.length));
  return Array.from({ length }, (_, index) =>
    Object.fromEntries(columns.map(([name, values]) => [name, values[index]])),
  );
}

function toPoint(row: Row): PointResult | undefined {
  const index = Number(row.index);
  if (!Number.isInteger(index)) return undefined;
  const params: Record<string, unknown> = {};
  const metrics: Record<string, number> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith("param:")) params[column.slice(6)] = value;
    if (column.startsWith("metric:") && typeof value === "number")
      metrics[column.slice(7)] = value;
  }
  return {
    index,
    state: text(row.state) ?? "UNKNOWN",
    error: text(row.error),
    mlflowRunId: text(row.mlflow_run_id),
    params,
    metrics,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
