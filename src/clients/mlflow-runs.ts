import { z } from "zod";

/** An MLflow run as flowpush reads it: tags, params and metrics as
 * records, because every caller looks values up by key. */
export interface MlflowRun {
  id: string;
  name: string;
  experimentId: string;
  /** RUNNING, SCHEDULED, FINISHED, FAILED or KILLED. */
  status: string;
  /** Milliseconds since the epoch. */
  startTime: number | undefined;
  endTime: number | undefined;
  tags: Record<string, string>;
  params: Record<string, string>;
  /** The latest value of each metric. */
  metrics: Record<string, number>;
}

const keyValue = z.object({ key: z.string(), value: z.string().default("") });
// MLflow writes int64 fields as numbers, protobuf's JSON as strings, and
// a NaN metric as the string "NaN": take all three.
const number = z.union([z.number(), z.string()]).transform(Number);
export const runSchema = z.object({
  info: z.object({
    run_id: z.string(),
    run_name: z.string().nullish(),
    experiment_id: z.string(),
    status: z.string().nullish(),
    start_time: number.nullish(),
    end_time: number.nullish(),
  }),
  data: z
    .object({
      metrics: z.array(z.object({ key: z.string(), value: number })),
      params: z.array(keyValue),
      tags: z.array(keyValue),
    })
    .partial()
    .default({}),
});

export function parseRun({ info, data }: z.infer<typeof runSchema>): MlflowRun {
  const record = <T>(items: { key: string; value: T }[] = []) =>
    Object.fromEntries(items.map(({ key, value }) => [key, value]));
  return {
    id: info.run_id,
    name: info.run_name ?? "",
    experimentId: info.experiment_id,
    status: info.status ?? "UNKNOWN",
    startTime: info.start_time ?? undefined,
    endTime: info.end_time ?? undefined,
    tags: record(data.tags),
    params: record(data.params),
    metrics: record(data.metrics),
  };
}

/**
 * A search filter matching every tag exactly. Keys are quoted with
 * backticks because flowpush's and MLflow's own keys hold dots.
 */
export function tagFilter(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([key, value]) => {
      // MLflow's filter grammar has no escapes: refuse what it cannot say.
      if (key.includes("`") || value.includes("'"))
        throw new Error(`cannot search MLflow for the tag ${key}=${value}`);
      return `tags.\`${key}\` = '${value}'`;
    })
    .join(" and ");
}

/** Where the MLflow UI shows a run. */
export function mlflowRunUrl(trackingUri: string, run: MlflowRun): string {
  return `${trackingUri}/#/experiments/${run.experimentId}/runs/${run.id}`;
}
