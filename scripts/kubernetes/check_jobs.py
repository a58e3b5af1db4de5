"""Checks, without a cluster, what Kubernetes would be asked to run.

For each flow run given, this renders the Job manifest exactly as Prefect's
Kubernetes worker would (the run's work pool template, with the deployment's
and the run's job variables merged over it), and validates it strictly
against the Kubernetes API schema. When the run's environment asks for a
Dask cluster per run, it also builds the DaskCluster resource the flowpush
runtime would create inside that pod, and validates it against the
dask-kubernetes operator's resource definition, each of its pod and service
specs strictly against the Kubernetes schema.

    PREFECT_API_URL=... python scripts/kubernetes/check_jobs.py RUN_ID...

Prints one JSON report per run and exits 1 when any of them is invalid.
Needs prefect-kubernetes, dask-kubernetes, kubernetes-validate, jsonschema
and the flowpush runtime (scripts/stack/requirements.txt installs them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from importlib import resources
from typing import Any
from uuid import UUID

import jsonschema
import kubernetes_validate
import yaml
from prefect.client.orchestration import get_client
from prefect_kubernetes.worker import KubernetesWorkerJobConfiguration

from flowpush_runtime.runners import grid_task_runner

WORKER_NAME = "flowpush-offline-check"


async def render_job(flow_run_id: UUID) -> dict[str, Any]:
    async with get_client() as client:
        flow_run = await client.read_flow_run(flow_run_id)
        if not flow_run.work_pool_name:
            raise SystemExit(f"flow run {flow_run_id} has no work pool")
        work_pool = await client.read_work_pool(flow_run.work_pool_name)
        if work_pool.type != "kubernetes":
            raise SystemExit(
                f"flow run {flow_run_id} is on the {work_pool.type} pool "
                f"{work_pool.name}, not on a kubernetes pool"
            )
        configuration = await KubernetesWorkerJobConfiguration.resolve_for_flow_run(
            flow_run, client=client, work_pool=work_pool, worker_name=WORKER_NAME
        )
    return configuration.job_manifest


def strict_errors(resource: dict[str, Any], version: str) -> list[str]:
    try:
        kubernetes_validate.validate(resource, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = "/".join(str(part) for part in error.path)
        return [f"{resource['kind']} {path or '(top)'}: {error.message}"]
    return []


def container_env(job: dict[str, Any]) -> dict[str, str]:
    container = job["spec"]["template"]["spec"]["containers"][0]
    return {item["name"]: item.get("value", "") for item in container.get("env", [])}


def dask_cluster(job: dict[str, Any]) -> dict[str, Any] | None:
    """The DaskCluster the runtime would ask for inside the job's pod."""
    runner = grid_task_runner(container_env(job))
    kwargs = getattr(runner, "cluster_kwargs", None) or {}
    return kwargs.get("custom_cluster_spec")


def crd_schema() -> dict[str, Any]:
    """The operator's DaskCluster schema, its references to Kubernetes'
    own pod and service specs left open: those are checked strictly apart."""
    folder = resources.files("dask_kubernetes.operator.customresources")
    definitions = yaml.safe_load(folder.joinpath("templates.yaml").read_text())[
        "definitions"
    ]

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                return resolve(definitions[name]) if name in definitions else {}
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(definitions["dask.k8s.api.v1.DaskCluster"])


def dask_errors(cluster: dict[str, Any], version: str) -> list[str]:
    errors = [
        f"DaskCluster {'/'.join(map(str, error.path)) or '(top)'}: {error.message}"
        for error in jsonschema.Draft7Validator(crd_schema()).iter_errors(cluster)
    ]
    spec = cluster["spec"]
    pods = {"scheduler": spec["scheduler"]["spec"], "worker": spec["worker"]["spec"]}
    for role, pod in pods.items():
        resource = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"{cluster['metadata']['name']}-{role}"},
            "spec": pod,
        }
        errors += [f"{role}: {e}" for e in strict_errors(resource, version)]
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": cluster["metadata"]["name"]},
        "spec": spec["scheduler"]["service"],
    }
    errors += [f"scheduler service: {e}" for e in strict_errors(service, version)]
    return errors


def check(flow_run_id: UUID, version: str) -> dict[str, Any]:
    job = asyncio.run(render_job(flow_run_id))
    cluster = dask_cluster(job)
    return {
        "flow_run_id": str(flow_run_id),
        "kubernetes_version": version,
        "job": job,
        "job_errors": strict_errors(job, version),
        "dask_cluster": cluster,
        "dask_errors": dask_errors(cluster, version) if cluster else [],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("flow_run_ids", nargs="+", type=UUID, metavar="RUN_ID")
    parser.add_argument(
        "--kubernetes-version",
        default=kubernetes_validate.latest_version(),
        help="the API version to validate against (default: the newest known)",
    )
    args = parser.parse_args(argv)

    reports = [check(run_id, args.kubernetes_version) for run_id in args.flow_run_ids]
    json.dump(reports, sys.stdout, indent=2)
    sys.stdout.write("\n")
    invalid = [r for r in reports if r["job_errors"] or r["dask_errors"]]
    for report in invalid:
        for error in report["job_errors"] + report["dask_errors"]:
            print(f"{report['flow_run_id']}: {error}", file=sys.stderr)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
