import { z } from "zod";

import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import {
  DEFAULT_RETRY,
  fetchWithRetry,
  UnreachableError,
  type RetryPolicy,
} from "./http.js";
import type { MlflowConnection } from "./mlflow-connection.js";
import { parseRun, runSchema, type MlflowRun } from "./mlflow-runs.js";

export * from "./mlflow-connection.js";
export * from "./mlflow-runs.js";

/**
 * The slice of MLflow's tracking REST API (`/api/2.0/mlflow`, served alike
 * by MLflow 2 and 3) that flowpush uses: the experiment a grid logs to, the
 * parent run of a grid, and reading runs back by their tags for `flowpush
 * trace`. Runs come back with tags, params and metrics as plain records.
 */
export interface MlflowClient {
  /** The tracking server, without the credentials it may have been given
   * with: safe to print. */
  readonly trackingUri: string;
  /** The experiment's id; created when missing, also by a racing client. */
  getOrCreateExperiment(name: string): Promise<string>;
  /** Refuses a deleted experiment; a missing one is fine, runs create it.
   * Reads only, so a push can check before anything is built. */
  checkExperiment(name: string): Promise<void>;
  /** Every active experiment, all pages. */
  searchExperiments(): Promise<MlflowExperiment[]>;
  createRun(run: NewMlflowRun): Promise<MlflowRun>;
  setTerminated(runId: string, status: MlflowEndStatus): Promise<void>;
  logBatch(runId: string, batch: MlflowBatch): Promise<void>;
  /** The run, or undefined when the server has no run with this id. */
  getRun(runId: string): Promise<MlflowRun | undefined>;
  /** One page of runs; pass `nextPageToken` back for the next. */
  searchRuns(query: MlflowRunQuery): Promise<MlflowRunPage>;
}

export interface MlflowExperiment {
  id: string;
  name: string;
}

export interface NewMlflowRun {
  experimentId: string;
  runName: string;
  /** `mlflow.parentRunId` among them nests the run under that one. */
  tags: Record<string, string>;
}

export type MlflowEndStatus = "FINISHED" | "FAILED" | "KILLED";

export interface MlflowBatch {
  params?: Record<string, string>;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
}

export interface MlflowRunQuery {
  experimentIds: string[];
  /** MLflow's search syntax; `tagFilter` writes one safely. */
  filter?: string;
  /** Per page; the server caps it at 50 000. */
  maxResults?: number;
  pageToken?: string;
}

export interface MlflowRunPage {
  runs: MlflowRun[];
  nextPageToken: string | undefined;
}

const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  lifecycle_stage: z.string().nullish(),
});

export function createMlflowClient(
  connection: MlflowConnection,
  log: Logger,
  retry: RetryPolicy = DEFAULT_RETRY,
): MlflowClient {
  const { trackingUri, auth } = connection;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
  };
  if (auth)
    headers.Authorization = `${auth.kind === "bearer" ? "Bearer" : "Basic"} ${auth.value}`;

  async function call(method: string, path: string, body?: unknown) {
    const url = `${trackingUri}/api/2.0/mlflow/${path}`;
    let response: Response;
    try {
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      response = await fetchWithRetry(url, init, log, retry);
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      throw new FlowpushError(
        "MLFLOW_UNREACHABLE",
        `cannot reach the MLflow tracking server at ${trackingUri}: ${error.message}`,
        {
          hint: "check MLFLOW_TRACKING_URI (or mlflow.tracking_uri) and that the server is running",
          cause: error,
        },
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new FlowpushError(
        "MLFLOW_AUTH",
        `the MLflow tracking server at ${trackingUri} refused the request (${response.status})`,
        {
          hint: "set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD",
        },
      );
    }
    return response;
  }

  /** The parsed answer, or undefined when the server answers with the
   * error code `missing` (RESOURCE_DOES_NOT_EXIST, say). */
  async function request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    options: { body?: unknown; missing?: string } = {},
  ): Promise<T | undefined> {
    const response = await call(method, path, options.body);
    if (response.ok) return schema.parse(await response.json());
    const { code, error } = await requestError(response, method, path);
    if (code !== undefined && code === options.missing) return undefined;
    throw error;
  }

  const json = async <T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ) => (await request(method, path, schema, { body })) as T;

  async function readExperiment(name: string) {
    const path = `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`;
    const answer = z.object({ experiment: experimentSchema });
    const result = await request("GET", path, answer, {
      missing: "RESOURCE_DOES_NOT_EXIST",
    });
    return result?.experiment;
  }

  function refuseDeleted(experiment: z.infer<typeof experimentSchema>) {
    if (experiment.lifecycle_stage !== "deleted") return;
    throw new FlowpushError(
      "MLFLOW_REQUEST",
      `the MLflow experiment "${experiment.name}" is deleted, so no run can be logged to it`,
      {
        hint: `restore it (mlflow experiments restore --experiment-id ${experiment.experiment_id}), or name another experiment in MLFLOW_EXPERIMENT_NAME or mlflow.experiment`,
      },
    );
  }

  return {
    trackingUri,
    async getOrCreateExperiment(name) {
      let experiment = await readExperiment(name);
      if (!experiment) {
        // Two grids starting at once both miss the experiment; the loser
        // of the race to create it reads the winner's.
        await request("POST", "experiments/create", z.unknown(), {
          body: { name },
          missing: "RESOURCE_ALREADY_EXISTS",
        });
        experiment = await readExperiment(name);
      }
      if (!experiment) {
        throw new FlowpushError(
          "MLFLOW_REQUEST",
          `MLflow at ${trackingUri} created the experiment "${name}" but cannot find it`,
        );
      }
      refuseDeleted(experiment);
      return experiment.experiment_id;
    },
    async checkExperiment(name) {
      const experiment = await readExperiment(name);
      if (experiment) refuseDeleted(experiment);
    },
    async searchExperiments() {
      const page = z.object({
        experiments: z.array(experimentSchema).default([]),
        next_page_token: z.string().nullish(),
      });
      const experiments: MlflowExperiment[] = [];
      let token: string | undefined;
      do {
        const body = { max_results: 1000, view_type: "ACTIVE_ONLY" };
        const result = await json(
          "POST",
          "experiments/search",
          page,
          token ? { ...body, page_token: token } : body,
        );
        for (const { experiment_id: id, name } of result.experiments)
          experiments.push({ id, name });
        token = result.next_page_token || undefined;
      } while (token);
      return experiments;
    },
    async createRun({ experimentId, runName, tags }) {
      // TODO: MLflow has no idempotency key for runs: a create retried
      // after a lost answer leaves a second, empty run beside the first.
      const answer = z.object({ run: runSchema });
      const result = await json("POST", "runs/create", answer, {
        experiment_id: experimentId,
        run_name: runName,
        start_time: Date.now(),
        tags: toKeyValues(tags),
      });
      return parseRun(result.run);
    },
    async setTerminated(runId, status) {
      await json("POST", "runs/update", z.unknown(), {
        run_id: runId,
        status,
        end_time: Date.now(),
      });
    },
    async logBatch(runId, batch) {
      const timestamp = Date.now();
      const metrics = Object.entries(batch.metrics ?? {}).map(
        ([key, value]) => ({ key, value, timestamp, step: 0 }),
      );
      await json("POST", "runs/log-batch", z.unknown(), {
        run_id: runId,
        params: toKeyValues(batch.params ?? {}),
        metrics,
        tags: toKeyValues(batch.tags ?? {}),
      });
    },
    async getRun(runId) {
      const path = `runs/get?run_id=${encodeURIComponent(runId)}`;
      const answer = z.object({ run: runSchema });
      const result = await request("GET", path, answer, {
        missing: "RESOURCE_DOES_NOT_EXIST",
      });
      return result && parseRun(result.run);
    },
    async searchRuns({ experimentIds, filter, maxResults, pageToken }) {
      const page = z.object({
        runs: z.array(runSchema).default([]),
        next_page_token: z.string().nullish(),
      });
      const result = await json("POST", "runs/search", page, {
        experiment_ids: experimentIds,
        run_view_type: "ACTIVE_ONLY",
        max_results: maxResults ?? 1000,
        ...(filter ? { filter } : {}),
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      return {
        runs: result.runs.map(parseRun),
        nextPageToken: result.next_page_token || undefined,
      };
    },
  };
}

/** Every run the query finds, following the pages to the end. */
export async function searchAllRuns(
  client: Pick<MlflowClient, "searchRuns">,
  query: Omit<MlflowRunQuery, "pageToken">,
): Promise<MlflowRun[]> {
  // No experiment holds no run: spare the server the question.
  if (query.experimentIds.length === 0) return [];
  const runs: MlflowRun[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchRuns({ ...query, pageToken });
    runs.push(...page.runs);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return runs;
}

function toKeyValues(record: Record<string, string>) {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

async function requestError(
  response: Response,
  method: string,
  path: string,
): Promise<{ code: string | undefined; error: FlowpushError }> {
  const text = await response.text().catch(() => "");
  let detail = text;
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    code = body.error_code;
    detail = [body.error_code, body.message].filter(Boolean).join(": ");
  } catch {
    // Not JSON (a proxy's error page, say): keep the raw text.
  }
  const where = `${method} ${path.split("?")[0]}`;
  const error = new FlowpushError(
    "MLFLOW_REQUEST",
    `MLflow answered ${response.status} to ${where}: ${detail.slice(0, 500)}`,
  );
  return { code, error };
}
