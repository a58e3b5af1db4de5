"""The flow side of flowpush: what runs inside the images it builds."""

from flowpush_runtime.grid import Grid, GridSpec, default_grid, expand_grid
from flowpush_runtime.mapping import map_grid
from flowpush_runtime.results import GridFailed
from flowpush_runtime.runners import (
    KubernetesCluster,
    Lifetime,
    dask_task_runner,
    grid_task_runner,
)

__all__ = [
    "Grid",
    "GridFailed",
    "GridSpec",
    "KubernetesCluster",
    "Lifetime",
    "dask_task_runner",
    "default_grid",
    "expand_grid",
    "grid_task_runner",
    "map_grid",
]
