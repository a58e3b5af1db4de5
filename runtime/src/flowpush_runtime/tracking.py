"""MLflow runs for a grid: one parent per grid, one child per point.

The flow creates every run before any point trains, so it knows each run's
id even when a worker dies mid-point and can close it afterwards. The task
that trains a point resumes its run and makes it MLflow's active run, so a
training function's own ``mlflow.log_*`` calls land on its point.

MLflow is imported only when a tracking server is set: a flow without one
runs without MLflow installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flowpush_runtime.context import RunInfo

if TYPE_CHECKING:
    from mlflow import MlflowClient

ROLE_TAG = "flowpush.role"
POINT_TAG = "flowpush.point_index"
FLOW_RUN_TAG = "prefect.flow_run_id"
PARENT_TAG = "mlflow.parentRunId"


class GridTracker:
    """The MLflow runs of the points one flow run trains."""

    def __init__(
        self,
        client: MlflowClient,
        experiment_id: str,
        parent_id: str,
        owns_parent: bool,
        tags: dict[str, str],
        info: RunInfo,
    ) -> None:
        self.client = client
        self.experiment_id = experiment_id
        self.parent_id = parent_id
        self.owns_parent = owns_parent
        self.tags = tags
        self.info = info

    @classmethod
    def open(cls, info: RunInfo, flow_run_id: str | None) -> GridTracker | None:
        """The tracker for this flow run, or None without a tracking server.

        The parent run is flowpush's when it made one for a grid spread over
        many flow runs; otherwise this flow run's own grid gets a new one.
        """
        if not info.mlflow_uri:
            return None
        from mlflow import MlflowClient

        client = MlflowClient(tracking_uri=info.mlflow_uri)
        experiment_id = _experiment(client, info.mlflow_experiment or info.part)
        tags = info.tags()
        if flow_run_id:
            tags[FLOW_RUN_TAG] = flow_run_id
        if info.mlflow_parent_run:
            return cls(client, experiment_id, info.mlflow_parent_run, False, tags, info)
        parent = client.create_run(
            experiment_id,
            run_name=f"{info.part or 'grid'}-{info.flow or 'flow'}-grid",
            tags={**tags, ROLE_TAG: "grid"},
        )
        return cls(client, experiment_id, parent.info.run_id, True, tags, info)

    def start_point(self, index: int, point: Mapping[str, Any]) -> str:
        """Creates the point's run with its parameters; returns its id."""
        from mlflow.entities import Param

        run = self.client.create_run(
            self.experiment_id,
            run_name=f"point-{index}",
            tags={
                **self.tags,
                ROLE_TAG: "point",
                POINT_TAG: str(index),
                PARENT_TAG: self.parent_id,
            },
        )
        params = [Param(key, format_param(value)) for key, value in point.items()]
        self.client.log_batch(run.info.run_id, params=params)
        return run.info.run_id

    def finish(self, failed_run_ids: list[str]) -> None:
        """Closes what the points could not close themselves, then the parent."""
        for run_id in failed_run_ids:
            # A point whose worker died never ended its run.
            if self.client.get_run(run_id).info.status == "RUNNING":
                self.client.set_terminated(run_id, "FAILED")
        if self.owns_parent:
            status = "FAILED" if failed_run_ids else "FINISHED"
            self.client.set_terminated(self.parent_id, status)
        elif self.info.grid_size is not None:
            self._close_shared_parent(self.info.grid_size)

    def _close_shared_parent(self, grid_size: int) -> None:
        """Ends a parent shared by many flow runs once every point has a
        finished run: the flow run that trains the last point closes it.
        Two last points may both close it; the outcome is the same."""
        finished: set[int] = set()
        ended: set[int] = set()
        for run in _children(self.client, self.experiment_id, self.parent_id):
            index = int(run.data.tags.get(POINT_TAG, "-1"))
            if run.info.status != "RUNNING":
                ended.add(index)
            if run.info.status == "FINISHED":
                finished.add(index)
        if len(ended & set(range(grid_size))) < grid_size:
            return
        status = "FINISHED" if len(finished) >= grid_size else "FAILED"
        self.client.set_terminated(self.parent_id, status)


@contextmanager
def active_point_run(tracking_uri: str, run_id: str) -> Iterator[None]:
    """Makes the point's run MLflow's active run while the point trains.
    An exception ends the run FAILED, a normal exit FINISHED."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    with mlflow.start_run(run_id=run_id):
        yield


def log_metrics(metrics: Mapping[str, float]) -> None:
    import mlflow

    if metrics:
        mlflow.log_metrics(dict(metrics))


def metrics_of(result: Any) -> dict[str, float]:
    """The metrics a training function returned: the numbers of a mapping
    (``{"mae": 0.3}``), or one number, named ``result``."""
    if _is_number(result):
        return {"result": float(result)}
    if isinstance(result, Mapping):
        return {
            str(key): float(value) for key, value in result.items() if _is_number(value)
        }
    return {}


def format_param(value: Any) -> str:
    """MLflow params are text: strings as they are, the rest as JSON
    (``true``, ``null``, ``[1, 2]``), as a reader would type them."""
    return value if isinstance(value, str) else json.dumps(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _experiment(client: MlflowClient, name: str | None) -> str:
    from mlflow.exceptions import MlflowException

    name = name or "flowpush"
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        try:
            return client.create_experiment(name)
        except MlflowException as error:
            # Another point's flow run created it first.
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
            experiment = client.get_experiment_by_name(name)
            assert experiment is not None
    if experiment.lifecycle_stage == "deleted":
        raise RuntimeError(
            f"the MLflow experiment {name!r} is deleted; restore it with "
            f"`mlflow experiments restore --experiment-id "
            f"{experiment.experiment_id}` or log to another experiment"
        )
    return experiment.experiment_id


def _children(client: MlflowClient, experiment_id: str, parent_id: str) -> list:
    runs: list = []
    token = None
    while True:
        page = client.search_runs(
            [experiment_id],
            filter_string=f"tags.`{PARENT_TAG}` = '{parent_id}'",
            max_results=1000,
            page_token=token,
        )
        runs.extend(page)
        token = page.token
        if not token:
            return runs
