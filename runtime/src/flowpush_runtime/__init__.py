"""The flow side of flowpush: what runs inside the images it builds."""

from flowpush_runtime.grid import Grid, GridSpec, default_grid, expand_grid
from flowpush_runtime.mapping import map_grid

__all__ = ["Grid", "GridSpec", "default_grid", "expand_grid", "map_grid"]
