"""Training a task over every point of a grid inside one flow run."""

from __future__ import annotations

import functools
import inspect
import math
import sys
from collections.abc import Callable
from typing import Any

import cloudpickle
from prefect import Task, unmapped
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture

from flowpush_runtime.context import RunInfo
from flowpush_runtime.grid import Grid, GridSpec
from flowpush_runtime.results import GridFailed, PointResult, publish_results
from flowpush_runtime.tracking import (
    GridTracker,
    active_point_run,
    log_metrics,
    metrics_of,
)

POINT_PARAMETER = "flowpush_point"
MLFLOW_PARAMETER = "flowpush_mlflow_run"
# flowpush --wait counts a run's task runs with this tag to show how many
# points are done while the grid trains.
POINT_TAG = "flowpush:point"


def map_grid(task: Task[..., Any], grid: GridSpec, /, **shared: Any) -> list[Any]:
    """Runs ``task`` once per point of ``grid`` and returns the results in
    grid order.

    Grid values become the task's keyword arguments; ``shared`` inputs (data,
    a model class) go to every call unchanged. ``Task.map`` zips its inputs
    rather than taking their product, so each sub-grid is expanded first and
    mapped as columns of equal length. The calls run on the flow's task
    runner, concurrently where it allows.

    Every point is trained even when some fail. Then, inside a flow run, the
    points' results are published as the table flowpush reads back, and if
    any point failed, ``GridFailed`` is raised, so the flow run fails. With
    an MLflow tracking server set, each point is an MLflow run nested under
    one parent run per grid, with the point's parameters and the metrics
    the task returns (a mapping of numbers, or one number).
    """
    info = RunInfo.from_env()
    expanded = Grid(grid)
    subgrids = expanded.subgrids
    _refuse_clashes(subgrids, shared)
    flow_run = FlowRunContext.get()
    flow_run_id = str(flow_run.flow_run.id) if flow_run and flow_run.flow_run else None

    points = list(expanded)
    indices = info.global_indices(len(points))
    tracker = GridTracker.open(info, flow_run_id)
    run_ids = [
        tracker.start_point(index, point) if tracker else None
        for index, point in zip(indices, points, strict=True)
    ]

    futures = _submit(
        _point_task(task, info.mlflow_uri), subgrids, points, shared, indices, run_ids
    )
    results: list[PointResult] = []
    values: list[Any] = []
    for future, index, point, run_id in zip(
        futures, indices, points, run_ids, strict=True
    ):
        value = future.result(raise_on_failure=False)
        state = future.state
        failed = not state.is_completed()
        values.append(None if failed else value)
        results.append(
            PointResult(
                index=index,
                params=point,
                state=state.type.value,
                error=_reason(value, state.message) if failed else None,
                metrics={} if failed else metrics_of(value),
                mlflow_run_id=run_id,
            )
        )

    if tracker:
        tracker.finish(
            [r.mlflow_run_id for r in results if not r.completed and r.mlflow_run_id]
        )
    if flow_run_id:
        publish_results(results)
    if any(not result.completed for result in results):
        raise GridFailed(results)
    return values


def _refuse_clashes(
    subgrids: list[list[tuple[str, list[Any]]]], shared: dict[str, Any]
) -> None:
    for subgrid in subgrids:
        clash = sorted({key for key, _ in subgrid} & shared.keys())
        if clash:
            raise TypeError(
                f"{', '.join(clash)} given both as grid keys and as shared inputs; "
                "a parameter is either searched over or fixed, not both"
            )


def _submit(
    task: Task[..., Any],
    subgrids: list[list[tuple[str, list[Any]]]],
    points: list[dict[str, Any]],
    shared: dict[str, Any],
    indices: list[int],
    run_ids: list[str | None],
) -> list[PrefectFuture[Any]]:
    """Maps the task over each sub-grid's points, which follow each other
    in ``points`` as the grid expands them."""
    futures: list[PrefectFuture[Any]] = []
    constant = {name: unmapped(value) for name, value in shared.items()}
    start = 0
    for subgrid in subgrids:
        end = start + math.prod(len(values) for _, values in subgrid)
        chunk = points[start:end]
        columns = {key: [point[key] for point in chunk] for key, _ in subgrid}
        columns[POINT_PARAMETER] = indices[start:end]
        columns[MLFLOW_PARAMETER] = run_ids[start:end]
        futures.extend(task.map(**columns, **constant))
        start = end
    return futures


def _point_task(task: Task[..., Any], tracking_uri: str | None) -> Task[..., Any]:
    """The task that trains one point: the user's function inside the
    point's MLflow run, with the point's index as a parameter (which the
    Prefect UI shows) and the user's task options kept."""
    if task.isasync:
        raise TypeError(f"map_grid trains synchronous tasks; {task.name} is async")
    fn = task.fn
    # Prefect registers a flow file as a top-level module (``train`` for
    # flows/train.py) that only the flow's own process can import. Dask
    # workers unpickle tasks by module name, so ship this module's code
    # along with the task instead.
    module = sys.modules.get(fn.__module__)
    if module is not None and fn.__module__ not in ("__main__", __name__):
        cloudpickle.register_pickle_by_value(module)

    @functools.wraps(fn)
    def train_point(*args: Any, **kwargs: Any) -> Any:
        kwargs.pop(POINT_PARAMETER)
        run_id = kwargs.pop(MLFLOW_PARAMETER)
        if not (tracking_uri and run_id):
            return fn(*args, **kwargs)
        with active_point_run(tracking_uri, run_id):
            result = fn(*args, **kwargs)
            log_metrics(metrics_of(result))
            return result

    train_point.__signature__ = _with_point_parameters(fn)  # type: ignore[attr-defined]
    return Task(
        fn=train_point,
        name=task.name,
        description=task.description,
        tags={*task.tags, POINT_TAG},
        retries=task.retries,
        retry_delay_seconds=task.retry_delay_seconds,
        retry_jitter_factor=task.retry_jitter_factor,
        timeout_seconds=task.timeout_seconds,
        log_prints=task.log_prints,
        task_run_name=task.task_run_name or f"{task.name}-point-{{{POINT_PARAMETER}}}",
    )


def _with_point_parameters(fn: Callable[..., Any]) -> inspect.Signature:
    signature = inspect.signature(fn)
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY)
        for name in (POINT_PARAMETER, MLFLOW_PARAMETER)
    ]
    parameters = list(signature.parameters.values())
    # Keyword-only parameters go before a **kwargs, if the function has one.
    at = next(
        (
            i
            for i, p in enumerate(parameters)
            if p.kind is inspect.Parameter.VAR_KEYWORD
        ),
        len(parameters),
    )
    return signature.replace(parameters=[*parameters[:at], *extra, *parameters[at:]])


def _reason(value: Any, message: str | None) -> str:
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    return message or "the point ended without a result"
