import type { PrefectClient } from "../clients/prefect.js";

/**
 * The results table the Python runtime publishes on every grid run
 * (runtime/src/flowpush_runtime/results.py): one row per point, with its
 * index in the whole grid, how it ended, and `param:` and `metric:`
 * columns. Push results, trace and rerun all read it here.
 */
export const RESULTS_KEY = "flowpush-results";

/** One point of a grid as the runtime's results artifact reports it. */
export interface PointResult {
  index: number;
  state: string;
  error: string | undefined;
  mlflowRunId: string | undefined;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
}

/**
 * The points each run reported, by run id; a run that published no table
 * (it crashed first, or its flow does not use the runtime) is missing.
 */
export async function readReportedPoints(
  prefect: Pick<PrefectClient, "readArtifacts">,
  runIds: string[],
): Promise<Map<string, PointResult[]>> {
  const reported = new Map<string, PointResult[]>();
  if (runIds.length === 0) return reported;
  const artifacts = await prefect.readArtifacts(RESULTS_KEY, runIds);
  // Newest first: a run that published twice is read from its last table.
  const newest = [...artifacts].sort((a, b) =>
    (b.created ?? "").localeCompare(a.created ?? ""),
  );
  for (const artifact of newest) {
    const runId = artifact.flow_run_id;
    if (runId && !reported.has(runId))
      reported.set(runId, parseResults(artifact.data));
  }
  return reported;
}

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
