import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PRICES = Path(__file__).resolve().parents[2] / "examples" / "monorepo" / "prices"


def run_schema(
    *entrypoints: str, cwd: Path, home: Path
) -> subprocess.CompletedProcess[str]:
    # The command runs in an image with no Prefect settings, so none of the
    # developer's (a server URL, a profile) may decide what it prints.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "flowpush_runtime", "schema", *entrypoints],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the tests read the exit code themselves
    )


@pytest.fixture(scope="module")
def prices_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = run_schema(
        "flows/train.py:train_grid",
        cwd=PRICES,
        home=tmp_path_factory.mktemp("prefect-home"),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_schema_reports_the_directory_it_ran_in(
    prices_schema: dict[str, Any],
) -> None:
    assert prices_schema["workdir"] == str(PRICES)


def test_schema_reports_each_flow_by_its_prefect_name(
    prices_schema: dict[str, Any],
) -> None:
    assert [flow["name"] for flow in prices_schema["flows"]] == ["train-grid"]
    assert prices_schema["flows"][0]["entrypoint"] == "flows/train.py:train_grid"


def test_the_grid_parameter_defaults_to_the_tasks_keyword_defaults(
    prices_schema: dict[str, Any],
) -> None:
    schema = prices_schema["flows"][0]["parameter_schema"]

    assert schema["properties"]["grid"]["default"] == {"b": [1], "c": [2]}


def test_a_flow_that_fails_to_import_exits_1_with_the_error_on_stderr(
    tmp_path: Path,
) -> None:
    message = "flowpush-test: no module named 'pandas_that_is_not_there'"
    (tmp_path / "broken.py").write_text(f"raise ImportError({message!r})\n")

    result = run_schema("broken.py:train", cwd=tmp_path, home=tmp_path / "home")

    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert "flowpush-runtime:" in result.stderr
    assert "Traceback" in result.stderr
