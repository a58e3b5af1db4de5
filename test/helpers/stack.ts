import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import Docker from "dockerode";

/**
 * The local stack started by scripts/stack/up.sh, as integration tests see
 * it. Tests query the real services directly, never through flowpush's own
 * clients, so that a bug in a client cannot hide itself.
 */
export function stackEnv(): Record<string, string> {
  const dir =
    process.env.FLOWPUSH_STACK_DIR ??
    join(homedir(), ".cache", "flowpush", "stack");
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, "env"), "utf8").split("\n")) {
    const match = /^export ([A-Z_]+)='(.*)'$/.exec(line);
    if (match) env[match[1] as string] = match[2] as string;
  }
  return env;
}

const env = stackEnv();
export const PREFECT_URL = env.PREFECT_API_URL as string;
export const REGISTRY = env.FLOWPUSH_REGISTRY as string;
export const docker = new Docker({ socketPath: "/var/run/docker.sock" });

export async function prefect<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${PREFECT_URL}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface FlowRunView {
  id: string;
  name: string;
  state_type: string;
  tags: string[];
  parameters: Record<string, unknown>;
  deployment_version: string | null;
  job_variables: { image?: string; env?: Record<string, string> } | null;
}

/** The value of a run's `<name>:<value>` tag. */
export function tagOf(run: FlowRunView, name: string): string | undefined {
  return run.tags.find((t) => t.startsWith(`${name}:`))?.slice(name.length + 1);
}

/** Every run tagged with the commit, all pages of them. */
export async function runsOfCommit(sha: string): Promise<FlowRunView[]> {
  const runs: FlowRunView[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await prefect<FlowRunView[]>("/flow_runs/filter", {
      flow_runs: { tags: { all_: [`commit:${sha}`] } },
      sort: "ID_DESC",
      limit: 200,
      offset,
    });
    runs.push(...page);
    if (page.length < 200) return runs;
  }
}

export interface DeploymentView {
  id: string;
  version: string;
  tags: string[];
  job_variables: { image?: string; env?: Record<string, string> };
  pull_steps: unknown[];
}

export function deploymentsOfCommit(sha: string): Promise<DeploymentView[]> {
  return prefect("/deployments/filter", {
    deployments: { tags: { all_: [`commit:${sha}`] } },
  });
}

export async function logMessages(flowRunId: string): Promise<string[]> {
  const logs = await prefect<Array<{ message: string }>>("/logs/filter", {
    logs: { flow_run_id: { any_: [flowRunId] } },
    sort: "TIMESTAMP_ASC",
    limit: 200,
  });
  return logs.map((log) => log.message);
}

/**
 * The run's lines that match, once `count` of them have arrived. Prefect
 * ships logs from the flow's container in batches, and the last batch can
 * land after the run is already COMPLETED.
 */
export async function waitForLogLines(
  flowRunId: string,
  pattern: RegExp,
  count: number,
): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lines = (await logMessages(flowRunId)).filter((message) =>
      pattern.test(message),
    );
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function registryHasTag(
  repository: string,
  tag: string,
): Promise<boolean> {
  const auth = Buffer.from(
    `${env.FLOWPUSH_REGISTRY_USERNAME}:${env.FLOWPUSH_REGISTRY_PASSWORD}`,
  ).toString("base64");
  const response = await fetch(
    `http://${REGISTRY}/v2/${repository}/manifests/${tag}`,
    {
      method: "HEAD",
      headers: {
        Authorization: `Basic ${auth}`,
        Accept: "application/vnd.docker.distribution.manifest.v2+json",
      },
    },
  );
  return response.status === 200;
}

export async function localImageExists(reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch {
    return false;
  }
}

/** The rows of the results table the runtime published on a run. */
export async function resultRows(
  flowRunId: string,
): Promise<Record<string, unknown>[]> {
  const artifacts = await prefect<Array<{ data: unknown }>>(
    "/artifacts/filter",
    {
      artifacts: {
        key: { any_: ["flowpush-results"] },
        flow_run_id: { any_: [flowRunId] },
      },
    },
  );
  const data = artifacts[0]?.data;
  return (typeof data === "string" ? JSON.parse(data) : data) as Record<
    string,
    unknown
  >[];
}
