"""The runtime's MLflow runs, on the local stack's real MLflow server."""

import os
import uuid
from collections.abc import Iterator
from typing import Any

import mlflow
import pytest
from mlflow import MlflowClient
from prefect import flow, task

from flowpush_runtime import map_grid
from flowpush_runtime.tracking import format_param, metrics_of

pytestmark = pytest.mark.usefixtures("prefect_server")

COMMIT = "c0ffee" * 6 + "c0ff"


@pytest.fixture
def tracking(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[MlflowClient, str]]:
    """A fresh experiment on the stack's server, and the variables flowpush
    sets on a flow run that logs to it."""
    uri = os.environ.get("FLOWPUSH_MLFLOW_URI")
    assert uri, "start the local stack (scripts/stack/up.sh) and source its env"
    experiment = f"runtime-test-{uuid.uuid4()}"
    for name, value in {
        "MLFLOW_TRACKING_URI": uri,
        "FLOWPUSH_MLFLOW_EXPERIMENT": experiment,
        "FLOWPUSH_COMMIT": COMMIT,
        "FLOWPUSH_PART": "prices",
        "FLOWPUSH_FLOW": "train",
        "FLOWPUSH_GRID_HASH": "d817a9efe0012d51",
    }.items():
        monkeypatch.setenv(name, value)
    yield MlflowClient(uri), experiment


def runs_of(client: MlflowClient, experiment: str) -> list[Any]:
    found = client.get_experiment_by_name(experiment)
    assert found is not None
    return client.search_runs([found.experiment_id], max_results=100)


@task
def fit(alpha: float, window: int = 24) -> dict[str, float]:
    # A training function's own MLflow calls land on its point's run.
    mlflow.log_param("own_param", f"window {window}")
    if alpha < 0:
        raise ValueError("negative alpha")
    return {"mae": alpha * 10}


@flow
def fit_grid(grid: Any) -> list[Any]:
    return map_grid(fit, grid)


def test_each_point_is_a_run_nested_under_one_parent_per_grid(tracking) -> None:
    client, experiment = tracking
    fit_grid({"alpha": [0.5, 1.5], "window": [24]})

    runs = runs_of(client, experiment)
    parents = [r for r in runs if r.data.tags.get("flowpush.role") == "grid"]
    points = sorted(
        (r for r in runs if r.data.tags.get("flowpush.role") == "point"),
        key=lambda r: int(r.data.tags["flowpush.point_index"]),
    )
    assert len(parents) == 1 and len(points) == 2
    parent = parents[0]
    assert parent.info.status == "FINISHED"
    for run in [parent, *points]:
        assert run.data.tags["mlflow.source.git.commit"] == COMMIT
        assert run.data.tags["flowpush.part"] == "prices"
        assert run.data.tags["flowpush.flow"] == "train"
        assert run.data.tags["flowpush.grid_hash"] == "d817a9efe0012d51"
        assert run.data.tags["prefect.flow_run_id"]
    assert [r.data.tags["mlflow.parentRunId"] for r in points] == [
        parent.info.run_id
    ] * 2
    assert [r.info.status for r in points] == ["FINISHED", "FINISHED"]
    assert [r.data.params["alpha"] for r in points] == ["0.5", "1.5"]
    assert [r.data.params["own_param"] for r in points] == ["window 24"] * 2
    assert [r.data.metrics["mae"] for r in points] == [5.0, 15.0]


def test_a_failed_point_ends_its_run_and_the_parent_failed(tracking) -> None:
    client, experiment = tracking
    state = fit_grid({"alpha": [-1.0, 1.0]}, return_state=True)

    assert state.is_failed()
    runs = runs_of(client, experiment)
    by_role = {
        (r.data.tags["flowpush.role"], r.data.tags.get("flowpush.point_index")): r
        for r in runs
    }
    assert by_role[("grid", None)].info.status == "FAILED"
    assert by_role[("point", "0")].info.status == "FAILED"
    assert by_role[("point", "1")].info.status == "FINISHED"
    assert "mae" not in by_role[("point", "0")].data.metrics


def test_points_of_one_grid_in_many_flow_runs_share_the_parent_flowpush_made(
    tracking, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, experiment = tracking
    experiment_id = client.create_experiment(experiment)
    parent = client.create_run(experiment_id, tags={"flowpush.role": "grid"})
    monkeypatch.setenv("FLOWPUSH_MLFLOW_PARENT_RUN", parent.info.run_id)
    monkeypatch.setenv("FLOWPUSH_GRID_SIZE", "2")

    # One flow run per point, as in runs mode: the parent stays open until
    # the last point has ended.
    monkeypatch.setenv("FLOWPUSH_POINT_INDEX", "1")
    fit_grid({"alpha": [2.0]})
    assert client.get_run(parent.info.run_id).info.status == "RUNNING"
    monkeypatch.setenv("FLOWPUSH_POINT_INDEX", "0")
    fit_grid({"alpha": [1.0]})

    runs = runs_of(client, experiment)
    assert len([r for r in runs if r.data.tags.get("flowpush.role") == "grid"]) == 1
    assert client.get_run(parent.info.run_id).info.status == "FINISHED"
    points = {
        r.data.tags["flowpush.point_index"]: r
        for r in runs
        if r.info.run_id != parent.info.run_id
    }
    assert {index: run.data.metrics["mae"] for index, run in points.items()} == {
        "0": 10.0,
        "1": 20.0,
    }


def test_without_a_tracking_server_nothing_is_logged_and_the_grid_trains(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert fit_grid({"alpha": [1.0]}) == [{"mae": 10.0}]


METRICS = {
    "a mapping keeps its numbers": (
        {"mae": 1, "rmse": 2.5, "name": "x", "ok": True},
        {"mae": 1.0, "rmse": 2.5},
    ),
    "one number is the metric result": (0.25, {"result": 0.25}),
    "nothing gives no metrics": (None, {}),
    "a bool is not a number here": (True, {}),
}


@pytest.mark.parametrize(("value", "metrics"), METRICS.values(), ids=METRICS.keys())
def test_metrics_of_reads_what_a_training_function_returns(
    value: Any, metrics: dict
) -> None:
    assert metrics_of(value) == metrics


PARAMS = {
    "text stays text": ("adam", "adam"),
    "an int": (1, "1"),
    "a string that looks like an int": ("1", "1"),
    "a bool": (True, "true"),
    "null": (None, "null"),
    "a list": ([1, "a"], '[1, "a"]'),
}


@pytest.mark.parametrize(("value", "text"), PARAMS.values(), ids=PARAMS.keys())
def test_format_param_writes_values_as_mlflow_text(value: Any, text: str) -> None:
    assert format_param(value) == text
