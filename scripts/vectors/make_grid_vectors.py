"""Write test/vectors/grid.json: grids expanded by scikit-learn itself.

Both grid implementations, src/grid/grid.ts and the runtime's grid.py, are
tested against these vectors, so both are held to what scikit-learn's
ParameterGrid does rather than to what we believe it does. Run it with the
Python that has scikit-learn, then format the output as the rest of the repo:

    /root/.cache/flowpush/stack/venv/bin/python scripts/vectors/make_grid_vectors.py
    npx prettier --write test/vectors/grid.json

runtime/tests/test_vectors.py checks that the committed file still equals what
this script produces with the installed scikit-learn.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sklearn
from sklearn.model_selection import ParameterGrid

OUTPUT = Path(__file__).resolve().parents[2] / "test" / "vectors" / "grid.json"

# The sub-grids of the "long list of grids" case.
MODEL_GRIDS: list[str] = [
    '{"model": ["svc"], "C": [0.1, 1.0, 10.0], "kernel": ["rbf", "poly"]}',
    '{"model": ["knn"], "n_neighbors": [3, 5, 7, 9]}',
    "{}",
    '{"model": ["tree"], "max_depth": [null, 3, 10]}',
    (
        '{"model": ["forest"], "n_estimators": [100, 200],'
        ' "max_features": [1.0, "sqrt"]}'
    ),
    '{"model": ["ridge"], "alpha": [1e-05, 0.001, 1.0]}',
    '{"model": ["mlp"], "hidden_layer_sizes": [[64, 64], [128]]}',
    '{"model": ["lasso"]}',
    '{"z": [1], "y": [2], "x": [3, 4]}',
    '{"model": ["gbm"], "learning_rate": [0.1, 0.05], "subsample": [1.0, 0.8]}',
    "{}",
    '{"model": ["dummy"], "strategy": ["mean", "median"]}',
]

# (name, grid as JSON text). The text is kept exactly as written: the
# TypeScript side parses it with parseJsonValue, Python with json.loads, so
# `1.0` stays a float on both sides.
CASES: list[tuple[str, str]] = [
    ("a single key", '{"alpha": [0.1, 1.0, 10.0]}'),
    (
        "several keys in unsorted order",
        (
            '{"kernel": ["rbf", "linear"], "C": [1, 10, 100], "gamma": [0.01, 0.1],'
            ' "a": [true]}'
        ),
    ),
    (
        "keys of mixed case, punctuation and accents",
        '{"z": [1], "\u00e4": [2, 3], "_x": [4], "B": [5, 6], "a": [7]}',
    ),
    (
        "keys ordered differently by UTF-16 units and by code points",
        '{"\U0001f600": [1, 2], "\uffe0": [3], "a": [4, 5], "\u00e9": [6]}',
    ),
    (
        "keys that look like numbers",
        '{"b": [1], "10": [2, 3], "2": [4], "1": [5, 6]}',
    ),
    (
        "a list of mappings with different keys",
        (
            '[{"kernel": ["linear"], "C": [1, 10]},'
            ' {"kernel": ["rbf"], "gamma": [0.1, 0.01], "C": [1, 10, 100]},'
            ' {"degree": [2, 3]}]'
        ),
    ),
    ("a list containing {}", '[{"a": [1, 2]}, {}, {"b": [3]}]'),
    ("a list of only {}", "[{}, {}]"),
    ("{} alone", "{}"),
    ("[] alone", "[]"),
    ("ints", '{"n": [0, 1, -2, 1000000, 9007199254740991]}'),
    (
        "floats, whole and small",
        '{"x": [1.0, 2.0, 0.5, 1e-05, -0.0, 1e20, 2.5e-300, -3.75]}',
    ),
    (
        "whole floats beside equal ints",
        '{"max_features": [1, 1.0], "tol": [2.0, 2]}',
    ),
    (
        "strings",
        (
            '{"s": ["", "x", "1.0", "null", "true", "with \\"quotes\\" and \\\\",'
            ' "\u00fcnic\u00f6de \u2603"]}'
        ),
    ),
    ("booleans and null", '{"flag": [true, false], "missing": [null]}'),
    (
        "nested lists as values",
        '{"hidden_layer_sizes": [[64, 64], [128], []], "nested": [[1, [2.0, [3]]]]}',
    ),
    (
        "nested objects as values",
        '{"options": [{"b": 1, "a": [1.0, 2]}, {}, {"z": {"y": null}}], "k": [1, 2]}',
    ),
    (
        "values of every JSON type in one list",
        '{"v": [1, 1.0, 0.25, "s", true, false, null, [1], {"a": 1}]}',
    ),
    (
        "a bigger product",
        (
            '{"d": [true, false], "c": [0.1, 0.2, 0.3, 0.4, 0.5], "b": ["x", "y"],'
            ' "a": [1, 2, 3]}'
        ),
    ),
    (
        "a long list of grids",
        "[" + ", ".join(MODEL_GRIDS) + "]",
    ),
    # scikit-learn refuses these; the exception type is the vector.
    ("an int as a value", '{"a": 1}'),
    ("a string as a value", '{"a": "xy"}'),
    ("an object as a value", '{"a": {"a": 1}}'),
    ("null as a value", '{"a": null}'),
    ("an empty list as a value", '{"a": [1], "b": []}'),
    ("an empty list in a later grid", '[{"a": [1]}, {"b": []}]'),
    (
        "a bad value before an empty list in insertion order",
        '{"b": 1, "a": []}',
    ),
    (
        "an empty list before a bad value in insertion order",
        '{"b": [], "a": 1}',
    ),
    ("an int as the grid", "3"),
    ("a string as the grid", '"xy"'),
    ("null as the grid", "null"),
    ("a list with an int item", '[{"a": [1]}, 3]'),
    ("a list with a list item", '[[{"a": [1]}]]'),
]


def vector(name: str, text: str) -> dict[str, Any]:
    """One case as scikit-learn sees it: its points, or the exception raised."""
    spec = json.loads(text)
    try:
        grid = ParameterGrid(spec)
    except (TypeError, ValueError) as error:
        return {"name": name, "grid": text, "error": type(error).__name__}
    return {"name": name, "grid": text, "size": len(grid), "points": list(grid)}


def vectors() -> dict[str, Any]:
    """The whole vector document, as main() writes it."""
    names = [name for name, _ in CASES]
    if len(set(names)) != len(names):
        raise ValueError("case names must be unique")
    return {
        "sklearn_version": sklearn.__version__,
        "vectors": [vector(name, text) for name, text in CASES],
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as written: insertion order kept, never sorted."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(dumps(vectors()), encoding="utf-8")
    print(f"wrote {len(CASES)} vectors to {OUTPUT}")


if __name__ == "__main__":
    main()
