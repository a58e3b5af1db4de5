from collections.abc import Callable
from typing import Any

import pytest
from prefect import flow, task

from flowpush_runtime import Grid, default_grid


def train(a: int, b: int = 1, c: int = 2) -> None: ...


@task
def train_task(a: int, b: int = 1, c: int = 2) -> None: ...


@flow
def train_flow(a: int, b: int = 1, c: int = 2) -> None: ...


def keyword_only(a: int, *, b: int = 1, c: int, d: str = "x") -> None: ...


def variadic(a: int = 1, *args: int, b: int = 2, **kwargs: int) -> None: ...


def positional_only(a: int = 1, /, b: int = 2) -> None: ...


def no_defaults(a: int, b: int) -> None: ...


def none_and_mutable_defaults(a: None = None, b: list[int] = [1, 2]) -> None: ...  # noqa: B006


CASES: dict[str, tuple[Callable[..., Any], dict[str, list[Any]]]] = {
    "a plain function": (train, {"b": [1], "c": [2]}),
    "a prefect task": (train_task, {"b": [1], "c": [2]}),
    "a prefect flow": (train_flow, {"b": [1], "c": [2]}),
    "keyword-only arguments with defaults": (keyword_only, {"b": [1], "d": ["x"]}),
    "*args and **kwargs left out": (variadic, {"a": [1], "b": [2]}),
    # Grid points are passed by keyword, which positional-only arguments refuse.
    "positional-only arguments left out": (positional_only, {"b": [2]}),
    "no defaults at all": (no_defaults, {}),
    "None and list defaults wrapped once": (
        none_and_mutable_defaults,
        {"a": [None], "b": [[1, 2]]},
    ),
}


@pytest.mark.parametrize(("fn", "expected"), CASES.values(), ids=CASES.keys())
def test_default_grid_makes_a_one_point_grid_of_the_keyword_defaults(
    fn: Callable[..., Any], expected: dict[str, list[Any]]
) -> None:
    grid = default_grid(fn)

    assert grid == expected
    assert list(grid) == list(expected)


@pytest.mark.parametrize(("fn", "expected"), CASES.values(), ids=CASES.keys())
def test_a_default_grid_expands_to_the_single_point_of_the_defaults(
    fn: Callable[..., Any], expected: dict[str, list[Any]]
) -> None:
    assert list(Grid(default_grid(fn))) == [
        {key: values[0] for key, values in expected.items()}
    ]
