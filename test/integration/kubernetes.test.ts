import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush, type CliResult } from "../helpers/cli.js";
import { createTempRepo, REPO_ROOT, type TempRepo } from "../helpers/git.js";
import {
  prefect,
  PREFECT_URL,
  runsOfCommit,
  type DeploymentView,
  stackEnv,
  type FlowRunView,
} from "../helpers/stack.js";

const env = stackEnv();
const PYTHON = env.FLOWPUSH_PYTHON as string;
const POOL = "flowpush-k8s-check";
const UPSTREAM_POOL = "flowpush-k8s-upstream";

// Kubernetes cannot run here, so the pools have no worker: the runs stay
// scheduled, and scripts/kubernetes/check_jobs.py renders and validates
// the Jobs a Kubernetes worker would create for them.
const CONFIG = `registry:
  address: ${env.FLOWPUSH_REGISTRY}
defaults:
  base_image: ${env.FLOWPUSH_BASE_IMAGE}
  kubernetes:
    namespace: forecasting
parts:
  prices:
    path: prices
    image: flowpush/prices
    flows:
      train:
        entrypoint: flows/train.py:train_grid
        work_pool: ${POOL}
        mode: runs
        kubernetes:
          service_account: flowpush-runner
          cpu_request: 500m
          cpu_limit: "2"
          memory_request: 1Gi
          memory_limit: 4Gi
          finished_job_ttl: 3600
        job_variables:
          env:
            TEAM: forecasting
      train-dask:
        entrypoint: flows/train.py:train_grid
        work_pool: ${POOL}
        dask:
          kubernetes:
            workers: { min: 2, max: 10 }
            cpu: "2"
            memory: 8Gi
            lifetime: { duration: 4h, stagger: 15m }
            env:
              OMP_NUM_THREADS: "2"
      train-upstream:
        entrypoint: flows/train.py:train_grid
        work_pool: ${UPSTREAM_POOL}
`;

interface Report {
  flow_run_id: string;
  job: Job;
  job_errors: string[];
  dask_cluster: DaskCluster | null;
  dask_errors: string[];
}

interface Container {
  image: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  resources: Record<string, Record<string, string>>;
}

interface Job {
  metadata: { namespace: string };
  spec: {
    ttlSecondsAfterFinished: number;
    template: { spec: { serviceAccountName: string; containers: Container[] } };
  };
}

interface DaskCluster {
  metadata: { name: string };
  spec: { worker: { replicas: number; spec: { containers: Container[] } } };
}

async function putPool(name: string, template: unknown): Promise<void> {
  const body = { name, type: "kubernetes", base_job_template: template };
  const created = await fetch(`${PREFECT_URL}/work_pools/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (created.status !== 409) return;
  await fetch(`${PREFECT_URL}/work_pools/${name}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ base_job_template: template }),
  });
}

async function template(...args: string[]): Promise<unknown> {
  const script = join(REPO_ROOT, "scripts/kubernetes/base_job_template.py");
  return JSON.parse((await execa(PYTHON, [script, ...args])).stdout);
}

async function checkJobs(runs: FlowRunView[]) {
  const script = join(REPO_ROOT, "scripts/kubernetes/check_jobs.py");
  const result = await execa(PYTHON, [script, ...runs.map((r) => r.id)], {
    env: { PREFECT_API_URL: PREFECT_URL },
    reject: false,
  });
  return {
    exitCode: result.exitCode,
    stderr: result.stderr,
    reports: JSON.parse(result.stdout) as Report[],
  };
}

const envOf = (container: Container) =>
  Object.fromEntries(container.env.map((item) => [item.name, item.value]));
const byFlow = (runs: FlowRunView[], flow: string) =>
  runs.filter((run) => run.tags.includes(`flow:${flow}`));

describe("what flowpush asks of Kubernetes, checked offline", () => {
  let repo: TempRepo;
  let sha: string;
  let push: CliResult;
  let runs: FlowRunView[];

  beforeAll(async () => {
    await putPool(POOL, await template());
    await putPool(UPSTREAM_POOL, await template("--upstream"));
    repo = await createTempRepo({ fromExample: true });
    await repo.write("flowpush.yaml", CONFIG);
    sha = await repo.commit(
      [
        "Train prices on the cluster",
        "",
        "Flowpush-Run: prices/train b=1,2",
        "Flowpush-Run: prices/train-dask b=1,2",
        "Flowpush-Run: prices/train-upstream",
      ].join("\n"),
    );
    push = await runFlowpush(["push"], { cwd: repo.dir, env });
    runs = await runsOfCommit(sha);
  }, 600_000);

  afterAll(async () => {
    // Nothing would ever run them.
    for (const run of runs ?? [])
      await fetch(`${PREFECT_URL}/flow_runs/${run.id}`, { method: "DELETE" });
    await repo.remove();
  });

  it("commits the worker's template with the Job fields where Kubernetes has them", async () => {
    const committed = await readFile(
      join(REPO_ROOT, "templates/kubernetes/base-job-template.json"),
      "utf8",
    );
    expect(JSON.parse(committed)).toEqual(await template());
  });

  it("registers and starts the runs on the kubernetes pools", () => {
    expect(push.stderr).not.toMatch(/^error:/m);
    expect(push.exitCode).toBe(0);
    expect(runs).toHaveLength(4);
  });

  it("renders Jobs that validate strictly, with the part's Kubernetes settings", async () => {
    const points = byFlow(runs, "train");
    const { exitCode, stderr, reports } = await checkJobs(points);

    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    const [deployment] = await prefect<DeploymentView[]>(
      "/deployments/filter",
      { deployments: { tags: { all_: [`commit:${sha}`] } } },
    );
    for (const report of reports) {
      expect(report.job_errors).toEqual([]);
      const { job } = report;
      const pod = job.spec.template.spec;
      const container = pod.containers[0] as Container;
      expect(job.metadata.namespace).toBe("forecasting");
      expect(job.spec.ttlSecondsAfterFinished).toBe(3600);
      expect(pod.serviceAccountName).toBe("flowpush-runner");
      expect(container.image).toBe(deployment?.job_variables.image);
      expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(container.resources).toEqual({
        requests: { cpu: "500m", memory: "1Gi" },
        limits: { cpu: "2", memory: "4Gi" },
      });
      expect(envOf(container)).toMatchObject({
        FLOWPUSH_COMMIT: sha,
        FLOWPUSH_PART: "prices",
        TEAM: "forecasting",
      });
    }
    const indices = reports.map(
      (r) =>
        envOf(r.job.spec.template.spec.containers[0] as Container)
          .FLOWPUSH_POINT_INDEX,
    );
    expect(indices.sort()).toEqual(["0", "1"]);
  });

  it("asks for a Dask cluster whose resource and pods validate, with worker lifetimes", async () => {
    const { exitCode, reports } = await checkJobs(byFlow(runs, "train-dask"));

    expect(exitCode).toBe(0);
    const [report] = reports as [Report];
    expect(report.dask_errors).toEqual([]);
    const cluster = report.dask_cluster as DaskCluster;
    const worker = cluster.spec.worker.spec.containers[0] as Container;
    const job = report.job.spec.template.spec.containers[0] as Container;
    expect(cluster.metadata.name).toMatch(/^flowpush-prices-[0-9a-f]{8}$/);
    expect(cluster.spec.worker.replicas).toBe(2);
    // The workers run the flow's own image, so its modules import there.
    expect(worker.image).toBe(job.image);
    expect(worker.args.slice(0, 7)).toEqual([
      "dask",
      "worker",
      "--lifetime",
      "4h",
      "--lifetime-stagger",
      "15m",
      "--lifetime-restart",
    ]);
    expect(worker.resources).toEqual({
      requests: { cpu: "2", memory: "8Gi" },
      limits: { cpu: "2", memory: "8Gi" },
    });
    expect(envOf(worker)).toMatchObject({
      FLOWPUSH_COMMIT: sha,
      OMP_NUM_THREADS: "2",
    });
  });

  it("finds what Prefect's own default template gets wrong", async () => {
    const { exitCode, reports } = await checkJobs(
      byFlow(runs, "train-upstream"),
    );

    expect(exitCode).toBe(1);
    expect(reports[0]?.job_errors.join("\n")).toMatch(
      /Job spec\/template\/spec: Additional properties are not allowed \('(completions|parallelism)'/,
    );
  });
});
