import itertools
from typing import Any

import pytest
from sklearn.model_selection import ParameterGrid

from flowpush_runtime import Grid, expand_grid

GRIDS: dict[str, Any] = {
    "an empty mapping": {},
    "an empty list": [],
    "a list holding an empty mapping": [{}],
    "a single key": {"alpha": [0.1, 1.0, 10.0]},
    "several keys inserted out of order": {
        "kernel": ["rbf", "linear"],
        "C": [1, 10, 100],
        "gamma": [0.01, 0.1],
        "a": [True],
    },
    "a list of mappings with different keys": [
        {"kernel": ["linear"], "C": [1, 10]},
        {},
        {"kernel": ["rbf"], "gamma": [0.1, 0.01], "C": [1, 10, 100]},
        {"degree": [2, 3]},
    ],
    "mixed value types": {
        "n": [1, 2],
        "rate": [0.5, 1e-3],
        "name": ["x", ""],
        "missing": [None],
        "flag": [True, False],
        "layers": [[64, 32], [], [128]],
    },
    "nested lists and mappings as values": [
        {"layers": [[1, [2, 3]], [4]], "options": [{"a": 1}, {"b": [2]}]},
    ],
    "tuples and ranges as value lists": {"a": (1, 2), "b": range(3)},
}


@pytest.mark.parametrize("spec", GRIDS.values(), ids=GRIDS.keys())
def test_iterating_a_grid_gives_parametergrids_points_in_its_order(spec: Any) -> None:
    expected = list(ParameterGrid(spec))

    assert list(Grid(spec)) == expected
    assert expand_grid(spec) == expected
    # Dict equality ignores order, but the key order is visible to anyone
    # printing or serialising a point.
    assert [list(point) for point in Grid(spec)] == [list(p) for p in expected]


@pytest.mark.parametrize("spec", GRIDS.values(), ids=GRIDS.keys())
def test_a_grid_has_the_length_of_parametergrid(spec: Any) -> None:
    assert len(Grid(spec)) == len(ParameterGrid(spec))


@pytest.mark.parametrize("spec", GRIDS.values(), ids=GRIDS.keys())
def test_every_index_gives_the_point_parametergrid_gives(spec: Any) -> None:
    reference = ParameterGrid(spec)
    grid = Grid(spec)

    assert [grid[i] for i in range(len(grid))] == [
        reference[i] for i in range(len(reference))
    ]


@pytest.mark.parametrize("spec", GRIDS.values(), ids=GRIDS.keys())
def test_indexing_past_the_end_raises_index_error(spec: Any) -> None:
    grid = Grid(spec)

    with pytest.raises(IndexError):
        ParameterGrid(spec)[len(grid)]
    with pytest.raises(IndexError):
        grid[len(grid)]
    with pytest.raises(IndexError):
        grid[len(grid) + 1000]


@pytest.mark.parametrize("index", [-1, -2, -(10**12)])
def test_a_negative_index_raises_index_error(index: int) -> None:
    # A documented deviation: ParameterGrid quietly wraps some negative indexes
    # into its first sub-grid instead of counting from the end.
    grid = Grid([{"a": [1, 2]}, {"b": [3, 4, 5]}])

    with pytest.raises(IndexError, match="negative"):
        grid[index]


INVALID_GRIDS: dict[str, tuple[Any, type[Exception]]] = {
    "an int instead of a list": ({"a": 1}, TypeError),
    "a string instead of a list": ({"a": "xy"}, TypeError),
    "None instead of a list": ({"a": None}, TypeError),
    "a mapping instead of a list": ({"a": {"b": [1]}}, TypeError),
    "a bad value in a later grid": ([{"a": [1]}, {"b": 2}], TypeError),
    "a list item that is not a mapping": ([{"a": [1]}, 1], TypeError),
    "a string as the whole grid": ("ab", TypeError),
    "an int as the whole grid": (1, TypeError),
    "an empty list of values": ({"a": [1], "b": []}, ValueError),
    "an empty tuple of values": ([{"a": [1]}, {"b": ()}], ValueError),
}


@pytest.mark.parametrize(
    ("spec", "error"), INVALID_GRIDS.values(), ids=INVALID_GRIDS.keys()
)
def test_an_invalid_grid_raises_what_parametergrid_raises(
    spec: Any, error: type[Exception]
) -> None:
    with pytest.raises(Exception) as from_sklearn:
        ParameterGrid(spec)
    with pytest.raises(Exception) as from_grid:
        Grid(spec)

    assert from_sklearn.type is error
    assert from_grid.type is error
    with pytest.raises(error):
        expand_grid(spec)


def test_the_error_for_a_single_value_says_to_wrap_it_in_a_list() -> None:
    with pytest.raises(TypeError, match=r"wrap a single value in a list: \[1\]"):
        Grid({"a": 1})


def test_ten_billion_points_are_counted_and_indexed_without_expanding() -> None:
    keys = [f"k{n}" for n in range(10)]
    # Inserted in reverse so that expansion order must come from sorting.
    spec = {key: [f"{key}={value}" for value in range(10)] for key in reversed(keys)}
    grid = Grid(spec)

    assert len(grid) == 10**10
    assert grid[0] == {key: f"{key}=0" for key in keys}
    assert grid[10**10 - 1] == {key: f"{key}=9" for key in keys}
    # With ten values per key, the index's decimal digits pick each key's
    # value, the first sorted key taking the most significant digit.
    index = 1_234_567_890
    digits = f"{index:010d}"
    assert grid[index] == {
        key: f"{key}={digit}" for key, digit in zip(keys, digits, strict=True)
    }
    with pytest.raises(IndexError):
        grid[10**10]


def test_a_large_grid_yields_its_first_points_lazily() -> None:
    spec = {f"k{n}": list(range(10)) for n in range(10)}

    first = list(itertools.islice(Grid(spec), 3))

    assert first == list(itertools.islice(ParameterGrid(spec), 3))


def test_subgrids_list_each_grids_keys_sorted_with_their_values() -> None:
    grid = Grid([{"b": [1, 2], "a": ["x"]}, {}])

    assert grid.subgrids == [[("a", ["x"]), ("b", [1, 2])], []]


def test_a_grid_copies_its_value_lists() -> None:
    values = [1, 2]
    grid = Grid({"a": values})

    values.append(3)

    assert list(grid) == [{"a": 1}, {"a": 2}]
