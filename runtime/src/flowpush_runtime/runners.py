"""Task runners for grids: Dask on an existing scheduler or on Kubernetes.

A flow asks for its runner when it is defined::

    @flow(task_runner=grid_task_runner())
    def train_grid(grid: GridSpec = default_grid(train)): ...

``grid_task_runner`` reads what flowpush put on the deployment (see
runtime/README.md): a Dask scheduler's address, or the settings of a Dask
cluster that the dask-kubernetes operator starts for the flow run. Without
either, the flow keeps Prefect's default thread pool, so the same file runs
locally, in a test and on the cluster.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flowpush_runtime.context import RunInfo

# What Dask workers in pods need to report task runs to Prefect and log to
# MLflow, copied from the flow run's own environment.
# TODO: credentials (PREFECT_API_KEY, MLFLOW_TRACKING_TOKEN) are left out,
# since the cluster resource would hold them in plain text; workers of a
# server that needs them cannot report until they come from a secret.
FORWARDED_ENV = (
    "PREFECT_API_URL",
    "MLFLOW_TRACKING_URI",
    "FLOWPUSH_COMMIT",
    "FLOWPUSH_PART",
    "FLOWPUSH_FLOW",
    "FLOWPUSH_GRID_HASH",
)


@dataclass(frozen=True)
class Lifetime:
    """Dask's worker lifetime: a worker retires after ``duration`` (give or
    take ``stagger``, so that they do not all go at once) and, with
    ``restart``, comes back fresh. This is the usual cure for workers that
    stop taking tasks after long runs; a point still training when its
    worker retires is lost, so ``duration`` must exceed the longest point."""

    duration: str
    stagger: str | None = None
    restart: bool = True

    def worker_flags(self) -> list[str]:
        flags = ["--lifetime", self.duration]
        if self.stagger:
            flags += ["--lifetime-stagger", self.stagger]
        if self.restart:
            flags.append("--lifetime-restart")
        return flags


@dataclass(frozen=True)
class KubernetesCluster:
    """A Dask cluster per flow run, started by the dask-kubernetes operator
    (which must be installed in the cluster), scaling between
    ``min_workers`` and ``max_workers``."""

    image: str
    namespace: str | None = None
    min_workers: int = 1
    max_workers: int = 4
    worker_cpu: str = "1"
    worker_memory: str = "4Gi"
    lifetime: Lifetime | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    name: str = "flowpush-grid"

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], info: RunInfo
    ) -> KubernetesCluster:
        """From the JSON flowpush writes into FLOWPUSH_DASK_KUBERNETES."""
        image = settings.get("image") or info.image
        if not image:
            raise ValueError(
                "a Kubernetes Dask cluster needs an image: flowpush sets "
                "FLOWPUSH_IMAGE on every run; outside flowpush, set image"
            )
        lifetime = settings.get("lifetime")
        return cls(
            image=image,
            namespace=settings.get("namespace"),
            min_workers=int(settings.get("min_workers", 1)),
            max_workers=int(settings.get("max_workers", 4)),
            worker_cpu=str(settings.get("worker_cpu", "1")),
            worker_memory=str(settings.get("worker_memory", "4Gi")),
            lifetime=Lifetime(**lifetime) if lifetime else None,
            env=dict(settings.get("env") or {}),
            name=_cluster_name(info),
        )

    def cluster_spec(self, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The DaskCluster resource the operator is asked to create."""
        from dask_kubernetes.operator import make_cluster_spec

        environ = os.environ if environ is None else environ
        env = {name: environ[name] for name in FORWARDED_ENV if environ.get(name)}
        env.update(self.env)
        resources = {
            "requests": {"cpu": self.worker_cpu, "memory": self.worker_memory},
            "limits": {"cpu": self.worker_cpu, "memory": self.worker_memory},
        }
        command = ["dask", "worker"]
        if self.lifetime:
            command += self.lifetime.worker_flags()
        spec = make_cluster_spec(
            name=self.name,
            image=self.image,
            n_workers=self.min_workers,
            resources=resources,
            env=env,
            worker_command=command,
        )
        # The scheduler is light; the worker resources would waste a node.
        spec["spec"]["scheduler"]["spec"]["containers"][0]["resources"] = None
        return spec


def dask_task_runner(
    address: str | None = None,
    kubernetes: KubernetesCluster | None = None,
    env: Mapping[str, str] | None = None,
) -> TaskRunner:
    """A DaskTaskRunner on an existing scheduler, or on a new Kubernetes
    cluster that adapts between its minimum and maximum workers. The
    cluster's pods get the variables of ``env`` (the process's by default)
    that Dask workers need."""
    from prefect_dask import DaskTaskRunner

    if (address is None) == (kubernetes is None):
        raise ValueError("give either a scheduler address or a Kubernetes cluster")
    if address is not None:
        return DaskTaskRunner(address=address)
    assert kubernetes is not None
    cluster_kwargs: dict[str, Any] = {
        "custom_cluster_spec": kubernetes.cluster_spec(env)
    }
    if kubernetes.namespace:
        cluster_kwargs["namespace"] = kubernetes.namespace
    return DaskTaskRunner(
        cluster_class="dask_kubernetes.operator.KubeCluster",
        cluster_kwargs=cluster_kwargs,
        adapt_kwargs={
            "minimum": kubernetes.min_workers,
            "maximum": kubernetes.max_workers,
        },
    )


def grid_task_runner(env: Mapping[str, str] | None = None) -> TaskRunner:
    """The runner flowpush configured for this flow, else Prefect's default."""
    info = RunInfo.from_env(env)
    if info.dask_address:
        return dask_task_runner(address=info.dask_address)
    if info.dask_kubernetes:
        cluster = KubernetesCluster.from_settings(info.dask_kubernetes, info)
        return dask_task_runner(kubernetes=cluster, env=env)
    return ThreadPoolTaskRunner()


def _cluster_name(info: RunInfo) -> str:
    # Kubernetes names: lowercase, digits and '-', at most 63 characters,
    # and one cluster per flow run, since each run starts its own.
    run = (info.flow_run_id or "")[:8]
    parts = ["flowpush", info.part or "grid", run]
    name = "-".join(part for part in parts if part).lower()
    name = "".join(c if c.isalnum() or c == "-" else "-" for c in name)
    return name[:63].rstrip("-")
