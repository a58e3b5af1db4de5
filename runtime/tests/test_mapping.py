import threading
from collections.abc import Iterator
from typing import Any

import pytest
from prefect import flow, task
from prefect.settings import PREFECT_API_URL
from sklearn.model_selection import ParameterGrid

from flowpush_runtime import GridSpec, map_grid

pytestmark = pytest.mark.usefixtures("prefect_server")

# Four items, as many as the points of the 2 x 2 grid below: were the shared
# input mapped over instead of passed whole, Prefect would zip it with the grid
# without complaint, one item per call.
SHARED = [10, 20, 30, 40]
DEFAULTS = {"a": "a-default", "b": "b-default", "c": "c-default"}

calls: list[dict[str, Any]] = []
calls_lock = threading.Lock()


@task
def record(
    data: list[int],
    a: Any = DEFAULTS["a"],
    b: Any = DEFAULTS["b"],
    c: Any = DEFAULTS["c"],
) -> dict[str, Any]:
    arguments = {"data": data, "a": a, "b": b, "c": c}
    with calls_lock:
        calls.append(arguments)
    return arguments


@flow
def train_grid(grid: Any, data: list[int]) -> list[dict[str, Any]]:
    return map_grid(record, grid, data=data)


@pytest.fixture(autouse=True)
def no_calls_yet() -> Iterator[None]:
    calls.clear()
    yield
    calls.clear()


def expected_calls(grid: GridSpec) -> list[dict[str, Any]]:
    return [{"data": SHARED, **DEFAULTS, **point} for point in ParameterGrid(grid)]


def test_flows_run_against_the_temporary_server_not_the_environments() -> None:
    assert PREFECT_API_URL.value() is not None
    assert ":4200/" not in PREFECT_API_URL.value()


GRIDS: dict[str, Any] = {
    "one grid": {"b": [1, 2], "a": ["x", "y"]},
    "a list of grids with different keys": [
        {"a": [1], "c": [True, False, None]},
        {"b": [0.5]},
        {"c": ["p", "q"], "b": [1, 2]},
    ],
    "list values in the grid": {"a": [[1, 2], [3]], "b": [[]]},
    "an empty list": [],
}


@pytest.mark.parametrize("grid", GRIDS.values(), ids=GRIDS.keys())
def test_map_grid_calls_the_task_once_per_point_and_returns_results_in_order(
    grid: Any,
) -> None:
    results = train_grid(grid, SHARED)

    assert results == expected_calls(grid)
    assert len(calls) == len(ParameterGrid(grid))
    # The task runner calls tasks concurrently, so only the multiset of calls
    # is fixed.
    assert sorted(map(repr, calls)) == sorted(map(repr, expected_calls(grid)))


def test_map_grid_passes_a_shared_list_whole_to_every_call() -> None:
    results = train_grid({"a": [1, 2], "b": [3, 4]}, SHARED)

    assert len(results) == len(SHARED)
    assert [result["data"] for result in results] == [SHARED] * len(SHARED)
    assert all(type(call["data"]) is list for call in calls)


def test_an_empty_mapping_calls_the_task_once_with_only_the_shared_inputs() -> None:
    assert train_grid({}, SHARED) == [{"data": SHARED, **DEFAULTS}]
    assert calls == [{"data": SHARED, **DEFAULTS}]


BAD_GRIDS: dict[str, Any] = {
    "a single value": {"a": 1},
    "a bad value after a good grid": [{"a": [1, 2]}, {"b": "xy"}],
    "a list item that is not a mapping": [{"a": [1, 2]}, ["b"]],
}


@pytest.mark.parametrize("grid", BAD_GRIDS.values(), ids=BAD_GRIDS.keys())
def test_a_bad_grid_raises_type_error_before_any_task_runs(grid: Any) -> None:
    with pytest.raises(TypeError):
        train_grid(grid, SHARED)

    assert calls == []


def test_a_shared_input_named_like_a_grid_key_is_refused_before_any_task_runs() -> None:
    # Only the second sub-grid clashes: the check must cover every sub-grid
    # before the first one is submitted.
    with pytest.raises(TypeError, match="data given both as grid keys"):
        train_grid([{"a": [1]}, {"data": [[1]]}], SHARED)

    assert calls == []


def test_map_grid_tags_each_points_task_run_for_flowpush_to_count() -> None:
    @flow
    def tagged_grid(grid: Any) -> list[str]:
        return map_grid(task_tags, grid)

    assert tagged_grid({"b": [1, 2]}) == [["flowpush:point"]] * 2


@task
def task_tags(b: int) -> list[str]:
    from prefect.context import TaskRunContext

    context = TaskRunContext.get()
    assert context is not None
    return sorted(context.task_run.tags)
