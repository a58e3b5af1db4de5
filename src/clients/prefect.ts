import { z } from "zod";

import { FlowpushError } from "../errors.js";
import { toJson } from "../grid/values.js";
import type { Logger } from "../log.js";
import {
  DEFAULT_RETRY,
  fetchWithRetry,
  UnreachableError,
  type RetryPolicy,
} from "./http.js";

/**
 * The slice of Prefect 3's REST API that flowpush uses. Request bodies carry
 * only the fields we set, because the server rejects unknown fields (422)
 * and defaults the rest; responses are parsed down to the fields we read.
 */
export interface PrefectClient {
  readonly apiUrl: string;
  checkHealth(): Promise<void>;
  serverVersion(): Promise<string>;
  workPoolExists(name: string): Promise<boolean>;
  upsertFlow(name: string): Promise<{ id: string }>;
  upsertDeployment(body: DeploymentBody): Promise<Deployment>;
  createFlowRun(
    deploymentId: string,
    body: FlowRunBody,
  ): Promise<{ run: FlowRun; created: boolean }>;
  readFlowRun(id: string): Promise<FlowRun>;
  readDeployment(id: string): Promise<Deployment>;
  filterFlowRuns(filter: Record<string, unknown>): Promise<FlowRun[]>;
  /** Every run that matches, page by page; `filter` holds no limit. */
  filterAllFlowRuns(filter: Record<string, unknown>): Promise<FlowRun[]>;
  /**
   * Up to BULK_LIMIT runs in one request, in order. Resolves to undefined
   * when the server predates the bulk endpoint (Prefect < 3.6.16).
   */
  createFlowRuns(
    deploymentId: string,
    bodies: FlowRunBody[],
  ): Promise<BulkResult[] | undefined>;
  /** How many task runs match, e.g. a flow run's points in one state. */
  countTaskRuns(filter: Record<string, unknown>): Promise<number>;
  /** The artifacts with this key that the given runs published. */
  readArtifacts(key: string, flowRunIds: string[]): Promise<Artifact[]>;
  readLogs(flowRunId: string): Promise<LogLine[]>;
  /** Deployments that match, e.g. those tagged with a commit. */
  filterDeployments(filter: Record<string, unknown>): Promise<Deployment[]>;
  readFlow(id: string): Promise<{ id: string; name: string }>;
}

export const BULK_LIMIT = 100;
const PAGE = 200;

export interface BulkResult {
  id: string | undefined;
  error: string | undefined;
}

export interface DeploymentBody {
  name: string;
  flow_id: string;
  entrypoint: string;
  work_pool_name: string;
  work_queue_name?: string;
  job_variables: Record<string, unknown>;
  parameters: Record<string, unknown>;
  parameter_openapi_schema: Record<string, unknown>;
  enforce_parameter_schema: boolean;
  pull_steps: Record<string, unknown>[];
  version: string;
  tags: string[];
  description?: string;
}

export interface FlowRunBody {
  name: string;
  parameters: Record<string, unknown>;
  tags: string[];
  idempotency_key: string;
  job_variables: Record<string, unknown>;
  labels?: Record<string, string>;
}

const deploymentSchema = z.object({
  id: z.string(),
  name: z.string(),
  flow_id: z.string(),
  version: z.string().nullish(),
  tags: z.array(z.string()).default([]),
  job_variables: z.record(z.string(), z.unknown()).nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

const flowRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  deployment_id: z.string().nullish(),
  deployment_version: z.string().nullish(),
  state_type: z.string().nullish(),
  state_name: z.string().nullish(),
  tags: z.array(z.string()).default([]),
  parameters: z.record(z.string(), z.unknown()).default({}),
  idempotency_key: z.string().nullish(),
  job_variables: z.record(z.string(), z.unknown()).nullish(),
  state: z.object({ message: z.string().nullish() }).nullish(),
  created: z.string().nullish(),
  start_time: z.string().nullish(),
  end_time: z.string().nullish(),
});
export type FlowRun = z.infer<typeof flowRunSchema>;

const artifactSchema = z.object({
  id: z.string(),
  key: z.string().nullish(),
  flow_run_id: z.string().nullish(),
  created: z.string().nullish(),
  data: z.unknown(),
});
export type Artifact = z.infer<typeof artifactSchema>;

const bulkSchema = z.object({
  results: z.array(
    z.object({
      flow_run_id: z.string().nullish(),
      status: z.string(),
      error: z.string().nullish(),
    }),
  ),
});

const logSchema = z.object({
  timestamp: z.string(),
  level: z.number(),
  message: z.string(),
});
export type LogLine = z.infer<typeof logSchema>;

export interface PrefectConnection {
  apiUrl: string;
  auth: { kind: "bearer" | "basic"; value: string } | undefined;
}

export function createPrefectClient(
  connection: PrefectConnection,
  log: Logger,
  retry: RetryPolicy = DEFAULT_RETRY,
): PrefectClient {
  const { apiUrl, auth } = connection;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
  };
  if (auth)
    headers.Authorization = `${auth.kind === "bearer" ? "Bearer" : "Basic"} ${auth.value}`;

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Response> {
    const url = `${apiUrl}${path}`;
    let response: Response;
    try {
      const init: RequestInit = { method, headers };
      // toJson keeps whole floats in grids floats (1.0) for the flow.
      if (body !== undefined) init.body = toJson(body);
      response = await fetchWithRetry(url, init, log, retry);
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      throw new FlowpushError(
        "PREFECT_UNREACHABLE",
        `cannot reach the Prefect API at ${apiUrl}: ${error.message}`,
        {
          hint: "check PREFECT_API_URL (or prefect.api_url) and that the server is running",
          cause: error,
        },
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new FlowpushError(
        "PREFECT_AUTH",
        `the Prefect API at ${apiUrl} refused the request (${response.status})`,
        {
          hint: "set PREFECT_API_KEY for Prefect Cloud, or PREFECT_API_AUTH_STRING for a server with basic auth",
        },
      );
    }
    return response;
  }

  async function json<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const response = await call(method, path, body);
    await expectOk(response, method, path);
    return schema.parse(await response.json());
  }

  return {
    apiUrl,
    async checkHealth() {
      const response = await call("GET", "/health");
      await expectOk(response, "GET", "/health");
    },
    async serverVersion() {
      return json("GET", "/admin/version", z.string());
    },
    async workPoolExists(name) {
      const response = await call(
        "GET",
        `/work_pools/${encodeURIComponent(name)}`,
      );
      if (response.status === 404) return false;
      await expectOk(response, "GET", `/work_pools/${name}`);
      return true;
    },
    async upsertFlow(name) {
      return json("POST", "/flows/", z.object({ id: z.string() }), { name });
    },
    async upsertDeployment(body) {
      return json("POST", "/deployments/", deploymentSchema, body);
    },
    async createFlowRun(deploymentId, body) {
      const path = `/deployments/${deploymentId}/create_flow_run`;
      const response = await call("POST", path, body);
      await expectOk(response, "POST", path);
      // An idempotency key the server has seen returns the first run, 200.
      return {
        run: flowRunSchema.parse(await response.json()),
        created: response.status === 201,
      };
    },
    async readFlowRun(id) {
      return json("GET", `/flow_runs/${id}`, flowRunSchema);
    },
    async readDeployment(id) {
      return json("GET", `/deployments/${id}`, deploymentSchema);
    },
    async filterFlowRuns(filter) {
      return json("POST", "/flow_runs/filter", z.array(flowRunSchema), filter);
    },
    async filterAllFlowRuns(filter) {
      const runs: FlowRun[] = [];
      // Sorted by id so that pages stay stable while runs change state.
      for (let offset = 0; ; offset += PAGE) {
        const page = await json(
          "POST",
          "/flow_runs/filter",
          z.array(flowRunSchema),
          { ...filter, sort: "ID_DESC", limit: PAGE, offset },
        );
        runs.push(...page);
        if (page.length < PAGE) return runs;
      }
    },
    async createFlowRuns(deploymentId, bodies) {
      if (bodies.length > BULK_LIMIT)
        throw new Error(`at most ${BULK_LIMIT} runs go in one bulk request`);
      const path = `/deployments/${deploymentId}/create_flow_run/bulk`;
      const response = await call("POST", path, bodies);
      // An older server routes the path to the single create, which then
      // rejects the list (422), or does not know it at all (404, 405).
      if ([404, 405, 422].includes(response.status)) return undefined;
      await expectOk(response, "POST", path);
      const { results } = bulkSchema.parse(await response.json());
      return results.map((result) => ({
        id: result.flow_run_id ?? undefined,
        error:
          result.status === "CREATED"
            ? undefined
            : (result.error ?? result.status),
      }));
    },
    async countTaskRuns(filter) {
      return json("POST", "/task_runs/count", z.number().int(), filter);
    },
    async readArtifacts(key, flowRunIds) {
      const artifacts: Artifact[] = [];
      for (let start = 0; start < flowRunIds.length; start += PAGE) {
        const ids = flowRunIds.slice(start, start + PAGE);
        const page = await json(
          "POST",
          "/artifacts/filter",
          z.array(artifactSchema),
          {
            artifacts: {
              key: { any_: [key] },
              flow_run_id: { any_: ids },
            },
            sort: "CREATED_DESC",
            limit: PAGE,
          },
        );
        artifacts.push(...page);
      }
      return artifacts;
    },
    async filterDeployments(filter) {
      const path = "/deployments/filter";
      return json("POST", path, z.array(deploymentSchema), filter);
    },
    async readFlow(id) {
      const flow = z.object({ id: z.string(), name: z.string() });
      return json("GET", `/flows/${encodeURIComponent(id)}`, flow);
    },
    async readLogs(flowRunId) {
      const lines: LogLine[] = [];
      for (let offset = 0; ; offset += 200) {
        const page = await json("POST", "/logs/filter", z.array(logSchema), {
          logs: { flow_run_id: { any_: [flowRunId] } },
          sort: "TIMESTAMP_ASC",
          limit: 200,
          offset,
        });
        lines.push(...page);
        if (page.length < 200) return lines;
      }
    },
  };
}

async function expectOk(
  response: Response,
  method: string,
  path: string,
): Promise<void> {
  if (response.ok) return;
  const text = await response.text().catch(() => "");
  let detail = text;
  try {
    detail = JSON.stringify(
      (JSON.parse(text) as { detail?: unknown }).detail ?? text,
    );
  } catch {
    // Not JSON: keep the raw text.
  }
  throw new FlowpushError(
    "PREFECT_REQUEST",
    `Prefect answered ${response.status} to ${method} ${path}: ${detail.slice(0, 500)}`,
  );
}
