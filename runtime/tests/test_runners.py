import json
from typing import Any

import pytest
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from flowpush_runtime import (
    KubernetesCluster,
    Lifetime,
    dask_task_runner,
    grid_task_runner,
)
from flowpush_runtime.context import RunInfo

IMAGE = "registry.example.com/forecasting/prices@sha256:" + "a" * 64

SETTINGS = {
    "namespace": "training",
    "min_workers": 2,
    "max_workers": 8,
    "worker_cpu": "2",
    "worker_memory": "8Gi",
    "lifetime": {"duration": "4h", "stagger": "15m", "restart": True},
    "env": {"OMP_NUM_THREADS": "2"},
}


def worker_container(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["spec"]["worker"]["spec"]["containers"][0]


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container["env"]}


def test_without_dask_settings_the_flow_keeps_prefects_thread_pool() -> None:
    assert isinstance(grid_task_runner({}), ThreadPoolTaskRunner)


def test_a_scheduler_address_gives_a_dask_runner_on_that_scheduler() -> None:
    runner = grid_task_runner({"FLOWPUSH_DASK_ADDRESS": "tcp://scheduler:8786"})

    assert isinstance(runner, DaskTaskRunner)
    assert runner.address == "tcp://scheduler:8786"


def test_kubernetes_settings_give_an_adaptive_operator_cluster() -> None:
    runner = grid_task_runner(
        {"FLOWPUSH_DASK_KUBERNETES": json.dumps(SETTINGS), "FLOWPUSH_IMAGE": IMAGE}
    )

    assert isinstance(runner, DaskTaskRunner)
    assert runner.cluster_class == "dask_kubernetes.operator.KubeCluster"
    assert runner.adapt_kwargs == {"minimum": 2, "maximum": 8}
    assert runner.cluster_kwargs["namespace"] == "training"
    spec = runner.cluster_kwargs["custom_cluster_spec"]
    assert spec["kind"] == "DaskCluster"
    assert spec["spec"]["worker"]["replicas"] == 2


def test_workers_run_the_flows_image_with_lifetime_resources_and_env() -> None:
    info = RunInfo(image=IMAGE, part="prices")
    cluster = KubernetesCluster.from_settings(SETTINGS, info)
    spec = cluster.cluster_spec(
        {
            "PREFECT_API_URL": "http://prefect.internal/api",
            "MLFLOW_TRACKING_URI": "http://mlflow.internal:5000",
            "FLOWPUSH_COMMIT": "abc123",
            "PREFECT_API_KEY": "secret",
        }
    )

    worker = worker_container(spec)
    assert worker["image"] == IMAGE
    assert worker["args"][:7] == [
        "dask",
        "worker",
        "--lifetime",
        "4h",
        "--lifetime-stagger",
        "15m",
        "--lifetime-restart",
    ]
    assert worker["resources"] == {
        "requests": {"cpu": "2", "memory": "8Gi"},
        "limits": {"cpu": "2", "memory": "8Gi"},
    }
    env = env_of(worker)
    assert env["MLFLOW_TRACKING_URI"] == "http://mlflow.internal:5000"
    assert env["PREFECT_API_URL"] == "http://prefect.internal/api"
    assert env["FLOWPUSH_COMMIT"] == "abc123"
    assert env["OMP_NUM_THREADS"] == "2"
    # A key in plain text in a cluster resource would be readable by anyone
    # who can list the resources: it is not forwarded.
    assert "PREFECT_API_KEY" not in env


def test_a_lifetime_without_restart_or_stagger_gives_only_the_duration() -> None:
    assert Lifetime("30m", restart=False).worker_flags() == ["--lifetime", "30m"]


def test_a_kubernetes_cluster_without_an_image_is_refused() -> None:
    with pytest.raises(ValueError, match="needs an image"):
        KubernetesCluster.from_settings({}, RunInfo())


def test_cluster_names_are_valid_kubernetes_names() -> None:
    info = RunInfo(
        image=IMAGE,
        part="Day_Ahead.prices",
        flow_run_id="0F3A9C2E-77aa-4bbb-8ccc-123456789abc",
    )
    cluster = KubernetesCluster.from_settings({}, info)

    assert cluster.name == "flowpush-day-ahead-prices-0f3a9c2e"


def test_either_an_address_or_a_cluster_is_needed() -> None:
    with pytest.raises(
        ValueError, match="either a scheduler address or a Kubernetes cluster"
    ):
        dask_task_runner()
