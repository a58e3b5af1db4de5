"""Training a task over every point of a grid inside one flow run."""

from __future__ import annotations

from typing import Any

from prefect import Task, unmapped
from prefect.futures import PrefectFuture

from flowpush_runtime.grid import Grid, GridSpec


def map_grid(task: Task[..., Any], grid: GridSpec, /, **shared: Any) -> list[Any]:
    """Runs ``task`` once per point of ``grid`` and returns the results in
    grid order.

    Grid values become the task's keyword arguments; ``shared`` inputs (data,
    a model class) go to every call unchanged. ``Task.map`` zips its inputs
    rather than taking their product, so each sub-grid is expanded first and
    mapped as columns of equal length. The calls run on the flow's task
    runner, concurrently where it allows.
    """
    subgrids = Grid(grid).subgrids
    for subgrid in subgrids:
        clash = sorted({key for key, _ in subgrid} & shared.keys())
        if clash:
            raise TypeError(
                f"{', '.join(clash)} given both as grid keys and as shared inputs; "
                "a parameter is either searched over or fixed, not both"
            )

    futures: list[PrefectFuture[Any]] = []
    constant = {name: unmapped(value) for name, value in shared.items()}
    for subgrid in subgrids:
        if not subgrid:
            futures.append(task.submit(**shared))
            continue
        points = list(Grid(dict(subgrid)))
        columns = {key: [point[key] for point in points] for key, _ in subgrid}
        futures.extend(task.map(**columns, **constant))

    return [future.result() for future in futures]
