"""The runtime's Grid against the vectors scikit-learn wrote in test/vectors.

The same vectors check the TypeScript Grid (test/unit/grid-vectors.test.ts),
so both sides are held to one record of what ParameterGrid does.
"""

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from flowpush_runtime import Grid, expand_grid

ROOT = Path(__file__).resolve().parents[2]
VECTORS_FILE = ROOT / "test" / "vectors" / "grid.json"
GENERATOR_FILE = ROOT / "scripts" / "vectors" / "make_grid_vectors.py"

DOCUMENT: dict[str, Any] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS: list[dict[str, Any]] = DOCUMENT["vectors"]
ERRORS: dict[str, type[Exception]] = {"TypeError": TypeError, "ValueError": ValueError}


def canonical(value: Any) -> str:
    """JSON text that tells 1 from 1.0 from True, and one key order from another.

    Python's == does neither: 1 == 1.0 == True, and dicts compare unordered.
    """
    return json.dumps(value, ensure_ascii=False)


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_grid_vectors", GENERATOR_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_vectors_are_what_scikit_learn_produces_now() -> None:
    generated: dict[str, Any] = load_generator().vectors()

    # The version is a label; the points and errors are what must not drift.
    assert generated.keys() == DOCUMENT.keys()
    assert [vector["name"] for vector in VECTORS] == [
        vector["name"] for vector in generated["vectors"]
    ]
    for committed, fresh in zip(VECTORS, generated["vectors"], strict=True):
        assert canonical(committed) == canonical(fresh), committed["name"]


def test_there_are_vectors_of_points_and_of_errors() -> None:
    assert len(VECTORS) > 20
    assert any("points" in vector for vector in VECTORS)
    assert {vector.get("error") for vector in VECTORS} >= {"TypeError", "ValueError"}


POINT_VECTORS = [vector for vector in VECTORS if "error" not in vector]
ERROR_VECTORS = [vector for vector in VECTORS if "error" in vector]


@pytest.mark.parametrize(
    "vector", POINT_VECTORS, ids=[vector["name"] for vector in POINT_VECTORS]
)
def test_a_grid_gives_the_points_scikit_learn_gave(vector: dict[str, Any]) -> None:
    spec = json.loads(vector["grid"])
    expected: list[dict[str, Any]] = vector["points"]
    grid = Grid(spec)

    assert len(grid) == vector["size"] == len(expected)
    assert canonical(list(grid)) == canonical(expected)
    assert canonical(expand_grid(spec)) == canonical(expected)
    assert [list(point) for point in grid] == [list(point) for point in expected]
    assert canonical([grid[i] for i in range(len(grid))]) == canonical(expected)
    with pytest.raises(IndexError):
        grid[len(grid)]


@pytest.mark.parametrize(
    "vector", ERROR_VECTORS, ids=[vector["name"] for vector in ERROR_VECTORS]
)
def test_a_grid_raises_what_scikit_learn_raised(vector: dict[str, Any]) -> None:
    spec = json.loads(vector["grid"])

    with pytest.raises(Exception) as raised:
        Grid(spec)

    assert raised.type is ERRORS[vector["error"]]
    with pytest.raises(ERRORS[vector["error"]]):
        expand_grid(spec)
