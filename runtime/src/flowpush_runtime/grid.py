"""Parameter grids, expanded exactly as scikit-learn's ParameterGrid does.

flowpush promises that a grid means the same points on the TypeScript side
(where it is counted and checked before anything is built) and here (where it
is trained), and that both mean what scikit-learn means. scikit-learn itself is
too heavy a dependency for every training image, so the rules are restated
here and checked against the real thing in the tests.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

GridSpec = dict[str, list[Any]] | list[dict[str, list[Any]]]
"""A mapping of parameter names to candidate values, or a list of such."""


class Grid(Sequence[dict[str, Any]]):
    """The points of a grid, computed on demand.

    Length and indexing need no expansion, so a grid of millions of points
    costs no memory until its points are read.
    """

    def __init__(self, spec: GridSpec | Mapping[str, Sequence[Any]]) -> None:
        self._subgrids = _validated(spec)

    def __len__(self) -> int:
        return sum(_subgrid_size(sub) for sub in self._subgrids)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for sub in self._subgrids:
            for index in range(_subgrid_size(sub)):
                yield _point(sub, index)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        if index < 0:
            raise IndexError("grid indexes start at 0; negative ones are not supported")
        for sub in self._subgrids:
            size = _subgrid_size(sub)
            if index < size:
                return _point(sub, index)
            index -= size
        raise IndexError("grid index out of range")

    @property
    def subgrids(self) -> list[list[tuple[str, list[Any]]]]:
        """Each sub-grid as (key, values) pairs in expansion order."""
        return [list(sub) for sub in self._subgrids]


def expand_grid(spec: GridSpec) -> list[dict[str, Any]]:
    """Every point of the grid, in scikit-learn's order."""
    return list(Grid(spec))


def default_grid(fn: Callable[..., Any]) -> dict[str, list[Any]]:
    """The one-point grid of a function's keyword defaults.

    ``train(a, b=1, c=2)`` gives ``{"b": [1], "c": [2]}``: every argument that
    has a default becomes a one-element list. Prefect tasks and flows are
    unwrapped to the function they decorate.
    """
    target = getattr(fn, "fn", fn)
    return {
        name: [parameter.default]
        for name, parameter in inspect.signature(target).parameters.items()
        if parameter.default is not inspect.Parameter.empty
        and parameter.kind
        in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }


def _validated(spec: Any) -> list[list[tuple[str, list[Any]]]]:
    if isinstance(spec, Mapping):
        spec = [spec]
    if isinstance(spec, str) or not isinstance(spec, Sequence):
        raise TypeError(
            f"a grid must be a mapping or a list of mappings, got {spec!r} "
            f"of type {type(spec).__name__}"
        )
    subgrids = []
    for sub in spec:
        if not isinstance(sub, Mapping):
            raise TypeError(f"each grid in a list must be a mapping, got {sub!r}")
        for key, values in sub.items():
            if isinstance(values, str) or not isinstance(values, Sequence):
                raise TypeError(
                    f"grid values for {key!r} must be a list, got {values!r} "
                    f"of type {type(values).__name__}; wrap a single value "
                    f"in a list: [{values!r}]"
                )
            if len(values) == 0:
                raise ValueError(f"grid values for {key!r} must not be empty")
        # Keys sorted, and the last key varies fastest, as in scikit-learn.
        subgrids.append([(key, list(sub[key])) for key in sorted(sub)])
    return subgrids


def _subgrid_size(sub: list[tuple[str, list[Any]]]) -> int:
    return math.prod(len(values) for _, values in sub)


def _point(sub: list[tuple[str, list[Any]]], index: int) -> dict[str, Any]:
    point: dict[str, Any] = {}
    for key, values in reversed(sub):
        index, offset = divmod(index, len(values))
        point[key] = values[offset]
    return dict(sorted(point.items()))
